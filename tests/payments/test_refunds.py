"""Refund rules: partial, full, above what remains, permissions, tenancy, concurrency."""

from __future__ import annotations

import asyncio

from httpx import AsyncClient
from sqlalchemy import select

from shopkeeper.audit.models import AuditEntry
from shopkeeper.db import unit_of_work
from shopkeeper.payments.models import Refund
from tests.builders.payments import (
    assert_ledger_balanced,
    deliver,
    get_order,
    pending_order,
    refund,
    sandbox_secret,
    start,
)
from tests.builders.staff import shop_with_owner, staff_member
from tests.fakes.sandbox import webhook
from tests.payments.conftest import ShopOwner


async def _paid_order(container, client: AsyncClient, so: ShopOwner, clock, price: int = 1500):  # type: ignore[no-untyped-def]
    order = await pending_order(container, shop=so.shop, price=price)
    payment = await start(client, shop=so.shop, staff=so.owner, order_id=order.id)
    body, headers = webhook(
        await sandbox_secret(container, shop=so.shop),
        "payment.succeeded",
        payment_id=payment["payment_id"],
        amount=price,
        currency="EUR",
        at=clock.now(),
    )
    assert (
        await deliver(client, shop=so.shop, provider="sandbox", body=body, headers=headers)
    ).status_code == 200
    return order


async def _refund_rows(container) -> list[Refund]:  # type: ignore[no-untyped-def]
    async with unit_of_work(container.sessions) as session:
        return list(await session.scalars(select(Refund)))


async def test_partial_then_the_rest_then_nothing_left(container, client, shop_owner, clock):
    order = await _paid_order(container, client, shop_owner, clock)

    partial = await refund(
        client, shop=shop_owner.shop, staff=shop_owner.owner, order_id=order.id, amount=400
    )
    assert partial.status_code == 201, partial.text
    assert (partial.json()["amount"], partial.json()["status"]) == (400, "succeeded")
    state = await get_order(container, shop=shop_owner.shop, order_id=order.id)
    assert (state.state, state.amount_refunded) == ("partially_refunded", 400)

    rest = await refund(client, shop=shop_owner.shop, staff=shop_owner.owner, order_id=order.id)
    assert rest.status_code == 201 and rest.json()["amount"] == 1100
    state = await get_order(container, shop=shop_owner.shop, order_id=order.id)
    assert (state.state, state.amount_refunded) == ("refunded", 1500)

    more = await refund(
        client, shop=shop_owner.shop, staff=shop_owner.owner, order_id=order.id, amount=1
    )
    assert more.status_code == 409 and more.json()["error"] == "RefundExceedsRemaining"
    nothing = await refund(client, shop=shop_owner.shop, staff=shop_owner.owner, order_id=order.id)
    assert nothing.status_code == 409 and nothing.json()["error"] == "NothingToRefund"
    ledger = (
        await client.get(
            f"/api/v1/shops/{shop_owner.shop.slug}/orders/{order.id}/ledger",
            headers=shop_owner.owner.headers,
        )
    ).json()
    assert (ledger["payments"], ledger["refunds"], ledger["captured"]) == (1500, 1500, 0)
    await assert_ledger_balanced(container, shop=shop_owner.shop)


async def test_a_refund_above_what_remains_is_a_conflict_and_records_nothing(
    container, client, shop_owner, clock
):
    order = await _paid_order(container, client, shop_owner, clock)
    await refund(
        client, shop=shop_owner.shop, staff=shop_owner.owner, order_id=order.id, amount=1000
    )

    response = await refund(
        client, shop=shop_owner.shop, staff=shop_owner.owner, order_id=order.id, amount=501
    )

    assert response.status_code == 409
    assert response.json() == {
        "error": "RefundExceedsRemaining",
        "detail": "Cannot refund 501 EUR: only 500 EUR remains refundable",
    }
    assert [r.amount for r in await _refund_rows(container)] == [1000]
    assert (
        await get_order(container, shop=shop_owner.shop, order_id=order.id)
    ).amount_refunded == 1000


