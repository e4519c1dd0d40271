"""Plain Starlette routes inside FastAPI routers, still named in the request's scope.

A machine-called endpoint that takes no dependencies (a bot webhook) skips FastAPI's
per-request dependency machinery by being a plain Starlette route. FastAPI puts the matched
route in `scope["route"]` only for its own routes, so this wrapper does it for plain ones:
the metrics and the access log then label such calls with the path template, not
`<unmatched>`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

Endpoint = Callable[[Request], Awaitable[Response]]


def add_plain_route(
    router: APIRouter, path: str, endpoint: Endpoint, *, methods: list[str]
) -> Route:
    """Add `endpoint` at `path` as a Starlette route that records itself in the scope."""

    async def named(request: Request) -> Response:
        request.scope["route"] = route
        return await endpoint(request)

    route = Route(path, named, methods=methods, include_in_schema=False)
    router.routes.append(route)
    return route
