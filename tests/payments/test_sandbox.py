"""The sandbox gateway: happy path, forged signature, duplicates, out-of-order delivery."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from sqlalchemy import func, select

from shopkeeper.bus.models import OutboxEvent
from shopkeeper.db import unit_of_work
from shopkeeper.payments.models import LedgerEntry, WebhookEvent
from tests.builders.payments import SandboxCase, assert_ledger_balanced


async def _count(case: SandboxCase, model: type) -> int:
    async with unit_of_work(case.container.sessions) as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _event_names(case: SandboxCase) -> list[str]:
    async with unit_of_work(case.container.sessions) as session:
        return list(await session.scalars(select(OutboxEvent.name)))


async def test_a_signed_success_pays_the_order_and_books_the_money(case: SandboxCase):
    assert case.payment["status"] == "pending"
    assert case.payment["redirect_url"] == f"https://shop.example/pay/{case.payment_id}"

    response = await case.post("payment.succeeded")

    assert response.status_code == 200, response.text
    assert response.json() == {"status": "processed", "duplicate": False}
    paid = await case.order_now()
    assert (paid.state, paid.amount_paid, paid.payment_id) == (
        "paid",
        1500,
        uuid.UUID(case.payment_id),
    )
    ledger = await case.ledger()
    assert (ledger["payments"], ledger["refunds"], ledger["captured"]) == (1500, 0, 1500)
    names = await _event_names(case)
    assert "payments.payment_succeeded.v1" in names and "orders.order_paid.v1" in names
    await assert_ledger_balanced(case.container, shop=case.shop)


async def test_a_forged_signature_is_refused_logged_and_changes_nothing(case: SandboxCase):
    forged = case.hook("payment.succeeded", secret="not-the-shop-secret-0123456789")

    response = await case.send(forged)

    assert response.status_code == 401 and response.json()["error"] == "WebhookSignatureInvalid"
    assert (await case.order_now()).state == "pending"
    assert await _count(case, LedgerEntry) == 0
    async with unit_of_work(case.container.sessions) as session:
        row = await session.scalar(select(WebhookEvent))
    assert (
        row is not None and row.body == forged[0] and row.status == "rejected" and not row.verified
    )


async def test_an_edited_body_or_a_stale_or_missing_signature_is_refused(case: SandboxCase):
    body, headers = case.hook("payment.succeeded")
    edited = (body.replace(b'"amount": 1500', b'"amount": 1'), headers)
    stale = case.hook("payment.succeeded", at=case.clock.now() - timedelta(seconds=301))
    unsigned = (body, {"Content-Type": "application/json"})

    assert edited[0] != body
    for attempt in (edited, stale, unsigned):
        response = await case.send(attempt)
        assert response.status_code == 401, response.text
    assert (await case.order_now()).state == "pending"


async def test_a_duplicate_delivery_is_acknowledged_without_a_second_effect(case: SandboxCase):
    hook = case.hook("payment.succeeded")
    first = await case.send(hook)
    events_after_first = len(await _event_names(case))

    again = await case.send(hook)

    assert first.json()["duplicate"] is False
    assert again.status_code == 200 and again.json() == {"status": "processed", "duplicate": True}
    assert (await _count(case, LedgerEntry), await _count(case, WebhookEvent)) == (1, 1)
    assert len(await _event_names(case)) == events_after_first
    assert (await case.order_now()).amount_paid == 1500


async def test_concurrent_redeliveries_have_exactly_one_effect(case: SandboxCase):
    hook = case.hook("payment.succeeded")

    responses = await asyncio.gather(*[case.send(hook) for _ in range(6)])

    assert [r.status_code for r in responses] == [200] * 6
    assert sorted(r.json()["duplicate"] for r in responses) == [False] + [True] * 5
    assert await _count(case, LedgerEntry) == 1
    assert (await case.order_now()).amount_paid == 1500
    names = await _event_names(case)
    assert names.count("payments.payment_succeeded.v1") == names.count("orders.order_paid.v1") == 1


async def test_concurrent_success_events_of_one_payment_pay_the_order_once(case: SandboxCase):
    hooks = [case.hook("payment.succeeded") for _ in range(4)]  # four event ids, one fact

    responses = await asyncio.gather(*[case.send(hook) for hook in hooks])

    assert [r.status_code for r in responses] == [200] * 4
    assert sorted(r.json()["status"] for r in responses) == ["ignored"] * 3 + ["processed"]
    assert (await _count(case, LedgerEntry), await _count(case, WebhookEvent)) == (1, 4)
    paid = await case.order_now()
    assert (paid.state, paid.amount_paid, str(paid.payment_id)) == ("paid", 1500, case.payment_id)
    names = await _event_names(case)
    assert names.count("payments.payment_succeeded.v1") == names.count("orders.order_paid.v1") == 1
    await assert_ledger_balanced(case.container, shop=case.shop)


async def test_a_second_success_event_for_the_same_payment_books_nothing_more(case: SandboxCase):
    first = await case.post("payment.succeeded")  # two event ids, the same fact
    second = await case.post("payment.succeeded")

    assert (first.json()["status"], second.json()["status"]) == ("processed", "ignored")
    assert await _count(case, LedgerEntry) == 1
    await assert_ledger_balanced(case.container, shop=case.shop)


async def test_a_refund_delivered_before_the_success_is_parked_then_applied(case: SandboxCase):
    refund = case.hook("refund.succeeded", amount=500, refund_id="sbx_re_1")

    early = await case.send(refund)
    assert early.status_code == 200 and early.json()["status"] == "parked"
    assert (await case.order_now()).state == "pending"
    late = await case.post("payment.succeeded")
    again = await case.send(refund)

    assert late.json()["status"] == "processed"
    assert again.json() == {"status": "processed", "duplicate": True}
    final = await case.order_now()
    assert (final.state, final.amount_paid, final.amount_refunded) == (
        "partially_refunded",
        1500,
        500,
    )
    ledger = await case.ledger()
    assert (ledger["payments"], ledger["refunds"], ledger["captured"]) == (1500, 500, 1000)
    await assert_ledger_balanced(case.container, shop=case.shop)


async def test_a_failure_after_the_success_does_not_undo_it(case: SandboxCase):
    for kind in ("payment.succeeded", "payment.failed", "payment.canceled"):
        assert (await case.post(kind)).status_code == 200

    got = await case.payment_now()
    assert (got["status"], got["amount_captured"]) == ("succeeded", 1500)
    assert (await case.order_now()).state == "paid"
