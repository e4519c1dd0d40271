"""Signing in and out of the admin, and choosing its language."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from shopkeeper import identity
from shopkeeper.deps import ClockDep, SessionDep, SettingsDep
from shopkeeper.settings import Settings
from shopkeeper.web.admin.deps import CsrfDep
from shopkeeper.web.admin.errors import AdminRoute
from shopkeeper.web.i18n import LANGUAGE_COOKIE, LANGUAGES
from shopkeeper.web.security import (
    ADMIN_PATH,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    clear_session_cookie,
    login_csrf_is_valid,
    new_login_csrf,
    safe_next,
    set_flash,
    set_login_csrf_cookie,
    set_session_cookie,
)
from shopkeeper.web.templating import gettext_for, render

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
MAX_LOGIN_DELAY_SECONDS = 5.0


def _login_page(
    request: Request, settings: Settings, *, status_code: int = 200, **values: Any
) -> Response:
    """The sign-in form with a fresh login-CSRF token (cookie and hidden field alike)."""
    token = new_login_csrf(settings.secret_key)
    context = {
        "login_csrf": token,
        "next_path": safe_next(request.query_params.get("next")),
        "email": "",
        "error": None,
        **values,
    }
    response = render(request, "admin/login.html", context, status_code=status_code)
    set_login_csrf_cookie(response, token=token, settings=settings)
    return response


@router.get("/login", name="admin_login")
async def login_form(
    request: Request, session: SessionDep, clock: ClockDep, settings: SettingsDep
) -> Response:
    """The sign-in page; someone already signed in goes straight on."""
    token = request.cookies.get(SESSION_COOKIE)
    if token and await identity.get_web_session(session, token=token, now=clock.now()):
        return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    return _login_page(request, settings)


@router.post("/login")
async def login_submit(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    email: str = Form("", max_length=320),
    password: str = Form("", max_length=1024),
    csrf_token: str = Form("", max_length=200),
    next: str = Form(ADMIN_PATH, max_length=2000),
) -> Response:
    """Check the password; on success open a web session and go where the user was heading."""
    _ = gettext_for(request)
    page = {"email": email.strip(), "next_path": safe_next(next)}
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not login_csrf_is_valid(settings.secret_key, cookie=cookie, submitted=csrf_token):
        error = _("The sign-in form expired. Please try again.")
        return _login_page(request, settings, status_code=403, error=error, **page)
    if not email.strip() or not password:
        error = _("Enter your email and password.")
        return _login_page(request, settings, status_code=422, error=error, **page)
    now = clock.now()
    policy = identity.LoginPolicy.from_settings(settings)
    try:
        user = await identity.authenticate(
            session, email=email, password=password, now=now, policy=policy
        )
    except identity.AccountLocked as exc:
        await session.commit()  # the lock must outlive this request
        error = _(
            "Too many failed sign-in attempts. The account is locked; "
            "try again in %(minutes)s min.",
            minutes=exc.minutes_left,
        )
        return _login_page(request, settings, status_code=423, error=error, **page)
    except identity.InvalidCredentials as exc:
        await session.commit()  # the failure counts even though we answer with an error
        await asyncio.sleep(min(exc.delay_seconds, MAX_LOGIN_DELAY_SECONDS))
        error = _("Incorrect email or password.")
        return _login_page(request, settings, status_code=401, error=error, **page)
    token, web = await identity.start_web_session(session, user_id=user.id, now=now)
    response = RedirectResponse(page["next_path"], status_code=303)
    set_session_cookie(response, token=token, expires_at=web.expires_at, now=now, settings=settings)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=ADMIN_PATH)
    set_flash(response, "signed_in", settings)
    return response


@router.post("/logout", dependencies=[CsrfDep])
async def logout(
    request: Request, session: SessionDep, clock: ClockDep, settings: SettingsDep
) -> Response:
    """End the session on the server and forget the cookie."""
    token = request.cookies.get(SESSION_COOKIE, "")
    await identity.end_web_session(session, token=token, now=clock.now())
    response = RedirectResponse(f"{ADMIN_PATH}/login", status_code=303)
    clear_session_cookie(response, settings)
    set_flash(response, "signed_out", settings)
    return response


@router.get("/language")
async def choose_language(request: Request, settings: SettingsDep) -> Response:
    """Remember the chosen language for a year and return to the page the user was on."""
    response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    lang = request.query_params.get("lang", "")
    if lang in LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE, lang, max_age=365 * 24 * 3600, path="/", samesite="lax",
            secure=settings.secure_cookies,
        )  # fmt: skip
    return response
