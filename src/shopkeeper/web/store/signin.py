"""Signing in to a storefront: the sign-in page, the emailed one-time code, signing out."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import identity
from shopkeeper.bots import discord as discord_adapter
from shopkeeper.container import Container
from shopkeeper.deps import ClockDep, ContainerDep, SessionDep
from shopkeeper.errors import AppError
from shopkeeper.notifications.email import send_email
from shopkeeper.web.security import login_csrf_is_valid, new_login_csrf, safe_next
from shopkeeper.web.store import codes, cookies
from shopkeeper.web.store.cart_binding import clear_cart_cookie, merge_cart_at_sign_in
from shopkeeper.web.store.deps import CsrfDep, StoreDep, Storefront
from shopkeeper.web.store.errors import StoreRoute
from shopkeeper.web.store.sessions import end_session, start_session

router = APIRouter(prefix="/s/{shop}", route_class=StoreRoute, include_in_schema=False)


def _next(store: Storefront, value: str | None) -> str:
    """Only a page of this shop's storefront; the account page otherwise."""
    target = safe_next(value, default=f"{store.base}/account")
    return target if target == store.base or target.startswith(store.base + "/") else store.base


async def _page(store: Storefront, container: Container, template: str, *, status_code: int = 200,
                **values: Any) -> Response:  # fmt: skip
    """A sign-in form with the browser's double-submit token (cookie and hidden field alike),
    kept while it is ours so that several open forms stay valid; a new one otherwise."""
    secret = store.settings.secret_key
    token = store.request.cookies.get(cookies.SIGNIN_CSRF_COOKIE) or ""
    if not login_csrf_is_valid(secret, cookie=token, submitted=token):
        token = new_login_csrf(secret)
    async with container.readers() as session:
        discord = await discord_adapter.sign_in_available(session, container, store.shop.id)
    next_path = _next(store, values.pop("next_path", None))
    context = {"signin_csrf": token, "next_path": next_path, "email": "", "error": None,
               "notice": None, "discord": discord, **values}  # fmt: skip
    response = store.render(template, context, status_code=status_code)
    cookies.set_signin_csrf(response, store.base, token, store.settings)
    return response


def _form_ok(request: Request, store: Storefront, submitted: str) -> bool:
    cookie = request.cookies.get(cookies.SIGNIN_CSRF_COOKIE)
    return login_csrf_is_valid(store.settings.secret_key, cookie=cookie, submitted=submitted)


@router.get("/signin", name="store_signin")
async def signin_page(store: StoreDep, container: ContainerDep, next: str = "") -> Response:
    if store.visitor is not None and not next:
        return RedirectResponse(f"{store.base}/account", status_code=303)
    return await _page(store, container, "store/signin.html", next_path=next)


