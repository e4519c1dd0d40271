"""Deliveries: enqueue an event per subscribed endpoint, send the due ones, retry, give up.

Retries follow RETRY_DELAYS (about three days in all), then the delivery is failed. An
endpoint whose attempts have all failed for DISABLE_AFTER_FAILING, or whose last
DISABLE_AFTER_FAILED_DELIVERIES deliveries all gave up, is disabled: an audit entry by the
system and an `EndpointDisabled` event. Sending happens outside any transaction; a delivery
is leased first (SKIP LOCKED on PostgreSQL), so concurrent senders never send one twice.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit, bus
from shopkeeper.audit import Actor
from shopkeeper.container import Container
from shopkeeper.db import unit_of_work
from shopkeeper.integrations import sender
from shopkeeper.integrations.events import EndpointDisabled
from shopkeeper.integrations.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from shopkeeper.integrations.repository import DeliveryRepository, EndpointRepository
from shopkeeper.integrations.schemas import DeliveryStatus, SendResult

RETRY_DELAYS = tuple(
    timedelta(**delay)
    for delay in (
        {"seconds": 5}, {"minutes": 5}, {"minutes": 30}, {"hours": 2}, {"hours": 5},
        {"hours": 10}, {"hours": 10}, {"hours": 14}, {"hours": 14}, {"hours": 16},
    )
)  # fmt: skip
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
DISABLE_AFTER_FAILING = timedelta(days=5)
DISABLE_AFTER_FAILED_DELIVERIES = 10
BATCH_SIZE = 20
MAX_BATCHES_PER_RUN = 10
LEASE = timedelta(minutes=2)  # > one batch sent concurrently with 10 s timeouts


@dataclass(frozen=True)
class Job:
    """A leased delivery with what sending it needs (the secret decrypted)."""

    delivery_id: uuid.UUID
    shop_id: uuid.UUID
    endpoint_id: uuid.UUID
    url: str
    secret: str | None
    body: str
    token: str


def message_body(event_type: str, data: dict[str, Any], *, now: datetime) -> str:
    """The JSON sent: {"type", "timestamp", "data"}, compact (these exact bytes are signed)."""
    payload = {"type": event_type, "timestamp": now.isoformat(), "data": data}
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


async def enqueue(
    session: AsyncSession, *, shop_id: uuid.UUID, event_id: uuid.UUID, event_type: str,
    data: dict[str, Any], now: datetime,
) -> int:  # fmt: skip
    """One pending delivery per enabled endpoint subscribed to `event_type` (once per event)."""
    endpoints = await EndpointRepository(session).enabled(shop_id)
    targets = [e for e in endpoints if event_type in e.event_types]
    if not targets:
        return 0
    body = message_body(event_type, data, now=now)
    rows = [
        {
            "id": uuid.uuid4(), "shop_id": shop_id, "endpoint_id": e.id, "event_id": event_id,
            "event_type": event_type, "body": body, "status": DeliveryStatus.PENDING.value,
            "attempts": 0, "next_attempt_at": now, "created_at": now, "updated_at": now,
        }
        for e in targets
    ]  # fmt: skip
    await DeliveryRepository(session).enqueue(rows)
    return len(rows)


def http_client(container: Container) -> httpx.AsyncClient:
    return sender.http_client(container.extras.get(sender.TRANSPORT_EXTRA))


async def deliver_due(container: Container) -> int:
    """Send what is due now, a batch at a time; returns how many attempts were made."""
    made = 0
    jobs = await _lease_due(container)
    if not jobs:  # the usual case: no client (and no TLS set-up) for an idle run
        return 0
    async with http_client(container) as client:
        for batch in range(MAX_BATCHES_PER_RUN):
            if batch:
                jobs = await _lease_due(container)
            if not jobs:
                break
            results = await asyncio.gather(*(send(client, container, job) for job in jobs))
            async with unit_of_work(container.sessions) as session:
                for job, result in zip(jobs, results, strict=True):
                    await record(
                        session, job, result, trigger="schedule", now=container.clock.now()
                    )
            made += len(jobs)
    return made


async def _lease_due(container: Container) -> list[Job]:
    now, token = container.clock.now(), secrets.token_hex(8)
    async with unit_of_work(container.sessions) as session:
        repo = DeliveryRepository(session)
        ids = await repo.claim_due(now=now, until=now + LEASE, token=token, limit=BATCH_SIZE)
        return await jobs_for(session, container, ids, token)


async def jobs_for(
    session: AsyncSession, container: Container, ids: list[uuid.UUID], token: str
) -> list[Job]:
    rows = await DeliveryRepository(session).with_endpoints(ids) if ids else []
    return [
        Job(
            delivery_id=d.id,
            shop_id=d.shop_id,
            endpoint_id=e.id,
            url=e.url,
            secret=_secret(container, e),
            body=d.body,
            token=token,
        )
        for d, e in rows
    ]


def _secret(container: Container, endpoint: WebhookEndpoint) -> str | None:
    """None when no configured key decrypts it: that attempt fails, the others still go."""
    try:
        return container.secrets.decrypt(endpoint.secret_encrypted)
    except ValueError:
        return None


async def send(client: httpx.AsyncClient, container: Container, job: Job) -> SendResult:
    """POST the job's message, signed (a secret no key decrypts fails without sending)."""
    if job.secret is None:
        return SendResult(
            succeeded=False, status_code=None, response_excerpt=None, duration_ms=0,
            error="the signing secret cannot be decrypted with the configured keys",
        )  # fmt: skip
    return await sender.post(
        client, url=job.url, secret=job.secret, message_id=str(job.delivery_id), body=job.body,
        now=container.clock.now(), public_only=_public_only(container),
    )  # fmt: skip


