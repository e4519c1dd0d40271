"""HTTP: gateway accounts, payments and refunds of orders, the ledger, inbound webhooks.

Routes that call a provider first end the request's own transaction (the access check read
in it): a provider call must not run inside a database transaction (see payments.flows).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, status
from pydantic import BaseModel

from shopkeeper.deps import ContainerDep, SessionDep
from shopkeeper.kit.pagination import Page, PageParams
from shopkeeper.payments import flows
from shopkeeper.payments.errors import WebhookTooLarge
from shopkeeper.payments.schemas import (
    GatewayRead,
    GatewayUpdate,
    OrderLedger,
    PaymentCreate,
    PaymentRead,
    PaymentStarted,
    RefundCreate,
    RefundRead,
    WebhookDetail,
    WebhookRead,
)
from shopkeeper.payments.service import accounts, browse, reads
from shopkeeper.shops import ShopAccess, require

router = APIRouter(tags=["payments"])
SHOP = "/api/v1/shops/{shop}"
Provider = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[a-z0-9_]+$")]
ManageSettings = Annotated[ShopAccess, require("settings.manage")]
ReadPayments = Annotated[ShopAccess, require("payments.read")]
WriteOrders = Annotated[ShopAccess, require("orders.write")]
RefundOrders = Annotated[ShopAccess, require("orders.refund")]
MAX_WEBHOOK_BYTES = 512 * 1024  # providers send a few KB; more is not a notification


class WebhookAck(BaseModel):
    status: str
    duplicate: bool


@router.get(SHOP + "/payments/gateways/{provider}")
async def get_gateway(
    provider: Provider, access: ManageSettings, session: SessionDep, container: ContainerDep
) -> GatewayRead:
    """The shop's account for a provider; secrets shown masked."""
    return await accounts.get_gateway(
        session, access=access, provider=provider, secrets=container.secrets,
        settings=container.settings,
    )  # fmt: skip


@router.put(SHOP + "/payments/gateways/{provider}")
async def put_gateway(
    provider: Provider, data: GatewayUpdate, access: ManageSettings, session: SessionDep,
    container: ContainerDep,
) -> GatewayRead:  # fmt: skip
    """Create or replace the account (fields checked per provider; secrets kept if left out)."""
    return await accounts.put_gateway(
        session, access=access, provider=provider, data=data, secrets=container.secrets,
        settings=container.settings, now=container.clock.now(),
    )  # fmt: skip


@router.post(SHOP + "/orders/{order_id}/payments", status_code=status.HTTP_201_CREATED)
async def create_payment(
    order_id: uuid.UUID, data: PaymentCreate, access: WriteOrders, session: SessionDep,
    container: ContainerDep,
) -> PaymentStarted:  # fmt: skip
    """Start paying a pending order: where to send the customer (or the bot invoice)."""
    await session.commit()
    return await flows.start_payment(
        container, shop=access.shop, order_id=order_id, data=data, actor=access.actor
    )


@router.get(SHOP + "/orders/{order_id}/payments")
async def list_payments(
    order_id: uuid.UUID, access: ReadPayments, session: SessionDep
) -> list[PaymentRead]:
    return await reads.list_payments(session, shop_id=access.shop.id, order_id=order_id)


Status = Annotated[str | None, Query(max_length=24, pattern=r"^[a-z_]+$")]
ProviderFilter = Annotated[str | None, Query(max_length=32, pattern=r"^[a-z0-9_]+$")]


@router.get(SHOP + "/payments")
async def browse_payments(
    access: ReadPayments, session: SessionDep, page: Annotated[PageParams, Depends()],
    status: Status = None, provider: ProviderFilter = None,
) -> Page[PaymentRead]:  # fmt: skip
    """Newest first; `total` stops counting past 10,000."""
    return await browse.browse_payments(
        session, shop_id=access.shop.id, status=status, provider=provider, limit=page.limit,
        offset=page.offset,
    )  # fmt: skip


@router.get(SHOP + "/inbound-webhooks")
async def browse_webhooks(
    access: ReadPayments, session: SessionDep, page: Annotated[PageParams, Depends()],
    status: Status = None, provider: ProviderFilter = None,
) -> Page[WebhookRead]:  # fmt: skip
    """Every webhook a gateway sent, newest first: received, processed, parked, ignored,
    rejected (its signature did not hold) or failed."""
    return await browse.browse_webhooks(
        session, shop_id=access.shop.id, status=status, provider=provider, limit=page.limit,
        offset=page.offset,
    )  # fmt: skip


@router.get(SHOP + "/inbound-webhooks/{webhook_id}")
async def get_webhook(
    webhook_id: uuid.UUID, access: ReadPayments, session: SessionDep
) -> WebhookDetail:
    """The raw body and headers as received (credentials in headers masked)."""
    return await browse.get_webhook(session, shop_id=access.shop.id, webhook_id=webhook_id)


@router.get(SHOP + "/payments/{payment_id}")
async def get_payment(
    payment_id: uuid.UUID, access: ReadPayments, session: SessionDep
) -> PaymentRead:
    return await reads.get_payment(session, shop_id=access.shop.id, payment_id=payment_id)


@router.post(SHOP + "/orders/{order_id}/refunds", status_code=status.HTTP_201_CREATED)
async def refund_order(
    order_id: uuid.UUID, data: RefundCreate, access: RefundOrders, session: SessionDep,
    container: ContainerDep,
) -> RefundRead:  # fmt: skip
    """Refund part or all of what the order's payment captured, through its provider."""
    await session.commit()
    return await flows.refund_order(
        container, shop_id=access.shop.id, order_id=order_id, amount=data.amount,
        reason=data.reason, actor=access.actor, expected_remaining=data.expected_remaining,
    )  # fmt: skip


@router.get(SHOP + "/orders/{order_id}/refunds")
async def list_refunds(
    order_id: uuid.UUID, access: ReadPayments, session: SessionDep
) -> list[RefundRead]:
    return await reads.list_refunds(session, shop_id=access.shop.id, order_id=order_id)


@router.get(SHOP + "/orders/{order_id}/ledger")
async def order_ledger(
    order_id: uuid.UUID, access: ReadPayments, session: SessionDep
) -> OrderLedger:
    """The order's money movements; captured = payments − refunds."""
    return await reads.order_ledger(session, shop_id=access.shop.id, order_id=order_id)


@router.post(SHOP + "/payments/webhooks/{provider}")
async def receive_webhook(
    request: Request, provider: Provider, container: ContainerDep,
    shop: Annotated[str, Path(min_length=1, max_length=64)],
) -> WebhookAck:  # fmt: skip
    """A provider's notification: stored, verified, processed (401 forged, 200 duplicate)."""
    body = await request.body()
    if len(body) > MAX_WEBHOOK_BYTES:
        raise WebhookTooLarge(MAX_WEBHOOK_BYTES)
    outcome = await flows.receive_webhook(
        container, shop_slug=shop, provider_name=provider, body=body,
        headers=dict(request.headers), remote_ip=request.client.host if request.client else None,
    )  # fmt: skip
    return WebhookAck(status=outcome.status, duplicate=outcome.duplicate)
