"""JSON access log with the correlation id, which also follows a request into its events."""

from __future__ import annotations

import io
import json

from fastapi import APIRouter, FastAPI
from httpx import AsyncClient
from sqlalchemy import text

from shopkeeper import bus
from shopkeeper.bootstrap import Container
from shopkeeper.deps import SessionDep


class PingRecorded(bus.Event):
    name = "obstest.ping_recorded.v1"
    ping_id: str


def log_lines(buffer: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


def access_lines(buffer: io.StringIO) -> list[dict]:
    return [line for line in log_lines(buffer) if line["event"] == "http.request"]


async def test_one_access_log_line_per_request_with_the_given_request_id(
    client: AsyncClient, json_logs: io.StringIO
) -> None:
    response = await client.get("/api/health", headers={"X-Request-ID": "req-abc.123"})
    await client.get("/api/v1/shops/some-shop/members", headers={"X-Request-ID": "req-2"})

    assert response.headers["x-request-id"] == "req-abc.123"
    first, second = access_lines(json_logs)
    assert first["correlation_id"] == "req-abc.123"
    assert (first["method"], first["route"], first["path"], first["status"]) == (
        "GET",
        "/api/health",
        "/api/health",
        200,
    )
    assert isinstance(first["duration_ms"], float) and first["duration_ms"] >= 0
    assert first["level"] == "info" and first["timestamp"].endswith("Z")
    assert second["route"] == "/api/v1/shops/{shop}/members"
    assert second["correlation_id"] == "req-2"
    assert second["status"] == 401


async def test_unsafe_request_id_is_replaced_by_a_fresh_one(
    client: AsyncClient, json_logs: io.StringIO
) -> None:
    response = await client.get("/api/health", headers={"X-Request-ID": "bad id\twith spaces"})
    generated = response.headers["x-request-id"]
    assert generated != "bad id\twith spaces" and len(generated) == 32
    (line,) = access_lines(json_logs)
    assert line["correlation_id"] == generated


async def test_request_id_follows_the_request_into_the_events_it_publishes(
    app: FastAPI, client: AsyncClient, container: Container
) -> None:
    router = APIRouter()

    @router.post("/test/pings")
    async def ping(session: SessionDep) -> dict[str, str]:
        bus.publish(session, PingRecorded(ping_id="p1"))
        return {"status": "recorded"}

    app.include_router(router)
    response = await client.post("/test/pings", headers={"X-Request-ID": "req-events-1"})
    assert response.status_code == 200

    async with container.sessions() as session:
        rows = await session.execute(
            text("SELECT correlation_id FROM bus_outbox WHERE name = :name"),
            {"name": PingRecorded.name},
        )
        assert list(rows.scalars()) == ["req-events-1"]
