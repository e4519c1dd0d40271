"""GET /api/health and GET /api/health/ready with reachable and unreachable dependencies."""

from __future__ import annotations

import socket

import pytest
from httpx import AsyncClient

from shopkeeper import __version__
from tests.observability.conftest import ClientWith

DOWN_DATABASE = "postgresql+asyncpg://postgres@127.0.0.1:1/nowhere"  # nothing listens on port 1


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


async def test_liveness_answers_with_the_version(client: AsyncClient) -> None:
    response = await client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": __version__}


async def test_ready_when_database_answers_and_bus_is_in_process(client: AsyncClient) -> None:
    response = await client.get("/api/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


async def test_not_ready_when_the_database_is_unreachable(client_with: ClientWith) -> None:
    async with client_with(database_url=DOWN_DATABASE) as client:
        liveness = await client.get("/api/health")
        response = await client.get("/api/health/ready")
    assert liveness.status_code == 200  # alive, just not ready
    assert response.status_code == 503
    body = response.json()
    assert body["error"] == "ServiceUnavailable"
    assert body["detail"] == "unreachable: database"
    assert body["checks"]["broker"] == "ok"
    assert body["checks"]["database"] != "ok"


@pytest.mark.parametrize(
    "broker_url",
    [
        "redis://127.0.0.1:1/0",
        "amqp://guest:s3cret@127.0.0.1:1/",
        "nats://127.0.0.1:1",
        "kafka://127.0.0.1:1",
    ],
)
async def test_not_ready_when_the_broker_is_down(client_with: ClientWith, broker_url: str) -> None:
    async with client_with(broker_url=broker_url) as client:
        response = await client.get("/api/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["detail"] == "unreachable: broker"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"] != "ok"
    assert "s3cret" not in response.text


@pytest.mark.brokers
@pytest.mark.parametrize(
    ("broker_url", "port"),
    [
        ("redis://127.0.0.1:6379/0", 6379),
        ("amqp://guest:guest@127.0.0.1:5672/", 5672),
        ("nats://127.0.0.1:4222", 4222),
    ],
)
async def test_ready_with_a_real_broker(
    client_with: ClientWith, broker_url: str, port: int
) -> None:
    if not _listening(port):
        pytest.skip(f"no broker listening on port {port}")
    async with client_with(broker_url=broker_url) as client:
        response = await client.get("/api/health/ready")
    assert response.status_code == 200, response.text
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}
