"""A trickle of events through each real broker: every one arrives without waiting for a
redelivery (NATS with FastStream's batch pull lost fetched messages until ack_wait ran out)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from shopkeeper.bus.brokers import make_transport
from shopkeeper.bus.envelope import Envelope
from tests.bus.brokers import BROKERS, needs_brokers, purge
from tests.conftest import make_settings

pytestmark = needs_brokers
GROUPS = {"slow": ["trickle"], "quick": ["trickle"]}
EVENTS = 60
# Far longer than the test may take: a message lost in flight would come back only after it.
REDELIVER_SECONDS = 600


def _envelope() -> Envelope:
    return Envelope(
        event_id=uuid.uuid4(), name="bustest.trickle.v1", topic="trickle", key="k",
        payload={}, correlation_id=None, created_at=datetime.now(UTC),
    )  # fmt: skip


@pytest.mark.parametrize("broker", sorted(BROKERS))
async def test_every_event_of_a_trickle_arrives_in_each_group_without_a_redelivery(
    broker: str,
) -> None:
    namespace = f"sk{uuid.uuid4().hex[:10]}"
    url = f"{BROKERS[broker]}{'&' if '?' in BROKERS[broker] else '?'}"
    url += f"redeliver_seconds={REDELIVER_SECONDS}"
    seen: dict[str, set[uuid.UUID]] = {group: set() for group in GROUPS}

    async def handle(group: str, envelopes: Sequence[Envelope]) -> None:
        seen[group].update(envelope.event_id for envelope in envelopes)
        if group == "slow":  # batches pile up behind a slow handler, as behind a remote API
            await asyncio.sleep(0.2)

    settings = make_settings("sqlite+aiosqlite://", broker_url=url, broker_namespace=namespace)
    transport = make_transport(settings, GROUPS, handle)
    await transport.start()
    sent: set[uuid.UUID] = set()
    try:
        for step in range(EVENTS):
            envelope = _envelope()
            sent.add(envelope.event_id)
            await transport.publish([envelope])
            await asyncio.sleep(0.01 * (step % 7))  # uneven gaps: batches end at any moment
        for _ in range(600):
            if all(ids == sent for ids in seen.values()):
                break
            await asyncio.sleep(0.1)
        assert {group: len(sent - ids) for group, ids in seen.items()} == {"slow": 0, "quick": 0}
    finally:
        await transport.close()
        await purge(BROKERS[broker], namespace, GROUPS)
