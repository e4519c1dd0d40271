"""The audit-log page: listing, filters, HTMX partials, pagination, CSV and access rules."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from httpx import AsyncClient

from shopkeeper import shops
from tests.web.seed import World, sign_in

T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
async def north(world: World) -> shops.ShopRead:
    """Shop 'north' (Europe/Warsaw) owned by owner@example.com: 'shop.created' and three more."""
    owner = await world.user("owner@example.com")
    shop = await world.shop("north", owner=owner, name="North Coffee")
    await world.entry(
        shop,
        action="member.added",
        actor="owner@example.com",
        at=T0,
        before=None,
        after={"email": "ann@example.com", "role": "cashier"},
    )
    await world.entry(
        shop,
        action="member.role_changed",
        actor="admin@example.com",
        at=T0 + timedelta(days=2),
        before={"role": "cashier"},
        after={"role": "manager"},
    )
    await world.entry(
        shop,
        action="member.added",
        actor="admin@example.com",
        at=T0 + timedelta(days=5),
        after={"email": "bob@example.com"},
    )
    return shop


async def test_lists_entries_with_times_in_the_shop_time_zone(
    client: AsyncClient, north: shops.ShopRead
) -> None:
    await sign_in(client, "owner@example.com")

    page = await client.get("/admin/s/north/audit")

    assert page.status_code == 200
    assert "<table" in page.text
    assert "member.role_changed" in page.text and "admin@example.com" in page.text
    assert "203.0.113.7" in page.text
    assert "Mar 10, 2026, 1:00:00" in page.text  # 12:00 UTC is 13:00 in Warsaw
    assert "&#34;role&#34;: &#34;manager&#34;" in page.text  # before/after, escaped JSON
    assert "<details" in page.text
    assert 'href="/admin/s/north/audit.csv"' in page.text


async def test_filters_by_action_actor_and_dates(
    client: AsyncClient, north: shops.ShopRead
) -> None:
    await sign_in(client, "owner@example.com")

    by_action = await client.get("/admin/s/north/audit?action=member.added")
    by_actor = await client.get("/admin/s/north/audit?actor=admin@example.com")
    by_dates = await client.get("/admin/s/north/audit?from=2026-03-11&to=2026-03-12")

    assert by_action.text.count("<code>member.added</code>") == 2
    assert "member.role_changed" not in by_action.text
    assert "Showing 1\u20132 of 2 entries" in by_actor.text
    assert "ann@example.com" not in by_actor.text
    assert "Showing 1\u20131 of 1 entries" in by_dates.text
    assert "member.role_changed" in by_dates.text
    assert 'href="/admin/s/north/audit.csv?from=2026-03-11&amp;to=2026-03-12"' in by_dates.text


async def test_htmx_filtering_returns_only_the_results_partial(
    client: AsyncClient, north: shops.ShopRead
) -> None:
    await sign_in(client, "owner@example.com")
    headers = {"HX-Request": "true", "HX-Target": "audit-results"}

    partial = await client.get("/admin/s/north/audit?action=member.role_changed", headers=headers)

    assert partial.status_code == 200
    assert "<html" not in partial.text and "<table" in partial.text
    assert "Showing 1\u20131 of 1 entries" in partial.text
    assert 'id="csv-link" class="button button-secondary" hx-swap-oob="true"' in partial.text


async def test_a_day_range_uses_the_shop_time_zone(
    client: AsyncClient, world: World, north: shops.ShopRead
) -> None:
    # 23:30 UTC on March 20 is already March 21 in Warsaw.
    await world.entry(
        north,
        action="late.night",
        actor="owner@example.com",
        at=datetime(2026, 3, 20, 23, 30, tzinfo=UTC),
    )
    await sign_in(client, "owner@example.com")

    march_20 = await client.get("/admin/s/north/audit?from=2026-03-20&to=2026-03-20")
    march_21 = await client.get("/admin/s/north/audit?from=2026-03-21&to=2026-03-21")

    assert "late.night" not in march_20.text
    assert "late.night" in march_21.text


async def test_a_bad_date_is_explained_not_failed(
    client: AsyncClient, north: shops.ShopRead
) -> None:
    await sign_in(client, "owner@example.com")

    page = await client.get("/admin/s/north/audit?from=yesterday&page=abc")

    assert page.status_code == 200
    assert "is not a date (use YYYY-MM-DD)" in page.text
    assert "Showing 1\u20134 of 4 entries" in page.text


async def test_pages_through_many_entries(
    client: AsyncClient, world: World, north: shops.ShopRead
) -> None:
    for minute in range(27):
        await world.entry(
            north,
            action="bulk.import",
            actor="owner@example.com",
            at=T0 + timedelta(days=10, minutes=minute),
        )
    await sign_in(client, "owner@example.com")

    first = await client.get("/admin/s/north/audit")
    second = await client.get("/admin/s/north/audit?page=2")

    assert "Showing 1\u201325 of 31 entries" in first.text
    assert 'href="/admin/s/north/audit?page=2"' in first.text
    assert "Showing 26\u201331 of 31 entries" in second.text
    assert "Page 2 of 2" in second.text
    assert second.text.count("<code>member.added</code>") == 2


async def test_csv_download_uses_the_filters(client: AsyncClient, north: shops.ShopRead) -> None:
    await sign_in(client, "owner@example.com")

    response = await client.get("/admin/s/north/audit.csv?action=member.added")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["action"] for r in rows] == ["member.added", "member.added"]


async def test_markup_in_entries_is_escaped(
    client: AsyncClient, world: World, north: shops.ShopRead
) -> None:
    await world.entry(
        north,
        action="note.added",
        actor="<script>alert(1)</script>",
        at=T0 + timedelta(days=7),
        after={"text": "<img src=x onerror=alert(1)>"},
    )
    await sign_in(client, "owner@example.com")

    page = await client.get("/admin/s/north/audit")

    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<img src=x" not in page.text


async def test_another_shops_audit_log_is_not_found(
    client: AsyncClient, world: World, north: shops.ShopRead
) -> None:
    stranger = await world.user("stranger@example.com")
    await world.shop("south", owner=stranger)
    await sign_in(client, "stranger@example.com")

    page = await client.get("/admin/s/north/audit")
    export = await client.get("/admin/s/north/audit.csv")
    unknown = await client.get("/admin/s/nowhere/audit")

    assert page.status_code == export.status_code == unknown.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Page not found" in page.text
    assert "North Coffee" not in page.text and "member.added" not in export.text


async def test_a_role_without_audit_read_gets_403(
    client: AsyncClient, world: World, north: shops.ShopRead
) -> None:
    cashier = await world.user("cashier@example.com")
    await world.member(north, cashier, shops.Role.CASHIER)
    await sign_in(client, cashier.email)

    page = await client.get("/admin/s/north/audit")
    export = await client.get("/admin/s/north/audit.csv")
    overview = await client.get("/admin/s/north")

    assert page.status_code == export.status_code == 403
    assert "You do not have access to this page" in page.text
    assert overview.status_code == 200
    assert 'href="/admin/s/north/audit"' not in overview.text  # the nav hides it too
