"""The payment step: how the checkout will be paid — the shop's gateways, and cash on
delivery when the chosen delivery method collects it (unavailable ones say why)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Response

from shopkeeper.checkout import payment
from shopkeeper.deps import ClockDep, ContainerDep, SessionDep
from shopkeeper.errors import AppError
from shopkeeper.web.store.checkout_reads import Reader
from shopkeeper.web.store.errors import StoreRoute
from shopkeeper.web.store.problems import error_text
from shopkeeper.web.store.shopper import ShopperCsrf, ShopperDep

router = APIRouter(prefix="/s/{shop}", route_class=StoreRoute, include_in_schema=False)


def method_label(_: Any, option: payment.PaymentMethodOption) -> str:
    """A method's name for shoppers: cash on delivery in their language, gateways by name."""
    if option.kind is payment.MethodKind.COD:
        return str(_("Cash on delivery"))
    names = {"sandbox": _("Test payment (sandbox)"), "stripe": _("Card (Stripe)")}
    return str(names.get(option.code, option.name))


async def payment_page(reader: Reader, *, status_code: int = 200, **values: Any) -> Response:
    shopper = reader.shopper
    if not await reader.has_cart():
        return shopper.redirect("/cart")
    methods = await payment.available_methods(reader.session, shop_id=reader.shop_id,
                                              owner=shopper.owner)  # fmt: skip
    _ = shopper.store.gettext
    context = {"step": "payment", "methods": methods, "summary": await reader.summary(),
               "label": lambda option: method_label(_, option), "error": None,
               **values}  # fmt: skip
    return shopper.render("store/checkout_payment.html", context, status_code=status_code)


@router.get("/checkout/payment", name="store_checkout_payment")
async def show_payment(shopper: ShopperDep, session: SessionDep, container: ContainerDep,
                       clock: ClockDep) -> Response:  # fmt: skip
    return await payment_page(Reader(shopper, session, container, clock.now()))


@router.post("/checkout/payment", dependencies=[ShopperCsrf])
async def choose_payment(
    shopper: ShopperDep, session: SessionDep, container: ContainerDep, clock: ClockDep,
    method: str = Form("", max_length=32),
) -> Response:  # fmt: skip
    reader = Reader(shopper, session, container, clock.now())
    _ = shopper.store.gettext
    error: str | None = None
    if not method.strip():
        error = _("Choose how to pay.")
    else:
        try:
            await payment.select_method(session, shop_id=reader.shop_id, owner=shopper.owner,
                                        method=method, store=reader.views,
                                        now=reader.now)  # fmt: skip
        except payment.PaymentMethodUnavailable:
            error = _("This payment method is not available for this order.")
        except AppError as exc:
            error = error_text(_, exc)
    if error is not None:
        async with reader.reading() as fresh:  # the choice made before the refusal is undone
            return await payment_page(fresh, status_code=422, error=error)
    return shopper.redirect("/checkout/details")
