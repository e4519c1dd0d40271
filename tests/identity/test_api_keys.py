"""Per-shop API keys: shown once, stored hashed, scoped, bound to one shop, revocable."""

from __future__ import annotations

import uuid

from httpx import AsyncClient
from sqlalchemy import select

from shopkeeper.bootstrap import Container
from shopkeeper.identity.models import ApiKey
from shopkeeper.kit.crypto import sha256_hex
from tests.builders import create_shop, shop_with_owner, staff_member


def _keys(slug: str) -> str:
    return f"/api/v1/shops/{slug}/api-keys"


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def test_a_key_is_shown_once_stored_hashed_and_works_within_its_scope(
    client: AsyncClient, container: Container
) -> None:
    shop, owner = await shop_with_owner(container, client)
    created = await client.post(
        _keys(shop.slug),
        json={"name": "POS", "permissions": ["shop.read", "orders.read"]},
        headers=owner.headers,
    )
    assert created.status_code == 201
    body = created.json()
    key = body["key"]
    assert key.startswith("sk_") and key.startswith(body["prefix"]) and len(key) > 40
    assert body["permissions"] == ["orders.read", "shop.read"]

    listed = await client.get(_keys(shop.slug), headers=owner.headers)
    assert listed.status_code == 200
    assert [k["prefix"] for k in listed.json()] == [body["prefix"]]
    assert "key" not in listed.json()[0]
    async with container.sessions() as session:
        stored = await session.scalar(select(ApiKey).where(ApiKey.id == uuid.UUID(body["id"])))
    assert stored is not None and stored.key_hash == sha256_hex(key) and key not in stored.key_hash

    assert (await client.get(f"/api/v1/shops/{shop.slug}", headers=_bearer(key))).status_code == 200
    members = await client.get(f"/api/v1/shops/{shop.slug}/members", headers=_bearer(key))
    assert members.status_code == 403
    assert members.json() == {
        "error": "PermissionDenied",
        "detail": "Missing permission: members.read",
    }


async def test_a_key_works_for_its_own_shop_only(client: AsyncClient, container: Container) -> None:
    shop, owner = await shop_with_owner(container, client)
    other = await create_shop(container)
    created = await client.post(
        _keys(shop.slug), json={"name": "k", "permissions": ["shop.read"]}, headers=owner.headers
    )
    key = created.json()["key"]
    response = await client.get(f"/api/v1/shops/{other.slug}", headers=_bearer(key))
    assert response.status_code == 404
    assert (await client.get("/api/v1/auth/me", headers=_bearer(key))).status_code == 401


async def test_a_revoked_key_stops_working(client: AsyncClient, container: Container) -> None:
    shop, owner = await shop_with_owner(container, client)
    created = (
        await client.post(
            _keys(shop.slug),
            json={"name": "k", "permissions": ["shop.read"]},
            headers=owner.headers,
        )
    ).json()
    revoked = await client.delete(f"{_keys(shop.slug)}/{created['id']}", headers=owner.headers)
    assert revoked.status_code == 204
    response = await client.get(f"/api/v1/shops/{shop.slug}", headers=_bearer(created["key"]))
    assert response.status_code == 401
    assert (await client.get(_keys(shop.slug), headers=owner.headers)).json() == []
    with_revoked = await client.get(
        _keys(shop.slug), params={"include_revoked": "true"}, headers=owner.headers
    )
    assert with_revoked.json()[0]["revoked_at"] is not None


async def test_a_key_cannot_have_more_than_its_creator(
    client: AsyncClient, container: Container
) -> None:
    shop, _ = await shop_with_owner(container, client)
    admin = await staff_member(container, client, shop=shop, role="admin")
    too_wide = await client.post(
        _keys(shop.slug), json={"name": "k", "permissions": ["shop.delete"]}, headers=admin.headers
    )
    assert too_wide.status_code == 403
    assert too_wide.json()["error"] == "ApiKeyScopeTooWide"
    unknown = await client.post(
        _keys(shop.slug),
        json={"name": "k", "permissions": ["world.domination"]},
        headers=admin.headers,
    )
    assert unknown.status_code == 422


async def test_only_owner_and_admin_manage_keys(client: AsyncClient, container: Container) -> None:
    shop, _ = await shop_with_owner(container, client)
    for role in ("manager", "cashier", "viewer"):
        staff = await staff_member(container, client, shop=shop, role=role)
        response = await client.post(
            _keys(shop.slug),
            json={"name": "k", "permissions": ["shop.read"]},
            headers=staff.headers,
        )
        assert response.status_code == 403, role
        assert (await client.get(_keys(shop.slug), headers=staff.headers)).status_code == 403


async def test_revoking_an_unknown_key_is_404_and_a_bad_id_422(
    client: AsyncClient, container: Container
) -> None:
    shop, owner = await shop_with_owner(container, client)
    missing = await client.delete(
        f"{_keys(shop.slug)}/0190a0a0-0000-7000-8000-000000000000", headers=owner.headers
    )
    assert missing.status_code == 404
    bad = await client.delete(f"{_keys(shop.slug)}/not-a-uuid", headers=owner.headers)
    assert bad.status_code == 422


async def test_malformed_key_bodies_get_422(client: AsyncClient, container: Container) -> None:
    shop, owner = await shop_with_owner(container, client)
    for payload in (
        {},
        {"name": "", "permissions": ["shop.read"]},
        {"name": "k", "permissions": []},
    ):
        response = await client.post(_keys(shop.slug), json=payload, headers=owner.headers)
        assert response.status_code == 422, payload


async def test_using_a_key_on_a_get_records_when_it_was_last_used(
    client: AsyncClient, container: Container
) -> None:
    """A GET reads in a read-only session; the last-used stamp still lands (its own write)."""
    shop, owner = await shop_with_owner(container, client)
    created = await client.post(
        _keys(shop.slug), json={"name": "k", "permissions": ["shop.read"]}, headers=owner.headers
    )
    key_id = uuid.UUID(created.json()["id"])
    assert await client.get(f"/api/v1/shops/{shop.slug}", headers=_bearer(created.json()["key"]))
    async with container.sessions() as session:
        stored = await session.scalar(select(ApiKey).where(ApiKey.id == key_id))
    assert stored is not None and stored.last_used_at == container.clock.now()
