"""What the customer part still lacks before an order can be placed, and what the order
keeps of it (the snapshot: the data and each consent answer with its exact text)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.checkout.customer.errors import CustomerDataMissing
from shopkeeper.checkout.customer.language import text_in
from shopkeeper.checkout.customer.repository import CustomerRepository
from shopkeeper.checkout.customer.schemas import (
    CustomerSnapshot,
    InvoiceData,
    SnapshotConsent,
)


async def finalize_blockers(
    session: AsyncSession, *, shop_id: uuid.UUID, cart_id: uuid.UUID
) -> list[str]:
    """ "customer_data" when none was given, and "consent:<code>" for each required active
    consent not accepted at its current version (in the consents' order)."""
    repo = CustomerRepository(session)
    blockers = []
    if await repo.customer_data(shop_id, cart_id) is None:
        blockers.append("customer_data")
    required = [c for c in await repo.consents(shop_id, active=True) if c.required]
    if not required:
        return blockers
    current = await repo.current_versions(shop_id, (c.id for c in required))
    answers = await repo.acceptances(shop_id, cart_id)
    for consent in required:
        answer = answers.get(consent.id)
        if not (answer and answer.accepted and answer.version_id == current[consent.id].id):
            blockers.append(f"consent:{consent.code}")
    return blockers


async def customer_snapshot(
    session: AsyncSession, *, shop_id: uuid.UUID, cart_id: uuid.UUID
) -> CustomerSnapshot:
    """The customer data and every consent answer of the cart, each with the exact text the
    shopper answered, in the language they read it (CustomerDataMissing without data)."""
    repo = CustomerRepository(session)
    data = await repo.customer_data(shop_id, cart_id)
    if data is None:
        raise CustomerDataMissing()
    consents = await repo.consents(shop_id)
    answers = await repo.acceptances(shop_id, cart_id)
    answered = await repo.versions_by_id(shop_id, (a.version_id for a in answers.values()))
    current = await repo.current_versions(shop_id, answers)
    snapshot = []
    for consent in consents:
        if (answer := answers.get(consent.id)) is None:
            continue
        version = answered[answer.version_id]
        language, text = text_in(version.texts, answer.language, fallback=answer.language)
        snapshot.append(
            SnapshotConsent(
                code=consent.code, consent_id=consent.id, version_id=version.id,
                version=version.number, required=consent.required, accepted=answer.accepted,
                current=current[consent.id].id == version.id, at=answer.at,
                language=language, text=text,
            )
        )  # fmt: skip
    return CustomerSnapshot(
        email=data.email, phone=data.phone, name=data.name,
        invoice=InvoiceData.model_construct(**data.invoice) if data.invoice else None,
        consents=snapshot,
    )  # fmt: skip
