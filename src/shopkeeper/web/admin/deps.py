"""Dependencies of the admin pages: the signed-in session, CSRF, the shop being managed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request

from shopkeeper import identity, shops
from shopkeeper.deps import ClockDep, SessionDep
from shopkeeper.errors import Forbidden, NotFound
from shopkeeper.web.admin.errors import CsrfTokenInvalid, LoginRequired
from shopkeeper.web.security import SESSION_COOKIE, submitted_csrf_token, tokens_match


def _requested_path(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


async def current_web_session(
    request: Request, session: SessionDep, clock: ClockDep
) -> identity.WebSessionRead:
    """The browser's live session, or a redirect to the login page that comes back here."""
    token = request.cookies.get(SESSION_COOKIE)
    web = None
    if token:
        web = await identity.get_web_session(session, token=token, now=clock.now())
    if web is None:
        raise LoginRequired(_requested_path(request))
    return web


WebSessionDep = Annotated[identity.WebSessionRead, Depends(current_web_session)]


async def verify_csrf(request: Request, web: WebSessionDep) -> None:
    """Every state-changing admin request carries this session's CSRF token."""
    if not tokens_match(web.csrf_token, await submitted_csrf_token(request)):
        raise CsrfTokenInvalid()


CsrfDep = Depends(verify_csrf)


@dataclass(frozen=True)
class Shell:
    """What the layout needs on every signed-in page."""

    web: identity.WebSessionRead
    memberships: list[shops.MembershipRead]
    access: shops.ShopAccess | None = None

    @property
    def shop_access(self) -> shops.ShopAccess:
        """The access of a shop page (its dependency always resolves one)."""
        if self.access is None:
            raise NotFound("Shop not found")
        return self.access

    def can(self, permission: str) -> bool:
        return self.access is not None and permission in self.access.permissions

    def require(self, permission: str) -> None:
        """Refuse the page (403) unless the member's role grants `permission`."""
        if self.access is None:
            raise Forbidden(f"Missing permission: {permission}")
        self.access.require(permission)

    def context(self, **values: Any) -> dict[str, Any]:
        """Template values of the layout, plus the page's own."""
        return {
            "user": self.web.user,
            "csrf_token": self.web.csrf_token,
            "memberships": self.memberships,
            "access": self.access,
            "shop": self.access.shop if self.access else None,
            "can": self.can,
            **values,
        }


async def shell(web: WebSessionDep, session: SessionDep) -> Shell:
    memberships = await shops.list_memberships(session, user_id=web.user.id)
    return Shell(web=web, memberships=memberships)


async def shop_shell(slug: str, web: WebSessionDep, session: SessionDep) -> Shell:
    """The shell of a page of one shop; 404 when it does not exist or the user is no member."""
    access = await shops.get_access(session, user_id=web.user.id, shop_slug=slug)
    memberships = await shops.list_memberships(session, user_id=web.user.id)
    return Shell(web=web, memberships=memberships, access=access)


ShellDep = Annotated[Shell, Depends(shell)]
ShopShellDep = Annotated[Shell, Depends(shop_shell)]
