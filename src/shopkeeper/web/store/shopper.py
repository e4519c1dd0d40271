"""The shopper of the cart and checkout pages: signed in (the session's customer) or anonymous
(the cart's token in the HttpOnly `sk_cart` cookie), with the CSRF token their forms carry.

Signed-in shoppers' forms carry the session's token; anonymous ones a signed double-submit
token (the sign-in forms' cookie and a hidden field). Orders placed in this browser are
remembered (by cart) in a signed cookie, so an anonymous shopper can see their confirmation
page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.responses import RedirectResponse

from shopkeeper.checkout import cart
from shopkeeper.kit.crypto import constant_time_equal, sign
from shopkeeper.web.security import (
    login_csrf_is_valid,
    new_login_csrf,
    submitted_csrf_token,
    tokens_match,
)
from shopkeeper.web.store.cart_binding import CART_COOKIE
from shopkeeper.web.store.cookies import SIGNIN_CSRF_COOKIE
from shopkeeper.web.store.deps import StoreDep, Storefront
from shopkeeper.web.store.errors import StoreCsrfInvalid, is_htmx

CART_MAX_AGE = int(timedelta(days=30).total_seconds())
PLACED_COOKIE = "sk_placed"
PLACED_KEPT = 5
_PLACED_PURPOSE = "store-placed:"


@dataclass
class Shopper:
    """Whose cart the request means, and what its response must set or clear."""

    store: Storefront
    token: str | None
    csrf: str
    fresh_csrf: bool
    new_token: str | None = None
    forget_token: bool = False
    placed: list[str] = field(default_factory=list)

    @property
    def owner(self) -> cart.CartOwner:
        customer = self.store.visitor.customer.id if self.store.visitor else None
        token = self.new_token or (None if self.forget_token else self.token)
        return cart.CartOwner(customer_id=customer, token=token)

    @property
    def anonymous(self) -> bool:
        return self.store.visitor is None

    def forget_cart(self) -> None:
        """The cookie names no open cart (ordered, merged, unknown): this request goes on
        without it. The cookie stays: a cart whose payment failed opens again behind it, and
        the next new cart replaces it."""
        self.forget_token = True
        self.new_token = None

    def keep_cart(self, token: str | None) -> None:
        """A new anonymous cart was made: its token goes into the cookie."""
        if token:
            self.new_token, self.forget_token = token, False

    def render(self, template: str, context: dict[str, Any] | None = None, *,
               status_code: int = 200) -> Response:  # fmt: skip
        """A page with this shopper's CSRF token; an HTMX form's refusal still swaps in."""
        if 400 <= status_code < 500 and is_htmx(self.store.request):
            status_code = 200
        values = {"csrf_token": self.csrf, "anonymous": self.anonymous, **(context or {})}
        return self.finish(self.store.render(template, values, status_code=status_code))

    def redirect(self, path: str) -> Response:
        return self.finish(RedirectResponse(f"{self.store.base}{path}", status_code=303))

    def finish(self, response: Response) -> Response:
        settings, base = self.store.settings, self.store.base
        options: dict[str, Any] = {"path": base, "httponly": True, "samesite": "lax",
                                   "secure": settings.secure_cookies}  # fmt: skip
        if self.fresh_csrf:
            response.set_cookie(SIGNIN_CSRF_COOKIE, self.csrf, max_age=3600, **options)
        if self.new_token:
            response.set_cookie(CART_COOKIE, self.new_token, max_age=CART_MAX_AGE, **options)
        if self.placed:
            kept = ",".join(self.placed[-PLACED_KEPT:])
            response.set_cookie(PLACED_COOKIE, kept, max_age=CART_MAX_AGE, **options)
        return response

    def remember_placed(self, cart_id: str) -> None:
        """This browser finalised the cart `cart_id` (signed: no one can claim another's)."""
        secret = self.store.settings.secret_key
        entry = f"{cart_id}.{sign(secret, (_PLACED_PURPOSE + cart_id).encode())}"
        self.placed = [*self._placed(), entry]

    def placed_here(self, cart_id: str) -> bool:
        secret = self.store.settings.secret_key
        expected = sign(secret, (_PLACED_PURPOSE + cart_id).encode())
        for entry in self._placed():
            found, _, signature = entry.partition(".")
            if found == cart_id and constant_time_equal(signature, expected):
                return True
        return False

    def _placed(self) -> list[str]:
        raw = self.store.request.cookies.get(PLACED_COOKIE, "")
        return [e for e in raw.split(",") if e][-PLACED_KEPT:]


def _csrf(store: Storefront) -> tuple[str, bool]:
    if store.visitor is not None:
        return store.visitor.csrf_token, False
    secret = store.settings.secret_key
    token = store.request.cookies.get(SIGNIN_CSRF_COOKIE) or ""
    if login_csrf_is_valid(secret, cookie=token, submitted=token):
        return token, False
    return new_login_csrf(secret), True


async def shopper_of(store: StoreDep, request: Request) -> Shopper:
    token = (request.cookies.get(CART_COOKIE) or "").strip() or None
    csrf, fresh = _csrf(store)
    return Shopper(store=store, token=token, csrf=csrf, fresh_csrf=fresh)


ShopperDep = Annotated[Shopper, Depends(shopper_of)]


async def verify_shopper_csrf(request: Request, shopper: ShopperDep) -> None:
    """Every cart and checkout POST carries the shopper's token (see the module's note)."""
    submitted = await submitted_csrf_token(request)
    store = shopper.store
    if store.visitor is not None:
        valid = tokens_match(store.visitor.csrf_token, submitted)
    else:
        cookie = request.cookies.get(SIGNIN_CSRF_COOKIE)
        valid = login_csrf_is_valid(store.settings.secret_key, cookie=cookie, submitted=submitted)
    if not valid:
        raise StoreCsrfInvalid()


ShopperCsrf = Depends(verify_shopper_csrf)
