"""Which ways to pay a checkout has: the shop's enabled gateways (Telegram Stars only for a
cart priced in XTR, which no other gateway takes) and cash on delivery when the chosen
shipping method collects it. Each unavailable one says why."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import payments
from shopkeeper.checkout.payment.errors import PaymentMethodMissing, PaymentMethodUnavailable
from shopkeeper.checkout.payment.schemas import MethodKind, PaymentMethodOption
from shopkeeper.checkout.shipping import ShippingMethodNotFound, get_method_by_code

COD = "cod"
STARS = "telegram_stars"
NAMES = {
    "sandbox": "Test payment (sandbox)",
    "stripe": "Card (Stripe)",
    "payu": "PayU",
    "przelewy24": "Przelewy24",
    "yookassa": "YooKassa",
    STARS: "Telegram Stars",
    COD: "Cash on delivery",
}


def method_name(code: str) -> str:
    return NAMES.get(code, code)


def method_kind(code: str) -> MethodKind:
    return MethodKind.COD if code == COD else MethodKind.ONLINE


def _gateway(code: str, currency: str) -> PaymentMethodOption:
    reason = None
    if code == STARS and currency != payments.STARS_CURRENCY:
        reason = "Telegram Stars pay only for prices in Stars (XTR)"
    elif code != STARS and currency == payments.STARS_CURRENCY:
        reason = f"{method_name(code)} cannot take payments in Telegram Stars"
    return PaymentMethodOption(
        code=code, name=method_name(code), kind=MethodKind.ONLINE, available=reason is None,
        reason=reason,
    )  # fmt: skip


async def _cod(
    session: AsyncSession, shop_id: uuid.UUID, currency: str, shipping_method_code: str | None
) -> PaymentMethodOption:
    reason = None
    if currency == payments.STARS_CURRENCY:
        reason = "Cash on delivery cannot collect Telegram Stars"
    elif shipping_method_code is None:
        reason = "Choose a shipping method first: cash on delivery depends on it"
    else:
        try:
            shipping = await get_method_by_code(session, shop_id=shop_id, code=shipping_method_code)
        except ShippingMethodNotFound:
            reason = "The chosen shipping method is no longer offered"
        else:
            if not shipping.cash_on_delivery:
                reason = f"{shipping.name} does not collect cash on delivery"
    return PaymentMethodOption(
        code=COD, name=method_name(COD), kind=MethodKind.COD, available=reason is None,
        reason=reason,
    )  # fmt: skip


async def payment_methods(
    session: AsyncSession, *, shop_id: uuid.UUID, currency: str, shipping_method_code: str | None
) -> list[PaymentMethodOption]:
    """Every enabled gateway of the shop, then cash on delivery, each available or not."""
    gateways = await payments.enabled_gateways(session, shop_id=shop_id)
    options = [_gateway(code, currency) for code in gateways]
    options.append(await _cod(session, shop_id, currency, shipping_method_code))
    return options


async def check_payment_method(
    session: AsyncSession, *, shop_id: uuid.UUID, currency: str, method: str | None,
    shipping_method_code: str | None,
) -> PaymentMethodOption:  # fmt: skip
    """The method, when this checkout may be paid with it now (finalisation asks again);
    PaymentMethodMissing or PaymentMethodUnavailable (with the reason) otherwise."""
    if not method:
        raise PaymentMethodMissing()
    options = await payment_methods(
        session, shop_id=shop_id, currency=currency, shipping_method_code=shipping_method_code
    )
    option = next((o for o in options if o.code == method), None)
    if option is None:
        raise PaymentMethodUnavailable(f"This shop does not take payments by {method!r}")
    if not option.available:
        raise PaymentMethodUnavailable(f"{option.name} is not available: {option.reason}")
    return option
