"""The cart as the checkout sees it at one moment: the cart's view, the promotions the
session keeps (less those set aside, plus its valid promo codes) and the cart described for
shipping. Built per request from public functions of cart, catalog and promotions."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import catalog, orders, promotions
from shopkeeper.checkout.cart import CartView, CartViewLine
from shopkeeper.checkout.session.models import CheckoutSession
from shopkeeper.checkout.session.schemas import AppliedCodeRead
from shopkeeper.checkout.shipping import CartDescription, CartLine
from shopkeeper.errors import AppError
from shopkeeper.promotions.rules import (
    AppliedCode,
    AppliedPromotion,
    Evaluation,
    PromotionRead,
    evaluate,
    list_promotions,
)

PRODUCT_TYPES = frozenset({"offer", "accessory"})
PAGE = 200


@dataclass
class Snapshot:
    view: CartView
    ancestors: dict[uuid.UUID, frozenset[uuid.UUID]]  # category → itself and its ancestors
    full: Evaluation  # every promotion in force, no codes: what the cart qualifies for
    evaluation: Evaluation  # what this checkout gets: less the set-aside ones, with codes
    codes: list[AppliedCodeRead]

    @property
    def priced(self) -> list[CartViewLine]:
        return [line for line in self.view.items if line.available]

    def shipping_cart(self) -> CartDescription:
        """Product lines with their weights, sizes and categories; `total` after discounts."""
        return CartDescription(
            currency=self.view.currency,
            total=max(0, self.evaluation.total),
            lines=[
                CartLine(
                    quantity=line.quantity,
                    amount=line.line_total,
                    weight_grams=line.weight_grams,
                    dimensions_mm=line.dimensions_mm,
                    category_ids=self.categories(line),
                    variant_id=line.variant_id,
                    name=line.name[:200],
                )
                for line in self.priced
                if line.type.value in PRODUCT_TYPES
            ],
        )

    def categories(self, line: CartViewLine) -> frozenset[uuid.UUID]:
        found: set[uuid.UUID] = set()
        for category_id in line.category_ids:
            found |= self.ancestors.get(category_id, frozenset({category_id}))
        return frozenset(found)


async def category_ancestors(
    session: AsyncSession, *, shop_id: uuid.UUID
) -> dict[uuid.UUID, frozenset[uuid.UUID]]:
    """Each category of the shop with its ancestors (a category counts for its parents)."""
    parents = {c.id: c.parent_id for c in await catalog.list_categories(session, shop_id=shop_id)}
    result: dict[uuid.UUID, frozenset[uuid.UUID]] = {}
    for category_id in parents:
        chain: list[uuid.UUID] = []
        current: uuid.UUID | None = category_id
        while current is not None and current not in chain:
            chain.append(current)
            current = parents.get(current)
        result[category_id] = frozenset(chain)
    return result


async def rules_in_force(
    session: AsyncSession, *, shop_id: uuid.UUID, now: datetime
) -> list[PromotionRead]:
    """The shop's active promotions whose window holds `now`."""
    found: list[PromotionRead] = []
    offset = 0
    while True:
        page = await list_promotions(
            session, shop_id=shop_id, active=True, limit=PAGE, offset=offset
        )
        found += [
            p
            for p in page.items
            if (p.starts_at is None or p.starts_at <= now)
            and (p.ends_at is None or now < p.ends_at)
        ]
        offset += PAGE
        if offset >= page.total:
            return found


def promotion_lines(
    view: CartView, ancestors: dict[uuid.UUID, frozenset[uuid.UUID]]
) -> list[promotions.CartLine]:
    lines = []
    for line in view.items:
        if not line.available:
            continue
        categories: set[uuid.UUID] = set()
        for category_id in line.category_ids:
            categories |= ancestors.get(category_id, frozenset({category_id}))
        lines.append(
            promotions.CartLine(
                line_id=str(line.id),
                variant_id=line.variant_id,
                product_id=line.product_id,
                category_ids=frozenset(categories),
                unit_amount=line.unit_price or 0,
                quantity=line.quantity,
                type=promotions.LineType(line.type.value),
            )
        )
    return lines


