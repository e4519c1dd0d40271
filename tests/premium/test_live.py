"""Live figures: the statistics as server-sent events (API and admin panel), a first event at
once, another when the figures change, and the stream ends when the client goes away."""

from __future__ import annotations

import asyncio
import json

from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from tests.builders import shop_with_owner
from tests.builders.orders import create_customer
from tests.builders.subscriptions import buy, create_plan
from tests.premium.streaming import Events, StreamingASGITransport
from tests.web.seed import sign_in


async def test_the_api_stream_sends_the_figures_then_each_change_and_stops_on_hang_up(
    container: Container,
    client: AsyncClient,
    streaming: tuple[AsyncClient, StreamingASGITransport],
) -> None:
    shop, owner = await shop_with_owner(container, client, timezone="UTC")
    premium = await create_plan(container, shop=shop, price=3000, name="Premium")
    await buy(container, shop=shop, plan=premium,
              customer_id=(await create_customer(container, shop=shop)).id)  # fmt: skip
    base = f"/api/v1/shops/{shop.slug}/premium"
    snapshot = (await client.get(f"{base}/statistics", headers=owner.headers)).json()
    live, transport = streaming

    async with live.stream("GET", f"{base}/statistics/stream", params={"every": 300},
                           headers=owner.headers) as response:  # fmt: skip
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"] == "no-cache"
        events = Events(response)
        first = await asyncio.wait_for(events.next(), timeout=10)
        assert (first["event"], first["id"]) == ("figures", "1")
        assert json.loads(first["data"]) == snapshot
        assert snapshot["active_total"] == 1

        gift = {"discord_id": "4242", "product_id": str(premium.id), "days": 7}
        made = await client.post(f"{base}/activate", json=gift, headers=owner.headers)
        assert made.status_code == 200
        second = await asyncio.wait_for(events.next(), timeout=10)
        figures = json.loads(second["data"])
        assert (second["id"], figures["active_total"], figures["new_today"]) == ("2", 2, 2)
    [task] = transport.tasks
    assert task.done() and task.exception() is None  # the generator ended with the client


async def test_the_stream_needs_the_subscriptions_read_permission(
    container: Container, client: AsyncClient
) -> None:
    shop, _ = await shop_with_owner(container, client)
    response = await client.get(f"/api/v1/shops/{shop.slug}/premium/statistics/stream")
    assert response.status_code == 401


async def test_the_admin_overview_panel_shows_the_figures_and_follows_the_stream(
    container: Container,
    client: AsyncClient,
    streaming: tuple[AsyncClient, StreamingASGITransport],
) -> None:
    shop, owner = await shop_with_owner(container, client, timezone="UTC")
    basic = await create_plan(container, shop=shop, price=1000, name="Basic")
    for _ in range(2):
        await buy(container, shop=shop, plan=basic,
                  customer_id=(await create_customer(container, shop=shop)).id)  # fmt: skip
    await sign_in(client, owner.user.email)

    overview = await client.get(f"/admin/s/{shop.slug}")
    assert overview.status_code == 200
    assert f'hx-get="/admin/s/{shop.slug}/premium"' in overview.text
    assert "js/premium-live.js" in overview.text
    panel = await client.get(f"/admin/s/{shop.slug}/premium", headers={"HX-Request": "true"})
    assert panel.status_code == 200 and "<html" not in panel.text
    assert f'data-premium-stream="/admin/s/{shop.slug}/premium/stream"' in panel.text
    assert '<dd class="stat" data-figure="active_total">2</dd>' in panel.text
    assert '<dd class="stat" data-figure="revenue">€20.00</dd>' in panel.text
    assert "Basic: 2" in panel.text
    page = await client.get(f"/admin/s/{shop.slug}/premium")  # without JavaScript: a page
    assert "<html" in page.text and 'data-figure="new_today">2<' in page.text

    live, _ = streaming
    live.cookies = client.cookies
    async with live.stream("GET", f"/admin/s/{shop.slug}/premium/stream") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        first = await asyncio.wait_for(Events(response).next(), timeout=10)
    figures = json.loads(first["data"])
    assert (figures["active_total"], figures["revenue"][0]["amount"]) == (2, 2000)


async def test_the_panel_is_translated_and_other_shops_are_not_found(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    await sign_in(client, owner.user.email)
    await client.get("/admin/language?lang=pl&next=/admin")
    panel = await client.get(f"/admin/s/{shop.slug}/premium", headers={"HX-Request": "true"})
    assert "Aktywni subskrybenci" in panel.text and "Przychód" in panel.text
    stream = await client.get("/admin/s/no-such-shop/premium/stream")
    assert stream.status_code == 404 and "text/html" in stream.headers["content-type"]
