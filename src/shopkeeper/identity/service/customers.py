"""Customers of a shop and their linked identities; linking a known identity merges records
(the survivor takes the other's identities and tags)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit, bus
from shopkeeper.audit import Actor
from shopkeeper.errors import Unprocessable
from shopkeeper.identity.customer_repository import (
    CustomerRepository,
    NoteRepository,
    TagRepository,
)
from shopkeeper.identity.errors import CustomerNotFound, InvalidIdentity
from shopkeeper.identity.events import CustomersMerged
from shopkeeper.identity.models import Customer, CustomerIdentity
from shopkeeper.identity.policy import valid_email
from shopkeeper.identity.schemas import CustomerIdentityRead, CustomerRead, IdentityKind
from shopkeeper.kit.ids import new_id

_USER_ID = re.compile(r"^\d{1,20}$")
_PHONE_NOISE = re.compile(r"[\s\-().]")
MAX_MERGE_HOPS = 16


def normalise_identity(kind: IdentityKind | str, value: str) -> tuple[IdentityKind, str]:
    """Canonical form: platform user ids as digits, email lowercase, phone `+<digits>`."""
    try:
        kind = IdentityKind(kind)
    except ValueError:
        raise InvalidIdentity(f"Unknown identity kind {kind!r}") from None
    value = str(value).strip()
    if kind in (IdentityKind.TELEGRAM, IdentityKind.DISCORD):
        if not _USER_ID.match(value):
            raise InvalidIdentity(f"A {kind.value} user id is a number, got {value!r}")
        return kind, str(int(value))
    if kind is IdentityKind.EMAIL:
        try:
            return kind, valid_email(value)
        except Unprocessable as exc:
            raise InvalidIdentity(exc.detail) from None
    return kind, _phone(value)


def _phone(value: str) -> str:
    digits = _PHONE_NOISE.sub("", value)
    if digits.startswith("00"):
        digits = digits[2:]
    digits = digits.removeprefix("+")
    if not digits.isdigit() or not 8 <= len(digits) <= 15:
        raise InvalidIdentity(f"Not a phone number in international form: {value!r}")
    return "+" + digits


async def find_or_create_customer(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    kind: IdentityKind | str,
    value: str,
    display_name: str = "",
    language: str | None = None,
    now: datetime,
) -> CustomerRead:
    """The customer known by this identity, or a new one carrying it."""
    repo = CustomerRepository(session)
    found = await _found_or_created(repo, shop_id, kind, value, display_name, language, now)
    return await _read(repo, found)


async def find_or_create_customer_id(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    kind: IdentityKind | str,
    value: str,
    display_name: str = "",
    now: datetime,
) -> uuid.UUID:
    """`find_or_create_customer` for a caller that needs only the id (two statements fewer)."""
    repo = CustomerRepository(session)
    return (await _found_or_created(repo, shop_id, kind, value, display_name, None, now)).id


async def _found_or_created(
    repo: CustomerRepository, shop_id: uuid.UUID, kind: IdentityKind | str, value: str,
    display_name: str, language: str | None, now: datetime,
) -> Customer:  # fmt: skip
    kind, value = normalise_identity(kind, value)
    found = await repo.find_identity(shop_id, kind.value, value)
    if found is None:
        customer = Customer(
            id=new_id(),
            shop_id=shop_id,
            display_name=display_name.strip()[:200],
            language=language,
            created_at=now,
            updated_at=now,
        )
        carried = _identity(shop_id, customer, kind, value, now)
        if await _try_insert(repo.session, customer, carried):
            return customer
        found = await repo.find_identity(shop_id, kind.value, value)
        if found is None:
            raise CustomerNotFound()
    return await _survivor(repo, shop_id, found.customer_id)


async def find_customer(
    session: AsyncSession, *, shop_id: uuid.UUID, kind: IdentityKind | str, value: str
) -> CustomerRead | None:
    """The customer known by this identity, or None (nothing is created: a read)."""
    kind, value = normalise_identity(kind, value)
    found = await CustomerRepository(session).find_identity(shop_id, kind.value, value)
    if found is None:
        return None
    return await get_customer(session, shop_id=shop_id, customer_id=found.customer_id)


async def get_customer(
    session: AsyncSession, *, shop_id: uuid.UUID, customer_id: uuid.UUID
) -> CustomerRead:
    """The customer, following merges: a merged-away id yields the surviving record."""
    repo = CustomerRepository(session)
    return await _read(repo, await _survivor(repo, shop_id, customer_id))


async def surviving_customer_id(
    session: AsyncSession, *, shop_id: uuid.UUID, customer_id: uuid.UUID
) -> uuid.UUID:
    """The customer's id, or the surviving record's if it was merged (CustomerNotFound)."""
    return (await _survivor(CustomerRepository(session), shop_id, customer_id)).id


async def link_identity(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    customer_id: uuid.UUID,
    kind: IdentityKind | str,
    value: str,
    now: datetime,
) -> CustomerRead:
    """Attach an identity; if another customer has it, the two merge (the older survives)."""
    kind, value = normalise_identity(kind, value)
    repo = CustomerRepository(session)
    customer = await _survivor(repo, shop_id, customer_id)
    existing = await repo.find_identity(shop_id, kind.value, value)
    if existing is None:
        row = _identity(shop_id, customer, kind, value, now)
        if await _try_insert(session, row):
            return await _read(repo, customer)
        existing = await repo.find_identity(shop_id, kind.value, value)
        if existing is None:
            raise CustomerNotFound()
    other = await _survivor(repo, shop_id, existing.customer_id)
    if other.id == customer.id:
        return await _read(repo, customer)
    survivor = await _merge(session, repo, shop_id, (customer.id, other.id), now)
    return await _read(repo, survivor)


async def _merge(
    session: AsyncSession,
    repo: CustomerRepository,
    shop_id: uuid.UUID,
    pair: tuple[uuid.UUID, uuid.UUID],
    now: datetime,
) -> Customer:
    survivor, loser = sorted(
        await repo.lock(shop_id, list(pair)), key=lambda c: (c.created_at, c.id)
    )
    before = {
        "survivor": await _snapshot(repo, survivor),
        "merged": await _snapshot(repo, loser),
    }
    loser.merged_into_id = survivor.id
    loser.updated_at = now
    survivor.display_name = survivor.display_name or loser.display_name
    survivor.language = survivor.language or loser.language
    survivor.updated_at = now
    await session.flush()
    await repo.repoint_merged(loser.id, survivor.id, now)
    await repo.move_identities(loser.id, survivor.id)
    await TagRepository(session).move(loser.id, survivor.id)
    await NoteRepository(session).move(loser.id, survivor.id)
    bus.publish(
        session,
        CustomersMerged(shop_id=shop_id, from_customer_id=loser.id, into_customer_id=survivor.id),
        now=now,
    )
    await audit.record(
        session, actor=Actor.system("identity"), shop_id=shop_id, action="customer.merged",
        target_type="customer", target_id=loser.id, before=before,
        after={"merged_into_id": str(survivor.id)}, now=now,
    )  # fmt: skip
    return survivor


async def _survivor(
    repo: CustomerRepository, shop_id: uuid.UUID, customer_id: uuid.UUID
) -> Customer:
    customer = await repo.get(shop_id, customer_id)
    for _ in range(MAX_MERGE_HOPS):
        if customer is None or customer.merged_into_id is None:
            break
        customer = await repo.get(shop_id, customer.merged_into_id)
    if customer is None or customer.merged_into_id is not None:
        raise CustomerNotFound()
    return customer


async def _try_insert(session: AsyncSession, *rows: Customer | CustomerIdentity) -> bool:
    """Insert under a savepoint; False when a concurrent transaction took the identity first."""
    try:
        async with session.begin_nested():
            for row in rows:
                session.add(row)
                await session.flush()
    except IntegrityError:
        return False
    return True


def _identity(
    shop_id: uuid.UUID, customer: Customer, kind: IdentityKind, value: str, now: datetime
) -> CustomerIdentity:
    return CustomerIdentity(
        shop_id=shop_id, customer_id=customer.id, kind=kind.value, value=value, created_at=now
    )


async def _snapshot(repo: CustomerRepository, customer: Customer) -> dict[str, object]:
    identities = await repo.identities(customer.id)
    return {
        "id": str(customer.id),
        "identities": [f"{i.kind}:{i.value}" for i in identities],
        "tags": await TagRepository(repo.session).of(customer.id),
    }


async def _read(repo: CustomerRepository, customer: Customer) -> CustomerRead:
    identities = await repo.identities(customer.id)
    return customer_read(customer, identities, await TagRepository(repo.session).of(customer.id))


def customer_read(
    row: Customer, identities: Sequence[CustomerIdentity], tags: list[str]
) -> CustomerRead:
    return CustomerRead(
        id=row.id, shop_id=row.shop_id, display_name=row.display_name, language=row.language,
        merged_into_id=row.merged_into_id,
        identities=[CustomerIdentityRead.model_validate(i) for i in identities], tags=tags,
        created_at=row.created_at, updated_at=row.updated_at,
    )  # fmt: skip
