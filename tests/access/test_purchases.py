"""One-time purchases: a paid order grants its products' targets for good, until refunded."""

from __future__ import annotations

import uuid

from httpx import AsyncClient

from shopkeeper import bus
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.orders import OrderPaid, OrderRefunded, record_refund
from tests.builders import create_shop, shop_with_owner
from tests.builders.access import create_target, grants_of, log_of, paid_order, publish, the_grant
from tests.builders.orders import (
    create_customer,
    create_sellable,
    mark_paid,
    place_order,
    published,
)
from tests.builders.payments import refund, sandbox_secret, start
from tests.fakes.sandbox import webhook

GRANTED = "access.access_granted.v1"
REVOKED = "access.access_revoked.v1"


async def test_a_paid_order_grants_the_webhook_target_of_its_product(container: Container) -> None:
    shop = await create_shop(container)
    ebook = await create_sellable(container, shop=shop, kind="digital")
    target = await create_target(container, shop=shop, products=[ebook], title="Bonus pack")
    customer = await create_customer(container, shop=shop)

    order = await paid_order(container, shop=shop, customer_id=customer.id, products=[ebook])
    await bus.drain(container)

    grant = await the_grant(container, shop=shop, customer_id=customer.id)
    assert (grant.state, grant.target_id) == ("granted", target.id)
    assert [(s.source_type, s.source_id, s.active) for s in grant.sources] == [
        ("order", order.id, True)
    ]
    [event] = await published(container, GRANTED)
    assert event["grant_id"] == str(grant.id) and event["platform"] == "webhook"
    assert event["title"] == "Bonus pack" and event["customer_id"] == str(customer.id)
    [entry] = await log_of(container, shop=shop)
    assert (entry.action, entry.grant_id, entry.customer_id) == ("grant", grant.id, customer.id)


async def test_a_redelivered_order_paid_changes_nothing(container: Container) -> None:
    shop = await create_shop(container)
    ebook = await create_sellable(container, shop=shop)
    await create_target(container, shop=shop, products=[ebook])
    customer = await create_customer(container, shop=shop)
    await paid_order(container, shop=shop, customer_id=customer.id, products=[ebook])
    await bus.drain(container)
    [original] = await published(container, "orders.order_paid.v1")
    before = await the_grant(container, shop=shop, customer_id=customer.id)

    container.clock.advance(minutes=5)
    await publish(container, OrderPaid.model_validate(original))  # the same fact, a new event id
    await bus.drain(container)
    await bus.drain(container)

    assert await the_grant(container, shop=shop, customer_id=customer.id) == before
    assert len(await published(container, GRANTED)) == 1
    assert [e.action for e in await log_of(container, shop=shop)] == ["grant"]


async def test_plan_lines_and_unlinked_products_grant_nothing_through_the_order(
    container: Container,
) -> None:
    shop = await create_shop(container)
    plan = await create_sellable(container, shop=shop, kind="plan")
    mug = await create_sellable(container, shop=shop, kind="physical", stock=5)
    await create_target(container, shop=shop, products=[plan])
    customer = await create_customer(container, shop=shop)

    await paid_order(container, shop=shop, customer_id=customer.id, products=[plan, mug])
    await bus.drain(container)

    # The plan grants through its subscription (once the subscriptions context starts one).
    sources = [s.source_type for g in await grants_of(container, shop=shop) for s in g.sources]
    assert "order" not in sources


async def test_an_order_without_a_customer_grants_nothing(container: Container) -> None:
    shop = await create_shop(container)
    ebook = await create_sellable(container, shop=shop)
    await create_target(container, shop=shop, products=[ebook])
    order = await place_order(container, shop=shop, items=[(ebook, 1)])
    await mark_paid(container, order)
    await bus.drain(container)
    assert await grants_of(container, shop=shop) == []


async def test_two_products_granting_one_target_make_one_grant_with_one_source(
    container: Container,
) -> None:
    shop = await create_shop(container)
    first, second = [await create_sellable(container, shop=shop) for _ in range(2)]
    await create_target(container, shop=shop, products=[first, second])
    customer = await create_customer(container, shop=shop)

    order = await paid_order(
        container, shop=shop, customer_id=customer.id, products=[first, second]
    )
    await bus.drain(container)

    grant = await the_grant(container, shop=shop, customer_id=customer.id)
    assert [(s.source_type, s.source_id) for s in grant.sources] == [("order", order.id)]


async def test_only_a_full_refund_takes_a_one_time_purchase_back(container: Container) -> None:
    shop = await create_shop(container)
    ebook = await create_sellable(container, shop=shop, price=1000)
    await create_target(container, shop=shop, products=[ebook])
    customer = await create_customer(container, shop=shop)
    order = await paid_order(container, shop=shop, customer_id=customer.id, products=[ebook])
    await bus.drain(container)

    for amount in (400, 600):  # partial, then the rest
        async with unit_of_work(container.sessions) as session:
            await record_refund(
                session, shop_id=shop.id, order_id=order.id, refund_id=uuid.uuid4(),
                amount=amount, now=container.clock.now(),
            )  # fmt: skip
        await bus.drain(container)
        grant = await the_grant(container, shop=shop, customer_id=customer.id)
        assert grant.state == ("granted" if amount == 400 else "revoked")

    assert grant.reason == "order refunded" and grant.join_url is None
    assert [s.active for s in grant.sources] == [False]
    [event] = await published(container, REVOKED)
    assert event["reason"] == "order refunded"
    assert [e.action for e in await log_of(container, shop=shop)] == ["grant", "revoke"]
    refunded = (await published(container, "orders.order_refunded.v1"))[-1]
    await publish(container, OrderRefunded.model_validate(refunded))  # redelivered
    await bus.drain(container)
    assert len(await published(container, REVOKED)) == 1


async def test_sandbox_payment_then_refund_over_http_grants_then_revokes(
    container: Container, client: AsyncClient
) -> None:
    """End to end: a gateway webhook pays the order, a staff refund takes access back."""
    shop, owner = await shop_with_owner(container, client)
    ebook = await create_sellable(container, shop=shop, price=1500)
    await create_target(container, shop=shop, products=[ebook])
    customer = await create_customer(container, shop=shop)
    order = await place_order(container, shop=shop, items=[(ebook, 1)], customer_id=customer.id)
    payment = await start(client, shop=shop, staff=owner, order_id=order.id)
    secret = await sandbox_secret(container, shop=shop)
    body, headers = webhook(
        secret, "payment.succeeded", payment_id=payment["payment_id"], amount=1500,
        currency="EUR", at=container.clock.now(),
    )  # fmt: skip
    url = f"/api/v1/shops/{shop.slug}/payments/webhooks/sandbox"
    assert (await client.post(url, content=body, headers=headers)).status_code == 200
    await bus.drain(container)
    assert (await the_grant(container, shop=shop, customer_id=customer.id)).state == "granted"

    response = await refund(client, shop=shop, staff=owner, order_id=order.id)
    assert response.status_code == 201, response.text
    await bus.drain(container)
    assert (await the_grant(container, shop=shop, customer_id=customer.id)).state == "revoked"
