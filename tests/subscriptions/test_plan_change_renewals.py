"""A downgrade scheduled on a plan that renews from a saved YooKassa method: the renewal before
the end charges the new plan's price, the period follows, and the plan itself changes at the
old period end (not when the money comes)."""

from __future__ import annotations

from datetime import timedelta

from httpx import AsyncClient

from shopkeeper import orders
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.subscriptions.tasks import renew
from tests.builders import Staff, login
from tests.builders.orders import create_customer, place_order
from tests.builders.payments import configure, deliver, start
from tests.builders.subscriptions import create_plan, drain, only_subscription, run_expire
from tests.fakes.yookassa import SECRET_KEY, SHOP_ID
from tests.payments.conftest import Gateways, ShopOwner, gateways, settings, shop_owner

__all__ = ["gateways", "settings", "shop_owner"]
JSON = {"Content-Type": "application/json"}


async def test_a_scheduled_downgrade_renews_at_the_new_price_and_switches_at_the_old_end(
    container: Container, client: AsyncClient, shop_owner: ShopOwner, gateways: Gateways,
    clock: FrozenClock,
) -> None:  # fmt: skip
    so = shop_owner
    await configure(client, shop=so.shop, staff=so.owner, provider="yookassa",
                    config={"shop_id": SHOP_ID, "secret_key": SECRET_KEY})  # fmt: skip
    premium = await create_plan(container, shop=so.shop, price=49_900, currency="RUB")
    basic = await create_plan(container, shop=so.shop, price=19_900, currency="RUB")
    customer = await create_customer(container, shop=so.shop)
    order = await place_order(container, shop=so.shop, items=[(premium, 1)], currency="RUB",
                              customer_id=customer.id)  # fmt: skip
    await start(client, shop=so.shop, staff=so.owner, order_id=order.id, provider="yookassa")
    remote = gateways.yookassa.by_order(str(order.id))
    await deliver(client, shop=so.shop, provider="yookassa",
                  body=gateways.yookassa.pay(remote["id"]), headers=JSON)  # fmt: skip
    await drain(container)
    sub = await only_subscription(container, shop=so.shop, customer_id=customer.id)
    old_end = sub.period_end
    assert (sub.renewal, sub.renewal_provider) == ("auto", "yookassa")

    made = await client.post(
        f"/api/v1/shops/{so.shop.slug}/subscriptions/{sub.id}/change-plan",
        json={"product_id": str(basic.id)}, headers=so.owner.headers,
    )  # fmt: skip
    assert made.status_code == 200, made.text
    assert made.json()["change"]["status"] == "scheduled"

    clock.advance(seconds=(old_end - clock.now() - timedelta(hours=23)).total_seconds())
    await renew(container, clock.now())
    await drain(container)

    charges = gateways.yookassa.autopayments()
    assert [c["amount"] for c in charges] == [{"value": "199.00", "currency": "RUB"}]
    async with unit_of_work(container.sessions) as session:
        page = await orders.list_orders(session, shop_id=so.shop.id)
    [renewal] = [o for o in page.items if o.source == "renewal"]
    assert (renewal.state, renewal.lines[0].product_id) == ("paid", basic.id)
    paid_ahead = await only_subscription(container, shop=so.shop, customer_id=customer.id)
    assert (paid_ahead.product_id, paid_ahead.pending_from) == (premium.id, old_end)
    assert paid_ahead.period_end.month == old_end.month + 1  # a month of Basic follows

    clock.advance(hours=23, seconds=1)
    await run_expire(container)
    await drain(container)
    after = await only_subscription(container, shop=so.shop, customer_id=customer.id)
    assert (after.product_id, after.status, after.period_end) == (
        basic.id, "active", paid_ahead.period_end
    )  # fmt: skip
    assert (after.pending_product_id, after.renewal) == (None, "auto")
    staff = Staff(user=so.owner.user, tokens=await login(client, email=so.owner.user.email))
    history = await client.get(
        f"/api/v1/shops/{so.shop.slug}/subscriptions/{sub.id}/plan-changes", headers=staff.headers
    )
    assert [(c["status"], c["direction"]) for c in history.json()] == [("applied", "downgrade")]
