"""POSTing one signed message to an endpoint with httpx: any 2xx is a success."""

from __future__ import annotations

import ssl
import time
from datetime import datetime
from functools import lru_cache

import httpx

from shopkeeper.integrations import signing
from shopkeeper.integrations.schemas import SendResult
from shopkeeper.kit.netguard import NonPublicAddress, ensure_public

TIMEOUT = httpx.Timeout(10.0)
EXCERPT_BYTES = 1024
# Tests (and an operator's proxy set-up) may put an httpx transport in container.extras here.
TRANSPORT_EXTRA = "integrations.transport"


def public_only(webhooks_allow_http: bool, demo: bool) -> bool:
    """Whether sends must go to public addresses (not when local endpoints are allowed)."""
    return not (webhooks_allow_http or demo)


def http_client(transport: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncClient:
    """A client that never follows redirects (a redirect is not a delivery)."""
    return httpx.AsyncClient(
        transport=transport, timeout=TIMEOUT, follow_redirects=False, verify=_tls_context()
    )


@lru_cache(maxsize=1)
def _tls_context() -> ssl.SSLContext:
    """Loading the CA bundle costs tens of milliseconds: once per process."""
    return httpx.create_ssl_context()


async def post(
    client: httpx.AsyncClient, *, url: str, secret: str, message_id: str, body: str,
    now: datetime, public_only: bool = True,
) -> SendResult:  # fmt: skip
    """Send once; the response body is read only up to the excerpt kept in the log.

    With `public_only` (always, unless local http endpoints are allowed) a host that resolves
    to a private, loopback or link-local address is refused before anything is sent.
    """
    headers = signing.headers(
        secret, message_id=message_id, timestamp=int(now.timestamp()), body=body
    )
    started = time.perf_counter()
    try:
        if public_only:
            await ensure_public(url)
    except NonPublicAddress as exc:
        return SendResult(
            succeeded=False, status_code=None, response_excerpt=None,
            error=f"refused: {exc}"[:1000], duration_ms=_ms(started),
        )  # fmt: skip
    try:
        async with client.stream("POST", url, content=body.encode(), headers=headers) as response:
            excerpt = await _excerpt(response)
    except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:  # the endpoint's failure
        return SendResult(
            succeeded=False,
            status_code=None,
            response_excerpt=None,
            error=f"{type(exc).__name__}: {exc}"[:1000],
            duration_ms=_ms(started),
        )
    code = response.status_code
    return SendResult(
        succeeded=200 <= code < 300,
        status_code=code,
        response_excerpt=excerpt,
        error=None if 200 <= code < 300 else f"HTTP {code}",
        duration_ms=_ms(started),
    )


async def _excerpt(response: httpx.Response) -> str:
    data = b""
    async for chunk in response.aiter_bytes():
        data += chunk
        if len(data) >= EXCERPT_BYTES:
            break
    return data[:EXCERPT_BYTES].decode("utf-8", errors="replace")


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
