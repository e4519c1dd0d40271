"""Staff over HTTP: list and read, extend, gift, cancel and resume, revoke; audited, per shop."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from httpx import AsyncClient

from shopkeeper import audit
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.subscriptions import SubscriptionEnded, SubscriptionRenewed
from tests.builders import shop_with_owner, staff_member
from tests.builders.orders import create_customer, create_sellable
from tests.builders.subscriptions import buy, create_plan, events_of, only_subscription

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _url(slug: str, tail: str = "") -> str:
    return f"/api/v1/shops/{slug}/subscriptions{tail}"


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


async def _audit(container: Container, shop_id: uuid.UUID, action: str) -> list[Any]:
    async with unit_of_work(container.sessions) as session:
        page = await audit.list_entries(
            session, shop_id=shop_id, filters=audit.AuditFilter(action=action)
        )
    return page.items


async def test_list_filters_paginate_and_read_one(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    monthly = await create_plan(container, shop=shop)
    short = await create_plan(container, shop=shop, unit="day", count=2)
    first = await create_customer(container, shop=shop)
    second = await create_customer(container, shop=shop)
    await buy(container, shop=shop, plan=monthly, customer_id=first.id)
    await buy(container, shop=shop, plan=short, customer_id=first.id)
    await buy(container, shop=shop, plan=monthly, customer_id=second.id)

    async def ids(**params: Any) -> list[str]:
        response = await client.get(_url(shop.slug), params=params, headers=owner.headers)
        assert response.status_code == 200, response.text
        return [item["product_id"] + ":" + item["customer_id"] for item in response.json()["items"]]

    everything = (await client.get(_url(shop.slug), headers=owner.headers)).json()
    assert everything["total"] == 3 and len(everything["items"]) == 3
    assert await ids(plan=str(short.id)) == [f"{short.id}:{first.id}"]
    assert len(await ids(customer=str(first.id))) == 2
    assert await ids(expiring_within_days=3) == [f"{short.id}:{first.id}"]
    assert len(await ids(status="active")) == 3 and await ids(status="expired") == []
    page = (await client.get(_url(shop.slug), params={"limit": 1, "offset": 1},
                             headers=owner.headers)).json()  # fmt: skip
    assert (page["total"], len(page["items"]), page["offset"]) == (3, 1, 1)
    bad = await client.get(_url(shop.slug), params={"status": "sleeping"}, headers=owner.headers)
    assert bad.status_code == 422

    one = everything["items"][0]
    detail = await client.get(_url(shop.slug, f"/{one['id']}"), headers=owner.headers)
    assert detail.status_code == 200
    assert [h["kind"] for h in detail.json()["history"]] == ["payment"]


async def test_extend_cancel_resume_revoke_are_audited(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    plan = await create_plan(container, shop=shop)
    customer = await create_customer(container, shop=shop)
    await buy(container, shop=shop, plan=plan, customer_id=customer.id)
    sub = await only_subscription(container, shop=shop, customer_id=customer.id)
    base = _url(shop.slug, f"/{sub.id}")

    extended = await client.post(f"{base}/extend", json={"days": 5}, headers=owner.headers)
    assert extended.status_code == 200, extended.text
    assert _when(extended.json()["period_end"]) == datetime(2026, 2, 6, 12, tzinfo=UTC)
    canceled = await client.post(f"{base}/cancel", headers=owner.headers)
    assert canceled.json()["cancel_at_period_end"] is True
    resumed = await client.post(f"{base}/resume", headers=owner.headers)
    assert resumed.json()["cancel_at_period_end"] is False
    revoked = await client.post(f"{base}/revoke", headers=owner.headers)
    assert (revoked.json()["status"], revoked.json()["ended_reason"]) == ("canceled", "revoked")
    again = await client.post(f"{base}/revoke", headers=owner.headers)
    assert (again.status_code, again.json()["error"]) == (409, "SubscriptionNotLive")
    zero = await client.post(f"{base}/extend", json={"days": 0}, headers=owner.headers)
    assert zero.status_code == 422

    [entry] = await _audit(container, shop.id, "subscription.extended")
    assert entry.target_id == str(sub.id) and entry.actor_id == owner.user.id
    assert entry.before["period_end"].startswith("2026-02-01")
    assert entry.after["period_end"].startswith("2026-02-06")
    for action in ("cancel_scheduled", "cancel_undone", "revoked"):
        assert len(await _audit(container, shop.id, f"subscription.{action}")) == 1, action
    assert [e["reason"] for e in await events_of(container, SubscriptionEnded.name, sub.id)] == [
        "revoked"
    ]
    renewed = await events_of(container, SubscriptionRenewed.name, sub.id)
    assert [e["reason"] for e in renewed] == ["extension"]


async def test_gift_starts_or_lengthens_without_payment(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    plan = await create_plan(container, shop=shop)
    customer = await create_customer(container, shop=shop)
    body = {"customer_id": str(customer.id), "product_id": str(plan.id), "days": 10}

    created = await client.post(_url(shop.slug, "/gift"), json=body, headers=owner.headers)
    lengthened = await client.post(
        _url(shop.slug, "/gift"), json={**body, "days": None, "periods": 1}, headers=owner.headers
    )

    assert created.status_code == 201, created.text
    assert created.json()["status"] == "active"
    assert _when(created.json()["period_end"]) == START + timedelta(days=10)
    assert lengthened.json()["id"] == created.json()["id"]
    assert _when(lengthened.json()["period_end"]) == datetime(2026, 2, 11, 12, tzinfo=UTC)
    assert len(await _audit(container, shop.id, "subscription.gifted")) == 2
    renewed = await events_of(container, SubscriptionRenewed.name)
    assert [e["reason"] for e in renewed] == ["gift"]

    both = await client.post(
        _url(shop.slug, "/gift"), json={**body, "periods": 1}, headers=owner.headers
    )
    assert both.status_code == 422
    other = await create_sellable(container, shop=shop)
    not_plan = await client.post(
        _url(shop.slug, "/gift"), json={**body, "product_id": str(other.id)}, headers=owner.headers
    )
    assert (not_plan.status_code, not_plan.json()["error"]) == (422, "NotAPlan")
    stranger = await client.post(
        _url(shop.slug, "/gift"), json={**body, "customer_id": str(uuid.uuid4())},
        headers=owner.headers,
    )  # fmt: skip
    assert stranger.status_code == 404


async def test_another_shops_subscription_is_not_found(
    container: Container, client: AsyncClient
) -> None:
    shop, _ = await shop_with_owner(container, client)
    other_shop, other_owner = await shop_with_owner(container, client)
    plan = await create_plan(container, shop=shop)
    customer = await create_customer(container, shop=shop)
    await buy(container, shop=shop, plan=plan, customer_id=customer.id)
    sub = await only_subscription(container, shop=shop, customer_id=customer.id)
    theirs = _url(other_shop.slug, f"/{sub.id}")

    read = await client.get(theirs, headers=other_owner.headers)
    extend = await client.post(f"{theirs}/extend", json={"days": 3}, headers=other_owner.headers)
    revoke = await client.post(f"{theirs}/revoke", headers=other_owner.headers)
    into_mine = await client.get(_url(shop.slug, f"/{sub.id}"), headers=other_owner.headers)
    gift = await client.post(
        _url(other_shop.slug, "/gift"),
        json={"customer_id": str(customer.id), "product_id": str(plan.id), "days": 3},
        headers=other_owner.headers,
    )

    assert (read.status_code, read.json()["error"]) == (404, "SubscriptionNotFound")
    assert extend.status_code == 404 and revoke.status_code == 404
    assert into_mine.status_code == 404
    assert gift.status_code == 404  # neither the plan nor the customer is theirs
    listed = (await client.get(_url(other_shop.slug), headers=other_owner.headers)).json()
    assert listed["total"] == 0
    unchanged = await only_subscription(container, shop=shop, customer_id=customer.id)
    assert unchanged == sub


async def test_a_viewer_reads_but_cannot_change(container: Container, client: AsyncClient) -> None:
    shop, _ = await shop_with_owner(container, client)
    viewer = await staff_member(container, client, shop=shop, role="viewer")
    cashier = await staff_member(container, client, shop=shop, role="cashier")
    manager = await staff_member(container, client, shop=shop, role="manager")
    plan = await create_plan(container, shop=shop)
    customer = await create_customer(container, shop=shop)
    await buy(container, shop=shop, plan=plan, customer_id=customer.id)
    sub = await only_subscription(container, shop=shop, customer_id=customer.id)
    base = _url(shop.slug, f"/{sub.id}")

    assert (await client.get(base, headers=viewer.headers)).status_code == 200
    assert (await client.get(_url(shop.slug), headers=cashier.headers)).status_code == 200
    for staff in (viewer, cashier):
        denied = await client.post(f"{base}/extend", json={"days": 3}, headers=staff.headers)
        assert denied.status_code == 403, denied.text
    allowed = await client.post(f"{base}/extend", json={"days": 3}, headers=manager.headers)
    assert allowed.status_code == 200
    after = await only_subscription(container, shop=shop, customer_id=customer.id)
    assert after.period_end == sub.period_end + timedelta(days=3)  # only the manager's counted
