"""NATS JetStream: a stream per topic, a durable pull consumer per consuming context.

Acknowledgement is explicit; a message not acked within `redeliver_seconds` (ack_wait) is
delivered again, to whichever worker pulls next.

The pull loop is our own (nats-py's fetch), not FastStream's batch subscriber: that one lets a
plain `asyncio.TimeoutError` from nats-py's fetch escape when a batch's deadline runs out, its
task restarts and the messages it had fetched are dropped unacknowledged — each then waits out
the whole `ack_wait` (30 s, measured) before anyone sees it. Here a fetched message is always
acked or nacked.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping, Sequence
from contextlib import suppress
from typing import Any

import structlog
from faststream.nats import NatsBroker
from nats.aio.msg import Msg
from nats.errors import ConnectionClosedError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import BadRequestError

from shopkeeper.bus.brokers.consume import NACK_DELAY_SECONDS, envelopes_from
from shopkeeper.bus.brokers.options import BATCH, BROKER_LOG, Handle, TransportOptions
from shopkeeper.bus.envelope import Envelope

log = structlog.get_logger(__name__)

# A pull waits this long for its first message (then is asked again): long enough that an
# idle consumer costs little, short enough that a stop is noticed.
FIRST_WAIT_SECONDS = 5.0
# Once one message is there, what else is already stored joins its batch within this time.
MORE_WAIT_SECONDS = 0.02
ERROR_PAUSE_SECONDS = 1.0


class NatsTransport:
    def __init__(
        self, options: TransportOptions, routes: Mapping[str, Sequence[str]], handle: Handle
    ) -> None:
        self.options = options
        self.routes = routes
        self.handle = handle
        self.broker = NatsBroker(options.url, logger=BROKER_LOG, log_level=logging.DEBUG)
        self._declared: set[str] = set()
        self._pulls: list[asyncio.Task[None]] = []
        self._subscriptions: list[JetStreamContext.PullSubscription] = []

    async def start(self) -> None:
        """Streams and durable consumers exist before this returns (nothing published later
        is missed), then each (group, topic) pulls in its own task."""
        client = await self.broker.connect()
        js = client.jetstream()
        for group, topics in self.routes.items():
            for topic in topics:
                await self._declare(topic)
                sub = await self._subscribe(js, group, topic)
                self._subscriptions.append(sub)
                self._pulls.append(
                    asyncio.create_task(self._pull(group, sub), name=f"nats-pull-{group}")
                )

    async def _subscribe(
        self, js: JetStreamContext, group: str, topic: str
    ) -> JetStreamContext.PullSubscription:
        name = self.options.name(topic)
        return await js.pull_subscribe(
            name,
            durable=self.options.name(group),
            stream=name,
            config=ConsumerConfig(
                ack_policy=AckPolicy.EXPLICIT,
                ack_wait=self.options.redeliver_seconds,
                deliver_policy=DeliverPolicy.NEW,
                max_ack_pending=BATCH * 10,
            ),
        )

    async def _pull(self, group: str, sub: JetStreamContext.PullSubscription) -> None:
        while True:
            try:
                messages = await _next_batch(sub)
            except (ConnectionClosedError, asyncio.CancelledError):
                return
            except Exception as exc:  # the server restarting, a network blip: pull again
                log.warning("bus.nats_pull_failed", group=group, error=repr(exc))
                await asyncio.sleep(ERROR_PAUSE_SECONDS)
                continue
            if messages:
                await self._consume(group, messages)

    async def _consume(self, group: str, messages: list[Msg]) -> None:
        """Hand the batch over; ack after the handlers committed, else nack after a pause."""
        settled = False
        try:
            envelopes = envelopes_from([_body(m) for m in messages], group)
            if envelopes:
                await self.handle(group, envelopes)
            settled = True
        except Exception:
            log.exception("bus.consume_failed", group=group, events=len(messages))
            await asyncio.sleep(NACK_DELAY_SECONDS)
        finally:  # on a stop too: a fetched message is never left to wait out ack_wait
            await _settle(messages, ack=settled)

    async def _declare(self, topic: str) -> None:
        """A topic's stream; one nobody here consumes still needs it for JetStream to accept it."""
        if topic in self._declared:
            return
        name = self.options.name(topic)
        client = await self.broker.connect()
        try:
            await client.jetstream().add_stream(name=name, subjects=[name])
        except BadRequestError:
            pass  # it exists already (declared by another process, maybe with other settings)
        self._declared.add(topic)

    async def publish(self, envelopes: Sequence[Envelope]) -> None:
        """Each message is acknowledged by JetStream (stored) before the batch counts as sent."""
        for topic in {e.topic for e in envelopes} - self._declared:
            await self._declare(topic)
        await asyncio.gather(*(self._publish_one(envelope) for envelope in envelopes))

    async def _publish_one(self, envelope: Envelope) -> None:
        name = self.options.name(envelope.topic)
        await self.broker.publish(
            envelope.to_wire(),
            subject=name,
            stream=name,
            # JetStream drops a republished event (same id) inside its duplicate window.
            headers={**envelope.headers(), "Nats-Msg-Id": str(envelope.event_id)},
            correlation_id=envelope.correlation_id or str(envelope.event_id),
        )

    async def close(self) -> None:
        for task in self._pulls:
            task.cancel()
        await asyncio.gather(*self._pulls, return_exceptions=True)
        self._pulls = []
        for sub in self._subscriptions:  # else draining the connection waits for them
            with suppress(Exception):
                await sub.unsubscribe()
        self._subscriptions = []
        await self.broker.stop()


async def _next_batch(sub: JetStreamContext.PullSubscription) -> list[Msg]:
    """Wait for one message, then take what is already stored behind it (up to BATCH)."""
    try:
        messages = await sub.fetch(batch=1, timeout=FIRST_WAIT_SECONDS)
    except TimeoutError:  # nats' own and asyncio's: nothing arrived in time
        return []
    try:
        messages += await sub.fetch(batch=BATCH - 1, timeout=MORE_WAIT_SECONDS)
    except TimeoutError:
        pass  # one late straggler stays in the subscription's queue for the next fetch
    return messages


def _body(message: Msg) -> Any:
    try:
        return json.loads(message.data)
    except ValueError:
        return message.data  # logged and acked as malformed by envelopes_from


async def _settle(messages: list[Msg], *, ack: bool) -> None:
    for message in messages:
        with suppress(Exception):  # the connection is gone: ack_wait redelivers it
            await (message.ack() if ack else message.nak())
