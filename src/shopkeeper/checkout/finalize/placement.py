"""From a confirmed checkout to order lines: every line the cart can sell with the
promotions' share of it, gifts at no charge, the promo code whose use is counted."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import catalog, orders, promotions
from shopkeeper.checkout.session import CheckoutSummary
from shopkeeper.checkout.session.snapshot import Snapshot


@dataclass
class OrderDraft:
    items: list[orders.OrderItemIn] = field(default_factory=list)
    discounts: dict[uuid.UUID, int] = field(default_factory=dict)  # variant → amount off

    def add(self, variant_id: uuid.UUID, quantity: int, discount: int) -> None:
        self.items.append(orders.OrderItemIn(variant_id=variant_id, quantity=quantity))
        if discount:
            self.discounts[variant_id] = self.discounts.get(variant_id, 0) + discount


async def order_draft(
    session: AsyncSession, *, shop_id: uuid.UUID, snapshot: Snapshot
) -> OrderDraft:
    """The sellable lines with their discounts, and each gift line fully discounted."""
    draft = OrderDraft()
    shares = {share.line_id: share.amount for share in snapshot.evaluation.lines}
    for line in snapshot.priced:
        draft.add(line.variant_id, line.quantity, shares.get(str(line.id), 0))
    for gift in snapshot.evaluation.gifts:
        sellable = await catalog.get_sellable(
            session, shop_id=shop_id, variant_id=gift.variant_id, currency=snapshot.view.currency
        )
        draft.add(gift.variant_id, gift.quantity, sellable.unit_amount * gift.quantity)
    return draft


def redeemed_code(summary: CheckoutSummary) -> promotions.PromoQuote | None:
    """The checkout's valid promo code, counted as used by the order (its discount is in
    the lines' shares already)."""
    for code in summary.codes:
        if code.valid:
            return promotions.PromoQuote(
                promo_code_id=code.promo_code_id, code=code.code, discount=code.discount,
                line_discounts=[],
            )  # fmt: skip
    return None
