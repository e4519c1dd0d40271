"""Builders for the integrations context: a local webhook receiver, endpoints, events."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from httpx import AsyncClient

from shopkeeper import bus
from shopkeeper.bootstrap import Container
from shopkeeper.catalog.events import ProductPublished
from shopkeeper.db import unit_of_work
from shopkeeper.shops import ShopRead
from tests.builders.staff import Staff

DEFAULT_EVENTS = ["catalog.product_published.v1", "orders.order_paid.v1"]


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """An ASGI app recording every request; answers `statuses` in turn, then `default`."""

    statuses: list[int] = field(default_factory=list)
    default: int = 200
    requests: list[Received] = field(default_factory=list)
    url: str = ""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.requests.append(Received(headers, body))
        status = self.statuses.pop(0) if self.statuses else self.default
        answer = b"ok" if status < 300 else b"upstream exploded " * 100  # > 1 KB
        start = {"type": "http.response.start", "status": status, "headers": []}
        await send(start)
        await send({"type": "http.response.body", "body": answer})


async def create_endpoint(
    client: AsyncClient, *, shop: ShopRead, staff: Staff, url: str,
    event_types: list[str] | None = None, **fields: object,
) -> dict[str, Any]:  # fmt: skip
    """Register an endpoint through the API; the answer carries the secret."""
    response = await client.post(
        f"/api/v1/shops/{shop.slug}/webhooks",
        json={"url": url, "event_types": event_types or DEFAULT_EVENTS, **fields},
        headers=staff.headers,
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def publish_product_published(container: Container, *, shop: ShopRead) -> ProductPublished:
    """Publish a ProductPublished of `shop` (committed; drain the bus to hand it to handlers)."""
    event = ProductPublished(product_id=uuid.uuid4(), shop_id=shop.id, kind="physical")
    async with unit_of_work(container.sessions) as session:
        bus.publish(session, event, now=container.clock.now())
    return event
