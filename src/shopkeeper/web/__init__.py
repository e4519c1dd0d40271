"""Web pages: the staff admin (Jinja2 + HTMX, server-rendered), its static files and templates.

Public: `install_web(app)` mounts /static and renders admin-path 404/405 as HTML pages;
`shopkeeper.web.admin.router` is the /admin router (listed in shopkeeper.routers).
Shared pieces: `templating.render` (Jinja environments per language, auto-escaping, Babel
formats), `i18n` (en, pl, ru catalogs), `security` (cookies, CSRF, safe redirects).
Calls identity (web sessions), shops (memberships, access) and audit (listing, CSV).
"""

from __future__ import annotations

import inspect

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from shopkeeper.web.security import ADMIN_PATH, SECURITY_HEADERS
from shopkeeper.web.templating import STATIC_DIR, STATIC_PREFIX


def install_web(app: FastAPI) -> None:
    """Serve web/static; unmatched /admin and /s/ (storefront) URLs get HTML error pages."""
    STATIC_DIR.mkdir(parents=True, exist_ok=True)
    app.mount(STATIC_PREFIX, StaticFiles(directory=STATIC_DIR), name="static")
    fallback = app.exception_handlers.get(StarletteHTTPException)

    async def http_error(request: Request, exc: Exception) -> Response:
        if request.url.path == ADMIN_PATH or request.url.path.startswith(ADMIN_PATH + "/"):
            from shopkeeper.web.admin.errors import render_exception

            response = render_exception(request, exc)
            for name, value in SECURITY_HEADERS.items():
                response.headers.setdefault(name, value)
            return response
        if request.url.path.startswith("/s/"):  # the storefront's own error page
            from shopkeeper.web.store.errors import render_exception as store_page

            response = store_page(request, exc)
            for name, value in SECURITY_HEADERS.items():
                response.headers.setdefault(name, value)
            return response
        if fallback is None:
            raise exc
        result = fallback(request, exc)
        return await result if inspect.isawaitable(result) else result

    app.add_exception_handler(StarletteHTTPException, http_error)
