"""The HTTP client every adapter uses: explicit timeouts, one TLS context, JSON errors mapped."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any

import httpx
import structlog

from shopkeeper.payments.providers.base import GatewayError

log = structlog.get_logger(__name__)

# A gateway that does not answer within these limits is treated as down (GatewayError).
TIMEOUT = httpx.Timeout(connect=5.0, read=20.0, write=10.0, pool=5.0)


class ProviderObjectNotFound(GatewayError):
    """The provider answered 404: the object asked about does not exist there."""


@lru_cache(maxsize=1)
def _tls_context() -> ssl.SSLContext:
    """Building a TLS context costs milliseconds: build it once per process."""
    return httpx.create_ssl_context()


class GatewayHttp:
    """Opens short-lived clients against a provider's base URL (a setting, a fake in tests)."""

    def __init__(self, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._transport = transport

    @asynccontextmanager
    async def client(self, base_url: str, **options: Any) -> AsyncIterator[httpx.AsyncClient]:
        async with httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            timeout=TIMEOUT,
            verify=_tls_context(),
            transport=self._transport,
            **options,
        ) as client:
            yield client


async def send(client: httpx.AsyncClient, provider: str, request: httpx.Request) -> Any:
    """Send `request`; the JSON body of a 2xx answer, GatewayError otherwise."""
    try:
        response = await client.send(request)
    except httpx.HTTPError as exc:
        log.warning("payments.gateway_unreachable", provider=provider, error=str(exc))
        raise GatewayError(f"{provider} could not be reached: {type(exc).__name__}") from exc
    if response.status_code == 404:
        raise ProviderObjectNotFound(f"{provider} does not know {request.url.path}")
    if response.status_code >= 400:
        log.warning(
            "payments.gateway_refused",
            provider=provider,
            status=response.status_code,
            path=request.url.path,
        )
        raise GatewayError(
            f"{provider} refused the request ({response.status_code}): {_error_text(response)}"
        )
    try:
        return response.json()
    except ValueError as exc:
        raise GatewayError(f"{provider} answered with something that is not JSON") from exc


def _error_text(response: httpx.Response) -> str:
    """The provider's own error message, short (Stripe: error.message, YooKassa: description)."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])[:200]
        if body.get("description"):
            return str(body["description"])[:200]
    return str(body)[:200]
