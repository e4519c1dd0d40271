"""What the payment asks of the checkout's finalisation: which order a cart became, and
opening the cart again after a failed payment. Finalisation starts payments (it imports this
package), so its module is imported when first asked, not at load time: importing either
package first works."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.checkout.cart import reopen_cart

if TYPE_CHECKING:
    from shopkeeper.checkout.finalize import CheckoutOrderRead


async def order_of_cart(
    session: AsyncSession, *, shop_id: uuid.UUID, cart_id: uuid.UUID
) -> CheckoutOrderRead | None:
    """The order the cart was finalised into; None when it was not."""
    from shopkeeper.checkout import finalize  # (a cycle: finalisation starts our payments)

    return await finalize.order_of_cart(session, shop_id=shop_id, cart_id=cart_id)


async def reopen(
    session: AsyncSession, *, shop_id: uuid.UUID, cart_id: uuid.UUID, now: datetime
) -> None:
    """After a failed payment the cart is open again, so the shopper can pay once more."""
    await reopen_cart(session, shop_id=shop_id, cart_id=cart_id, now=now)
