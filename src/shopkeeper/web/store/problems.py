"""What the checkout contexts refuse, said in the shopper's language.

The contexts' errors carry English details for API clients; the pages name each refusal by
its type (or reason code) in the page's language, and fall back to the detail.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from shopkeeper.checkout import cart, services, session, shipping, warranty
from shopkeeper.errors import AppError

Gettext = Callable[..., str]

POSTAL_EXAMPLES = {"PL": "00-950", "RU": "101000", "DE": "10115", "US": "94105"}


def error_text(_: Gettext, exc: AppError) -> str:
    """A context's refusal as the shopper reads it."""
    if isinstance(exc, cart.CartStockExceeded):
        return _("Only %(count)s in stock.", count=exc.available)
    known: dict[type[AppError], str] = {
        cart.CartQuantityTooLarge: _(
            "At most %(count)s of one item per line.", count=cart.MAX_QUANTITY
        ),
        cart.CartFull: _("Your cart is full."),
        cart.CartItemNotFound: _("This item is no longer in your cart."),
        cart.CartItemInvalid: _("This item cannot be added to the cart."),
        cart.CartNotFound: _("Your cart is empty: add something to it first."),
        session.CheckoutCartNotFound: _("Your cart is empty: add something to it first."),
        session.ShippingMethodUnavailable: _("This delivery method cannot carry your cart."),
        session.ShippingChoiceMissing: _("Choose a delivery method and give the address first."),
        session.PromoCodeAlreadyApplied: _(
            "A promo code is already applied; remove it to use another."
        ),
        session.PromotionNotAvailable: _("Your cart does not qualify for this promotion now."),
        session.PromotionNotApplied: _("This promotion is not applied."),
        shipping.ShippingMethodNotFound: _("No such delivery method."),
        shipping.AddonNotOffered: _("This add-on is not available for the chosen method or day."),
        shipping.DeliveryDateNotOffered: _(
            "This day is not available; choose one of the days shown."
        ),
        shipping.DeliveryDateNotNeeded: _("This delivery method needs no date."),
        shipping.CalendarUnavailable: _(
            "Delivery dates cannot be shown right now. Please try again in a moment."
        ),
        shipping.InvalidDeliveryAddress: _("Check the delivery address."),
        services.ServiceNotAvailable: _("This service is not available for this item."),
        services.ServiceQuantityNotAllowed: _("This service is not available in that quantity."),
        warranty.WarrantyNotOffered: _("This warranty is not offered for this item."),
        warranty.WarrantyAlreadyChosen: _("This item already has a warranty."),
    }
    return next((text for kind, text in known.items() if isinstance(exc, kind)), exc.detail)


def code_refusal(_: Gettext, reason: str) -> str:
    """Why a promo code does not apply (`reason`: the promotions error's name)."""
    reasons = {
        "PromoCodeNotFound": _("There is no such promo code."),
        "PromoCodeInactive": _("This promo code is no longer active."),
        "PromoCodeNotYetValid": _("This promo code is not valid yet."),
        "PromoCodeExpired": _("This promo code has expired."),
        "PromoCodeExhausted": _("This promo code has been used up."),
        "PromoCodeCustomerLimitReached": _("You have already used this promo code."),
        "PromoCodeNotForCustomer": _("This promo code is for another customer."),
        "PromoCodeNotApplicable": _("This promo code does not apply to the products in your cart."),
        "PromoCodeBelowMinimum": _("Your cart is below this promo code's minimum order value."),
        "PromoCodeFirstPurchaseOnly": _("This promo code is for a first purchase only."),
        "PromoCodeCustomerRequired": _("Sign in to use this promo code."),
    }
    return reasons.get(reason, _("This promo code cannot be used."))


def shipping_reasons(_: Gettext, reasons: Sequence[shipping.Unavailability]) -> list[str]:
    """Why a delivery method cannot carry the cart, one line per reason."""
    texts = {
        "currency_not_supported": _("Not offered in this currency."),
        "too_heavy": _("Your cart is too heavy for this method."),
        "item_too_large": _("An item is too large for this method."),
        "category_excluded": _("This method does not carry some of your products."),
        "category_not_allowed": _("This method carries only some kinds of products."),
        "cart_value_too_low": _("Your cart's value is below this method's minimum."),
        "cart_value_too_high": _("Your cart's value is above this method's maximum."),
    }
    return list(dict.fromkeys(texts.get(r.code, r.detail) for r in reasons))


def address_errors(_: Gettext, errors: Sequence[Any], country: str) -> dict[str, str]:
    """pydantic's errors of a ShippingAddress, one message per field."""
    found: dict[str, str] = {}
    for error in errors:
        loc = error.get("loc") or ("",)
        name = str(loc[0])
        if name in found:
            continue
        kind = str(error.get("type", ""))
        if kind in ("missing", "string_too_short"):
            found[name] = _("Fill in this field.")
        elif name == "postal_code":
            example = POSTAL_EXAMPLES.get(country.strip().upper())
            found[name] = (_("Enter the postal code as in %(example)s.", example=example)
                           if example else _("Enter a valid postal code."))  # fmt: skip
        elif name == "country":
            found[name] = _("Choose a country.")
        elif name == "phone":
            found[name] = _("Enter the phone number with its country code, e.g. +48 600 100 200.")
        elif kind == "string_too_long":
            found[name] = _("This is too long.")
        else:
            found[name] = _("Check this field.")
    return found