def promo_lines(view: CartView) -> list[promotions.PromoLine]:
    return [
        promotions.PromoLine(product_id=line.product_id, amount=line.line_total)
        for line in view.items
        if line.available and line.type.value in PRODUCT_TYPES
    ]


async def first_purchase(
    session: AsyncSession, *, shop_id: uuid.UUID, customer_id: uuid.UUID | None
) -> bool:
    """Whether the customer never paid an order of this shop (for first-purchase codes)."""
    if customer_id is None:
        return False
    page = await orders.list_orders(session, shop_id=shop_id, customer_id=customer_id, limit=200)
    return not any(order.paid_at is not None for order in page.items)


async def check_code(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    view: CartView,
    code: str,
    customer_id: uuid.UUID | None,
    now: datetime,
) -> tuple[AppliedCode, promotions.PromoQuote]:
    """The code's terms for this cart, or the promotions error saying why it does not apply."""
    quote = await promotions.quote_promo_code(
        session,
        shop_id=shop_id,
        code=code,
        customer_id=customer_id,
        currency=view.currency,
        lines=promo_lines(view),
        now=now,
        is_first_purchase=await first_purchase(session, shop_id=shop_id, customer_id=customer_id),
    )
    promo = await promotions.get_promo_code(
        session, shop_id=shop_id, promo_code_id=quote.promo_code_id
    )
    terms = AppliedCode.of(promo, view.currency)
    if terms is None:
        raise promotions.PromoCodeNotApplicable(
            f"Promo code {promo.code} gives no discount in {view.currency}"
        )
    return terms, quote


async def take_snapshot(
    session: AsyncSession,
    *,
    view: CartView,
    state: CheckoutSession | None,
    customer_id: uuid.UUID | None,
    shop_id: uuid.UUID,
    now: datetime,
) -> Snapshot:
    """Evaluate the cart's promotions for this checkout; stored codes are checked again
    (one that no longer applies is listed with its problem and gives nothing)."""
    ancestors = await category_ancestors(session, shop_id=shop_id)
    lines = promotion_lines(view, ancestors)
    rules = await rules_in_force(session, shop_id=shop_id, now=now)
    removed = set(state.removed_promotion_ids) if state else set()
    terms: list[AppliedCode] = []
    codes: list[AppliedCodeRead] = []
    for stored in state.promo_codes if state else []:
        try:
            applied, _ = await check_code(
                session,
                shop_id=shop_id,
                view=view,
                code=stored["code"],
                customer_id=customer_id,
                now=now,
            )
        except AppError as exc:
            codes.append(
                AppliedCodeRead(
                    promo_code_id=uuid.UUID(stored["promo_code_id"]),
                    code=stored["code"],
                    discount=0,
                    valid=False,
                    problem=exc.detail,
                )
            )
            continue
        terms.append(applied)
        codes.append(
            AppliedCodeRead(
                promo_code_id=applied.promo_code_id, code=applied.code, discount=0, valid=True
            )
        )
    currency = view.currency
    full = evaluate(lines, currency=currency, promotions=rules)
    kept = [r for r in rules if str(r.id) not in removed]
    evaluation = evaluate(lines, currency=currency, promotions=kept, codes=terms)
    _code_discounts(codes, evaluation.applied)
    return Snapshot(view=view, ancestors=ancestors, full=full, evaluation=evaluation, codes=codes)


def _code_discounts(codes: list[AppliedCodeRead], applied: Iterable[AppliedPromotion]) -> None:
    given = {a.id: a.discount for a in applied if a.source.value == "code"}
    for code in codes:
        if code.valid:
            code.discount = given.get(code.promo_code_id, 0)
