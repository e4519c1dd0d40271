"""What staff do with deliveries: read the log, resend one now, ping an endpoint."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit
from shopkeeper.audit import Actor
from shopkeeper.container import Container
from shopkeeper.db import unit_of_work
from shopkeeper.errors import Conflict
from shopkeeper.integrations import delivery, sender
from shopkeeper.integrations.catalogue import TEST_EVENT
from shopkeeper.integrations.errors import DeliveryNotFound, EndpointNotFound
from shopkeeper.integrations.models import WebhookDelivery
from shopkeeper.integrations.repository import DeliveryRepository, EndpointRepository
from shopkeeper.integrations.schemas import AttemptRead, DeliveryRead, DeliveryStatus, SendResult
from shopkeeper.kit.pagination import Page


class DeliveryBusy(Conflict):
    """The delivery is being sent right now; try again in a moment."""


async def list_deliveries(
    session: AsyncSession, *, shop_id: uuid.UUID, endpoint_id: uuid.UUID,
    status: DeliveryStatus | None, limit: int, offset: int,
) -> Page[DeliveryRead]:  # fmt: skip
    """An endpoint's deliveries, newest first, each with its attempts."""
    if await EndpointRepository(session).get(shop_id, endpoint_id) is None:
        raise EndpointNotFound(f"no webhook endpoint {endpoint_id} in this shop")
    repo = DeliveryRepository(session)
    rows, total = await repo.page(
        shop_id, endpoint_id, status=status.value if status else None, limit=limit, offset=offset
    )
    return Page(items=await _reads(repo, rows), total=total, limit=limit, offset=offset)


async def latest_deliveries(
    session: AsyncSession, *, shop_id: uuid.UUID
) -> dict[uuid.UUID, DeliveryRead]:
    """Each endpoint's newest delivery (without its attempts), by endpoint id."""
    rows = await DeliveryRepository(session).latest_per_endpoint(shop_id)
    return {row.endpoint_id: DeliveryRead.model_validate(row) for row in rows}


async def _reads(repo: DeliveryRepository, rows: Sequence[WebhookDelivery]) -> list[DeliveryRead]:
    attempts = await repo.attempts([row.id for row in rows])
    return [
        DeliveryRead.model_validate(row).model_copy(
            update={"attempt_log": [AttemptRead.model_validate(a) for a in attempts[row.id]]}
        )
        for row in rows
    ]


async def retry_delivery(
    container: Container, *, shop_id: uuid.UUID, endpoint_id: uuid.UUID,
    delivery_id: uuid.UUID, actor: Actor,
) -> DeliveryRead:  # fmt: skip
    """Send one delivery now, whatever its state; a failed one stays failed if this fails too."""
    job = await _lease_one(container, shop_id, endpoint_id, delivery_id, actor)
    async with delivery.http_client(container) as client:
        result = await delivery.send(client, container, job)
    async with unit_of_work(container.sessions) as session:
        await delivery.record(session, job, result, trigger="manual", now=container.clock.now())
    async with container.sessions() as session:
        repo = DeliveryRepository(session)
        row = await repo.get(shop_id, endpoint_id, delivery_id)
        if row is None:  # deleted with its endpoint while we were sending
            raise DeliveryNotFound(f"no delivery {delivery_id} for this endpoint")
        return (await _reads(repo, [row]))[0]


async def _lease_one(
    container: Container, shop_id: uuid.UUID, endpoint_id: uuid.UUID, delivery_id: uuid.UUID,
    actor: Actor,
) -> delivery.Job:  # fmt: skip
    now, token = container.clock.now(), secrets.token_hex(8)
    async with unit_of_work(container.sessions) as session:
        repo = DeliveryRepository(session)
        if await repo.get(shop_id, endpoint_id, delivery_id) is None:
            raise DeliveryNotFound(f"no delivery {delivery_id} for this endpoint")
        if not await repo.claim_one(delivery_id, now=now, until=now + delivery.LEASE, token=token):
            raise DeliveryBusy("this delivery is being sent right now")
        await audit.record(
            session, actor=actor, shop_id=shop_id, action="integrations.delivery_retried",
            target_type="webhook_delivery", target_id=delivery_id, now=now,
        )  # fmt: skip
        return (await delivery.jobs_for(session, container, [delivery_id], token))[0]


async def send_test(
    container: Container, *, shop_id: uuid.UUID, endpoint_id: uuid.UUID
) -> SendResult:
    """POST a signed `webhook.test` message now and say what the endpoint answered."""
    now = container.clock.now()
    async with container.sessions() as session:
        endpoint = await EndpointRepository(session).get(shop_id, endpoint_id)
        if endpoint is None:
            raise EndpointNotFound(f"no webhook endpoint {endpoint_id} in this shop")
        url, secret = endpoint.url, container.secrets.decrypt(endpoint.secret_encrypted)
    data = {"endpoint_id": str(endpoint_id), "shop_id": str(shop_id)}
    body = delivery.message_body(TEST_EVENT, data, now=now)
    async with delivery.http_client(container) as client:
        return await sender.post(
            client, url=url, secret=secret, message_id=f"test_{uuid.uuid4().hex}", body=body,
            now=now, public_only=sender.public_only(
                container.settings.webhooks_allow_http, container.settings.demo
            ),
        )  # fmt: skip
