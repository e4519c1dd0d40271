"""The storefront's side of carts: its signed-in customer owns a cart (the cart's
`bind_customer_resolver` port), and at sign-in the browser's anonymous cart (its token in
the `sk_cart` cookie, kept by the storefront's cart pages) joins the customer's."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.checkout import cart
from shopkeeper.container import Container
from shopkeeper.settings import Settings
from shopkeeper.web.store.cookies import SESSION_COOKIE
from shopkeeper.web.store.sessions import current_visitor

CART_COOKIE = "sk_cart"


async def customer_of_request(
    request: Request, session: AsyncSession, shop_id: uuid.UUID, now: datetime
) -> uuid.UUID | None:
    """The customer signed in to this shop's storefront by the request's session cookie."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    visitor = await current_visitor(session, shop_id=shop_id, token=token, now=now)
    return visitor.customer.id if visitor else None


def bind(container: Container) -> None:
    cart.bind_customer_resolver(container, customer_of_request)


async def merge_cart_at_sign_in(
    session: AsyncSession, request: Request, *, shop_id: uuid.UUID, customer_id: uuid.UUID,
    now: datetime,
) -> bool:  # fmt: skip
    """The browser's anonymous cart into the customer's; False when it has none open.
    Call `clear_cart_cookie` on the response afterwards either way."""
    token = request.cookies.get(CART_COOKIE)
    if not token:
        return False
    try:
        await cart.merge_carts(session, shop_id=shop_id, token=token, customer_id=customer_id,
                               now=now)  # fmt: skip
    except cart.CartNotFound:  # stale cookie: nothing to merge, sign-in goes on
        return False
    return True


def clear_cart_cookie(request: Request, response: Response, base: str, settings: Settings) -> None:
    """The token is retired by the merge; the customer's session names their cart now."""
    if CART_COOKIE not in request.cookies:
        return
    response.delete_cookie(CART_COOKIE, path=base, httponly=True, samesite="lax",
                           secure=settings.secure_cookies)  # fmt: skip
