"""The summary step (every line, extra, discount, delivery, payment, details and total; what
is still missing, each with a link to its step), finalising (the order is placed and its
payment started: to the gateway's page), and the confirmation page the gateway sends the
shopper back to (order number and payment status, polled until the payment is settled)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import structlog
from fastapi import APIRouter, Form, Response
from fastapi.responses import RedirectResponse

from shopkeeper.checkout import cart, customer, finalize, payment
from shopkeeper.deps import ClockDep, ContainerDep, SessionDep
from shopkeeper.errors import AppError
from shopkeeper.web.store.checkout_reads import Reader
from shopkeeper.web.store.delivery_pages import day_label
from shopkeeper.web.store.errors import StoreRoute, is_htmx
from shopkeeper.web.store.payment_pages import method_label
from shopkeeper.web.store.problems import Gettext, error_text
from shopkeeper.web.store.shopper import ShopperCsrf, ShopperDep

log = structlog.get_logger(__name__)
router = APIRouter(prefix="/s/{shop}", route_class=StoreRoute, include_in_schema=False)


def missing_steps(_: Gettext, missing: list[str]) -> list[tuple[str, str]]:
    """What finalisation still needs, as (text, link) pairs in step order."""
    known = {
        "available_lines": (_("Some products cannot be bought now: change them in the cart."),
                            "/cart"),
        "shipping_method": (_("Choose a delivery method."), "/checkout/delivery#methods"),
        "shipping_address": (_("Give the delivery address."), "/checkout/delivery#address"),
        "delivery_date": (_("Choose the delivery day."), "/checkout/delivery#date"),
        "payment_method": (_("Choose how to pay."), "/checkout/payment"),
        "customer_data": (_("Give your contact details."), "/checkout/details"),
    }  # fmt: skip
    steps: list[tuple[str, str]] = []
    for code in dict.fromkeys(missing):
        if code.startswith("consent:"):
            pair = (_("Accept the required consents."), "/checkout/details#consents")
        else:
            pair = known.get(code, (_("Something is missing: %(what)s.", what=code), "/cart"))
        if pair not in steps:
            steps.append(pair)
    return steps


async def summary_page(reader: Reader, *, status_code: int = 200, **values: Any) -> Response:
    shopper = reader.shopper
    summary = await reader.summary()
    if summary is None:
        return shopper.redirect("/cart")
    _ = shopper.store.gettext
    methods = await payment.available_methods(reader.session, shop_id=reader.shop_id,
                                              owner=shopper.owner)  # fmt: skip
    chosen = next((m for m in methods.methods if m.code == methods.selected), None)
    missing = list(summary.missing) + ([] if chosen else ["payment_method"])
    details = await customer.get_customer_data(reader.session, shop_id=reader.shop_id,
                                               cart_id=summary.cart_id)  # fmt: skip
    context = {"step": "summary", "summary": summary, "payment_method": chosen,
               "payment_label": method_label(_, chosen) if chosen else None,
               "details": details, "missing": missing_steps(_, missing), "error": None,
               "date_label": day_label(shopper.store.language),
               **values}  # fmt: skip
    return shopper.render("store/checkout_summary.html", context, status_code=status_code)


@router.get("/checkout/summary", name="store_checkout_summary")
async def show_summary(shopper: ShopperDep, session: SessionDep, container: ContainerDep,
                       clock: ClockDep) -> Response:  # fmt: skip
    return await summary_page(Reader(shopper, session, container, clock.now()))


@router.post("/checkout/finalize", dependencies=[ShopperCsrf], name="store_checkout_finalize")
async def finalise(
    shopper: ShopperDep, session: SessionDep, container: ContainerDep, clock: ClockDep,
    cart_id: uuid.UUID = Form(...), expected_total: int = Form(..., ge=0),
) -> Response:  # fmt: skip
    """Place the order of the summary the shopper saw, then pay at the gateway."""
    store = shopper.store
    _ = store.gettext
    await session.commit()  # finalisation runs transactions of its own (and calls the gateway)
    ctx = finalize.FinalizeContext(
        sessions=container.sessions, store=cart.view_store(container),
        calendar=Reader(shopper, session, container, clock.now()).calendar, clock=container.clock,
        order_ttl=timedelta(minutes=container.settings.order_ttl_minutes),
    )  # fmt: skip
    back = store.absolute(f"{store.base}/checkout/confirmation/{cart_id}")
    data = finalize.FinalizeRequest(cart_id=cart_id, expected_total=expected_total,
                                    return_url=back)  # fmt: skip
    ip = store.request.client.host if store.request.client else None
    try:
        result = await finalize.finalize_checkout(
            container, ctx, shop=store.shop, owner=shopper.owner, data=data, ip=ip
        )
    except finalize.TotalChanged:
        error = _("The total has changed since you saw it (prices, promotions or delivery). "
                  "Please check the summary and confirm again.")  # fmt: skip
        return await _again(shopper, session, container, clock, 409, error)
    except finalize.CheckoutNotReady:
        error = _("Your order is not complete yet: see what is missing below.")
        return await _again(shopper, session, container, clock, 422, error)
    except AppError as exc:
        if exc.status_code == 404:
            raise
        return await _again(shopper, session, container, clock, exc.status_code,
                            error_text(_, exc))  # fmt: skip
    shopper.remember_placed(str(result.checkout.cart_id))
    step = result.payment
    target = f"{store.base}/checkout/confirmation/{result.checkout.cart_id}"
    if step is not None and step.redirect_url and step.method != payment.COD:
        target = step.redirect_url
    elif step is None:
        log.warning("store.checkout_payment_not_started", order_id=str(result.order.id),
                    error=result.payment_error)  # fmt: skip
    if is_htmx(store.request):
        return shopper.finish(Response(status_code=204, headers={"HX-Redirect": target}))
    return shopper.finish(RedirectResponse(target, status_code=303))


async def _again(shopper: ShopperDep, session: SessionDep, container: ContainerDep,
                 clock: ClockDep, status_code: int, error: str) -> Response:  # fmt: skip
    async with Reader(shopper, session, container, clock.now()).reading() as fresh:
        return await summary_page(fresh, status_code=status_code, error=error)
