"""Upgrades and downgrades over HTTP: proration to the minor unit, the switch when paid, the
access swap, scheduled downgrades applied by the job (and undone), the shop's rules, the
refusals, and two concurrent changes making one order."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

from httpx import AsyncClient

from shopkeeper import access, orders, subscriptions
from shopkeeper.bootstrap import Container
from shopkeeper.catalog import ProductRead
from shopkeeper.db import unit_of_work
from shopkeeper.orders import OrderRead
from tests.builders import Staff, login, shop_with_owner
from tests.builders.access import FakeStrategy, create_target, grants_of
from tests.builders.orders import create_customer, mark_paid
from tests.builders.subscriptions import (
    buy,
    create_plan,
    drain,
    events_of,
    only_subscription,
    run_expire,
)

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
FEB_1 = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)


def _url(slug: str, tail: str = "") -> str:
    return f"/api/v1/shops/{slug}/subscriptions{tail}"


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class Tiers:
    """A shop with Basic (10.00 EUR a month) and Premium (30.00 EUR a month), each granting a
    Discord role through a fake strategy, and one customer on Basic since START."""

    def __init__(self, container: Container, client: AsyncClient) -> None:
        self.container, self.client = container, client
        self.roles = FakeStrategy(platform="discord_role")

    async def setup(self) -> Tiers:
        c = self.container
        self.shop, self.owner = await shop_with_owner(c, self.client)
        self.basic = await create_plan(c, shop=self.shop, price=1000, name="Basic")
        self.premium = await create_plan(c, shop=self.shop, price=3000, name="Premium")
        access.register_strategy(c, self.roles)
        self.basic_role = await create_target(
            c, shop=self.shop, platform="discord_role", external_id="role-basic",
            title="Basic role", products=[self.basic],
        )  # fmt: skip
        self.premium_role = await create_target(
            c, shop=self.shop, platform="discord_role", external_id="role-premium",
            title="Premium role", products=[self.premium],
        )  # fmt: skip
        self.customer = await create_customer(c, shop=self.shop)
        await buy(c, shop=self.shop, plan=self.basic, customer_id=self.customer.id)
        self.sub = await only_subscription(c, shop=self.shop, customer_id=self.customer.id)
        return self

    @property
    def headers(self) -> dict[str, str]:
        return self.owner.headers

    async def advance(self, **delta: float) -> None:
        """Move the clock, and sign in again (access tokens last 15 minutes)."""
        self.container.clock.advance(**delta)
        tokens = await login(self.client, email=self.owner.user.email)
        self.owner = Staff(user=self.owner.user, tokens=tokens)

    async def change(self, plan: ProductRead, **params: Any) -> Any:
        return await self.client.post(
            _url(self.shop.slug, f"/{self.sub.id}/change-plan"), params=params,
            json={"product_id": str(plan.id)}, headers=self.headers,
        )  # fmt: skip

    async def rules(self, **rules: str) -> None:
        response = await self.client.put(
            _url(self.shop.slug, "/plan-change-rules"), json=rules, headers=self.headers
        )
        assert response.status_code == 200, response.text

    async def order(self, order_id: str) -> OrderRead:
        async with unit_of_work(self.container.sessions) as session:
            return await orders.get_order(
                session, shop_id=self.shop.id, order_id=uuid.UUID(order_id)
            )

    async def subscription(self) -> subscriptions.SubscriptionRead:
        return await only_subscription(self.container, shop=self.shop, customer_id=self.customer.id)

    async def grant_states(self) -> dict[str, str]:
        grants = await grants_of(self.container, shop=self.shop, customer_id=self.customer.id)
        titles = {self.basic_role.id: "basic", self.premium_role.id: "premium"}
        return {titles[g.target_id]: g.state for g in grants}


async def _tiers(container: Container, client: AsyncClient) -> Tiers:
    return await Tiers(container, client).setup()


async def test_an_upgrade_charges_the_difference_for_the_remaining_days(
    container: Container, client: AsyncClient
) -> None:
    t = await _tiers(container, client)
    await t.advance(days=10)  # 21 of the period's 31 days remain

    preview = await t.client.get(
        _url(t.shop.slug, f"/{t.sub.id}/change-plan/preview"),
        params={"product_id": str(t.premium.id)}, headers=t.headers,
    )  # fmt: skip
    assert preview.status_code == 200, preview.text
    body = preview.json()
    # credit 1000×21/31 = 677.42 → 677; cost 3000×21/31 = 2032.26 → 2032; charge 1355
    assert (body["direction"], body["timing"], body["currency"]) == ("upgrade", "now", "EUR")
    assert (body["credit"], body["cost"], body["charge"]) == (677, 2032, 1355)
    assert body["payment_required"] is True
    dry = await t.change(t.premium, dry_run="true")
    assert dry.json() == body

    made = await t.change(t.premium)
    assert made.status_code == 200, made.text
    change = made.json()["change"]
    assert (change["status"], change["credit"], change["charge"]) == ("awaiting_payment", 677, 1355)
    order = await t.order(change["order_id"])
    assert (order.total, order.source, order.currency) == (1355, "plan_change", "EUR")
    [line] = order.lines
    assert (line.product_id, line.quantity, line.unit_amount, line.discount) == (
        t.premium.id, 1, 3000, 1645
    )  # fmt: skip
    assert (await t.subscription()).product_id == t.basic.id  # nothing switches before payment

    await mark_paid(container, order)
    await drain(container)
    after = await t.subscription()
    assert (after.product_id, after.period_end, after.status) == (t.premium.id, FEB_1, "active")
    [changed] = await events_of(container, subscriptions.SubscriptionPlanChanged.name, t.sub.id)
    assert (changed["direction"], changed["order_id"]) == ("upgrade", str(order.id))
    assert await t.grant_states() == {"basic": "revoked", "premium": "granted"}
    assert [r.target.external_id for r in t.roles.granted] == ["role-basic", "role-premium"]
    assert [r.target.external_id for r in t.roles.revoked] == ["role-basic"]
    history = await t.client.get(_url(t.shop.slug, f"/{t.sub.id}/plan-changes"), headers=t.headers)
    assert [(c["status"], c["direction"]) for c in history.json()] == [("applied", "upgrade")]


async def test_the_rest_of_a_trial_stays_free_in_the_proration(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    basic = await create_plan(container, shop=shop, price=1000, trial_days=7)
    premium = await create_plan(container, shop=shop, price=3000)
    customer = await create_customer(container, shop=shop)
    await buy(container, shop=shop, plan=basic, customer_id=customer.id)
    sub = await only_subscription(container, shop=shop, customer_id=customer.id)
    assert sub.status == "trialing"

    preview = await client.get(
        _url(shop.slug, f"/{sub.id}/change-plan/preview"),
        params={"product_id": str(premium.id)}, headers=owner.headers,
    )  # fmt: skip
    # the paid month (Jan 8 → Feb 8, 31 days) is all left: credit 10.00, cost 30.00
    assert (preview.json()["credit"], preview.json()["charge"]) == (1000, 2000)


async def test_a_refunded_upgrade_goes_back_to_the_plan_it_left(
    container: Container, client: AsyncClient
) -> None:
    t = await _tiers(container, client)
    change = (await t.change(t.premium)).json()["change"]
    order = await mark_paid(container, await t.order(change["order_id"]))
    await drain(container)
    assert await t.grant_states() == {"basic": "revoked", "premium": "granted"}

    async with unit_of_work(container.sessions) as session:
        await orders.record_refund(
            session, shop_id=t.shop.id, order_id=order.id, refund_id=uuid.uuid4(),
            amount=order.total, now=container.clock.now(),
        )  # fmt: skip
    await drain(container)

    after = await t.subscription()
    assert (after.product_id, after.period_end, after.status) == (t.basic.id, FEB_1, "active")
    assert await t.grant_states() == {"basic": "granted", "premium": "revoked"}
    history = await t.client.get(_url(t.shop.slug, f"/{t.sub.id}/plan-changes"), headers=t.headers)
    assert [(c["status"], c["cancel_reason"]) for c in history.json()] == [
        ("canceled", "the order was refunded")
    ]


async def test_a_downgrade_waits_for_the_period_end_and_the_job_applies_it(
    container: Container, client: AsyncClient
) -> None:
    t = await _tiers(container, client)
    await buy(container, shop=t.shop, plan=t.premium, customer_id=t.customer.id)
    subs = {s.product_id: s for s in await _subs(t)}
    # the customer holds both plans now: a downgrade of Premium to Basic is refused
    t.sub = subs[t.premium.id]
    refused = await t.change(t.basic)
    assert (refused.status_code, refused.json()["error"]) == (409, "PlanChangeRefused")
    await _revoke(t, subs[t.basic.id].id)

    made = await t.change(t.basic)
    assert made.status_code == 200, made.text
    body = made.json()
    assert (body["change"]["status"], body["change"]["timing"]) == ("scheduled", "period_end")
    assert body["change"]["order_id"] is None and body["change"]["charge"] == 0
    sub = body["subscription"]
    assert (sub["product_id"], _when(sub["pending_from"])) == (str(t.premium.id), FEB_1)
    assert sub["pending_product_id"] == str(t.basic.id)
    again = await t.change(t.basic)
    assert (again.status_code, again.json()["error"]) == (409, "PlanChangePending")

    # Basic paid ahead: its month follows the current end; the move stays at Feb 1
    await buy(container, shop=t.shop, plan=t.basic, customer_id=t.customer.id)
    [live] = [s for s in await _subs(t) if s.status == "active"]
    assert (live.id, live.product_id, live.period_end) == (
        t.sub.id,
        t.premium.id,
        datetime(2026, 3, 1, 12, tzinfo=UTC),
    )
    await t.advance(days=30)
    await run_expire(container)
    assert (await _sub(t)).product_id == t.premium.id  # not yet
    await t.advance(days=1)
    await run_expire(container)
    await drain(container)
    after = await _sub(t)
    assert (after.product_id, after.status, after.pending_product_id) == (
        t.basic.id,
        "active",
        None,
    )
    assert await t.grant_states() == {"basic": "granted", "premium": "revoked"}


async def test_a_scheduled_downgrade_can_be_undone(
    container: Container, client: AsyncClient
) -> None:
    t = await _tiers(container, client)
    await _on_premium(t)
    assert (await t.change(t.basic)).status_code == 200
    undone = await t.client.post(
        _url(t.shop.slug, f"/{t.sub.id}/change-plan/undo"), headers=t.headers
    )
    assert undone.status_code == 200, undone.text
    assert (undone.json()["status"], undone.json()["cancel_reason"]) == ("canceled", "undone")
    assert (await _sub(t)).pending_product_id is None
    nothing = await t.client.post(
        _url(t.shop.slug, f"/{t.sub.id}/change-plan/undo"), headers=t.headers
    )
    assert (nothing.status_code, nothing.json()["error"]) == (404, "PlanChangeNotFound")
    scheduled = await events_of(
        container, subscriptions.SubscriptionPlanChangeScheduled.name, t.sub.id
    )
    assert [e["undone"] for e in scheduled] == [False, True]
    await t.advance(days=40)
    await run_expire(container)
    assert (await _sub(t)).product_id == t.premium.id


async def test_the_shop_rules_decide_when_each_change_happens(
    container: Container, client: AsyncClient
) -> None:
    t = await _tiers(container, client)
    default = await t.client.get(_url(t.shop.slug, "/plan-change-rules"), headers=t.headers)
    assert default.json() == {"upgrade": "immediate_prorated", "downgrade": "at_period_end"}
    await _on_premium(t)
    await t.rules(upgrade="at_period_end", downgrade="immediate")

    down = await t.change(t.basic)
    assert (down.json()["change"]["status"], down.json()["change"]["charge"]) == ("applied", 0)
    assert down.json()["subscription"]["product_id"] == str(t.basic.id)
    await drain(container)
    assert await t.grant_states() == {"basic": "granted", "premium": "revoked"}

    up = await t.change(t.premium)
    assert (up.json()["change"]["timing"], up.json()["change"]["status"]) == (
        "period_end", "scheduled"
    )  # fmt: skip
    assert up.json()["change"]["order_id"] is None
    await t.advance(days=31)
    await run_expire(container)
    await drain(container)
    assert (await _sub(t)).product_id == t.premium.id
    bad = await t.client.put(
        _url(t.shop.slug, "/plan-change-rules"), json={"upgrade": "never"}, headers=t.headers
    )
    assert bad.status_code == 422


async def test_illegal_changes_are_refused_clearly(
    container: Container, client: AsyncClient
) -> None:
    t = await _tiers(container, client)
    dollars = await create_plan(container, shop=t.shop, price=900, currency="USD", name="US")
    cases = {
        "same plan": (t.basic.id, 422, "PlanUnchanged"),
        "other currency": (dollars.id, 422, "PlanCurrencyMismatch"),
        "unknown": (uuid.uuid4(), 404, "ProductNotFound"),
    }
    for name, (product_id, status, error) in cases.items():
        response = await t.client.post(
            _url(t.shop.slug, f"/{t.sub.id}/change-plan"), json={"product_id": str(product_id)},
            headers=t.headers,
        )  # fmt: skip
        assert (response.status_code, response.json()["error"]) == (status, error), name
    await t.advance(days=40)
    await run_expire(container)
    expired = await t.change(t.premium)
    assert (expired.status_code, expired.json()["error"]) == (409, "SubscriptionNotLive")
    assert await events_of(container, subscriptions.SubscriptionPlanChanged.name) == []


async def test_a_subscription_renewing_through_stripe_is_refused(
    container: Container, client: AsyncClient
) -> None:
    t = await _tiers(container, client)
    async with unit_of_work(container.sessions) as session:
        await subscriptions.record_renewal_reference(
            session, shop_id=t.shop.id, subscription_id=t.sub.id, provider="stripe",
            reference="sub_123", now=container.clock.now(),
        )  # fmt: skip
    refused = await t.change(t.premium)
    assert (refused.status_code, refused.json()["error"]) == (409, "PlanChangeRefused")
    assert "stripe" in refused.json()["detail"]


async def test_an_unpaid_upgrade_ends_with_its_order_or_when_undone(
    container: Container, client: AsyncClient
) -> None:
    t = await _tiers(container, client)
    first = (await t.change(t.premium)).json()["change"]
    undone = await t.client.post(
        _url(t.shop.slug, f"/{t.sub.id}/change-plan/undo"), headers=t.headers
    )
    assert undone.json()["status"] == "canceled"
    assert (await t.order(first["order_id"])).state == "cancelled"

    second = (await t.change(t.premium)).json()["change"]
    async with unit_of_work(container.sessions) as session:
        await orders.cancel_order(
            session, shop_id=t.shop.id, order_id=uuid.UUID(second["order_id"]),
            reason="changed my mind", now=container.clock.now(),
        )  # fmt: skip
    await drain(container)
    history = await t.client.get(_url(t.shop.slug, f"/{t.sub.id}/plan-changes"), headers=t.headers)
    assert [c["status"] for c in history.json()] == ["canceled", "canceled"]
    assert "changed my mind" in history.json()[0]["cancel_reason"]
    third = await t.change(t.premium)  # nothing open any more
    assert third.status_code == 200


async def test_two_concurrent_changes_make_one_order(
    container: Container, client: AsyncClient
) -> None:
    t = await _tiers(container, client)
    await t.advance(days=3)
    first, second = await asyncio.gather(t.change(t.premium), t.change(t.premium))
    statuses = sorted([first.status_code, second.status_code])
    assert statuses == [200, 409], (first.text, second.text)
    loser = first if first.status_code == 409 else second
    assert loser.json()["error"] == "PlanChangePending"
    async with unit_of_work(container.sessions) as session:
        page = await orders.list_orders(session, shop_id=t.shop.id)
    assert sorted(o.source for o in page.items) == ["plan_change", "tests"]


async def _subs(t: Tiers) -> list[subscriptions.SubscriptionRead]:
    async with unit_of_work(t.container.sessions) as session:
        page = await subscriptions.list_subscriptions(
            session, shop_id=t.shop.id, now=t.container.clock.now(), customer_id=t.customer.id
        )
    return page.items


async def _sub(t: Tiers) -> subscriptions.SubscriptionRead:
    async with unit_of_work(t.container.sessions) as session:
        return await subscriptions.get_subscription(
            session, shop_id=t.shop.id, subscription_id=t.sub.id
        )


async def _revoke(t: Tiers, subscription_id: uuid.UUID) -> None:
    response = await t.client.post(
        _url(t.shop.slug, f"/{subscription_id}/revoke"), headers=t.headers
    )
    assert response.status_code == 200, response.text


async def _on_premium(t: Tiers) -> None:
    """Basic upgraded to Premium and paid (the shop's default rule)."""
    change = (await t.change(t.premium)).json()["change"]
    await mark_paid(t.container, await t.order(change["order_id"]))
    await drain(t.container)
    assert (await _sub(t)).product_id == t.premium.id
