"""A subscription that changes plan swaps what it grants: the new plan's targets in, the old
plan's out, targets of both plans untouched, other sources respected, redelivery harmless."""

from __future__ import annotations

import uuid

from shopkeeper import access, bus
from shopkeeper.bootstrap import Container
from shopkeeper.subscriptions.events import SubscriptionPlanChanged
from tests.builders import create_shop
from tests.builders.access import (
    FakeStrategy,
    create_target,
    grants_of,
    paid_order,
    publish,
    started,
)
from tests.builders.orders import create_customer, create_sellable


async def test_a_plan_change_swaps_the_roles_and_keeps_what_both_plans_grant(
    container: Container,
) -> None:
    roles = FakeStrategy(platform="discord_role")
    access.register_strategy(container, roles)
    shop = await create_shop(container)
    basic = await create_sellable(container, shop=shop, kind="plan")
    premium = await create_sellable(container, shop=shop, kind="plan")
    basic_role = await create_target(container, shop=shop, platform="discord_role",
                                     external_id="basic", products=[basic])  # fmt: skip
    premium_role = await create_target(container, shop=shop, platform="discord_role",
                                       external_id="premium", products=[premium])  # fmt: skip
    members = await create_target(container, shop=shop, platform="discord_role",
                                  external_id="members", products=[basic, premium])  # fmt: skip
    customer = await create_customer(container, shop=shop)
    subscription = uuid.uuid4()
    await publish(container, started(shop, customer.id, basic, subscription))
    await bus.drain(container)
    roles.granted.clear()

    changed = SubscriptionPlanChanged(
        subscription_id=subscription, shop_id=shop.id, customer_id=customer.id,
        from_product_id=basic.id, to_product_id=premium.id,
        period_end=container.clock.now(), direction="upgrade", order_id=None,
    )  # fmt: skip
    await publish(container, changed)
    await bus.drain(container)

    states = {g.target_id: g.state for g in await grants_of(container, shop=shop)}
    assert states == {basic_role.id: "revoked", premium_role.id: "granted", members.id: "granted"}
    assert [r.target.external_id for r in roles.granted] == ["premium"]
    assert [r.target.external_id for r in roles.revoked] == ["basic"]
    basic_grant = next(g for g in await grants_of(container, shop=shop)
                       if g.target_id == basic_role.id)  # fmt: skip
    assert basic_grant.reason == "subscription upgraded"

    await publish(container, changed.model_copy())  # the same news again: nothing moves
    await bus.drain(container)
    assert [r.target.external_id for r in roles.revoked] == ["basic"]
    assert [r.target.external_id for r in roles.granted] == ["premium"]


async def test_a_role_also_bought_once_stays_after_a_downgrade(container: Container) -> None:
    shop = await create_shop(container)
    basic = await create_sellable(container, shop=shop, kind="plan")
    premium = await create_sellable(container, shop=shop, kind="plan")
    lifetime = await create_sellable(container, shop=shop, kind="digital")
    vip = await create_target(container, shop=shop, products=[premium, lifetime])
    customer = await create_customer(container, shop=shop)
    subscription = uuid.uuid4()
    await publish(container, started(shop, customer.id, premium, subscription))
    await paid_order(container, shop=shop, customer_id=customer.id, products=[lifetime])
    await bus.drain(container)

    await publish(container, SubscriptionPlanChanged(
        subscription_id=subscription, shop_id=shop.id, customer_id=customer.id,
        from_product_id=premium.id, to_product_id=basic.id, period_end=container.clock.now(),
        direction="downgrade", order_id=None,
    ))  # fmt: skip
    await bus.drain(container)

    [grant] = await grants_of(container, shop=shop, customer_id=customer.id)
    assert (grant.target_id, grant.state) == (vip.id, "granted")
