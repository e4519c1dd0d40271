"""GET /api/health (liveness) and GET /api/health/ready (database and broker reachable)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Literal

import structlog
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from shopkeeper import __version__
from shopkeeper.container import Container
from shopkeeper.deps import ContainerDep
from shopkeeper.observability.probes import PROBE_TIMEOUT_SECONDS, probe_broker, probe_database

log = structlog.get_logger("shopkeeper.health")

router = APIRouter(prefix="/api/health", tags=["health"])


class Liveness(BaseModel):
    status: Literal["ok"] = "ok"
    version: str


class Readiness(BaseModel):
    status: Literal["ok", "unavailable"]
    checks: dict[str, str]  # component → "ok" or why it failed


class NotReady(Readiness):
    error: Literal["ServiceUnavailable"] = "ServiceUnavailable"
    detail: str


@router.get("", response_model=Liveness)
async def liveness() -> Liveness:
    """The process is up and serving; touches nothing else."""
    return Liveness(version=__version__)


@router.get(
    "/ready",
    response_model=Readiness,
    responses={503: {"model": NotReady, "description": "a dependency is unreachable"}},
)
async def readiness(container: ContainerDep) -> Readiness | JSONResponse:
    """200 when the database and the broker answer within a short timeout, else 503 naming them."""
    checks = await check_readiness(container)
    failed = [name for name, outcome in checks.items() if outcome != "ok"]
    if not failed:
        return Readiness(status="ok", checks=checks)
    body = NotReady(status="unavailable", checks=checks, detail=f"unreachable: {', '.join(failed)}")
    return JSONResponse(body.model_dump(), status_code=503)


async def check_readiness(container: Container) -> dict[str, str]:
    """Probe every dependency at once; each answer is "ok" or the error's type and message."""
    probes = {
        "database": probe_database(container.engine),
        "broker": probe_broker(container.settings.broker_url),
    }
    outcomes = await asyncio.gather(*(_outcome(name, p) for name, p in probes.items()))
    return dict(zip(probes, outcomes, strict=True))


async def _outcome(name: str, probe: Awaitable[None]) -> str:
    try:
        await asyncio.wait_for(probe, PROBE_TIMEOUT_SECONDS + 0.5)
    except Exception as exc:
        log.warning("health.not_ready", component=name, error=repr(exc))
        return _describe(exc)
    return "ok"


def _describe(exc: Exception) -> str:
    """The error's type only: messages may carry hosts or credentials (the log has them)."""
    if isinstance(exc, TimeoutError):
        return f"TimeoutError: no answer within {PROBE_TIMEOUT_SECONDS:g}s"
    return type(exc).__name__
