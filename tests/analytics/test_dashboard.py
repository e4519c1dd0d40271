"""The dashboard over HTTP: every figure of a shop with sales, refunds, subscriptions (paying,
yearly, trialing), payments that succeeded and failed, a forged webhook; who may read it; the
live stream."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import pytest
from httpx import AsyncClient

from shopkeeper import orders
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.shops import ShopRead
from tests.builders import Staff, login, shop_with_owner, staff_member
from tests.builders.orders import create_customer, create_sellable, mark_paid, place_order
from tests.builders.payments import sandbox_case
from tests.builders.subscriptions import buy, create_plan
from tests.premium.streaming import Events, StreamingASGITransport

DAY = 86_400


def _url(shop: ShopRead, tail: str = "") -> str:
    return f"/api/v1/shops/{shop.slug}/analytics/dashboard{tail}"


async def _later(client: AsyncClient, clock: FrozenClock, owner: Staff, days: int) -> Staff:
    """Move the clock on; the owner signs in again (access tokens last 15 minutes)."""
    clock.advance(seconds=days * DAY)
    return Staff(user=owner.user, tokens=await login(client, email=owner.user.email))


async def _sell(container: Container, shop: ShopRead, product: Any, quantity: int) -> Any:
    order = await place_order(container, shop=shop, items=[(product, quantity)])
    return await mark_paid(container, order)


async def _refund(container: Container, order: Any, amount: int) -> None:
    async with unit_of_work(container.sessions) as session:
        await orders.record_refund(
            session, shop_id=order.shop_id, order_id=order.id, refund_id=uuid.uuid4(),
            amount=amount, now=container.clock.now(),
        )  # fmt: skip


async def _busy_shop(
    container: Container, client: AsyncClient, clock: FrozenClock
) -> tuple[ShopRead, Staff, dict[str, Any]]:
    """Jan 10: two kettles; Jan 19: a kettle (5.00 back later), a sandbox payment that
    succeeds and one that fails, a forged webhook; Jan 20 (today): a monthly, a yearly and
    a trialing subscription bought."""
    shop, owner = await shop_with_owner(container, client, timezone="UTC", currency="EUR")
    kettle = await create_sellable(container, shop=shop, price=2500, name="Kettle")
    owner = await _later(client, clock, owner, 9)  # Jan 10
    await _sell(container, shop, kettle, 2)
    owner = await _later(client, clock, owner, 9)  # Jan 19
    refunded = await _sell(container, shop, kettle, 1)
    paid = await sandbox_case(container, client, shop=shop, staff=owner, clock=clock)
    assert (await paid.post("payment.succeeded")).status_code == 200
    failed = await sandbox_case(container, client, shop=shop, staff=owner, clock=clock)
    assert (await failed.post("payment.failed")).status_code == 200
    assert (await paid.post("payment.succeeded", secret="forged")).status_code == 401
    owner = await _later(client, clock, owner, 1)  # Jan 20
    await _refund(container, refunded, 500)
    monthly = await create_plan(container, shop=shop, price=1000, name="Monthly")
    yearly = await create_plan(container, shop=shop, price=12000, unit="year", name="Yearly")
    trial = await create_plan(container, shop=shop, price=2000, trial_days=7, name="Trial")
    for plan in (monthly, yearly, trial):
        customer = await create_customer(container, shop=shop)
        await buy(container, shop=shop, plan=plan, customer_id=customer.id)
    return shop, owner, {"kettle": kettle, "yearly": yearly, "trial": trial}


async def test_the_dashboard_adds_up_every_figure(
    container: Container, client: AsyncClient, clock: FrozenClock
) -> None:
    shop, owner, _made = await _busy_shop(container, client, clock)
    response = await client.get(_url(shop), headers=owner.headers)
    assert response.status_code == 200, response.text
    board = response.json()

    today, week, month = board["revenue"]
    assert (today["days"], today["orders"], today["net"][0]["amount"]) == (1, 3, 15_000)
    assert (week["orders"], week["net"][0]["amount"]) == (5, 15_000 + 2_000 + 1_500)
    assert week["refunded"] == [{"currency": "EUR", "amount": 500, "formatted": "€5.00"}]
    assert (month["orders"], month["net"][0]["amount"]) == (6, 18_500 + 5_000)
    assert board["mrr"] == [{"currency": "EUR", "amount": 2_000, "formatted": "€20.00"}]
    assert board["active_subscriptions"] == 3
    plans = {plan["name"]: plan for plan in board["plans"]}
    assert plans["Yearly"]["mrr"]["amount"] == 1_000  # 120.00 a year
    assert (plans["Trial"]["trialing"], plans["Trial"]["mrr"]["amount"]) == (1, 0)
    per_day = board["new_subscriptions_per_day"]
    assert len(per_day) == 30 and per_day[-1] == {"date": "2026-01-20", "count": 3}
    assert sum(day["count"] for day in per_day) == 3
    assert board["churn"] == {"ended": 0, "live_at_start": 0, "rate": None}
    assert board["payments"] == {"succeeded": 1, "failed": 1, "open": 0, "success_rate": 0.5}
    top = board["top_products"]
    assert [p["name"] for p in top[:2]] == ["Yearly", "Kettle"]
    assert (top[1]["units"], top[1]["amount"]["amount"]) == (3, 7_500)
    assert len(board["recent_orders"]) == 7  # all of them: fewer than 8
    assert board["recent_orders"][0]["state"] == "paid"
    assert board["failed_webhooks"] == 1
    assert board["webhook_problems"][0]["status"] == "rejected"
    assert board["dead_events"] == 0


async def test_money_is_formatted_in_the_asked_language(
    container: Container, client: AsyncClient, clock: FrozenClock
) -> None:
    shop, owner = await shop_with_owner(container, client, timezone="UTC", currency="EUR")
    kettle = await create_sellable(container, shop=shop, price=123_456, name="Kettle")
    await _sell(container, shop, kettle, 1)
    board = (await client.get(_url(shop), params={"locale": "pl"}, headers=owner.headers)).json()
    assert board["revenue"][0]["net"][0]["formatted"] == "1\xa0234,56\xa0€"
    bad = await client.get(_url(shop), params={"locale": "xx"}, headers=owner.headers)
    assert bad.status_code == 422


@pytest.mark.parametrize(("role", "status"), [("viewer", 200), ("manager", 200),
                                              ("admin", 200), ("cashier", 403)])  # fmt: skip
async def test_who_may_read_the_dashboard(
    container: Container, client: AsyncClient, role: str, status: int
) -> None:
    shop, _owner = await shop_with_owner(container, client)
    member = await staff_member(container, client, shop=shop, role=role)
    assert (await client.get(_url(shop), headers=member.headers)).status_code == status


async def test_another_shops_staff_and_strangers_read_nothing(
    container: Container, client: AsyncClient
) -> None:
    shop, _owner = await shop_with_owner(container, client)
    _other, stranger = await shop_with_owner(container, client)
    assert (await client.get(_url(shop), headers=stranger.headers)).status_code in (403, 404)
    assert (await client.get(_url(shop))).status_code == 401


async def test_the_stream_sends_the_dashboard_then_each_sale(
    container: Container,
    client: AsyncClient,
    streaming: tuple[AsyncClient, StreamingASGITransport],
) -> None:
    shop, owner = await shop_with_owner(container, client, timezone="UTC", currency="EUR")
    kettle = await create_sellable(container, shop=shop, price=2500, name="Kettle")
    live, transport = streaming
    async with live.stream("GET", _url(shop, "/stream"), params={"every": 300},
                           headers=owner.headers) as response:  # fmt: skip
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = Events(response)
        first = await asyncio.wait_for(events.next(), timeout=10)
        assert (first["event"], first["id"]) == ("dashboard", "1")
        assert json.loads(first["data"])["revenue"][0]["orders"] == 0
        await _sell(container, shop, kettle, 2)
        second = await asyncio.wait_for(events.next(), timeout=10)
        board = json.loads(second["data"])
        assert (second["id"], board["revenue"][0]["net"][0]["amount"]) == ("2", 5_000)
    [task] = transport.tasks
    assert task.done() and task.exception() is None
