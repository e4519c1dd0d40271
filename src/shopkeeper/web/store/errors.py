"""The storefront's one error renderer: an HTML page in the shop's look, or a sign-in redirect."""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

import structlog
from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from shopkeeper.errors import AppError, BadRequest, Forbidden, NotFound
from shopkeeper.web.store.rendering import STORE_HEADERS, page_language, render_page, translator

log = structlog.get_logger("shopkeeper.web.store")


class SignInRequired(AppError):
    """The page needs a signed-in customer: to the sign-in page, coming back afterwards."""

    status_code = 401

    def __init__(self, shop_slug: str, next_path: str) -> None:
        super().__init__("Sign in to continue")
        self.shop_slug, self.next_path = shop_slug, next_path


class StoreCsrfInvalid(Forbidden):
    def __init__(self) -> None:
        super().__init__("The form has expired or did not come from this shop. Reload the page.")


class ProductUnavailable(NotFound):
    def __init__(self) -> None:
        super().__init__("This product is not for sale here")


class OAuthStateInvalid(BadRequest):
    """The Discord callback's `state` is missing, unknown, used, expired or not this browser's."""

    def __init__(self) -> None:
        super().__init__("This sign-in link is invalid or has expired. Please start again.")


def signin_url(shop_slug: str, next_path: str) -> str:
    return f"/s/{shop_slug}/signin?next={quote(next_path, safe='/')}"


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _titles(request: Request) -> dict[int, str]:
    _ = translator(page_language(request))
    return {
        400: _("The request could not be completed"),
        403: _("This action is not allowed"),
        404: _("Page not found"),
        429: _("Too many attempts"),
        500: _("Something went wrong on our side"),
    }


def error_page(
    request: Request, *, status_code: int, detail: str = "", headers: dict[str, str] | None = None
) -> Response:
    titles = _titles(request)
    title = titles.get(status_code, titles[400])
    response = render_page(
        request, "store/error.html", {"status_code": status_code, "title": title,
                                      "detail": detail}, status_code=status_code, headers=headers,
    )  # fmt: skip
    if is_htmx(request):
        response.headers["HX-Trigger"] = json.dumps({"toast": {"message": detail or title}})
    return response


def render_exception(request: Request, exc: Exception) -> Response:
    """Whatever a storefront endpoint raised, as the page a customer should see."""
    if isinstance(exc, SignInRequired):
        target = signin_url(exc.shop_slug, exc.next_path)
        if is_htmx(request):
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)
    if isinstance(exc, AppError):
        return error_page(request, status_code=exc.status_code, detail=_detail(request, exc),
                          headers=exc.headers)  # fmt: skip
    if isinstance(exc, RequestValidationError):
        return error_page(request, status_code=400)
    if isinstance(exc, StarletteHTTPException):
        return error_page(request, status_code=exc.status_code)
    log.exception("storefront page failed", path=request.url.path)
    return error_page(request, status_code=500)


def _detail(request: Request, exc: AppError) -> str:
    """Our own refusals in the reader's language; other contexts' details as they come."""
    _ = translator(page_language(request))
    known = {
        StoreCsrfInvalid: _("The form has expired or did not come from this shop. "
                            "Reload the page."),
        OAuthStateInvalid: _("This sign-in link is invalid or has expired. Please start again."),
    }  # fmt: skip
    return known.get(type(exc), exc.detail)


class StoreRoute(APIRoute):
    """A route whose errors render as storefront pages and whose responses carry safe headers."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                response = await handler(request)
            except Exception as exc:  # every failure becomes a page, never a bare 500
                response = render_exception(request, exc)
            for name, value in STORE_HEADERS.items():
                response.headers.setdefault(name, value)
            return response

        return route
