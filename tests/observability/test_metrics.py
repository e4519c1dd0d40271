"""GET /metrics: HTTP series labelled by route template, database timings, bus gauges."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from starlette.responses import PlainTextResponse
from starlette.routing import Mount
from starlette.types import Receive, Scope, Send

from shopkeeper import bus
from shopkeeper.bootstrap import Container
from shopkeeper.bus.models import Delivery
from shopkeeper.db import unit_of_work
from shopkeeper.observability import MetricsMiddleware


class ThingHappened(bus.Event):
    name = "obstest.thing_happened.v1"
    thing_id: str


async def scrape(client: AsyncClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def requests(samples: dict, method: str, route: str, status: str) -> float:
    key = ("http_requests_total", (("method", method), ("route", route), ("status", status)))
    return samples.get(key, 0.0)


async def test_http_series_use_route_templates_not_raw_paths(client: AsyncClient) -> None:
    before = await scrape(client)
    shop = f"shop-{uuid.uuid4().hex[:8]}"
    for _ in range(3):
        await client.get("/api/health")
    await client.get(f"/api/v1/shops/{shop}/members")
    await client.get(f"/no/such/{shop}")
    after = await scrape(client)

    assert (
        requests(after, "GET", "/api/health", "200") - requests(before, "GET", "/api/health", "200")
        == 3
    )
    members = "/api/v1/shops/{shop}/members"
    assert sum(v for (n, labels), v in after.items() if dict(labels).get("route") == members)
    assert (
        requests(after, "GET", "<unmatched>", "404") - requests(before, "GET", "<unmatched>", "404")
        == 1
    )
    assert not any(shop in value for _name, labels in after for _k, value in labels)
    duration = ("http_request_duration_seconds_count", (("method", "GET"), ("route", members)))
    assert after[duration] >= 1
    assert any(name == "database_query_duration_seconds_count" for name, _labels in after)


async def test_bus_gauges_are_read_at_scrape_time(
    client: AsyncClient, container: Container
) -> None:
    now = container.clock.now()
    async with unit_of_work(container.sessions) as session:
        bus.publish(session, ThingHappened(thing_id="t1"), now=now - timedelta(seconds=30))
        session.add(
            Delivery(
                event_id=uuid.uuid4(),
                handler="tests.handler",
                status="dead",
                attempts=5,
                next_attempt_at=now,
                last_error="boom",
                updated_at=now,
            )
        )
    samples = await scrape(client)
    assert samples[("bus_outbox_unpublished_events", ())] == 1
    assert samples[("bus_outbox_lag_seconds", ())] >= 30
    assert samples[("bus_dead_events", ())] == 1
    assert samples[("bus_retrying_deliveries", ())] == 0


async def test_middleware_labels_mounted_routes_and_unknown_methods() -> None:
    inner = FastAPI()

    @inner.get("/items/{item}")
    async def item(item: str) -> str:
        return item

    async def files(scope: Scope, receive: Receive, send: Send) -> None:
        await PlainTextResponse("file")(scope, receive, send)

    app = FastAPI()
    app.router.routes.extend([Mount("/sub", app=inner), Mount("/files", app=files)])
    app.add_middleware(MetricsMiddleware)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        assert (await client.get("/sub/items/42")).json() == "42"
        assert (await client.get("/sub/items/43")).json() == "43"
        assert (await client.request("BREW", "/sub/items/42")).status_code == 405
        assert (await client.get("/files/a/b.css")).text == "file"
        assert (await client.get("/sub/nothing")).status_code == 404

    def count(method: str, route: str, status: str) -> float | None:
        labels = {"method": method, "route": route, "status": status}
        return REGISTRY.get_sample_value("http_requests_total", labels)

    assert (count("GET", "/sub/items/{item}", "200") or 0) >= 2
    assert count("OTHER", "/sub/items/{item}", "405")
    assert count("GET", "/files/{path}", "200")
    assert count("GET", "/sub/{path}", "404")


async def test_plain_webhook_routes_are_labelled_with_their_templates(client: AsyncClient) -> None:
    """Bot webhooks are plain Starlette routes (no FastAPI dependencies); they are still named."""
    before = await scrape(client)
    unknown = uuid.uuid4()
    assert (await client.post(f"/telegram/{unknown}", content=b"{}")).status_code == 404
    assert (await client.post(f"/discord/interactions/{unknown.int}", content=b"{}")).status_code
    after = await scrape(client)

    telegram = "/telegram/{bot_id}"
    assert requests(after, "POST", telegram, "404") - requests(before, "POST", telegram, "404") == 1
    discord = "/discord/interactions/{application_id}"
    assert (
        sum(
            value - before.get((name, labels), 0.0)
            for (name, labels), value in after.items()
            if name == "http_requests_total" and dict(labels).get("route") == discord
        )
        == 1
    )
    assert not any(str(unknown) in value for _name, labels in after for _k, value in labels)
