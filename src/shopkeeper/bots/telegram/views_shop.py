"""The selling flow's screens: text and inline keyboard, in the user's language.

Each function returns `(text, keyboard)`; handlers send them. Nothing here reads the
database: the services hand over offers, prices, payment options and subscriptions.
"""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardMarkup

from shopkeeper import promotions
from shopkeeper.bots.telegram import keyboards_shop as kb
from shopkeeper.bots.telegram.formatting import days, local_date, money, period
from shopkeeper.bots.telegram.service.checkout import STARS_GATEWAY, PaymentOption
from shopkeeper.bots.telegram.service.offers import Offer, Pricing
from shopkeeper.bots.telegram.texts import Texts
from shopkeeper.errors import AppError
from shopkeeper.shops import ShopRead
from shopkeeper.subscriptions import CustomerSubscription, SubscriptionStatus

Screen = tuple[str, InlineKeyboardMarkup | None]
DESCRIPTION_CHARS = 600
PROMO_ERRORS: dict[type[AppError], str] = {
    promotions.PromoCodeNotFound: "promo.not_found",
    promotions.PromoCodeInactive: "promo.inactive",
    promotions.PromoCodeNotYetValid: "promo.not_yet_valid",
    promotions.PromoCodeExpired: "promo.expired",
    promotions.PromoCodeExhausted: "promo.exhausted",
    promotions.PromoCodeCustomerLimitReached: "promo.customer_limit",
    promotions.PromoCodeNotApplicable: "promo.not_applicable",
    promotions.PromoCodeBelowMinimum: "promo.below_minimum",
    promotions.PromoCodeFirstPurchaseOnly: "promo.first_purchase",
    promotions.PromoCodeNotForCustomer: "promo.not_yours",
}


def _period(texts: Texts, offer: Offer) -> str:
    plan = offer.product.plan
    if plan is None:
        return ""
    return texts("buy.period", period=period(plan.period_count, plan.period_unit, texts.language))


def _prices(texts: Texts, pricing: Pricing) -> str:
    shown = []
    for price in pricing.prices:
        total = money(price.total, price.currency, texts.language)
        if price.discount:
            total = texts("buy.discounted", total=total,
                          price=money(price.amount, price.currency, texts.language))  # fmt: skip
        shown.append(total)
    return " · ".join(shown)


def offer_list(texts: Texts, offers: Sequence[Offer], pricings: Sequence[Pricing]) -> Screen:
    """/buy: every offer with its prices, one button each."""
    if not offers:
        return texts("buy.nothing"), None
    lines = [texts("buy.choose"), ""]
    for offer, pricing in zip(offers, pricings, strict=True):
        term = _period(texts, offer)
        lines.append(f"• {offer.name}" + (f" ({term})" if term else "") + f": "
                     f"{_prices(texts, pricing)}")  # fmt: skip
    return "\n".join(lines), kb.offer_list([(o.name, o.variant.id) for o in offers])


def promo_error(texts: Texts, error: AppError, code: str) -> str:
    """Why a promo code does not apply, in the user's words."""
    key = next((k for cls, k in PROMO_ERRORS.items() if isinstance(error, cls)), "promo.invalid")
    return texts(key, code=code.strip().upper())


def offer_card(
    texts: Texts, offer: Offer, pricing: Pricing, *, tried_code: str | None = None
) -> Screen:
    """One offer: what it is, its price (with the code's discount, or why the code failed)."""
    lines = [offer.name]
    if description := offer.product.description.strip():
        lines.append(description[:DESCRIPTION_CHARS])
    if term := _period(texts, offer):
        lines.append(term[:1].upper() + term[1:])
    plan = offer.product.plan
    if plan is not None and plan.trial_days:
        lines.append(texts("buy.trial", period=days(plan.trial_days, texts.language)))
    lines.append(texts("buy.price", prices=_prices(texts, pricing)))
    if pricing.code:
        lines.append(texts("buy.promo_applied", code=pricing.code))
    elif pricing.error is not None and tried_code:
        lines += ["", promo_error(texts, pricing.error, tried_code)]
    return "\n".join(lines), kb.offer_card(texts, offer.variant.id)


def promo_prompt(texts: Texts, offer: Offer) -> Screen:
    return texts("buy.promo_prompt"), kb.promo_prompt(texts, offer.variant.id)


def payment_choice(texts: Texts, offer: Offer, options: Sequence[PaymentOption]) -> Screen:
    if not options:
        return texts("buy.no_payment"), None
    labelled = []
    for option in options:
        price = money(option.total, option.currency, texts.language)
        label = (texts("buy.pay_stars", price=price) if option.gateway == STARS_GATEWAY else
                 texts("buy.pay_link", gateway=texts(f"buy.gateway.{option.gateway}"),
                       price=price))  # fmt: skip
        labelled.append((label, option.gateway, option.currency))
    return texts("buy.choose_payment", name=offer.name), kb.payment_choice(
        texts, offer.variant.id, labelled
    )


def status(texts: Texts, shop: ShopRead, subscriptions: Sequence[CustomerSubscription]) -> Screen:
    """/status: each subscription with its end in the shop's time zone and days left."""
    if not subscriptions:
        return texts("status.none"), None
    lines, rows = [texts("status.header")], []
    for sub in subscriptions:
        past_due = sub.status is SubscriptionStatus.PAST_DUE and sub.grace_until is not None
        shown = sub.grace_until if past_due and sub.grace_until else sub.period_end
        end = local_date(shown, shop.timezone, texts.language)
        lines += ["", texts("status.item", plan=sub.plan_title, end=end,
                            status=texts(f"status.state.{sub.status.value}"),
                            left=days(sub.days_left, texts.language))]  # fmt: skip
        if sub.cancel_at_period_end:
            lines.append(texts("status.cancels"))
        elif past_due:
            lines.append(texts("status.grace", end=end))
        rows.append([kb.button(texts("status.renew_button", plan=sub.plan_title),
                               kb.ProductChosen(p=sub.product_id))])  # fmt: skip
        if (change := _cancel_or_resume(texts, sub)) is not None:
            rows.append([change])
    return "\n".join(lines), kb.markup(rows)


def _cancel_or_resume(texts: Texts, sub: CustomerSubscription) -> kb.InlineKeyboardButton | None:
    if sub.status not in (SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIALING):
        return None
    if sub.cancel_at_period_end:
        return kb.button(texts("status.resume_button", plan=sub.plan_title),
                         kb.SubscriptionAction(s=sub.id, a="resume"))  # fmt: skip
    return kb.button(texts("status.cancel_button", plan=sub.plan_title),
                     kb.SubscriptionAction(s=sub.id, a="cancel"))  # fmt: skip
