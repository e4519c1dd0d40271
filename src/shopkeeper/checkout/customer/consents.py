"""The shop's consents: list, read, create, change, deactivate (changes audited).

A text is never edited in place: new texts make a new version (numbered 1, 2, ...), so an
answer given to an earlier text stays an answer to that text and no longer counts as one
to the consent's current text. Deactivating keeps the consent and its versions (answers
and placed orders refer to them); it is no longer asked for, and can be turned on again.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit
from shopkeeper.audit import Actor
from shopkeeper.checkout.customer.errors import ConsentCodeTaken, ConsentNotFound
from shopkeeper.checkout.customer.models import Consent, ConsentVersion
from shopkeeper.checkout.customer.repository import CustomerRepository
from shopkeeper.checkout.customer.schemas import (
    ConsentCreate,
    ConsentDetail,
    ConsentRead,
    ConsentUpdate,
    ConsentVersionRead,
)
from shopkeeper.kit.ids import new_id

TARGET = "checkout_consent"


def _version_read(version: ConsentVersion) -> ConsentVersionRead:
    return ConsentVersionRead(
        id=version.id, number=version.number, texts=dict(version.texts),
        created_at=version.created_at,
    )  # fmt: skip


def consent_read(consent: Consent, current: ConsentVersion) -> ConsentRead:
    return ConsentRead(
        id=consent.id, code=consent.code, required=consent.required, active=consent.active,
        position=consent.position, current=_version_read(current),
        created_at=consent.created_at, updated_at=consent.updated_at,
    )  # fmt: skip


async def list_consents(
    session: AsyncSession, *, shop_id: uuid.UUID, active: bool | None = None
) -> list[ConsentRead]:
    """The shop's consents in their order, each with its current text."""
    repo = CustomerRepository(session)
    consents = await repo.consents(shop_id, active=active)
    current = await repo.current_versions(shop_id, (c.id for c in consents))
    return [consent_read(c, current[c.id]) for c in consents]


async def get_consent(
    session: AsyncSession, *, shop_id: uuid.UUID, consent_id: uuid.UUID
) -> ConsentDetail:
    """The consent with every text it ever had, newest first."""
    repo = CustomerRepository(session)
    consent = await _get(repo, shop_id, consent_id)
    versions = await repo.versions(shop_id, consent_id)
    read = consent_read(consent, versions[0])
    return ConsentDetail(**read.model_dump(), versions=[_version_read(v) for v in versions])


async def _get(
    repo: CustomerRepository, shop_id: uuid.UUID, consent_id: uuid.UUID, *, lock: bool = False
) -> Consent:
    consent = await repo.consent(shop_id, consent_id, lock=lock)
    if consent is None:
        raise ConsentNotFound()
    return consent


async def create_consent(
    session: AsyncSession, *, shop_id: uuid.UUID, data: ConsentCreate, actor: Actor,
    now: datetime,
) -> ConsentRead:  # fmt: skip
    repo = CustomerRepository(session)
    if await repo.code_taken(shop_id, data.code):
        raise ConsentCodeTaken(data.code)
    consent = Consent(
        id=new_id(), shop_id=shop_id, code=data.code, required=data.required, active=True,
        position=data.position, created_at=now, updated_at=now,
    )  # fmt: skip
    version = ConsentVersion(
        id=new_id(), consent_id=consent.id, shop_id=shop_id, number=1, texts=data.texts.as_dict(),
        created_at=now,
    )  # fmt: skip
    repo.add(consent)
    try:
        async with session.begin_nested():  # a concurrent create of the code: 409, not 500
            await session.flush()
    except IntegrityError:
        raise ConsentCodeTaken(data.code) from None
    repo.add(version)
    await session.flush()
    read = consent_read(consent, version)
    await audit.record(
        session, actor=actor, shop_id=shop_id, action="checkout_consent.created",
        target_type=TARGET, target_id=consent.id, after=read.model_dump(mode="json"), now=now,
    )  # fmt: skip
    return read


async def update_consent(
    session: AsyncSession, *, shop_id: uuid.UUID, consent_id: uuid.UUID, data: ConsentUpdate,
    actor: Actor, now: datetime,
) -> ConsentRead:  # fmt: skip
    """Apply the changes; texts that differ from the current ones become a new version."""
    repo = CustomerRepository(session)
    consent = await _get(repo, shop_id, consent_id, lock=True)  # one new version at a time
    current = (await repo.current_versions(shop_id, [consent.id]))[consent.id]
    before = consent_read(consent, current)
    for name in ("required", "position", "active"):
        value = getattr(data, name)
        if value is not None:
            setattr(consent, name, value)
    if data.texts is not None and data.texts.as_dict() != current.texts:
        current = ConsentVersion(
            id=new_id(), consent_id=consent.id, shop_id=shop_id, number=current.number + 1,
            texts=data.texts.as_dict(), created_at=now,
        )  # fmt: skip
        repo.add(current)
    after = consent_read(consent, current)
    if after.model_dump(exclude={"updated_at"}) == before.model_dump(exclude={"updated_at"}):
        return before  # nothing changed: no new version, no audit entry
    consent.updated_at = now
    await session.flush()
    after = consent_read(consent, current)
    await audit.record(
        session, actor=actor, shop_id=shop_id, action="checkout_consent.updated",
        target_type=TARGET, target_id=consent.id, before=before.model_dump(mode="json"),
        after=after.model_dump(mode="json"), now=now,
    )  # fmt: skip
    return after


async def deactivate_consent(
    session: AsyncSession, *, shop_id: uuid.UUID, consent_id: uuid.UUID, actor: Actor,
    now: datetime,
) -> ConsentRead:  # fmt: skip
    """No longer asked for (nor a blocker); kept with its versions. Idempotent."""
    repo = CustomerRepository(session)
    consent = await _get(repo, shop_id, consent_id, lock=True)
    current = (await repo.current_versions(shop_id, [consent.id]))[consent.id]
    before = consent_read(consent, current)
    if not consent.active:
        return before
    consent.active = False
    consent.updated_at = now
    await session.flush()
    after = consent_read(consent, current)
    await audit.record(
        session, actor=actor, shop_id=shop_id, action="checkout_consent.deactivated",
        target_type=TARGET, target_id=consent.id, before=before.model_dump(mode="json"),
        after=after.model_dump(mode="json"), now=now,
    )  # fmt: skip
    return after
