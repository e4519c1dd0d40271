"""What the customer part still lacks before an order can be placed, and what the order
keeps of it (the snapshot: the data and each consent answer with its exact text)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.checkout.customer.errors import CustomerDataMissing
from shopkeeper.checkout.customer.language import text_in
from shopkeeper.checkout.customer.models import Consent, ConsentAcceptance, ConsentVersion
from shopkeeper.checkout.customer.repository import CustomerRepository
from shopkeeper.checkout.customer.schemas import (
    CustomerSnapshot,
    InvoiceData,
    SnapshotConsent,
)


@dataclass(frozen=True)
class Readiness:
    """What the customer part lacks, and (given the data) what the order would keep of it."""

    blockers: list[str]
    snapshot: CustomerSnapshot | None


async def finalize_blockers(
    session: AsyncSession, *, shop_id: uuid.UUID, cart_id: uuid.UUID
) -> list[str]:
    """ "customer_data" when none was given, and "consent:<code>" for each required active
    consent not accepted at its current version (in the consents' order)."""
    repo = CustomerRepository(session)
    given = await repo.customer_data(shop_id, cart_id) is not None
    required = [c for c in await repo.consents(shop_id, active=True) if c.required]
    if not required:
        return [] if given else ["customer_data"]
    current = await repo.current_versions(shop_id, (c.id for c in required))
    return _blockers(given, required, current, await repo.acceptances(shop_id, cart_id))


async def customer_snapshot(
    session: AsyncSession, *, shop_id: uuid.UUID, cart_id: uuid.UUID
) -> CustomerSnapshot:
    """The customer data and every consent answer of the cart, each with the exact text the
    shopper answered, in the language they read it (CustomerDataMissing without data)."""
    found = await customer_readiness(session, shop_id=shop_id, cart_id=cart_id)
    if found.snapshot is None:
        raise CustomerDataMissing()
    return found.snapshot


async def customer_readiness(
    session: AsyncSession, *, shop_id: uuid.UUID, cart_id: uuid.UUID
) -> Readiness:
    """`finalize_blockers` and `customer_snapshot` from one read of the rows both need (what
    finalising asks, in one transaction)."""
    repo = CustomerRepository(session)
    data = await repo.customer_data(shop_id, cart_id)
    consents = await repo.consents(shop_id)
    answers = await repo.acceptances(shop_id, cart_id)
    required = [c for c in consents if c.active and c.required]
    current = await repo.current_versions(shop_id, {*answers, *(c.id for c in required)})
    blockers = _blockers(data is not None, required, current, answers)
    if data is None:
        return Readiness(blockers, None)
    answered = await repo.versions_by_id(shop_id, (a.version_id for a in answers.values()))
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
    return Readiness(blockers, CustomerSnapshot(
        email=data.email, phone=data.phone, name=data.name,
        invoice=InvoiceData.model_construct(**data.invoice) if data.invoice else None,
        consents=snapshot,
    ))  # fmt: skip


def _blockers(
    given: bool, required: list[Consent], current: dict[uuid.UUID, ConsentVersion],
    answers: dict[uuid.UUID, ConsentAcceptance],
) -> list[str]:  # fmt: skip
    blockers = [] if given else ["customer_data"]
    for consent in required:
        answer = answers.get(consent.id)
        if not (answer and answer.accepted and answer.version_id == current[consent.id].id):
            blockers.append(f"consent:{consent.code}")
    return blockers
