"""Error rendering: one JSON shape, validation paths, no 500 for bad input, no leaked traces."""

from __future__ import annotations

from fastapi import APIRouter
from httpx import ASGITransport, AsyncClient

from shopkeeper.app import create_app
from shopkeeper.bootstrap import Container


async def test_unknown_route_is_json_404(client: AsyncClient) -> None:
    response = await client.get("/api/v1/nowhere")
    assert response.status_code == 404
    assert response.json()["error"] == "NotFound"


async def test_malformed_json_is_422_with_field_paths(client: AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/login", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "ValidationError"
    assert body["fields"]


async def test_missing_field_names_its_path(client: AsyncClient) -> None:
    response = await client.post("/api/v1/auth/login", json={"email": "a@example.com"})
    assert response.status_code == 422
    assert any(f["field"] == "body.password" for f in response.json()["fields"])


async def test_wrong_method_is_405(client: AsyncClient) -> None:
    response = await client.delete("/api/v1/auth/login")
    assert response.status_code == 405
    assert response.json()["error"] == "MethodNotAllowed"


async def test_unexpected_error_is_json_500_with_request_id(container: Container) -> None:
    app = create_app(container=container)
    router = APIRouter()

    @router.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    app.include_router(router)
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/boom", headers={"X-Request-ID": "req-42"})
    assert response.status_code == 500
    body = response.json()
    assert body["error"] == "InternalError"
    assert "req-42" in body["detail"]
    assert "secret internals" not in response.text