def _public_only(container: Container) -> bool:
    settings = container.settings
    return sender.public_only(settings.webhooks_allow_http, settings.demo)


def _outcome(delivery: WebhookDelivery, result: SendResult, now: datetime) -> dict[str, Any]:
    """The delivery's next state after one attempt."""
    attempts = delivery.attempts + 1
    values: dict[str, Any] = {
        "attempts": attempts, "last_status_code": result.status_code,
        "last_error": result.error, "updated_at": now,
    }  # fmt: skip
    if result.succeeded:
        return values | {"status": DeliveryStatus.SUCCEEDED.value, "delivered_at": now,
                         "next_attempt_at": None}  # fmt: skip
    if delivery.status != DeliveryStatus.PENDING or attempts >= MAX_ATTEMPTS:
        return values | {"status": DeliveryStatus.FAILED.value, "next_attempt_at": None}
    return values | {"next_attempt_at": now + RETRY_DELAYS[attempts - 1]}


async def record(
    session: AsyncSession, job: Job, result: SendResult, *, trigger: str, now: datetime
) -> None:
    """Log the attempt, move the delivery on (if still ours) and the endpoint's health."""
    repo = DeliveryRepository(session)
    repo.add_attempt(
        WebhookAttempt(
            shop_id=job.shop_id, delivery_id=job.delivery_id, trigger=trigger,
            succeeded=result.succeeded, status_code=result.status_code,
            response_excerpt=result.response_excerpt, error=result.error,
            duration_ms=result.duration_ms, attempted_at=now,
        )
    )  # fmt: skip
    delivery = await session.get(WebhookDelivery, job.delivery_id, populate_existing=True)
    if delivery is None:  # the endpoint was deleted meanwhile
        return
    values = _outcome(delivery, result, now)
    gave_up = delivery.status == DeliveryStatus.PENDING and values.get("status") == "failed"
    if not await repo.settle(job.delivery_id, job.token, values):
        return  # our lease expired and another sender took it over: it records its own
    await _endpoint_health(session, job, result, gave_up=gave_up, now=now)


async def _endpoint_health(
    session: AsyncSession, job: Job, result: SendResult, *, gave_up: bool, now: datetime
) -> None:
    repo = EndpointRepository(session)
    if result.succeeded:
        await repo.mark_healthy(job.endpoint_id)
        return
    await repo.mark_failing(job.endpoint_id, now=now, gave_up=gave_up)
    endpoint = await session.get(WebhookEndpoint, job.endpoint_id, populate_existing=True)
    if endpoint is None or not endpoint.enabled or endpoint.failing_since is None:
        return
    if now - endpoint.failing_since >= DISABLE_AFTER_FAILING:
        reason = f"every delivery failed since {endpoint.failing_since.isoformat()}"
    elif endpoint.failed_deliveries >= DISABLE_AFTER_FAILED_DELIVERIES:
        reason = f"the last {endpoint.failed_deliveries} deliveries failed"
    else:
        return
    await disable(session, endpoint, reason=reason, now=now)


async def disable(
    session: AsyncSession, endpoint: WebhookEndpoint, *, reason: str, now: datetime
) -> None:
    """Switch the endpoint off, once: an audit entry by the system and an event for staff."""
    if not await EndpointRepository(session).disable(endpoint.id, reason=reason, now=now):
        return
    await audit.record(
        session, actor=Actor.system("integrations"), shop_id=endpoint.shop_id,
        action="integrations.endpoint_disabled", target_type="webhook_endpoint",
        target_id=endpoint.id, before={"enabled": True},
        after={"enabled": False, "reason": reason}, now=now,
    )  # fmt: skip
    bus.publish(
        session,
        EndpointDisabled(endpoint_id=endpoint.id, shop_id=endpoint.shop_id, url=endpoint.url,
                         reason=reason),
        now=now,
    )  # fmt: skip
