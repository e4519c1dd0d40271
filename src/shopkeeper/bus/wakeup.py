"""Wake the relay right after a commit that published events (polling covers other processes)."""

from __future__ import annotations

import asyncio
import threading
import weakref
from contextlib import suppress
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

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


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop("published_events", 0):
        notify()


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous: Any) -> None:
    if not previous.nested:  # a savepoint's rollback leaves the outer transaction's events
        session.info.pop("published_events", None)
