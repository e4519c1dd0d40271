"""The premium API over HTTP: a Discord member's status, staff activate/upgrade/cancel, and the
shop's statistics with every number checked."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from httpx import AsyncClient

from shopkeeper import identity
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.identity import CustomerRead
from tests.builders import Staff, login, shop_with_owner, staff_member
from tests.builders.orders import create_customer
from tests.builders.subscriptions import buy, create_plan, only_subscription

JAN_3 = datetime(2026, 1, 3, 12, tzinfo=UTC)


def _url(slug: str, tail: str) -> str:
    return f"/api/v1/shops/{slug}/premium{tail}"


class Shop:
    """A Discord premium shop (UTC) with Basic (10.00 EUR) and Premium (30.00 EUR) tiers."""

    def __init__(self, container: Container, client: AsyncClient) -> None:
        self.container, self.client = container, client

    async def setup(self) -> Shop:
        self.shop, self.owner = await shop_with_owner(self.container, self.client, timezone="UTC")
        self.basic = await create_plan(self.container, shop=self.shop, price=1000, name="Basic")
        self.premium = await create_plan(self.container, shop=self.shop, price=3000,
                                         name="Premium")  # fmt: skip
        return self

    async def advance(self, **delta: float) -> None:
        self.container.clock.advance(**delta)
        tokens = await login(self.client, email=self.owner.user.email)
        self.owner = Staff(user=self.owner.user, tokens=tokens)

    async def member(self, discord_id: str) -> CustomerRead:
        async with unit_of_work(self.container.sessions) as session:
            return await identity.find_or_create_customer(
                session, shop_id=self.shop.id, kind="discord", value=discord_id,
                now=self.container.clock.now(),
            )  # fmt: skip

    async def get(self, tail: str, **params: Any) -> Any:
        response = await self.client.get(
            _url(self.shop.slug, tail), params=params, headers=self.owner.headers
        )
        return response

    async def post(self, tail: str, body: dict[str, Any], method: str = "POST") -> Any:
        return await self.client.request(
            method, _url(self.shop.slug, tail), json=body, headers=self.owner.headers
        )


async def _shop(container: Container, client: AsyncClient) -> Shop:
    return await Shop(container, client).setup()


async def test_status_of_a_member_and_of_a_stranger(
    container: Container, client: AsyncClient
) -> None:
    s = await _shop(container, client)
    member = await s.member("123456789012345678")
    await buy(container, shop=s.shop, plan=s.premium, customer_id=member.id)
    await s.advance(days=10, hours=1)

    status = await s.get("/status/123456789012345678")
    assert status.status_code == 200, status.text
    body = status.json()
    assert (body["premium"], body["tier"], body["status"]) == (True, "Premium", "active")
    assert body["ends_at"].startswith("2026-02-01T12:00:00")
    assert (body["days_left"], body["customer_id"]) == (21, str(member.id))
    assert len(body["subscriptions"]) == 1

    stranger = (await s.get("/status/42")).json()
    assert (stranger["premium"], stranger["tier"], stranger["customer_id"]) == (False, None, None)
    assert stranger["days_left"] == 0
    bad = await s.get("/status/not-a-snowflake")
    assert (bad.status_code, bad.json()["error"]) == (422, "InvalidIdentity")
    async with unit_of_work(container.sessions) as session:  # asking created nobody
        assert (
            await identity.find_customer(session, shop_id=s.shop.id, kind="discord", value="42")
            is None
        )


async def test_activate_gives_days_and_makes_the_member_a_customer(
    container: Container, client: AsyncClient
) -> None:
    s = await _shop(container, client)
    body = {"discord_id": "555", "product_id": str(s.premium.id), "days": 10}

    made = await s.post("/activate", body)
    assert made.status_code == 200, made.text
    assert (made.json()["premium"], made.json()["tier"], made.json()["days_left"]) == (
        True, "Premium", 10
    )  # fmt: skip
    assert made.json()["ends_at"].startswith("2026-01-11T12:00:00")
    again = await s.post("/activate", {**body, "days": 5})
    assert (again.json()["days_left"], again.json()["customer_id"]) == (
        15,
        made.json()["customer_id"],
    )

    unknown = await s.post("/activate", {**body, "product_id": str(s.shop.id)})
    assert (unknown.status_code, unknown.json()["error"]) == (404, "ProductNotFound")
    zero = await s.post("/activate", {**body, "days": 0})
    assert zero.status_code == 422
    viewer = await staff_member(container, client, shop=s.shop, role="viewer")
    refused = await client.post(_url(s.shop.slug, "/activate"), json=body, headers=viewer.headers)
    assert refused.status_code == 403
    readable = await client.get(_url(s.shop.slug, "/status/555"), headers=viewer.headers)
    assert readable.status_code == 200


async def test_upgrade_answers_with_the_prorated_order_and_cancel_ends_it(
    container: Container, client: AsyncClient
) -> None:
    s = await _shop(container, client)
    member = await s.member("777")
    await buy(container, shop=s.shop, plan=s.basic, customer_id=member.id)

    upgraded = await s.post("/upgrade", {"discord_id": "777", "product_id": str(s.premium.id)})
    assert upgraded.status_code == 200, upgraded.text
    change = upgraded.json()["change"]
    # nothing of the month used yet: credit 10.00, cost 30.00, charge 20.00
    assert (change["direction"], change["credit"], change["charge"]) == ("upgrade", 1000, 2000)
    assert change["status"] == "awaiting_payment" and change["order_id"]
    same_verb = await s.post("/upgrade", {"discord_id": "777", "product_id": str(s.premium.id)},
                             method="PUT")  # fmt: skip
    assert (same_verb.status_code, same_verb.json()["error"]) == (409, "PlanChangePending")

    canceled = await s.post("/cancel", {"discord_id": "777"})
    assert canceled.status_code == 200, canceled.text
    assert (canceled.json()["status"], canceled.json()["cancel_at_period_end"]) == ("active", True)
    status = (await s.get("/status/777")).json()
    assert (status["premium"], status["cancel_at_period_end"]) == (True, True)

    revoked = await s.post("/cancel", {"discord_id": "777", "at_period_end": False}, "DELETE")
    assert (revoked.json()["status"], revoked.json()["ended_reason"]) == ("canceled", "revoked")
    gone = (await s.get("/status/777")).json()
    assert (gone["premium"], gone["tier"]) == (False, None)
    none_left = await s.post("/cancel", {"discord_id": "777"})
    assert (none_left.status_code, none_left.json()["error"]) == (404, "NoPremium")
    stranger = await s.post("/upgrade", {"discord_id": "999", "product_id": str(s.basic.id)})
    assert (stranger.status_code, stranger.json()["error"]) == (404, "PremiumMemberNotFound")


async def test_statistics_count_tiers_new_members_churn_and_revenue(
    container: Container, client: AsyncClient
) -> None:
    s = await _shop(container, client)
    first = await create_customer(container, shop=s.shop)
    second = await create_customer(container, shop=s.shop)
    await buy(container, shop=s.shop, plan=s.basic, customer_id=first.id)  # Jan 1
    await buy(container, shop=s.shop, plan=s.premium, customer_id=second.id)
    first_sub = await only_subscription(container, shop=s.shop, customer_id=first.id)
    await s.advance(days=2)  # Jan 3
    third = await create_customer(container, shop=s.shop)
    await buy(container, shop=s.shop, plan=s.basic, customer_id=third.id)
    gift = {"discord_id": "31337", "product_id": str(s.premium.id), "days": 10}
    assert (await s.post("/activate", gift)).status_code == 200
    await s.advance(days=2)  # Jan 5
    revoke = await s.client.post(
        f"/api/v1/shops/{s.shop.slug}/subscriptions/{first_sub.id}/revoke",
        headers=s.owner.headers,
    )
    assert revoke.status_code == 200

    three = (await s.get("/statistics", days=3)).json()
    assert (three["days"], three["since"][:19]) == (3, "2026-01-03T00:00:00")
    tiers = {t["tier"]: (t["active"], t["past_due"]) for t in three["active_by_tier"]}
    assert tiers == {"Premium": (2, 0), "Basic": (1, 0)} and three["active_total"] == 3
    assert [(d["date"], d["count"]) for d in three["new_per_day"]] == [
        ("2026-01-03", 2), ("2026-01-04", 0), ("2026-01-05", 0)
    ]  # fmt: skip
    assert (three["new_today"], three["new_in_window"]) == (0, 2)
    assert three["churn"] == {"ended": 1, "active_at_start": 2, "rate": 0.5}
    assert three["revenue"] == [{"currency": "EUR", "amount": 1000, "formatted": "€10.00"}]

    month = (await s.get("/statistics")).json()
    assert (month["days"], month["new_in_window"], month["new_per_day"][-5]["count"]) == (30, 4, 2)
    assert month["churn"] == {"ended": 1, "active_at_start": 0, "rate": None}
    assert month["revenue"][0]["amount"] == 5000
    assert (await s.get("/statistics", days=0)).status_code == 422
    assert date.fromisoformat(month["new_per_day"][-1]["date"]) == date(2026, 1, 5)
