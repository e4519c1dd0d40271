"""HTTP: the shopper's payment under /api/v1/shops/{shop} (no staff auth: the owner is the
cart's, as for /cart — the signed-in storefront customer or the `X-Cart-Token`), and the
gateways' webhooks, handed to the payments core as its own webhook route does."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from shopkeeper import payments
from shopkeeper.checkout.cart.deps import CartOwnerDep, ViewStoreDep
from shopkeeper.checkout.payment import initialize, reads, selection
from shopkeeper.checkout.payment.errors import WebhookTooLarge
from shopkeeper.checkout.payment.schemas import (
    AttemptStatus,
    CheckoutPaymentRead,
    PaymentInitialize,
    PaymentMethods,
    PaymentSelect,
)
from shopkeeper.deps import ClockDep, ContainerDep, SessionDep

router = APIRouter(prefix="/api/v1/shops/{shop}/payment", tags=["checkout"])
Gateway = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[a-z0-9_]+$")]
MAX_WEBHOOK_BYTES = 512 * 1024  # as the payments core's own route


class WebhookAck(BaseModel):
    status: str
    duplicate: bool


@router.get("/available")
async def available(caller: CartOwnerDep, session: SessionDep) -> PaymentMethods:
    """The shop's gateways and cash on delivery for the cart; unavailable ones say why."""
    return await selection.available_methods(session, shop_id=caller.shop.id, owner=caller.owner)


@router.post("/select")
async def select(
    data: PaymentSelect, caller: CartOwnerDep, session: SessionDep, clock: ClockDep,
    store: ViewStoreDep,
) -> PaymentMethods:  # fmt: skip
    """422 when the checkout cannot be paid so now (nothing changes)."""
    return await selection.select_method(
        session, shop_id=caller.shop.id, owner=caller.owner, method=data.method, store=store,
        now=clock.now(),
    )  # fmt: skip


@router.post("/initialize", response_model=CheckoutPaymentRead)
async def initialize_payment(
    data: PaymentInitialize, request: Request, caller: CartOwnerDep, session: SessionDep,
    container: ContainerDep,
) -> CheckoutPaymentRead | JSONResponse:  # fmt: skip
    """Start paying the finalised cart's order: where to send the shopper (`redirect_url`).
    409 without a finalised order or when it is paid; 502 when the gateway refused (the
    attempt is kept as failed: try again)."""
    await session.commit()  # the gateway is called outside any transaction
    started = await initialize.initialize_payment(
        container, shop=caller.shop, owner=caller.owner, data=data,
        ip=request.client.host if request.client else None,
    )  # fmt: skip
    if started.status == AttemptStatus.FAILED:
        body = {"error": "GatewayError", "detail": started.error or "The gateway refused",
                "payment": started.model_dump(mode="json")}  # fmt: skip
        return JSONResponse(body, status_code=502)
    return started


@router.get("/status/{transaction_id}")
async def payment_status(
    transaction_id: uuid.UUID, caller: CartOwnerDep, session: SessionDep
) -> CheckoutPaymentRead:
    """404 unless the caller owns the cart the payment is for."""
    return await reads.payment_status(
        session, shop_id=caller.shop.id, owner=caller.owner, transaction_id=transaction_id
    )


@router.post("/webhook/{gateway}")
async def webhook(
    request: Request, gateway: Gateway, container: ContainerDep,
    shop: Annotated[str, Path(min_length=1, max_length=64)],
) -> WebhookAck:  # fmt: skip
    """A gateway's notification for this shop, verified and processed by the payments core
    (401 forged, 400 malformed, 200 duplicate, 503 try again)."""
    body = await request.body()
    if len(body) > MAX_WEBHOOK_BYTES:
        raise WebhookTooLarge(MAX_WEBHOOK_BYTES)
    outcome = await payments.receive_webhook(
        container, shop_slug=shop, provider_name=gateway, body=body,
        headers=dict(request.headers), remote_ip=request.client.host if request.client else None,
    )  # fmt: skip
    return WebhookAck(status=outcome.status, duplicate=outcome.duplicate)
