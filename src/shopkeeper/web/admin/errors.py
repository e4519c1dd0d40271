"""The admin's one error renderer: HTML pages (or an HTMX toast), login redirects, a kind 500."""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

import structlog
from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from shopkeeper.errors import AppError, Forbidden
from shopkeeper.web.security import ADMIN_PATH, FLASH_COOKIE, SECURITY_HEADERS, login_url
from shopkeeper.web.templating import gettext_for, render

log = structlog.get_logger("shopkeeper.web.admin")


class LoginRequired(AppError):
    """The page needs a signed-in user; the browser is sent to the login page."""

    status_code = 401

    def __init__(self, next_path: str) -> None:
        super().__init__("Sign in to continue")
        self.next_path = next_path


class CsrfTokenInvalid(Forbidden):
    """A state-changing request came without this session's CSRF token."""

    def __init__(self) -> None:
        super().__init__("The form has expired or did not come from this site. Reload the page.")


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _titles(request: Request) -> dict[int, str]:
    _ = gettext_for(request)
    return {
        400: _("The request could not be completed"),
        403: _("You do not have access to this page"),
        404: _("Page not found"),
        405: _("This action is not allowed here"),
        500: _("Something went wrong on our side"),
    }


def error_page(
    request: Request,
    *,
    status_code: int,
    detail: str = "",
    headers: dict[str, str] | None = None,
) -> Response:
    """The HTML error page; for HTMX requests also an error toast the page shows."""
    titles = _titles(request)
    title = titles.get(status_code, titles[400])
    response = render(
        request,
        "admin/error.html",
        {"status_code": status_code, "title": title, "detail": detail},
        status_code=status_code,
        headers=headers,
    )
    if is_htmx(request):
        toast = {"toast": {"level": "error", "message": detail or title}}
        response.headers["HX-Trigger"] = json.dumps(toast)  # ASCII-only: non-latin escaped
    return response


def login_redirect(request: Request, next_path: str) -> Response:
    """To the login page, coming back to `next_path`; HTMX follows it with a full load."""
    target = login_url(next_path)
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def render_exception(request: Request, exc: Exception) -> Response:
    """Turn whatever an admin endpoint raised into the page a person should see."""
    if isinstance(exc, LoginRequired):
        return login_redirect(request, exc.next_path)
    if isinstance(exc, AppError):
        return error_page(
            request, status_code=exc.status_code, detail=exc.detail, headers=exc.headers
        )
    if isinstance(exc, RequestValidationError):
        return error_page(request, status_code=400)
    if isinstance(exc, StarletteHTTPException):
        return error_page(request, status_code=exc.status_code)
    log.exception("admin page failed", path=request.url.path)
    return error_page(request, status_code=500)


class AdminRoute(APIRoute):
    """A route whose errors render as admin HTML pages and whose responses carry safe headers."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                response = await handler(request)
            except Exception as exc:  # every failure becomes a page, never a bare 500
                response = render_exception(request, exc)
            for name, value in SECURITY_HEADERS.items():
                response.headers.setdefault(name, value)
            if FLASH_COOKIE in request.cookies and response.status_code < 300:
                response.delete_cookie(FLASH_COOKIE, path=ADMIN_PATH)  # it has been shown
            return response

        return route
