"""The admin dashboard page: every figure shown, the figures part for HTMX, the live stream,
the role that may not see it (page, part, stream and the navigation), inert free text."""

from __future__ import annotations

import asyncio

from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from tests.builders import shop_with_owner, staff_member
from tests.builders.orders import create_customer, create_sellable, mark_paid, place_order
from tests.builders.subscriptions import buy, create_plan
from tests.premium.streaming import Events, StreamingASGITransport
from tests.web.seed import sign_in


async def test_the_owner_sees_every_figure_and_the_page_keeps_them_live(
    container: Container,
    client: AsyncClient,
    streaming: tuple[AsyncClient, StreamingASGITransport],
) -> None:
    shop, owner = await shop_with_owner(container, client, timezone="UTC", currency="EUR")
    lamp = await create_sellable(container, shop=shop, price=4_000, name="<script>x()</script>")
    await mark_paid(container, await place_order(container, shop=shop, items=[(lamp, 2)]))
    basic = await create_plan(container, shop=shop, price=1_000, name="Basic")
    await buy(container, shop=shop, plan=basic,
              customer_id=(await create_customer(container, shop=shop)).id)  # fmt: skip
    await sign_in(client, owner.user.email)
    base = f"/admin/s/{shop.slug}/dashboard"

    page = await client.get(base)
    assert page.status_code == 200 and "<html" in page.text
    assert f'href="{base}" aria-current="page"' in page.text  # the navigation's tab
    revenue = page.text.split('data-kpi="revenue-1"', 1)[1].split("</div>", 1)[0]
    assert "€90.00" in revenue and "2 orders" in revenue
    mrr = page.text.split('data-kpi="mrr"', 1)[1].split("</div>", 1)[0]
    assert "€10.00" in mrr and "1 live subscription" in mrr
    assert "&lt;script&gt;x()&lt;/script&gt;" in page.text and "<script>x()" not in page.text
    assert "Basic" in page.text and "vendor/chart.umd.min.js" in page.text
    assert "js/dashboard-live.js" in page.text

    part = await client.get(base, headers={"HX-Request": "true", "HX-Target": "dashboard-figures"})
    assert part.status_code == 200 and "<html" not in part.text
    assert part.text.lstrip().startswith('<div id="dashboard-figures"')
    assert f'data-dashboard-stream="{base}/stream"' in part.text

    live, _ = streaming
    live.cookies = client.cookies
    async with live.stream("GET", f"{base}/stream") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = Events(response)
        first = await asyncio.wait_for(events.next(), timeout=10)
        assert first["event"] == "changed"
        await mark_paid(container, await place_order(container, shop=shop, items=[(lamp, 1)]))
        second = await asyncio.wait_for(events.next(), timeout=10)
        assert second["event"] == "changed" and second["data"] != first["data"]


async def test_a_cashier_never_reaches_the_dashboard(
    container: Container, client: AsyncClient
) -> None:
    shop, _owner = await shop_with_owner(container, client)
    cashier = await staff_member(container, client, shop=shop, role="cashier")
    await sign_in(client, cashier.user.email)
    base = f"/admin/s/{shop.slug}/dashboard"
    overview = await client.get(f"/admin/s/{shop.slug}")
    assert overview.status_code == 200 and f'href="{base}"' not in overview.text
    for path in (base, f"{base}/stream"):
        assert (await client.get(path)).status_code == 403, path
    hx = await client.get(base, headers={"HX-Request": "true", "HX-Target": "dashboard-figures"})
    assert hx.status_code == 403


async def test_a_viewer_reads_it_in_polish_and_an_empty_shop_says_so(
    container: Container, client: AsyncClient
) -> None:
    shop, _owner = await shop_with_owner(container, client)
    viewer = await staff_member(container, client, shop=shop, role="viewer")
    await sign_in(client, viewer.user.email)
    await client.get("/admin/language?lang=pl&next=/admin")
    page = await client.get(f"/admin/s/{shop.slug}/dashboard")
    assert page.status_code == 200
    assert "Pulpit" in page.text and "Przychód dziś" in page.text
    assert "Nie ma jeszcze aktywnych subskrypcji." in page.text
    assert "Nic nie sprzedano w ostatnich 30 dniach." in page.text
    assert (await client.get("/admin/s/no-such-shop/dashboard")).status_code == 404
