"""The checkout summary: every line, services and warranties, gifts, shipping with its price
and date, promotions and codes with their discounts, the totals, and what is still missing
before the order can be finalised, computed now. `priced_summary` is the part kept as the
materialised totals view (totals.py); what customer data and consents lack is added per read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.cache import KeyValueStore
from shopkeeper.checkout.cart import CartViewLine
from shopkeeper.checkout.customer import finalize_blockers
from shopkeeper.checkout.session.access import Checkout
from shopkeeper.checkout.session.models import CheckoutSession
from shopkeeper.checkout.session.schemas import (
    CheckoutSummary,
    SummaryAddon,
    SummaryDiscount,
    SummaryGift,
    SummaryLine,
    SummaryShipping,
    Totals,
)
from shopkeeper.checkout.session.shipping_choice import unavailable_detail
from shopkeeper.checkout.session.snapshot import PRODUCT_TYPES, Snapshot, take_snapshot
from shopkeeper.checkout.shipping import (
    CalendarClient,
    MethodKind,
    MethodOffer,
    ShippingAddress,
    available_methods,
)
from shopkeeper.orders.pricing import price_line


async def with_blockers(
    session: AsyncSession, summary: CheckoutSummary, checkout: Checkout
) -> CheckoutSummary:
    """`summary` with what customer data and consents still lack added to `missing`."""
    blockers = await finalize_blockers(session, shop_id=checkout.shop_id, cart_id=checkout.cart_id)
    return add_blockers(summary, blockers)


def add_blockers(summary: CheckoutSummary, blockers: list[str]) -> CheckoutSummary:
    missing = [*summary.missing, *blockers]
    return summary.model_copy(update={"missing": missing, "ready": not missing})


async def priced_summary(
    session: AsyncSession, *, checkout: Checkout, calendar: CalendarClient, now: datetime,
    cache: KeyValueStore | None,
) -> tuple[CheckoutSummary, Snapshot]:  # fmt: skip
    """Everything of the summary but customer data and consents, as it is now; shipping
    offers kept per cart in `cache` when given (None: nothing cached is read — finalising)."""
    shop_id = checkout.shop_id
    state = checkout.state
    snapshot = await take_snapshot(
        session,
        view=checkout.view,
        state=state,
        customer_id=checkout.customer_id,
        shop_id=shop_id,
        now=now,
    )
    offers = await available_methods(
        session, shop_id=shop_id, cart=snapshot.shipping_cart(), now=now, calendar=calendar,
        cache=cache,
    )  # fmt: skip
    shipping = _shipping(state, offers)
    lines = _lines(snapshot)
    discounts = snapshot.evaluation.discount
    subtotal = snapshot.evaluation.subtotal
    priced = [line for line in lines if line.available]
    missing, notices = _missing(state, shipping, lines)
    summary = CheckoutSummary(
        cart_id=checkout.cart_id,
        cart_version=checkout.view.version,
        session_version=state.version if state else 0,
        lines=[line for line in lines if line.type in PRODUCT_TYPES],
        services=[line for line in lines if line.type == "service"],
        warranties=[line for line in lines if line.type == "warranty"],
        gifts=_gifts(snapshot),
        shipping=shipping,
        promotions=[
            SummaryDiscount(
                id=a.id, source=a.source.value, name=a.name, kind=a.kind, discount=a.discount
            )
            for a in snapshot.evaluation.applied
        ],
        codes=snapshot.codes,
        totals=Totals(
            currency=checkout.view.currency,
            subtotal=subtotal,
            discounts=discounts,
            tax=sum(line.tax for line in priced),
            shipping=shipping.price,
            total=sum(line.total for line in priced) + shipping.price,
        ),
        missing=missing,
        notices=notices,
        ready=not missing,
    )
    return summary, snapshot


def _lines(snapshot: Snapshot) -> list[SummaryLine]:
    per_line = {d.line_id: d.amount for d in snapshot.evaluation.lines}
    return [_line(line, per_line.get(str(line.id), 0)) for line in snapshot.view.items]


def _line(line: CartViewLine, discount: int) -> SummaryLine:
    """The line as the order will price it (orders.pricing: VAT included, or added)."""
    usable = line.available and line.in_stock
    price = price_line(
        unit_amount=line.unit_price or 0, quantity=line.quantity,
        discount=discount, tax_rate_bp=line.tax_rate_bp,
        tax_included=line.tax_included,
    ) if line.available else None  # fmt: skip
    return SummaryLine(
        item_id=line.id,
        type=line.type.value,
        parent_item_id=line.parent_item_id,
        name=line.name,
        sku=line.sku,
        quantity=line.quantity,
        unit_price=line.unit_price,
        line_total=line.line_total if line.available else 0,
        discount=discount,
        tax=price.tax if price else 0,
        total=price.total if price else 0,
        available=usable,
        problem=line.problem,
    )


def _gifts(snapshot: Snapshot) -> list[SummaryGift]:
    """Gift lines of this checkout's promotions, named as the cart names them."""
    named = {(g.promotion_id, g.variant_id): g for g in snapshot.view.gifts}
    gifts = []
    for gift in snapshot.evaluation.gifts:
        known = named.get((gift.promotion_id, gift.variant_id))
        gifts.append(
            SummaryGift(
                promotion_id=gift.promotion_id,
                name=known.name if known else "Gift",
                sku=known.sku if known else "",
                quantity=gift.quantity,
            )
        )
    return gifts


def _shipping(state: CheckoutSession | None, offers: list[MethodOffer]) -> SummaryShipping:
    code = state.shipping_method_code if state else None
    address = ShippingAddress.model_validate(state.address) if state and state.address else None
    offer = next((o for o in offers if o.code == code), None) if code else None
    if offer is None or state is None:
        return SummaryShipping(
            method_code=None,
            name=None,
            kind=None,
            available=False,
            problem=None if code is None else "This shipping method is no longer offered",
            price=0,
            addons=[],
            requires_delivery_date=False,
            delivery_date=None,
            address=address,
        )
    prices = {a.code: a for a in offer.addons}
    addons = [
        SummaryAddon(code=c, name=prices[c].name, price=prices[c].price)
        for c in state.addons
        if c in prices
    ]
    usable = offer.available and offer.price is not None
    return SummaryShipping(
        method_code=offer.code,
        name=offer.name,
        kind=offer.kind.value,
        available=usable,
        problem=None if usable else unavailable_detail(offer),
        price=(offer.price or 0) + sum(a.price for a in addons) if usable else 0,
        addons=addons,
        requires_delivery_date=offer.requires_delivery_date,
        delivery_date=state.delivery_date,
        address=address,
    )


def _missing(
    state: CheckoutSession | None, shipping: SummaryShipping, lines: list[SummaryLine]
) -> tuple[list[str], list[str]]:
    missing: list[str] = []
    notices: list[str] = [state.notice] if state and state.notice else []
    if not any(line.available for line in lines if line.type in PRODUCT_TYPES):
        missing.append("available_lines")
    elif any(not line.available for line in lines):
        missing.append("available_lines")
        notices.append("Some lines cannot be bought now: remove them or lower their quantity")
    if not shipping.available:
        missing.append("shipping_method")
        if shipping.problem:
            notices.append(f"{shipping.problem}: choose again")
    if shipping.address is None and shipping.kind != MethodKind.PICKUP.value:
        missing.append("shipping_address")
    if shipping.available and shipping.requires_delivery_date and shipping.delivery_date is None:
        missing.append("delivery_date")
    if not (state and state.payment_method_code):
        missing.append("payment_method")  # (whether it can still be used: at finalisation)
    return missing, notices
