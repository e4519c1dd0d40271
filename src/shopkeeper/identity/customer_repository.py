"""All SQL of customers, their linked identities and their tags."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.identity.models import Customer, CustomerIdentity, CustomerNote, CustomerTag

_IDENTITY_LIKE = re.compile(r"[@+0-9]")
_PHONE_SEPARATORS = re.compile(r"[\s\-().]")


def _prefixes(text: str) -> set[str]:
    """The starts of canonical identities `text` may be: as typed (lowercase: emails are
    kept so), and without a phone number's spaces, dashes and brackets."""
    lowered = text.lower()
    return {p for p in (lowered, _PHONE_SEPARATORS.sub("", lowered)) if p}


class CustomerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: Customer | CustomerIdentity) -> None:
        self.session.add(row)

    async def get(self, shop_id: uuid.UUID, customer_id: uuid.UUID) -> Customer | None:
        stmt = select(Customer).where(Customer.shop_id == shop_id, Customer.id == customer_id)
        return await self.session.scalar(stmt)

    async def lock(self, shop_id: uuid.UUID, customer_ids: list[uuid.UUID]) -> list[Customer]:
        """Lock the rows in id order (PostgreSQL) so concurrent merges cannot interleave."""
        stmt = (
            select(Customer)
            .where(Customer.shop_id == shop_id, Customer.id.in_(customer_ids))
            .order_by(Customer.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return list(await self.session.scalars(stmt))

    async def names(self, shop_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
        # Found by id alone and the shop checked here: with the shop in the query a planner
        # may walk the shop's whole index instead of looking up 25 keys.
        stmt = select(Customer.id, Customer.shop_id, Customer.display_name).where(
            Customer.id.in_(ids)
        )
        rows = await self.session.execute(stmt)
        return {row.id: row.display_name for row in rows if row.shop_id == shop_id}

    async def first_identities(
        self, shop_id: uuid.UUID, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, CustomerIdentity]:
        """Each customer's oldest identity."""
        stmt = (
            select(CustomerIdentity)
            .where(CustomerIdentity.customer_id.in_(ids))
            .order_by(CustomerIdentity.created_at.desc(), CustomerIdentity.id.desc())
        )
        rows = await self.session.scalars(stmt)
        return {row.customer_id: row for row in rows if row.shop_id == shop_id}

    async def search(
        self, shop_id: uuid.UUID, text: str, exact: Sequence[tuple[str, str]], *, limit: int,
        offset: int, count_up_to: int, kinds: Sequence[str] = (),
    ) -> tuple[list[Customer], int]:  # fmt: skip
        """Live customers (not merged away), newest first: all, or those whose name holds
        `text` or who have one of `exact`; when `text` has "@", "+" or a digit, not a name but
        those who have one of `exact` or an identity (of `kinds`) starting with it."""
        where: list[Any] = [Customer.shop_id == shop_id, Customer.merged_into_id.is_(None)]
        if text:
            matches: list[ColumnElement[bool]] = [
                (CustomerIdentity.kind == k) & (CustomerIdentity.value == v) for k, v in exact
            ]
            identity_like = bool(_IDENTITY_LIKE.search(text))
            if identity_like:  # an address or a number's start: read from the index by range
                matches.extend(
                    self._starting_with(kind, prefix)
                    for kind in kinds
                    for prefix in _prefixes(text)
                )
            known = select(CustomerIdentity.customer_id).where(
                CustomerIdentity.shop_id == shop_id, or_(*matches)
            )
            if identity_like:  # not a name: every customer's name is not worth scanning
                where.append(Customer.id.in_(known))
            else:
                pattern = "%" + _escaped(text.lower()) + "%"
                name = func.lower(Customer.display_name).like(pattern, escape="\\")
                where.append(or_(name, Customer.id.in_(known)) if matches else name)
        counted = select(Customer.id).where(*where).limit(count_up_to + 1).subquery()
        total = await self.session.scalar(select(func.count()).select_from(counted))
        stmt = (
            select(Customer)
            .where(*where)
            .order_by(Customer.created_at.desc(), Customer.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return list(await self.session.scalars(stmt)), int(total or 0)

    def _starting_with(self, kind: str, prefix: str) -> ColumnElement[bool]:
        """Identities of `kind` whose canonical value starts with `prefix`: an index range."""
        value = CustomerIdentity.value
        starts: ColumnElement[bool]
        if self.session.get_bind().dialect.name == "postgresql":
            starts = value.like(_escaped(prefix) + "%", escape="\\")
        else:  # SQLite compares by bytes: the values from the prefix up to its successor
            starts = (value >= prefix) & (value < prefix[:-1] + chr(ord(prefix[-1]) + 1))
        return (CustomerIdentity.kind == kind) & starts

    async def identities_of(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[CustomerIdentity]]:
        stmt = (
            select(CustomerIdentity)
            .where(CustomerIdentity.customer_id.in_(ids))
            .order_by(CustomerIdentity.created_at, CustomerIdentity.id)
        )
        found: dict[uuid.UUID, list[CustomerIdentity]] = {}
        for row in await self.session.scalars(stmt):
            found.setdefault(row.customer_id, []).append(row)
        return found

    async def find_identity(
        self, shop_id: uuid.UUID, kind: str, value: str
    ) -> CustomerIdentity | None:
        stmt = select(CustomerIdentity).where(
            CustomerIdentity.shop_id == shop_id,
            CustomerIdentity.kind == kind,
            CustomerIdentity.value == value,
        )
        return await self.session.scalar(stmt)

    async def identities(self, customer_id: uuid.UUID) -> Sequence[CustomerIdentity]:
        stmt = (
            select(CustomerIdentity)
            .where(CustomerIdentity.customer_id == customer_id)
            .order_by(CustomerIdentity.created_at, CustomerIdentity.id)
        )
        return (await self.session.scalars(stmt)).all()

    async def move_identities(self, from_id: uuid.UUID, into_id: uuid.UUID) -> None:
        stmt = (
            update(CustomerIdentity)
            .where(CustomerIdentity.customer_id == from_id)
            .values(customer_id=into_id)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(stmt)

    async def repoint_merged(self, from_id: uuid.UUID, into_id: uuid.UUID, now: object) -> None:
        """Customers merged earlier into `from_id` now point straight at the survivor."""
        stmt = (
            update(Customer)
            .where(Customer.merged_into_id == from_id)
            .values(merged_into_id=into_id, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(stmt)


class TagRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def of_many(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
        stmt = select(CustomerTag.customer_id, CustomerTag.tag).where(
            CustomerTag.customer_id.in_(ids)
        )
        found: dict[uuid.UUID, list[str]] = {}
        for customer_id, tag in (await self.session.execute(stmt)).all():
            found.setdefault(customer_id, []).append(tag)
        return {cid: sorted(tags) for cid, tags in found.items()}

    async def of(self, customer_id: uuid.UUID) -> list[str]:
        stmt = select(CustomerTag.tag).where(CustomerTag.customer_id == customer_id)
        return sorted(await self.session.scalars(stmt))

    async def add(self, row: CustomerTag) -> bool:
        """Insert unless the customer has the tag already; True when a row was added."""
        dialect = postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
        values = {c: getattr(row, c) for c in ("id", "shop_id", "customer_id", "tag", "created_at")}
        stmt = dialect.insert(CustomerTag).values(**values).on_conflict_do_nothing()
        result = await self.session.execute(stmt)
        return bool(getattr(result, "rowcount", 0))

    async def remove(self, shop_id: uuid.UUID, customer_id: uuid.UUID, tag: str) -> bool:
        stmt = delete(CustomerTag).where(
            CustomerTag.shop_id == shop_id,
            CustomerTag.customer_id == customer_id,
            CustomerTag.tag == tag,
        )
        return bool(getattr(await self.session.execute(stmt), "rowcount", 0))

    async def usage(self, shop_id: uuid.UUID) -> list[tuple[str, int]]:
        stmt = (
            select(CustomerTag.tag, func.count())
            .where(CustomerTag.shop_id == shop_id)
            .group_by(CustomerTag.tag)
            .order_by(CustomerTag.tag)
        )
        return [(tag, int(n)) for tag, n in (await self.session.execute(stmt)).all()]

    async def customers_with(
        self, shop_id: uuid.UUID, tags: Sequence[str], *, every: bool
    ) -> set[uuid.UUID]:
        """Customers with any of `tags`, or (`every`) with all of them."""
        stmt = (
            select(CustomerTag.customer_id)
            .where(CustomerTag.shop_id == shop_id, CustomerTag.tag.in_(list(tags)))
            .group_by(CustomerTag.customer_id)
        )
        if every:
            stmt = stmt.having(func.count(func.distinct(CustomerTag.tag)) == len(set(tags)))
        return set(await self.session.scalars(stmt))

    async def move(self, from_id: uuid.UUID, into_id: uuid.UUID) -> None:
        """The survivor of a merge gets the union of both customers' tags, each once."""
        kept = set(await self.of(into_id))
        moving = [tag for tag in await self.of(from_id) if tag not in kept]
        if moving:
            await self.session.execute(
                update(CustomerTag)
                .where(CustomerTag.customer_id == from_id, CustomerTag.tag.in_(moving))
                .values(customer_id=into_id)
                .execution_options(synchronize_session=False)
            )
        await self.session.execute(delete(CustomerTag).where(CustomerTag.customer_id == from_id))


class NoteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, note: CustomerNote) -> None:
        self.session.add(note)

    async def of(
        self, shop_id: uuid.UUID, customer_id: uuid.UUID, limit: int
    ) -> list[CustomerNote]:
        stmt = (
            select(CustomerNote)
            .where(CustomerNote.shop_id == shop_id, CustomerNote.customer_id == customer_id)
            .order_by(CustomerNote.created_at.desc(), CustomerNote.id.desc())
            .limit(limit)
        )
        return list(await self.session.scalars(stmt))

    async def move(self, from_id: uuid.UUID, into_id: uuid.UUID) -> None:
        stmt = (
            update(CustomerNote)
            .where(CustomerNote.customer_id == from_id)
            .values(customer_id=into_id)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(stmt)


def _escaped(text: str) -> str:
    """`text` for a LIKE pattern: its own % and _ match only themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
