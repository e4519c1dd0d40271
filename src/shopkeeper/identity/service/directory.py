"""Customers as staff look them up: searched by name or any identity, and a label per customer
for lists of orders and the like."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.identity.customer_repository import CustomerRepository, TagRepository
from shopkeeper.identity.errors import InvalidIdentity
from shopkeeper.identity.schemas import CustomerRead, IdentityKind
from shopkeeper.identity.service.customers import customer_read, normalise_identity
from shopkeeper.kit.pagination import Page


async def customer_labels(
    session: AsyncSession, *, shop_id: uuid.UUID, customer_ids: Iterable[uuid.UUID | None]
) -> dict[uuid.UUID, str]:
    """A label per known customer: the display name, else their oldest identity (an email,
    a phone, `telegram 4242`); at most two queries whatever the number of customers."""
    wanted = sorted({cid for cid in customer_ids if cid is not None})
    if not wanted:
        return {}
    repo = CustomerRepository(session)
    labels = await repo.names(shop_id, wanted)
    nameless = [cid for cid, name in labels.items() if not name]
    if nameless:
        for cid, identity in (await repo.first_identities(shop_id, nameless)).items():
            labels[cid] = _identity_label(identity.kind, identity.value)
    return labels


def _identity_label(kind: str, value: str) -> str:
    return value if kind in ("email", "phone") else f"{kind} {value}"


async def search_customers(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    query: str | None = None,
    limit: int = 25,
    offset: int = 0,
    count_up_to: int = 10_000,
) -> Page[CustomerRead]:
    """Newest first; with `query`, those who have it as an identity in any of its written
    forms (`+48 600-100-200`, `Ola@Example.com`), and either those one of whose identities
    starts with it (when it has "@", "+" or a digit: an email, a phone, a Telegram or Discord
    id) or those whose name holds it (otherwise). `total` stops counting one past
    `count_up_to`."""
    text = (query or "").strip()[:320]
    repo = CustomerRepository(session)
    rows, total = await repo.search(
        shop_id,
        text,
        _exact_forms(text),
        limit=limit,
        offset=offset,
        count_up_to=count_up_to,
        kinds=[kind.value for kind in IdentityKind],
    )
    ids = [row.id for row in rows]
    identities = await repo.identities_of(ids) if ids else {}
    tags = await TagRepository(session).of_many(ids) if ids else {}
    items = [customer_read(row, identities.get(row.id, []), tags.get(row.id, [])) for row in rows]
    return Page[CustomerRead](items=items, total=total, limit=limit, offset=offset)


def _exact_forms(text: str) -> list[tuple[str, str]]:
    """Every identity `text` can be once written the canonical way."""
    forms = []
    for kind in IdentityKind:
        try:
            canonical, value = normalise_identity(kind, text)
        except InvalidIdentity:
            continue
        forms.append((canonical.value, value))
    return forms