async def test_only_roles_with_orders_refund_may_refund(container, client, shop_owner, clock):
    order = await _paid_order(container, client, shop_owner, clock)
    for role in ("manager", "cashier", "viewer"):
        member = await staff_member(container, client, shop=shop_owner.shop, role=role)
        response = await refund(
            client, shop=shop_owner.shop, staff=member, order_id=order.id, amount=100
        )
        assert response.status_code == 403, role
        assert response.json()["error"] == "PermissionDenied"
    admin = await staff_member(container, client, shop=shop_owner.shop, role="admin")
    assert (
        await refund(client, shop=shop_owner.shop, staff=admin, order_id=order.id, amount=100)
    ).status_code == 201
    assert [r.amount for r in await _refund_rows(container)] == [100]


async def test_refund_is_audited_with_who_and_why(container, client, shop_owner, clock):
    order = await _paid_order(container, client, shop_owner, clock)
    await refund(
        client,
        shop=shop_owner.shop,
        staff=shop_owner.owner,
        order_id=order.id,
        amount=300,
        reason="damaged in transit",
    )
    async with unit_of_work(container.sessions) as session:
        entry = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "payments.refund_requested")
        )
    assert entry is not None and entry.actor_id == shop_owner.owner.user.id
    assert (
        entry.after is not None
        and entry.after["amount"] == 300
        and entry.after["reason"] == "damaged in transit"
    )


async def test_unpaid_foreign_and_invalid_refunds(container, client, shop_owner, clock):
    unpaid = await pending_order(container, shop=shop_owner.shop)
    response = await refund(
        client, shop=shop_owner.shop, staff=shop_owner.owner, order_id=unpaid.id
    )
    assert response.status_code == 409 and response.json()["error"] == "NothingToRefund"

    order = await _paid_order(container, client, shop_owner, clock)
    other_shop, other_owner = await shop_with_owner(container, client)
    foreign = await refund(
        client, shop=other_shop, staff=other_owner, order_id=order.id, amount=100
    )
    assert foreign.status_code == 404
    for amount in (0, -5):
        invalid = await refund(
            client, shop=shop_owner.shop, staff=shop_owner.owner, order_id=order.id, amount=amount
        )
        assert invalid.status_code == 422
    no_reason = await client.post(
        f"/api/v1/shops/{shop_owner.shop.slug}/orders/{order.id}/refunds",
        json={"amount": 100},
        headers=shop_owner.owner.headers,
    )
    assert no_reason.status_code == 422
    assert await _refund_rows(container) == []


async def test_concurrent_refunds_never_exceed_what_was_paid(container, client, shop_owner, clock):
    order = await _paid_order(container, client, shop_owner, clock)

    responses = await asyncio.gather(
        *[
            refund(
                client, shop=shop_owner.shop, staff=shop_owner.owner, order_id=order.id, amount=600
            )
            for _ in range(4)
        ]
    )

    assert sorted(r.status_code for r in responses) == [201, 201, 409, 409]
    state = await get_order(container, shop=shop_owner.shop, order_id=order.id)
    assert (state.state, state.amount_refunded) == ("partially_refunded", 1200)
    await assert_ledger_balanced(container, shop=shop_owner.shop)


async def test_a_refund_chosen_before_another_landed_is_refused_not_doubled(
    container, client, shop_owner, clock
):  # type: ignore[no-untyped-def]
    """The amount staff chose when 1500 remained: once another refund lands first, the same
    request is 409 RefundOutdated and nothing more goes back."""
    order = await _paid_order(container, client, shop_owner, clock)
    url = f"/api/v1/shops/{shop_owner.shop.slug}/orders/{order.id}/refunds"
    body = {"amount": 500, "reason": "scratched", "expected_remaining": 1500}

    first, second = [
        await client.post(url, json=body, headers=shop_owner.owner.headers) for _ in range(2)
    ]

    assert first.status_code == 201, first.text
    assert second.status_code == 409 and second.json()["error"] == "RefundOutdated"
    assert "1000 EUR remains refundable now" in second.json()["detail"]
    state = await get_order(container, shop=shop_owner.shop, order_id=order.id)
    assert state.amount_refunded == 500 and len(await _refund_rows(container)) == 1
    together = await asyncio.gather(*[
        client.post(url, json={**body, "expected_remaining": 1000},
                    headers=shop_owner.owner.headers)
        for _ in range(3)
    ])  # fmt: skip
    assert sorted(r.status_code for r in together) == [201, 409, 409]
    state = await get_order(container, shop=shop_owner.shop, order_id=order.id)
    assert state.amount_refunded == 1000
    await assert_ledger_balanced(container, shop=shop_owner.shop)
