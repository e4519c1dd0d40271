"""Dependencies of the storefront: the shop of `/s/{shop}`, its language, the visitor, CSRF."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, Request, Response

from shopkeeper import shops
from shopkeeper.deps import ClockDep, SessionDep, SettingsDep
from shopkeeper.settings import Settings
from shopkeeper.web.security import safe_next, submitted_csrf_token, tokens_match
from shopkeeper.web.store.cookies import SESSION_COOKIE
from shopkeeper.web.store.errors import SignInRequired, StoreCsrfInvalid
from shopkeeper.web.store.rendering import (
    choose_store_language,
    render_page,
    shop_languages,
    translator,
)
from shopkeeper.web.store.sessions import Visitor, current_visitor


@dataclass(frozen=True)
class Storefront:
    """What every storefront page knows: the request, the shop, the language, the visitor."""

    request: Request
    shop: shops.ShopRead
    language: str
    visitor: Visitor | None
    settings: Settings

    @property
    def base(self) -> str:
        return f"/s/{self.shop.slug}"

    def gettext(self, message: str, **variables: object) -> str:
        return translator(self.language)(message, **variables)

    def render(
        self, template: str, context: dict[str, Any] | None = None, *, status_code: int = 200,
        headers: dict[str, str] | None = None,
    ) -> Response:  # fmt: skip
        return render_page(self.request, template, context, status_code=status_code,
                           headers=headers)  # fmt: skip

    def require_visitor(self) -> Visitor:
        """The signed-in customer, else a trip to the sign-in page that comes back here."""
        if self.visitor is None:
            raise SignInRequired(self.shop.slug, self.here())
        return self.visitor

    def here(self) -> str:
        """Where to come back to: this page, or for a form the page it was sent from."""
        if self.request.method in ("GET", "HEAD"):
            query = self.request.url.query
            return self.request.url.path + (f"?{query}" if query else "")
        referer = urlsplit(self.request.headers.get("referer", ""))
        same_site = referer.netloc == self.request.url.netloc
        path = referer.path + (f"?{referer.query}" if referer.query else "")
        return safe_next(path if same_site else None, default=self.base)

    def absolute(self, path: str) -> str:
        """An absolute URL of a path on this site (PUBLIC_URL when set: gateways call back)."""
        origin = (self.settings.public_url or str(self.request.base_url)).rstrip("/")
        return origin + path


async def storefront(
    shop: str, request: Request, session: SessionDep, clock: ClockDep, settings: SettingsDep
) -> Storefront:
    """The shop of the URL (404 page when none), the page language and the signed-in visitor."""
    found = await shops.get_shop(session, slug=shop)
    language = choose_store_language(request, found.languages, found.default_language)
    request.state.store_language = language
    token = request.cookies.get(SESSION_COOKIE)
    visitor = await current_visitor(session, shop_id=found.id, token=token, now=clock.now())
    request.state.store_context = {
        "shop": found, "visitor": visitor, "csrf_token": visitor.csrf_token if visitor else "",
        "timezone": found.timezone, "base": f"/s/{found.slug}",
        "store_languages": shop_languages(found.languages, found.default_language),
        "secure_cookies": settings.secure_cookies,
    }  # fmt: skip
    return Storefront(request=request, shop=found, language=language, visitor=visitor,
                      settings=settings)  # fmt: skip


StoreDep = Annotated[Storefront, Depends(storefront)]


async def verify_csrf(request: Request, store: StoreDep) -> None:
    """Every state-changing request of a signed-in customer carries the session's token."""
    visitor = store.require_visitor()
    if not tokens_match(visitor.csrf_token, await submitted_csrf_token(request)):
        raise StoreCsrfInvalid()


CsrfDep = Depends(verify_csrf)
