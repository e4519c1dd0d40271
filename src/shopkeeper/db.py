"""Database: declarative Base with a naming convention, engine and session factories, types."""

from __future__ import annotations

import asyncio
import functools
import time
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from prometheus_client import Histogram
from sqlalchemy import JSON, DateTime, MetaData, event, make_url
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator
from sqlalchemy.util.concurrency import await_

from shopkeeper.kit.sqlite_inline import inline_connector

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

QUERY_SECONDS = Histogram(
    "database_query_duration_seconds",
    "Time spent in one SQL statement",
    ["operation"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)


# Execution option of the engine behind read-only sessions (see create_sessionmaker).
READ_ONLY = "shopkeeper_read_only"
_WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class WriteInReadOnlyTransaction(RuntimeError):
    """A code path that reads (an HTTP GET) tried to write: a bug, refused before it runs."""


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, on SQLite (which stores naive) and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store timezone-aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")


def create_engine(url: str, *, echo: bool = False, pool_size: int = 10) -> AsyncEngine:
    if url.startswith("sqlite"):
        # Every session ends in COMMIT or ROLLBACK (unit_of_work), so the pool's extra
        # ROLLBACK on check-in would only be one more statement.
        path = make_url(url).database or ":memory:"
        engine = create_async_engine(
            url,
            echo=echo,
            async_creator=inline_connector(path, timeout=BUSY_TIMEOUT_SECONDS),
            pool_reset_on_return=None,
        )
        _configure_sqlite(engine.sync_engine, path)
    else:
        engine = create_async_engine(url, echo=echo, pool_size=pool_size, max_overflow=pool_size)
        _ping_idle_connections(engine.sync_engine)
    _instrument(engine.sync_engine)
    return engine


# A pooled connection idle for longer is checked with one round trip (`;`) before use; one in
# steady use is not. (pool_pre_ping costs three round trips, BEGIN, `;` and ROLLBACK, on every
# checkout.) A connection that dies while in use fails its statement once, and the pool then
# replaces every connection it handed out before the disconnect.
PING_AFTER_IDLE_SECONDS = 5.0
_IDLE_SINCE = "shopkeeper_idle_since"


def _ping_idle_connections(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get(_IDLE_SINCE)
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return  # fresh, or back in the pool a moment ago
        try:
            await_(dbapi_connection.driver_connection.fetchrow(";"))
        except Exception as exc:  # the pool discards it and connects anew
            raise DisconnectionError(str(exc)) from exc


def _configure_sqlite(engine: Engine, path: str) -> None:
    """WAL, foreign keys, a busy timeout; readers on snapshots, writers queued on a gate.

    Statements run on the event loop's thread (`kit.sqlite_inline`), so nothing may wait for a
    SQLite lock there: a writer first takes the process's writer gate for this file (an
    asyncio lock: waiting for it lets the loop run) and only then BEGIN IMMEDIATE, which finds
    the write lock free unless another process holds it. COMMIT or ROLLBACK opens the gate.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A reader takes a WAL snapshot and never waits for the writer; a writer queues up
        # front for the write lock, so it never fails halfway with SQLITE_BUSY.
        driver = connection.connection.driver_connection
        if connection.get_execution_options().get(READ_ONLY, False):
            driver.begin("BEGIN")
            return
        gate = _writer_gate(path)
        try:
            await_(_acquire(gate))
        except TimeoutError:
            raise WriterGateTimeout(path) from None
        connection.info[_GATE] = gate
        try:
            driver.begin("BEGIN IMMEDIATE")
        except BaseException:
            connection.info.pop(_GATE).release()
            raise

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(connection: Any) -> None:
        gate = connection.info.pop(_GATE, None)
        if gate is not None:
            gate.release()


_GATE = "shopkeeper_writer_gate"
BUSY_TIMEOUT_SECONDS = 30
_GATES: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)


class WriterGateTimeout(RuntimeError):
    """A writer waited BUSY_TIMEOUT_SECONDS for the SQLite writer gate (a stuck transaction)."""


async def _acquire(gate: asyncio.Lock) -> None:
    """The gate within BUSY_TIMEOUT_SECONDS (a deadline, not wait_for's task per call)."""
    if not gate.locked():  # free: taken at once, no deadline to arm
        await gate.acquire()
        return
    async with asyncio.timeout(BUSY_TIMEOUT_SECONDS):
        await gate.acquire()


def _writer_gate(path: str) -> asyncio.Lock:
    """One gate per database file and event loop: every engine of the process shares it."""
    gates = _GATES.setdefault(asyncio.get_running_loop(), {})
    return gates.setdefault(path, asyncio.Lock())


def _instrument(engine: Engine) -> None:
    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Any, _cursor: Any, stmt: str, _params: Any, _ctx: Any, _many: bool) -> None:
        if conn.get_execution_options().get(READ_ONLY, False) and _writes(stmt):
            raise WriteInReadOnlyTransaction(stmt.lstrip().split(" ", 1)[0])
        conn.info.setdefault("query_start", []).append(time.perf_counter())

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn: Any, _cursor: Any, statement: str, _params: Any, _ctx: Any, _m: bool) -> None:
        started = conn.info["query_start"].pop()
        _query_timer(statement).observe(time.perf_counter() - started)


@functools.lru_cache(maxsize=64)
def _timer_of(operation: str) -> Any:
    return QUERY_SECONDS.labels(operation)


def _query_timer(statement: str) -> Any:
    """The histogram child of the statement's verb (children cached: labels() costs a lookup
    under a lock per call)."""
    return _timer_of(statement.lstrip().split(" ", 1)[0].upper()[:10])


def _writes(statement: str) -> bool:
    return statement.lstrip()[:7].upper().startswith(_WRITE_VERBS)


def create_sessionmaker(
    engine: AsyncEngine, *, read_only: bool = False
) -> async_sessionmaker[AsyncSession]:
    """Sessions on `engine`; `read_only` ones take no write lock and refuse to write."""
    bind = engine.execution_options(**{READ_ONLY: True}) if read_only else engine
    return async_sessionmaker(bind, expire_on_commit=False, autoflush=False)


def is_read_only(session: AsyncSession) -> bool:
    """Whether `session` comes from a read-only sessionmaker (it may not write)."""
    bind = session.get_bind()
    return bool(bind.get_execution_options().get(READ_ONLY, False))


@asynccontextmanager
async def unit_of_work(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One transaction: commit when the block ends cleanly, roll back otherwise."""
    async with factory() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
