"""Staff's notes on a customer: written once (audited), read newest first, kept on merges."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit
from shopkeeper.audit import Actor
from shopkeeper.errors import Unprocessable
from shopkeeper.identity.customer_repository import NoteRepository
from shopkeeper.identity.models import CustomerNote
from shopkeeper.identity.schemas import CustomerNoteRead
from shopkeeper.identity.service.tags import locked_customer
from shopkeeper.kit.ids import new_id

NOTE_LIMIT = 2000


async def add_note(
    session: AsyncSession, *, shop_id: uuid.UUID, customer_id: uuid.UUID, body: str,
    actor: Actor, now: datetime,
) -> CustomerNoteRead:  # fmt: skip
    """A note on the surviving customer, signed with the actor's label (422 when empty)."""
    body = body.strip()
    if not body or len(body) > NOTE_LIMIT:
        raise Unprocessable(f"A note has 1 to {NOTE_LIMIT} characters")
    customer_id = await locked_customer(session, shop_id, customer_id)
    note = CustomerNote(id=new_id(), shop_id=shop_id, customer_id=customer_id,
                        author_label=actor.label, body=body, created_at=now)  # fmt: skip
    NoteRepository(session).add(note)
    await session.flush()
    await audit.record(
        session, actor=actor, shop_id=shop_id, action="customer.note_added",
        target_type="customer", target_id=customer_id, after={"note": body}, now=now,
    )  # fmt: skip
    return CustomerNoteRead.model_validate(note)


async def list_notes(
    session: AsyncSession, *, shop_id: uuid.UUID, customer_id: uuid.UUID, limit: int = 100
) -> list[CustomerNoteRead]:
    rows = await NoteRepository(session).of(shop_id, customer_id, limit)
    return [CustomerNoteRead.model_validate(row) for row in rows]
