"""The bus in a worker: relay loop, retry loop and, with a broker, its consumers."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from contextlib import suppress

import structlog

from shopkeeper.bus import wakeup
from shopkeeper.bus.batch import concurrency_for, deliver_all
from shopkeeper.bus.brokers import Transport, make_transport
from shopkeeper.bus.envelope import Envelope
from shopkeeper.bus.ports import BusContainer
from shopkeeper.bus.registry import Registry, registry_for
from shopkeeper.bus.relay import Publish, relay_once
from shopkeeper.bus.retry import retry_due

log = structlog.get_logger(__name__)

ERROR_PAUSE_SECONDS = 1.0
RETRY_POLL_SECONDS = 1.0
CONNECT_PAUSE_MAX_SECONDS = 30.0
# Database connections the consumers of a process hold at once (one per running group
# transaction): every consumer group's batch runs as soon as it arrives, and a slow one (a
# handler calling a remote API) does not hold the others back while connections are free.
CONSUMER_CONNECTIONS = 8


async def run_bus(container: BusContainer, registry: Registry | None = None) -> None:
    """Deliver events until cancelled: in-process with memory://, else through the broker."""
    try:
        registry = registry or registry_for(container)
    except Exception:  # a context's handlers do not import: say so before the task dies
        log.exception("bus.handlers_not_loaded", modules=container.handler_modules)
        raise
    if container.settings.broker_scheme == "memory":
        await _run_loops(container, registry, None)
        return
    transport = await _started_transport(container, registry)
    try:
        await _run_loops(container, registry, transport.publish)
    finally:
        await transport.close()


def open_transport(container: BusContainer, registry: Registry) -> Transport:
    """The broker transport, its consumer groups running this registry's handlers."""
    concurrency = concurrency_for(container)
    # Every (topic, group) subscriber hands batches here: bound the database connections used.
    connections = asyncio.Semaphore(CONSUMER_CONNECTIONS)

    async def handle(group: str, envelopes: Sequence[Envelope]) -> None:
        await deliver_all(
            container, registry, envelopes, context=group, concurrency=concurrency,
            connections=connections,
        )  # fmt: skip

    return make_transport(container.settings, registry.groups(), handle)


async def _started_transport(container: BusContainer, registry: Registry) -> Transport:
    """Connect, waiting for the broker to come up (start-up order must not matter)."""
    pause = ERROR_PAUSE_SECONDS
    while True:
        try:
            transport = open_transport(container, registry)
        except ValueError as exc:  # a wrong broker URL: say so loudly, retrying cannot help
            log.error("bus.broker_misconfigured", error=str(exc))
            raise
        try:
            await transport.start()
            return transport
        except Exception as exc:
            log.warning("bus.broker_unreachable", error=str(exc), retry_in=pause)
        with suppress(Exception):
            await transport.close()
        await asyncio.sleep(pause)
        pause = min(pause * 2, CONNECT_PAUSE_MAX_SECONDS)


async def _run_loops(container: BusContainer, registry: Registry, publish: Publish | None) -> None:
    async with asyncio.TaskGroup() as group:
        group.create_task(relay_loop(container, registry, publish))
        group.create_task(retry_loop(container, registry))


async def relay_loop(container: BusContainer, registry: Registry, publish: Publish | None) -> None:
    """Relay as soon as a commit published: this process's, and on PostgreSQL any process's
    (LISTEN/NOTIFY); polling every `relay_poll_seconds` is the fallback."""
    wake = wakeup.listen()
    if container.settings.is_sqlite:  # one process owns the file: its own commits wake it
        await _relay_forever(container, registry, publish, wake)
        return
    async with asyncio.TaskGroup() as group:
        group.create_task(wakeup.listen_to_commits(container.engine, wake))
        await _relay_forever(container, registry, publish, wake)


async def _relay_forever(
    container: BusContainer, registry: Registry, publish: Publish | None, wake: wakeup.Wakeup
) -> None:
    settings = container.settings
    while True:
        try:
            moved = await relay_once(container, registry, publish)
        except Exception:
            log.exception("bus.relay_failed")
            await asyncio.sleep(ERROR_PAUSE_SECONDS)
            continue
        if moved < settings.relay_batch_size:
            await wake.wait(settings.relay_poll_seconds)


async def retry_loop(container: BusContainer, registry: Registry) -> None:
    """Run due retries; each delivery is claimed, so several workers never run one twice."""
    poll = max(RETRY_POLL_SECONDS, container.settings.relay_poll_seconds)
    while True:
        try:
            while await retry_due(container, registry):
                pass
        except Exception:
            log.exception("bus.retry_failed")
        await asyncio.sleep(poll)
