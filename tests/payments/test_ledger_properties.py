"""A stateful property test: random payments, refunds and webhook deliveries (duplicated,
reordered, early) never unbalance the ledger.

After every step, per order: payments − refunds in the ledger = what its payments hold ≥ 0,
and for the payment the order took, = the order's amount_paid − amount_refunded.
The "bank" below is the sandbox provider's side: it decides what happened; its webhooks
queue up and are delivered in any order, any number of times.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Any, ClassVar

from httpx import ASGITransport, AsyncClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from shopkeeper.app import create_app
from shopkeeper.bootstrap import build_container
from shopkeeper.container import Container
from shopkeeper.kit.clock import FrozenClock
from tests.builders.payments import (
    assert_ledger_balanced,
    deliver,
    pending_order,
    refund,
    sandbox_secret,
    start,
)
from tests.builders.staff import shop_with_owner
from tests.conftest import make_settings
from tests.fakes.sandbox import webhook


@dataclass
class BankPayment:
    payment_id: str
    price: int
    captured: bool = False
    refunded: int = 0


@dataclass
class BankOrder:
    order_id: uuid.UUID
    price: int
    payments: list[BankPayment] = field(default_factory=list)
    cancelled: bool = False


@dataclass
class World:
    runner: asyncio.Runner
    container: Container
    client: AsyncClient


class LedgerMachine(RuleBasedStateMachine):
    world: ClassVar[World]

    def run(self, coro: Any) -> Any:
        return self.world.runner.run(coro)

    @initialize()
    def open_shop(self) -> None:
        self.shop, self.owner = self.run(shop_with_owner(self.world.container, self.world.client))
        self.orders: list[BankOrder] = []
        self.queue: list[tuple[bytes, dict[str, str]]] = []
        self.secret: str | None = None
        self.refunds = 0
        self.settled = True  # every queued webhook has been delivered since the last was queued

    # -- the customer and staff ----------------------------------------------------------------
    @rule(price=st.integers(min_value=1, max_value=5000))
    def place_and_start(self, price: int) -> None:
        order = self.run(pending_order(self.world.container, shop=self.shop, price=price))
        self.orders.append(BankOrder(order.id, price))
        self._start(self.orders[-1])

    def _start(self, order: BankOrder) -> None:
        started = self.run(
            start(self.world.client, shop=self.shop, staff=self.owner, order_id=order.order_id)
        )
        order.payments.append(BankPayment(started["payment_id"], order.price))
        self.secret = self.secret or self.run(sandbox_secret(self.world.container, shop=self.shop))

    @precondition(lambda self: self.orders)
    @rule(index=st.integers(min_value=0))
    def another_attempt(self, index: int) -> None:
        order = self.orders[index % len(self.orders)]
        response = self.run(
            self.world.client.post(
                f"/api/v1/shops/{self.shop.slug}/orders/{order.order_id}/payments",
                json={},
                headers=self.owner.headers,
            )
        )
        assert response.status_code in (201, 409), response.text
        if response.status_code == 201:
            order.payments.append(BankPayment(response.json()["payment_id"], order.price))

    @precondition(lambda self: self.orders)
    @rule(index=st.integers(min_value=0))
    def cancel(self, index: int) -> None:
        order = self.orders[index % len(self.orders)]
        response = self.run(
            self.world.client.post(
                f"/api/v1/shops/{self.shop.slug}/orders/{order.order_id}/cancel",
                json={"reason": "test"},
                headers=self.owner.headers,
            )
        )
        assert response.status_code in (200, 409), response.text
        order.cancelled = order.cancelled or response.status_code == 200

    @precondition(lambda self: self.orders)
    @rule(
        index=st.integers(min_value=0),
        amount=st.one_of(st.none(), st.integers(min_value=1, max_value=6000)),
    )
    def staff_refund(self, index: int, amount: int | None) -> None:
        order = self.orders[index % len(self.orders)]
        response = self.run(
            refund(
                self.world.client,
                shop=self.shop,
                staff=self.owner,
                order_id=order.order_id,
                amount=amount,
            )
        )
        assert response.status_code in (201, 409), response.text
        if response.status_code == 201:
            paid = next(p for p in order.payments if p.payment_id == response.json()["payment_id"])
            # the offline sandbox bank refunds what is asked, up to what it still holds (a
            # dashboard refund we have not heard of yet may have taken some of it)
            paid.refunded = min(paid.price, paid.refunded + response.json()["amount"])

    # -- the bank --------------------------------------------------------------------------------
    def _payment(self, index: int, attempt: int) -> tuple[BankOrder, BankPayment]:
        order = self.orders[index % len(self.orders)]
        return order, order.payments[attempt % len(order.payments)]

    def _queue(
        self, kind: str, payment: BankPayment, amount: int, refund_id: str | None = None
    ) -> None:
        clock = self.world.container.clock
        assert self.secret is not None
        self.settled = False
        self.queue.append(
            webhook(
                self.secret,
                kind,
                payment_id=payment.payment_id,
                amount=amount,
                currency="EUR",
                at=clock.now(),
                refund_id=refund_id,
            )
        )

    @precondition(lambda self: self.orders)
    @rule(index=st.integers(min_value=0), attempt=st.integers(min_value=0))
    def bank_captures(self, index: int, attempt: int) -> None:
        _order, payment = self._payment(index, attempt)
        payment.captured = True
        self._queue("payment.succeeded", payment, payment.price)

    @precondition(lambda self: self.orders)
    @rule(index=st.integers(min_value=0), attempt=st.integers(min_value=0))
    def bank_declines(self, index: int, attempt: int) -> None:
        _order, payment = self._payment(index, attempt)
        self._queue("payment.failed", payment, payment.price)

    @precondition(lambda self: self.orders)
    @rule(index=st.integers(min_value=0), share=st.integers(min_value=1, max_value=100))
    def bank_refunds_in_dashboard(self, index: int, share: int) -> None:
        """The merchant refunds at the bank (capturing first if the customer just paid)."""
        order, payment = self._payment(index, 0)
        if order.cancelled or len(order.payments) > 1:
            return  # money the system may refund on its own: the dashboard keeps out
        if not payment.captured:
            self.bank_captures(index, 0)
        amount = (payment.price - payment.refunded) * share // 100
        if amount > 0:
            payment.refunded += amount
            self.refunds += 1
            self._queue(
                "refund.succeeded", payment, amount, refund_id=f"sbx_re_dash_{self.refunds}"
            )

    @precondition(lambda self: self.queue)
    @rule(index=st.integers(min_value=0))
    def deliver_one(self, index: int) -> None:
        self._deliver(self.queue[index % len(self.queue)])

    @precondition(lambda self: self.queue)
    @rule(order=st.randoms(use_true_random=False))
    def deliver_all_shuffled(self, order: Any) -> None:
        """Every queued webhook once more, in a random order (duplicates and reordering)."""
        pending = list(self.queue)
        order.shuffle(pending)
        for delivery in pending:
            self._deliver(delivery)
        self.settled = True

    def _deliver(self, delivery: tuple[bytes, dict[str, str]]) -> None:
        body, headers = delivery
        response = self.run(
            deliver(
                self.world.client, shop=self.shop, provider="sandbox", body=body, headers=headers
            )
        )
        assert response.status_code == 200, response.text

    @invariant()
    def ledger_balances(self) -> None:
        if hasattr(self, "shop"):
            self.run(assert_ledger_balanced(self.world.container, shop=self.shop))

    @invariant()
    def once_everything_is_delivered_we_agree_with_the_bank(self) -> None:
        if not getattr(self, "settled", False):
            return
        for order in self.orders:
            url = f"/api/v1/shops/{self.shop.slug}/orders/{order.order_id}/payments"
            ours = {
                p["id"]: p
                for p in self.run(self.world.client.get(url, headers=self.owner.headers)).json()
            }
            for bank in order.payments:
                seen = ours[bank.payment_id]
                assert seen["amount_captured"] == (bank.price if bank.captured else 0), (bank, seen)
                expected = seen["amount_captured"] if seen["flag"] else bank.refunded
                assert seen["amount_refunded"] == expected, (bank, seen)


def test_random_payment_refund_and_webhook_sequences_keep_the_ledger_balanced(
    database_url: str,
) -> None:
    # The frozen clock never leaves its rate-limit minute: lift the limit for the long run.
    with asyncio.Runner() as runner:
        container = build_container(
            make_settings(database_url, login_delay_seconds=0.001, rate_limit_per_minute=10**9),
            clock=FrozenClock(),
        )
        app = create_app(container=container)
        client = AsyncClient(
            transport=ASGITransport(app=app, client=("127.0.0.1", 50000)),
            base_url="http://testserver",
        )
        LedgerMachine.world = World(runner, container, client)
        try:
            run_state_machine_as_test(
                LedgerMachine,
                settings=settings(
                    max_examples=25,
                    stateful_step_count=20,
                    deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
                ),
            )
        finally:
            runner.run(client.aclose())
            runner.run(container.close())
