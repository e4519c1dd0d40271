"""All SQL of broadcasts: the broadcast rows, the recipient snapshot, claims with a lease,
saved audiences."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.notifications.broadcasts.models import (
    Broadcast,
    BroadcastRecipient,
    SavedAudience,
)
from shopkeeper.notifications.models import NotificationMessage

R = BroadcastRecipient


@dataclass(frozen=True)
class Claimed:
    customer_id: uuid.UUID
    chat_id: int
    attempts: int


class BroadcastRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, broadcast: Broadcast) -> Broadcast:
        self.session.add(broadcast)
        return broadcast

    async def get(
        self, shop_id: uuid.UUID, broadcast_id: uuid.UUID, *, lock: bool = False
    ) -> Broadcast | None:
        query = select(Broadcast).where(Broadcast.shop_id == shop_id, Broadcast.id == broadcast_id)
        if lock:
            query = query.with_for_update()
        return await self.session.scalar(query)

    async def by_id(self, broadcast_id: uuid.UUID) -> Broadcast | None:
        return await self.session.get(Broadcast, broadcast_id, populate_existing=True)

    async def page(
        self, shop_id: uuid.UUID, *, status: str | None, limit: int, offset: int
    ) -> tuple[list[Broadcast], int]:
        where = [Broadcast.shop_id == shop_id]
        if status is not None:
            where.append(Broadcast.status == status)
        total = await self.session.scalar(select(func.count()).select_from(Broadcast).where(*where))
        query = (
            select(Broadcast)
            .where(*where)
            .order_by(Broadcast.created_at.desc(), Broadcast.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return list(await self.session.scalars(query)), int(total or 0)

    async def ids_with_status(self, status: str) -> list[uuid.UUID]:
        query = select(Broadcast.id).where(Broadcast.status == status)
        return list(await self.session.scalars(query))

    async def due(self, now: datetime) -> list[uuid.UUID]:
        query = select(Broadcast.id).where(
            Broadcast.status == "scheduled", Broadcast.scheduled_at <= now
        )
        return list(await self.session.scalars(query))

    async def move(self, broadcast_id: uuid.UUID, *, before: Sequence[str], **values: Any) -> bool:
        """Set `values` when the status is one of `before` (a conditional UPDATE: one wins)."""
        result = await self.session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id, Broadcast.status.in_(before))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))

    async def count_up(self, broadcast_id: uuid.UUID, **deltas: int) -> None:
        values = {name: getattr(Broadcast, name) + n for name, n in deltas.items() if n}
        if values:
            await self.session.execute(
                update(Broadcast)
                .where(Broadcast.id == broadcast_id)
                .values(**values)
                .execution_options(synchronize_session=False)
            )


class SavedAudienceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: SavedAudience) -> SavedAudience:
        self.session.add(row)
        return row

    async def get(
        self, shop_id: uuid.UUID, audience_id: uuid.UUID, *, lock: bool = False
    ) -> SavedAudience | None:
        query = select(SavedAudience).where(
            SavedAudience.shop_id == shop_id, SavedAudience.id == audience_id
        )
        if lock:
            query = query.with_for_update()
        return await self.session.scalar(query)

    async def named(self, shop_id: uuid.UUID, name: str) -> SavedAudience | None:
        query = select(SavedAudience).where(
            SavedAudience.shop_id == shop_id, SavedAudience.name == name
        )
        return await self.session.scalar(query)

    async def all(self, shop_id: uuid.UUID) -> list[SavedAudience]:
        query = (
            select(SavedAudience)
            .where(SavedAudience.shop_id == shop_id)
            .order_by(SavedAudience.name, SavedAudience.id)
        )
        return list(await self.session.scalars(query))

    async def users(self, shop_id: uuid.UUID, audience_id: uuid.UUID) -> list[Broadcast]:
        """Broadcasts not yet started (draft, scheduled) whose audience is this one."""
        query = (
            select(Broadcast)
            .where(
                Broadcast.shop_id == shop_id,
                Broadcast.status.in_(("draft", "scheduled")),
                Broadcast.audience["kind"].as_string() == "saved",
                Broadcast.audience["audience_id"].as_string() == str(audience_id),
            )
            .order_by(Broadcast.created_at, Broadcast.id)
        )
        return list(await self.session.scalars(query))

    async def delete(self, row: SavedAudience) -> None:
        await self.session.delete(row)


class RecipientRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def insert(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self.session.execute(_insert(self.session).values(rows).on_conflict_do_nothing())

    async def claim(
        self,
        broadcast_id: uuid.UUID,
        *,
        worker: str,
        now: datetime,
        until: datetime,
        limit: int,
    ) -> list[Claimed]:
        """Take up to `limit` pending recipients (or ones whose lease ran out) for `worker`."""
        claimable = or_(R.status == "pending", and_(R.status == "claimed", R.claimed_until < now))
        pick = select(R.customer_id).where(R.broadcast_id == broadcast_id, claimable).limit(limit)
        if self.session.get_bind().dialect.name == "postgresql":
            # A CTE runs once; `IN (subquery … LIMIT)` may be re-run by the planner and take more.
            picked = pick.with_for_update(skip_locked=True).cte("picked")
            chosen = R.customer_id == picked.c.customer_id
        else:
            chosen = R.customer_id.in_(pick.scalar_subquery())
        stmt = (
            update(R)
            .where(R.broadcast_id == broadcast_id, chosen, claimable)
            .values(status="claimed", claimed_by=worker, claimed_until=until)
            .returning(R.customer_id, R.chat_id, R.attempts)
            .execution_options(synchronize_session=False)
        )
        return [Claimed(*row) for row in (await self.session.execute(stmt)).all()]

    async def settle_many(
        self, broadcast_id: uuid.UUID, *, worker: str, outcomes: list[dict[str, Any]]
    ) -> set[uuid.UUID]:
        """Record many outcomes (`customer_id`, `status`, `error`, `attempts`, `sent_at`,
        `message_id` each) in one executemany; the ids still claimed by `worker`, settled."""
        if not outcomes:
            return set()
        held = select(R.customer_id).where(
            R.broadcast_id == broadcast_id,
            R.status == "claimed",
            R.claimed_by == worker,
            R.customer_id.in_([o["customer_id"] for o in outcomes]),
        )
        mine = set(await self.session.scalars(held))
        table = R.__table__
        stmt = (
            table.update()  # type: ignore[attr-defined]
            .where(
                table.c.broadcast_id == broadcast_id,
                table.c.customer_id == bindparam("p_customer"),
                table.c.status == "claimed",
                table.c.claimed_by == worker,
            )
            .values(
                status=bindparam("p_status"), error=bindparam("p_error"),
                attempts=bindparam("p_attempts"), sent_at=bindparam("p_sent_at"),
                message_id=bindparam("p_message_id"), claimed_by=None, claimed_until=None,
            )
        )  # fmt: skip
        params = [
            {"p_customer": o["customer_id"], "p_status": o["status"], "p_error": o["error"],
             "p_attempts": o["attempts"], "p_sent_at": o["sent_at"],
             "p_message_id": o["message_id"]}
            for o in outcomes
            if o["customer_id"] in mine
        ]  # fmt: skip
        if params:
            await self.session.execute(stmt, params)
        return mine

    async def open_count(self, broadcast_id: uuid.UUID) -> int:
        query = select(func.count()).where(
            R.broadcast_id == broadcast_id, R.status.in_(("pending", "claimed"))
        )
        return int(await self.session.scalar(query) or 0)

    async def counts(self, broadcast_id: uuid.UUID) -> dict[str, int]:
        query = (
            select(R.status, func.count()).where(R.broadcast_id == broadcast_id).group_by(R.status)
        )
        return {status: int(n) for status, n in (await self.session.execute(query)).all()}

    async def release_all(self, broadcast_id: uuid.UUID, *, status: str) -> int:
        """Close every open recipient (a cancel: `skipped`)."""
        result = await self.session.execute(
            update(R)
            .where(R.broadcast_id == broadcast_id, R.status.in_(("pending", "claimed")))
            .values(status=status, claimed_by=None, claimed_until=None)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)


async def log_messages(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Delivery-log entries; a message already logged (a repeat after a crash) stays as it is.

    One statement executed for many rows: compiled once and cached, where `.values(rows)`
    compiles a fresh statement of rows × columns parameters for every batch (~15 ms of the
    event loop per 100 rows on SQLite, which runs in place: no send goes out meanwhile)."""
    if rows:
        table = NotificationMessage.__table__
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        await session.execute(dialect.insert(table).on_conflict_do_nothing(), rows)


def _insert(session: AsyncSession) -> Any:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(BroadcastRecipient)