@router.post("/signin/email")
async def request_code(
    request: Request, store: StoreDep, session: SessionDep, container: ContainerDep,
    clock: ClockDep, email: str = Form("", max_length=320),
    csrf_token: str = Form("", max_length=200), next: str = Form("", max_length=2000),
) -> Response:  # fmt: skip
    """Email a six-digit code (limited per address and IP), then ask for it."""
    _ = store.gettext
    page: dict[str, Any] = {"email": email.strip(), "next_path": next}
    if not _form_ok(request, store, csrf_token):
        error = _("The form has expired. Please try again.")
        return await _page(store, container, "store/signin.html", status_code=403, error=error,
                           **page)  # fmt: skip
    try:
        code, code_id = await codes.issue_code(
            session, shop_id=store.shop.id, email=email, ip=_ip(request),
            secret=store.settings.secret_key, now=clock.now(),
        )  # fmt: skip
    except identity.InvalidIdentity:
        return await _page(store, container, "store/signin.html", status_code=422,
                           error=_("Enter a valid email address."), **page)  # fmt: skip
    except codes.CodeRequestsLimited as exc:
        error = _("Too many codes were requested. Try again in %(minutes)s min.",
                  minutes=max(1, exc.retry_after // 60))  # fmt: skip
        limited = await _page(store, container, "store/signin.html", status_code=429,
                              error=error, **page)  # fmt: skip
        limited.headers["Retry-After"] = str(exc.retry_after)
        return limited
    await session.commit()  # the code is kept before the email leaves (which may take seconds)
    outcome = await send_email(store.settings, codes.normalise_email(email),
                               *_code_email(store, code))  # fmt: skip
    await codes.record_delivery(session, code_id=code_id, status=outcome.status)
    return await _page(store, container, "store/code.html", notice=_delivery_notice(store,
                       outcome.status), **page)  # fmt: skip


def _code_email(store: Storefront, code: str) -> tuple[str, str]:
    _ = store.gettext
    subject = _("%(code)s is your sign-in code for %(shop)s", code=code, shop=store.shop.name)
    text = _(
        "Your sign-in code for %(shop)s is %(code)s. It expires in 10 minutes.\n\n"
        "If you did not ask to sign in, ignore this email.", code=code, shop=store.shop.name,
    )  # fmt: skip
    return subject, text


def _delivery_notice(store: Storefront, status: str) -> str | None:
    _ = store.gettext
    if status == "not_configured":
        if store.settings.demo:
            return _("Demo: this server sends no email; the code is in the server's log.")
        return _("This shop cannot send email yet. Please sign in another way.")
    if status == "failed":
        return _("We could not send the email just now. Please ask for a new code in a minute.")
    return None


@router.post("/signin/code")
async def verify_code(
    request: Request, store: StoreDep, session: SessionDep, clock: ClockDep,
    container: ContainerDep, email: str = Form("", max_length=320),
    code: str = Form("", max_length=32), csrf_token: str = Form("", max_length=200),
    next: str = Form("", max_length=2000),
) -> Response:  # fmt: skip
    """The right code signs the customer in (linking the address when already signed in)."""
    _ = store.gettext
    page: dict[str, Any] = {"email": email.strip(), "next_path": next}
    if not _form_ok(request, store, csrf_token):
        return await _page(store, container, "store/code.html", status_code=403,
                           error=_("The form has expired. Please try again."), **page)  # fmt: skip
    now = clock.now()
    try:
        address = await codes.redeem_code(session, shop_id=store.shop.id, email=email, code=code,
                                          secret=store.settings.secret_key, now=now)  # fmt: skip
    except (codes.CodeIncorrect, codes.CodeExpired, codes.CodeAttemptsExhausted,
            identity.InvalidIdentity) as exc:  # fmt: skip
        await session.commit()  # a wrong code costs an attempt even though we answer an error
        return await _page(store, container, "store/code.html", status_code=_status(exc),
                           error=_code_error(store, exc), **page)  # fmt: skip
    customer_id = await _customer_for(store, session, address, now)
    token, expires_at = await start_session(
        session, shop_id=store.shop.id, customer_id=customer_id, method="email", now=now
    )
    await end_session(session, shop_id=store.shop.id,
                      token=request.cookies.get(cookies.SESSION_COOKIE), now=now)  # fmt: skip
    await merge_cart_at_sign_in(session, request, shop_id=store.shop.id,
                                customer_id=customer_id, now=now)  # fmt: skip
    response = RedirectResponse(_next(store, next), status_code=303)
    cookies.set_session(response, store.base, token=token, expires_at=expires_at, now=now,
                        settings=store.settings)  # fmt: skip
    clear_cart_cookie(request, response, store.base, store.settings)
    return response


async def _customer_for(
    store: Storefront, session: AsyncSession, address: str, now: datetime
) -> uuid.UUID:
    """The signed-in customer gains the address; otherwise the customer it belongs to."""
    if store.visitor is not None:
        linked = await identity.link_identity(session, shop_id=store.shop.id,
                                              customer_id=store.visitor.customer.id,
                                              kind="email", value=address, now=now)  # fmt: skip
        return linked.id
    customer = await identity.find_or_create_customer(
        session, shop_id=store.shop.id, kind="email", value=address, language=store.language,
        now=now,
    )  # fmt: skip
    return customer.id


def _status(exc: AppError) -> int:
    return 429 if isinstance(exc, codes.CodeAttemptsExhausted) else 400


def _code_error(store: Storefront, exc: AppError) -> str:
    _ = store.gettext
    if isinstance(exc, codes.CodeIncorrect):
        return _("That code is not right. Attempts left: %(left)s.", left=exc.attempts_left)
    if isinstance(exc, codes.CodeAttemptsExhausted):
        return _("Too many wrong codes. Ask for a new code.")
    if isinstance(exc, identity.InvalidIdentity):
        return _("Enter a valid email address.")
    return _("The code has expired or was already used. Ask for a new code.")


@router.post("/signout", dependencies=[CsrfDep])
async def signout(request: Request, store: StoreDep, session: SessionDep,
                  clock: ClockDep) -> Response:  # fmt: skip
    token = request.cookies.get(cookies.SESSION_COOKIE)
    await end_session(session, shop_id=store.shop.id, token=token, now=clock.now())
    response = RedirectResponse(store.base, status_code=303)
    cookies.clear_session(response, store.base, store.settings)
    return response


def _ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"
