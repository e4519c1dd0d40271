"""Wake relays right after a commit that published events: in this process, and on PostgreSQL
in every process (LISTEN/NOTIFY); polling covers whatever a wake-up misses.

On PostgreSQL the statement that writes a transaction's outbox rows also runs
`pg_notify(CHANNEL)` (see `bus.publisher`): the server delivers it to every listening
connection only if, and once, the transaction commits, so a relay in another process reads the
new outbox rows right away. A notification carries nothing the relay trusts:
it only ends a sleep, and the relay reads the outbox as it would after polling.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from contextlib import suppress
from typing import Any

import structlog
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session

log = structlog.get_logger(__name__)

CHANNEL = "shopkeeper_outbox"
# Session.info key: outbox rows this transaction wrote (set by bus.publisher before commit).
PUBLISHED = "published_events"
# How often an idle listening connection is checked (a dead one is replaced; polling meanwhile).
LISTEN_CHECK_SECONDS = 30.0
LISTEN_PAUSE_MAX_SECONDS = 30.0

_listeners: weakref.WeakSet[Wakeup] = weakref.WeakSet()


class Wakeup:
    """A flag one relay loop sleeps on; set by `notify()` from any thread."""

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._thread = threading.get_ident()
        self._event = asyncio.Event()

    def set(self) -> None:
        if threading.get_ident() == self._thread:
            self._event.set()
        elif not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._event.set)

    async def wait(self, seconds: float) -> bool:
        """Sleep until notified or `seconds` pass; True when notified."""
        try:
            async with asyncio.timeout(seconds):
                await self._event.wait()
        except TimeoutError:
            return False
        finally:
            self._event.clear()
        return True


def listen() -> Wakeup:
    """A new wake-up flag for the caller's loop, set on every publishing commit."""
    wakeup = Wakeup()
    _listeners.add(wakeup)
    return wakeup


def notify() -> None:
    for wakeup in list(_listeners):
        with suppress(RuntimeError):
            wakeup.set()


async def listen_to_commits(engine: AsyncEngine, wakeup: Wakeup) -> None:
    """Set `wakeup` on every publishing commit of any process (PostgreSQL), until cancelled.

    One connection LISTENs; when it is lost, another is opened (with a growing pause) and the
    relay is woken once, for whatever was committed while nobody listened.
    """
    pause = 1.0
    while True:
        try:
            await _listen_once(engine, wakeup)
            pause = 1.0
            log.warning("bus.listen_lost", retry_in=pause)
        except Exception as exc:  # the database is away: the relay keeps polling meanwhile
            log.warning("bus.listen_failed", error=str(exc), retry_in=pause)
        await asyncio.sleep(pause)
        pause = min(pause * 2, LISTEN_PAUSE_MAX_SECONDS)


async def _listen_once(engine: AsyncEngine, wakeup: Wakeup) -> None:
    """LISTEN on one connection until it is lost; it is closed after, never pooled again."""
    async with engine.connect() as connection:
        try:
            driver: Any = (await connection.get_raw_connection()).driver_connection
            lost = asyncio.Event()
            driver.add_termination_listener(lambda _connection: lost.set())
            await driver.add_listener(CHANNEL, lambda *_args: wakeup.set())
            wakeup.set()  # for commits made while nobody listened
            while not lost.is_set():
                with suppress(TimeoutError):
                    async with asyncio.timeout(LISTEN_CHECK_SECONDS):
                        await lost.wait()
                if not lost.is_set():  # a silently dropped link raises here
                    async with asyncio.timeout(LISTEN_CHECK_SECONDS):
                        await driver.execute("SELECT 1")
        finally:
            with suppress(Exception):
                await connection.invalidate()  # its LISTEN must not go back to the pool


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: nothing is visible yet
        return
    if session.info.pop(PUBLISHED, 0):
        notify()


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous: Any) -> None:
    if not previous.nested:  # a savepoint's rollback leaves the outer transaction's events
        session.info.pop(PUBLISHED, None)
