"""`publish(session, event)`: an outbox row in the caller's transaction, nothing more.

The rows a transaction publishes wait in the session and are written together by one
multi-row INSERT just before it commits; the events of a savepoint rolled back before that
are dropped with it. On PostgreSQL the same statement signals the relays of every process
(`pg_notify`, delivered only if the transaction commits; see `bus.wakeup`), so publishing
costs one statement per transaction, however many events it has.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, event, func, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from shopkeeper.bus.events import Event
from shopkeeper.bus.models import OutboxEvent
from shopkeeper.bus.wakeup import CHANNEL, PUBLISHED
from shopkeeper.kit.context import correlation_id
from shopkeeper.kit.ids import new_id

_PENDING = "shopkeeper_outbox_pending"
_OUTBOX = cast(Table, OutboxEvent.__table__)
_INSERT = {
    "postgresql": insert(_OUTBOX).returning(func.pg_notify(CHANNEL, "")),
    "sqlite": insert(_OUTBOX),
}
# A pending row: the innermost savepoint open when it was published (None: none) and values.
_Pending = tuple[SessionTransaction | None, dict[str, Any]]


def publish(session: AsyncSession | Session, event: Event, *, now: datetime | None = None) -> None:
    """Add `event` to the outbox in the caller's transaction: delivered only if it commits."""
    sync = session.sync_session if isinstance(session, AsyncSession) else session
    if sync.get_transaction() is None:
        sync.begin()  # so that the rows end with a transaction even if none was begun yet
    pending: list[_Pending] = sync.info.setdefault(_PENDING, [])
    pending.append((sync.get_nested_transaction(), {
        "event_id": new_id(), "name": type(event).name, "topic": type(event).topic(),
        "key": event.key(), "payload": event.model_dump(mode="json"),
        "correlation_id": correlation_id.get(), "created_at": now or datetime.now(UTC),
    }))  # fmt: skip


@event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint's release: its rows wait for the commit
        return
    pending: list[_Pending] = session.info.pop(_PENDING, [])
    if not pending:
        return
    dialect = session.get_bind().dialect.name
    session.execute(_INSERT.get(dialect, _INSERT["sqlite"]), [values for _, values in pending])
    session.info[PUBLISHED] = session.info.get(PUBLISHED, 0) + len(pending)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous: SessionTransaction) -> None:
    """A rolled-back savepoint drops what was published inside it."""
    if previous.nested and session.info.get(_PENDING):
        pending: list[_Pending] = session.info[_PENDING]
        session.info[_PENDING] = [row for row in pending if not _inside(row[0], previous)]


@event.listens_for(Session, "after_transaction_end")
def _forget_pending(session: Session, transaction: SessionTransaction) -> None:
    """Whatever the outermost transaction did not write by its end is gone with it."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def _inside(transaction: SessionTransaction | None, savepoint: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is savepoint:
            return True
        transaction = transaction.parent
    return False
