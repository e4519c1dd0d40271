"""create_app(): routers, web pages, error rendering, middleware, and the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shopkeeper import __version__
from shopkeeper.bootstrap import Container, build_container
from shopkeeper.errors import AppError
from shopkeeper.logs import configure_logging
from shopkeeper.settings import Settings, get_settings

log = structlog.get_logger(__name__)


def create_app(
    settings: Settings | None = None,
    *,
    container: Container | None = None,
    background: bool = False,
) -> FastAPI:
    """Build the ASGI app. `background` runs the relay and scheduler in-process (embedded).

    Called with nothing, as uvicorn's factory in each process `shopkeeper api --workers N`
    forks, it reads the settings and sets up logging itself (the parent's setup is not
    inherited by a spawned process)."""
    if container is None and settings is None:
        settings = get_settings()
        configure_logging(settings)
    container = container or build_container(settings or get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from shopkeeper.worker import run_background

        async with run_background(container, enabled=background):
            yield
        await container.close()

    app = FastAPI(
        title="Shopkeeper",
        version=__version__,
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.container = container
    _install_error_handlers(app)
    _install_middleware(app)
    _include_routers(app, demo=container.settings.demo)
    _install_web(app)
    return app


def _include_routers(app: FastAPI, *, demo: bool) -> None:
    from shopkeeper.routers import ROUTERS

    for router in ROUTERS:
        app.include_router(router)
    if demo:  # the built-in stand-in for the external delivery Calendar API: demos only
        from shopkeeper.checkout.shipping.demo_calendar import router as demo_calendar

        app.include_router(demo_calendar)


def _install_web(app: FastAPI) -> None:
    from shopkeeper.web import install_web

    install_web(app)


def _install_middleware(app: FastAPI) -> None:
    from shopkeeper.middleware import install

    install(app)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(_request: Request, exc: AppError) -> JSONResponse:
        return JSONResponse(
            {"error": exc.code, "detail": exc.detail, **exc.extra()},
            status_code=exc.status_code,
            headers=exc.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"], "type": e["type"]}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return JSONResponse(
            {"error": "ValidationError", "detail": detail, "fields": errors}, status_code=422
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        request_id = getattr(request.state, "correlation_id", None)
        log.error(
            "request.failed", error=type(exc).__name__, correlation_id=request_id, exc_info=exc
        )
        return JSONResponse(
            {
                "error": "InternalError",
                "detail": "Something went wrong on our side; nothing you sent was lost. "
                f"Quote request id {request_id} when reporting it.",
            },
            status_code=500,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        name = {404: "NotFound", 405: "MethodNotAllowed"}.get(exc.status_code, "HTTPError")
        return JSONResponse(
            {"error": name, "detail": str(exc.detail)},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )
