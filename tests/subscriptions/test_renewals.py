"""Automatic renewal through YooKassa: the saved method is charged once per period, before the
end, by the `subscriptions.renew` job; a declined card puts the subscription back on reminders.

The plan is bought as a customer would (a YooKassa payment through the API, confirmed at the
fake YooKassa, its notification delivered); the job runs as two workers at the same moment.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from httpx import AsyncClient

from shopkeeper import orders, payments
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.subscriptions import (
    SubscriptionReminderDue,
    SubscriptionRenewalStopped,
    SubscriptionRenewed,
)
from shopkeeper.subscriptions.tasks import renew
from tests.builders.orders import create_customer, place_order
from tests.builders.payments import configure, deliver, get_order, start
from tests.builders.subscriptions import (
    create_plan,
    drain,
    events_of,
    only_subscription,
    run_expire,
    run_remind,
)
from tests.fakes.yookassa import SECRET_KEY, SHOP_ID
from tests.payments.conftest import Gateways, ShopOwner, gateways, settings, shop_owner

__all__ = ["gateways", "settings", "shop_owner"]
JSON = {"Content-Type": "application/json"}
PRICE = 49_900  # 499.00 RUB a month


async def _buy(container: Container, client: AsyncClient, so: ShopOwner, gw: Gateways):  # type: ignore[no-untyped-def]
    """A customer buys a monthly plan through YooKassa and confirms the payment."""
    await configure(
        client, shop=so.shop, staff=so.owner, provider="yookassa",
        config={"shop_id": SHOP_ID, "secret_key": SECRET_KEY},
    )  # fmt: skip
    plan = await create_plan(container, shop=so.shop, price=PRICE, currency="RUB")
    customer = await create_customer(container, shop=so.shop)
    order = await place_order(
        container, shop=so.shop, items=[(plan, 1)], currency="RUB", customer_id=customer.id
    )
    await start(client, shop=so.shop, staff=so.owner, order_id=order.id, provider="yookassa")
    remote = gw.yookassa.by_order(str(order.id))
    notice = await deliver(client, shop=so.shop, provider="yookassa",
                           body=gw.yookassa.pay(remote["id"]), headers=JSON)  # fmt: skip
    assert notice.json()["status"] == "processed"
    await drain(container)
    return customer, order, remote["id"]


async def _twice(container: Container, clock: FrozenClock) -> None:
    """Two workers run `subscriptions.renew` at the same moment."""
    await asyncio.gather(renew(container, clock.now()), renew(container, clock.now()))
    await drain(container)


async def _renewal_orders(container: Container, so: ShopOwner) -> list[orders.OrderRead]:
    async with unit_of_work(container.sessions) as session:
        page = await orders.list_orders(session, shop_id=so.shop.id, limit=100, offset=0)
    return [o for o in page.items if o.source == "renewal"]


async def test_a_plan_bought_through_yookassa_renews_once_from_the_saved_method(
    container: Container, client: AsyncClient, shop_owner: ShopOwner, gateways: Gateways,
    clock: FrozenClock,
) -> None:  # fmt: skip
    customer, first, method = await _buy(container, client, shop_owner, gateways)
    assert gateways.yookassa.requests[0][2]["save_payment_method"] is True
    sub = await only_subscription(container, shop=shop_owner.shop, customer_id=customer.id)
    assert (sub.renewal, sub.renewal_provider, sub.renewal_reference) == (
        "auto", "yookassa", method,
    )  # fmt: skip
    end = sub.period_end

    clock.advance(seconds=(end - clock.now() - timedelta(hours=25)).total_seconds())
    await _twice(container, clock)  # 25 h left: not yet
    assert gateways.yookassa.autopayments() == []
    await run_remind(container)  # renewing by itself: no "renew with /buy" reminders
    assert await events_of(container, SubscriptionReminderDue.name, sub.id) == []

    clock.advance(hours=2)  # 23 h left
    await _twice(container, clock)
    await _twice(container, clock)

    charges = gateways.yookassa.autopayments()
    assert [(c["status"], c["amount"]) for c in charges] == [
        ("succeeded", {"value": "499.00", "currency": "RUB"})
    ]
    sent = [body for method_, path, body, _ in gateways.yookassa.requests
            if body and body.get("payment_method_id")]  # fmt: skip
    assert len(sent) == 1 and sent[0]["payment_method_id"] == method
    assert "confirmation" not in sent[0] and "save_payment_method" not in sent[0]
    (renewal,) = await _renewal_orders(container, shop_owner)
    assert (renewal.state, renewal.total, renewal.currency) == ("paid", PRICE, "RUB")
    assert renewal.customer_id == customer.id and renewal.id != first.id
    after = await only_subscription(container, shop=shop_owner.shop, customer_id=customer.id)
    assert after.period_end.month == end.month + 1 and after.period_end.day == end.day
    assert (after.renewal, after.renewal_reference) == ("auto", method)
    renewed = await events_of(container, SubscriptionRenewed.name, sub.id)
    assert [e["order_id"] for e in renewed] == [str(renewal.id)]


async def test_a_declined_renewal_falls_back_to_reminders_without_retrying(
    container: Container, client: AsyncClient, shop_owner: ShopOwner, gateways: Gateways,
    clock: FrozenClock,
) -> None:  # fmt: skip
    customer, _first, method = await _buy(container, client, shop_owner, gateways)
    sub = await only_subscription(container, shop=shop_owner.shop, customer_id=customer.id)
    gateways.yookassa.decline(method, "insufficient_funds")
    clock.advance(seconds=(sub.period_end - clock.now() - timedelta(hours=23)).total_seconds())

    await _twice(container, clock)
    clock.advance(minutes=10)
    await _twice(container, clock)  # the next runs charge nothing more

    charges = gateways.yookassa.autopayments()
    assert [c["status"] for c in charges] == ["canceled"]
    after = await only_subscription(container, shop=shop_owner.shop, customer_id=customer.id)
    assert (after.renewal, after.renewal_provider, after.renewal_reference) == (
        "manual", None, None,
    )  # fmt: skip
    assert after.period_end == sub.period_end and after.status == "active"
    stopped = await events_of(container, SubscriptionRenewalStopped.name, sub.id)
    assert [(e["provider"], e["reason"]) for e in stopped] == [("yookassa", "insufficient_funds")]
    (renewal,) = await _renewal_orders(container, shop_owner)
    assert renewal.state == "pending"

    await run_remind(container)  # renewing by reminders again: "1 day left" goes out
    reminders = await events_of(container, SubscriptionReminderDue.name, sub.id)
    assert [(e["kind"], e["days_left"]) for e in reminders] == [("before_1d", 1)]
    clock.advance(days=1)
    await run_expire(container)
    ended = await only_subscription(container, shop=shop_owner.shop, customer_id=customer.id)
    assert ended.status in ("expired", "past_due")
    assert len(gateways.yookassa.autopayments()) == 1


async def test_a_plan_paid_once_elsewhere_keeps_renewing_by_reminders(
    container: Container, client: AsyncClient, shop_owner: ShopOwner, gateways: Gateways,
    clock: FrozenClock,
) -> None:  # fmt: skip
    plan = await create_plan(container, shop=shop_owner.shop, price=PRICE, currency="RUB")
    customer = await create_customer(container, shop=shop_owner.shop)
    order = await place_order(container, shop=shop_owner.shop, items=[(plan, 1)],
                              currency="RUB", customer_id=customer.id)  # fmt: skip
    payment = await start(client, shop=shop_owner.shop, staff=shop_owner.owner,
                          order_id=order.id)  # the sandbox: nothing saved  # fmt: skip
    assert payment["provider"] == "sandbox"
    await payments.press_sandbox(
        container, payment_id=uuid.UUID(payment["payment_id"]), outcome="pay"
    )
    await drain(container)
    assert (await get_order(container, shop=shop_owner.shop, order_id=order.id)).state == "paid"
    sub = await only_subscription(container, shop=shop_owner.shop, customer_id=customer.id)
    assert sub.renewal == "manual"
    clock.advance(seconds=(sub.period_end - clock.now() - timedelta(hours=2)).total_seconds())
    await _twice(container, clock)
    assert await _renewal_orders(container, shop_owner) == []
