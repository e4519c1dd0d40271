"""Checkout: Buy places the order and opens the payment at the shop's gateway; the gateway
brings the customer back to the success page (which polls the order) or the cancel page."""

from __future__ import annotations

import uuid
from datetime import timedelta

import structlog
from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from shopkeeper import payments
from shopkeeper.container import Container
from shopkeeper.deps import ClockDep, ContainerDep, SessionDep
from shopkeeper.errors import AppError
from shopkeeper.orders import OrderRead
from shopkeeper.web.store import offers, purchase
from shopkeeper.web.store.deps import CsrfDep, StoreDep, Storefront
from shopkeeper.web.store.errors import ProductUnavailable, StoreRoute, is_htmx

log = structlog.get_logger(__name__)
router = APIRouter(prefix="/s/{shop}", route_class=StoreRoute, include_in_schema=False)
POLL_SECONDS = 2


class PaymentNotStarted(AppError):
    status_code = 502


@router.post("/buy", dependencies=[CsrfDep], name="store_buy")
async def buy(
    request: Request, store: StoreDep, session: SessionDep, container: ContainerDep,
    clock: ClockDep, variant: uuid.UUID = Form(...),
) -> Response:  # fmt: skip
    """Place the order (signed in: a plan's role goes to someone), then pay at the gateway."""
    visitor = store.require_visitor()
    offer = await offers.find_offer(session, shop=store.shop, variant_id=variant)
    if offer is None:
        raise ProductUnavailable()
    gateway = await purchase.gateway_for(session, shop_id=store.shop.id)
    ttl = timedelta(minutes=container.settings.order_ttl_minutes)
    order = await purchase.place(session, shop=store.shop, customer_id=visitor.customer.id,
                                 offer=offer, ttl=ttl, now=clock.now())  # fmt: skip
    await session.commit()  # the payment flow opens transactions of its own
    return await pay_order(request, store, container, order, gateway)


async def pay_order(request: Request, store: Storefront, container: Container,
                    order: OrderRead, gateway: str) -> Response:  # fmt: skip
    """Open the order's payment and send the browser to the gateway's page."""
    visitor = store.require_visitor()
    back = f"{store.base}/checkout/%s?order={order.id}"
    actor = purchase.customer_actor(visitor.customer.id, request.client.host if request.client
                                    else None)  # fmt: skip
    try:
        started = await purchase.pay(
            container, shop=store.shop, order=order, gateway=gateway,
            success_url=store.absolute(back % "success"),
            cancel_url=store.absolute(back % "cancel"), actor=actor,
        )  # fmt: skip
    except (payments.GatewayError, payments.OrderNotAwaitingPayment, payments.NothingToPay) as exc:
        log.warning("store.payment_not_started", order_id=str(order.id), error=exc.detail)
        detail = store.gettext("The payment could not be started. Please try again in a moment.")
        raise PaymentNotStarted(detail) from exc
    target = started.redirect_url or f"/pay/{started.payment_id}"
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


async def _progress(store: Storefront, session: SessionDep, clock: ClockDep,
                    order: uuid.UUID) -> purchase.OrderProgress:  # fmt: skip
    visitor = store.require_visitor()
    return await purchase.progress(session, shop_id=store.shop.id, order_id=order,
                                   customer_id=visitor.customer.id, now=clock.now())  # fmt: skip


@router.get("/checkout/success", name="store_checkout_success")
async def success(store: StoreDep, session: SessionDep, clock: ClockDep,
                  order: uuid.UUID) -> Response:  # fmt: skip
    found = await _progress(store, session, clock, order)
    return store.render("store/success.html", {"progress": found, "poll": POLL_SECONDS})


@router.get("/checkout/status", name="store_checkout_status")
async def status(store: StoreDep, session: SessionDep, clock: ClockDep,
                 order: uuid.UUID) -> Response:  # fmt: skip
    """The success page's live part (HTMX polls it every 2 s until the order is done)."""
    found = await _progress(store, session, clock, order)
    return store.render("store/_order_status.html", {"progress": found, "poll": POLL_SECONDS})


@router.get("/checkout/cancel", name="store_checkout_cancel")
async def cancel(store: StoreDep, session: SessionDep, clock: ClockDep,
                 order: uuid.UUID) -> Response:  # fmt: skip
    found = await _progress(store, session, clock, order)
    return store.render("store/cancel.html", {"progress": found})


@router.post("/checkout/retry", dependencies=[CsrfDep], name="store_checkout_retry")
async def retry(
    request: Request, store: StoreDep, session: SessionDep, container: ContainerDep,
    clock: ClockDep, order: uuid.UUID = Form(...),
) -> Response:  # fmt: skip
    """Pay a pending order again (after a failed or abandoned payment)."""
    found = await _progress(store, session, clock, order)
    gateway = await purchase.gateway_for(session, shop_id=store.shop.id)
    await session.commit()
    return await pay_order(request, store, container, found.order, gateway)
