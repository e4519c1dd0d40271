"""Builders for the payments context: payable orders, gateway accounts, webhooks, ledger checks.

Orders come from the orders builders; gateways are configured and payments started through
the HTTP API (as staff would); the sandbox secret is read back from the database the way
the sandbox page itself gets it.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from httpx import AsyncClient, Response
from sqlalchemy import select

from shopkeeper import orders
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.orders import OrderRead
from shopkeeper.payments.models import GatewayAccount, LedgerEntry, Payment
from shopkeeper.shops import ShopRead
from tests.builders.orders import create_sellable, place_order
from tests.builders.staff import Staff
from tests.fakes.sandbox import webhook as sandbox_webhook


async def pending_order(
    container: Container,
    *,
    shop: ShopRead,
    price: int = 1000,
    currency: str = "EUR",
    kind: str = "digital",
    quantity: int = 1,
) -> OrderRead:
    """A pending order of one product priced `price` (no tax class, so total = price × qty)."""
    product = await create_sellable(container, shop=shop, price=price, currency=currency, kind=kind)
    return await place_order(container, shop=shop, items=[(product, quantity)], currency=currency)


async def configure(
    client: AsyncClient,
    *,
    shop: ShopRead,
    staff: Staff,
    provider: str,
    config: dict[str, Any],
    enabled: bool = True,
) -> dict[str, Any]:
    response = await client.put(
        f"/api/v1/shops/{shop.slug}/payments/gateways/{provider}",
        json={"enabled": enabled, "config": config},
        headers=staff.headers,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def start(
    client: AsyncClient,
    *,
    shop: ShopRead,
    staff: Staff,
    order_id: uuid.UUID,
    provider: str = "sandbox",
    **extra: Any,
) -> dict[str, Any]:
    response = await client.post(
        f"/api/v1/shops/{shop.slug}/orders/{order_id}/payments",
        json={"provider": provider, **extra},
        headers=staff.headers,
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def deliver(
    client: AsyncClient, *, shop: ShopRead, provider: str, body: bytes, headers: dict[str, str]
) -> Response:
    """POST a webhook to our endpoint exactly as the provider would."""
    return await client.post(
        f"/api/v1/shops/{shop.slug}/payments/webhooks/{provider}", content=body, headers=headers
    )


async def refund(
    client: AsyncClient,
    *,
    shop: ShopRead,
    staff: Staff,
    order_id: uuid.UUID,
    amount: int | None = None,
    reason: str = "customer asked",
) -> Response:
    payload: dict[str, Any] = {"reason": reason}
    if amount is not None:
        payload["amount"] = amount
    return await client.post(
        f"/api/v1/shops/{shop.slug}/orders/{order_id}/refunds", json=payload, headers=staff.headers
    )


async def sandbox_secret(container: Container, *, shop: ShopRead) -> str:
    async with unit_of_work(container.sessions) as session:
        row = await session.scalar(
            select(GatewayAccount).where(
                GatewayAccount.shop_id == shop.id, GatewayAccount.provider == "sandbox"
            )
        )
        assert row is not None, "no sandbox account yet: start a sandbox payment first"
        return str(json.loads(container.secrets.decrypt(row.config_encrypted))["webhook_secret"])


async def get_order(container: Container, *, shop: ShopRead, order_id: uuid.UUID) -> OrderRead:
    async with unit_of_work(container.sessions) as session:
        return await orders.get_order(session, shop_id=shop.id, order_id=order_id)


async def assert_ledger_balanced(container: Container, *, shop: ShopRead) -> None:
    """Per order: payments − refunds in the ledger = what the payments hold ≥ 0, and, for the
    payment the order took, = the order's amount_paid − amount_refunded."""
    async with unit_of_work(container.sessions) as session:
        entries = list(
            await session.scalars(select(LedgerEntry).where(LedgerEntry.shop_id == shop.id))
        )
        payments = list(await session.scalars(select(Payment).where(Payment.shop_id == shop.id)))
        for payment in payments:
            own = [e for e in entries if e.payment_id == payment.id and e.kind != "fee"]
            held = payment.amount_captured - payment.amount_refunded
            assert sum(e.amount for e in own) == held >= 0, (payment.id, own, held)
            assert payment.amount_refunded <= payment.amount_captured
        for order_id in {p.order_id for p in payments}:
            order = await orders.get_order(session, shop_id=shop.id, order_id=order_id)
            applied = [p for p in payments if p.order_id == order_id and p.applied]
            assert len(applied) <= 1
            booked = sum(
                e.amount
                for e in entries
                if e.order_id == order_id
                and e.kind != "fee"
                and any(e.payment_id == p.id for p in applied)
            )
            assert booked == order.amount_paid - order.amount_refunded >= 0, (order, booked)


async def read(client: AsyncClient, staff: Staff, url: str) -> Any:
    """GET a payments resource as `staff` (200 expected)."""
    response = await client.get(url, headers=staff.headers)
    assert response.status_code == 200, response.text
    return response.json()


@dataclass
class SandboxCase:
    """A pending order with a started sandbox payment, and the means to post its webhooks."""

    container: Container
    client: AsyncClient
    shop: ShopRead
    staff: Staff
    clock: FrozenClock
    order: OrderRead
    payment: dict[str, Any]
    secret: str

    @property
    def payment_id(self) -> str:
        return str(self.payment["payment_id"])

    def hook(
        self,
        kind: str,
        *,
        amount: int | None = None,
        refund_id: str | None = None,
        secret: str | None = None,
        at: datetime | None = None,
    ) -> tuple[bytes, dict[str, str]]:
        return sandbox_webhook(
            secret or self.secret,
            kind,
            payment_id=self.payment_id,
            currency=self.order.currency,
            amount=self.order.total if amount is None else amount,
            at=at or self.clock.now(),
            refund_id=refund_id,
        )

    async def send(
        self, hook: tuple[bytes, dict[str, str]], shop: ShopRead | None = None
    ) -> Response:
        body, headers = hook
        return await deliver(
            self.client, shop=shop or self.shop, provider="sandbox", body=body, headers=headers
        )

    async def post(self, kind: str, **options: Any) -> Response:
        return await self.send(self.hook(kind, **options))

    async def order_now(self) -> OrderRead:
        return await get_order(self.container, shop=self.shop, order_id=self.order.id)

    async def ledger(self) -> dict[str, Any]:
        url = f"/api/v1/shops/{self.shop.slug}/orders/{self.order.id}/ledger"
        result: dict[str, Any] = await read(self.client, self.staff, url)
        return result

    async def payment_now(self) -> dict[str, Any]:
        url = f"/api/v1/shops/{self.shop.slug}/payments/{self.payment_id}"
        result: dict[str, Any] = await read(self.client, self.staff, url)
        return result


async def sandbox_case(
    container: Container,
    client: AsyncClient,
    *,
    shop: ShopRead,
    staff: Staff,
    clock: FrozenClock,
    price: int = 1500,
) -> SandboxCase:
    order = await pending_order(container, shop=shop, price=price)
    payment = await start(client, shop=shop, staff=staff, order_id=order.id)
    secret = await sandbox_secret(container, shop=shop)
    return SandboxCase(container, client, shop, staff, clock, order, payment, secret)
