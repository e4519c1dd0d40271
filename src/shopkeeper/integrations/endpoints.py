"""Managing a shop's webhook endpoints: create, change, rotate the secret, delete (audited)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit
from shopkeeper.audit import Actor
from shopkeeper.integrations import signing
from shopkeeper.integrations.catalogue import PUBLIC_EVENTS
from shopkeeper.integrations.errors import EndpointNotFound, EndpointUrlRejected, UnknownEventType
from shopkeeper.integrations.models import WebhookEndpoint
from shopkeeper.integrations.repository import EndpointRepository
from shopkeeper.integrations.schemas import (
    EndpointCreate,
    EndpointRead,
    EndpointUpdate,
    EndpointWithSecret,
)
from shopkeeper.kit.crypto import SecretBox
from shopkeeper.kit.netguard import NonPublicAddress, check_literal
from shopkeeper.settings import Settings

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
TARGET = "webhook_endpoint"


def check_url(url: str, settings: Settings) -> str:
    """https anywhere; http only to this machine, and only when the setting allows it."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError:
        raise EndpointUrlRejected("the URL cannot be parsed") from None
    if not parts.hostname or parts.username or parts.password:
        raise EndpointUrlRejected("the URL needs a host and no user name or password")
    local = parts.hostname in LOCAL_HOSTS and (settings.webhooks_allow_http or settings.demo)
    if parts.scheme == "https" and not local:
        try:
            check_literal(parts.hostname)
        except NonPublicAddress as exc:
            raise EndpointUrlRejected(f"{exc} (webhooks go to the public internet)") from None
    if parts.scheme == "https":
        return url.strip()
    local_http = parts.scheme == "http" and parts.hostname in LOCAL_HOSTS
    if local_http and (settings.webhooks_allow_http or settings.demo):
        return url.strip()
    raise EndpointUrlRejected(
        "webhook URLs must use https (http://127.0.0.1 or localhost only when "
        "SHOPKEEPER_WEBHOOKS_ALLOW_HTTP is on)"
    )


def check_event_types(names: Sequence[str]) -> list[str]:
    """The names, deduplicated in order; any outside the public catalogue is refused."""
    unknown = sorted({n for n in names if n not in PUBLIC_EVENTS})
    if unknown:
        raise UnknownEventType(
            f"unknown event types: {', '.join(unknown)}; choose from {', '.join(PUBLIC_EVENTS)}"
        )
    return list(dict.fromkeys(names))


def _snapshot(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return EndpointRead.model_validate(endpoint).model_dump(
        mode="json", include={"url", "description", "event_types", "enabled"}
    )


async def _get(
    session: AsyncSession, shop_id: uuid.UUID, endpoint_id: uuid.UUID
) -> WebhookEndpoint:
    endpoint = await EndpointRepository(session).get(shop_id, endpoint_id)
    if endpoint is None:
        raise EndpointNotFound(f"no webhook endpoint {endpoint_id} in this shop")
    return endpoint


async def list_endpoints(session: AsyncSession, *, shop_id: uuid.UUID) -> list[EndpointRead]:
    return [EndpointRead.model_validate(e) for e in await EndpointRepository(session).list(shop_id)]


async def get_endpoint(
    session: AsyncSession, *, shop_id: uuid.UUID, endpoint_id: uuid.UUID
) -> EndpointRead:
    return EndpointRead.model_validate(await _get(session, shop_id, endpoint_id))


async def create_endpoint(
    session: AsyncSession, *, shop_id: uuid.UUID, data: EndpointCreate, actor: Actor,
    secrets: SecretBox, settings: Settings, now: datetime,
) -> EndpointWithSecret:  # fmt: skip
    """Register an endpoint; its signing secret is returned this once."""
    secret = signing.new_secret()
    endpoint = EndpointRepository(session).add(
        WebhookEndpoint(
            shop_id=shop_id,
            url=check_url(data.url, settings),
            description=data.description,
            event_types=check_event_types(data.event_types),
            enabled=data.enabled,
            secret_encrypted=secrets.encrypt(secret),
            failed_deliveries=0,
            created_at=now,
            updated_at=now,
        )
    )
    await session.flush()
    await audit.record(
        session, actor=actor, shop_id=shop_id, action="integrations.endpoint_created",
        target_type=TARGET, target_id=endpoint.id, after=_snapshot(endpoint), now=now,
    )  # fmt: skip
    read = EndpointRead.model_validate(endpoint)
    return EndpointWithSecret(**read.model_dump(), secret=secret)


async def update_endpoint(
    session: AsyncSession, *, shop_id: uuid.UUID, endpoint_id: uuid.UUID, data: EndpointUpdate,
    actor: Actor, settings: Settings, now: datetime,
) -> EndpointRead:  # fmt: skip
    """Change what is given; enabling again clears the failure record and its reason."""
    endpoint = await _get(session, shop_id, endpoint_id)
    before = _snapshot(endpoint)
    if data.url is not None:
        endpoint.url = check_url(data.url, settings)
    if data.description is not None:
        endpoint.description = data.description
    if data.event_types is not None:
        endpoint.event_types = check_event_types(data.event_types)
    if data.enabled is not None and data.enabled != endpoint.enabled:
        endpoint.enabled = data.enabled
        endpoint.disabled_reason = None if data.enabled else "disabled by staff"
        endpoint.failing_since, endpoint.failed_deliveries = None, 0
    endpoint.updated_at = now
    await session.flush()
    await audit.record(
        session, actor=actor, shop_id=shop_id, action="integrations.endpoint_updated",
        target_type=TARGET, target_id=endpoint.id, before=before, after=_snapshot(endpoint),
        now=now,
    )  # fmt: skip
    return EndpointRead.model_validate(endpoint)


async def rotate_secret(
    session: AsyncSession, *, shop_id: uuid.UUID, endpoint_id: uuid.UUID, actor: Actor,
    secrets: SecretBox, now: datetime,
) -> EndpointWithSecret:  # fmt: skip
    """A new signing secret, effective at once; the old one stops verifying."""
    endpoint = await _get(session, shop_id, endpoint_id)
    secret = signing.new_secret()
    endpoint.secret_encrypted = secrets.encrypt(secret)
    endpoint.updated_at = now
    await session.flush()
    await audit.record(
        session, actor=actor, shop_id=shop_id, action="integrations.endpoint_secret_rotated",
        target_type=TARGET, target_id=endpoint.id, now=now,
    )  # fmt: skip
    read = EndpointRead.model_validate(endpoint)
    return EndpointWithSecret(**read.model_dump(), secret=secret)


async def delete_endpoint(
    session: AsyncSession, *, shop_id: uuid.UUID, endpoint_id: uuid.UUID, actor: Actor,
    now: datetime,
) -> None:  # fmt: skip
    """Remove the endpoint with its deliveries and their log."""
    endpoint = await _get(session, shop_id, endpoint_id)
    before = _snapshot(endpoint)
    await EndpointRepository(session).delete(endpoint)
    await audit.record(
        session, actor=actor, shop_id=shop_id, action="integrations.endpoint_deleted",
        target_type=TARGET, target_id=endpoint_id, before=before, now=now,
    )  # fmt: skip
