"""/api/v1/shops: superusers create shops, staff list theirs, outsiders never see them."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from tests.builders import create_shop, create_user, login, shop_with_owner, staff_member

SHOPS = "/api/v1/shops"
VALID = {
    "slug": "coffee-club",
    "name": "Coffee Club",
    "currency": "pln",
    "timezone": "Europe/Warsaw",
    "languages": ["pl", "en"],
}


async def _superuser_headers(client: AsyncClient, container: Container) -> dict[str, str]:
    admin = await create_user(container, is_superuser=True)
    return (await login(client, email=admin.email)).headers


async def test_a_superuser_creates_a_shop_for_a_named_owner(
    client: AsyncClient, container: Container
) -> None:
    headers = await _superuser_headers(client, container)
    owner = await create_user(container, email="owner@example.com")
    response = await client.post(
        SHOPS, json={**VALID, "owner_email": "OWNER@example.com"}, headers=headers
    )
    assert response.status_code == 201
    shop = response.json()
    assert shop["slug"] == "coffee-club" and shop["currency"] == "PLN"
    assert shop["languages"] == ["pl", "en"] and shop["default_language"] == "pl"

    owner_tokens = await login(client, email=owner.email)
    me = (await client.get("/api/v1/auth/me", headers=owner_tokens.headers)).json()
    assert [(m["shop_slug"], m["role"]) for m in me["memberships"]] == [("coffee-club", "owner")]
    assert "members.manage" in me["memberships"][0]["permissions"]
    mine = await client.get(SHOPS, headers=owner_tokens.headers)
    assert [s["slug"] for s in mine.json()] == ["coffee-club"]


async def test_without_an_owner_email_the_creating_superuser_owns_the_shop(
    client: AsyncClient, container: Container
) -> None:
    headers = await _superuser_headers(client, container)
    assert (await client.post(SHOPS, json=VALID, headers=headers)).status_code == 201
    members = await client.get(f"{SHOPS}/coffee-club/members", headers=headers)
    assert [m["role"] for m in members.json()] == ["owner"]
    log = (await client.get(f"{SHOPS}/coffee-club/audit", headers=headers)).json()
    created = log["items"][0]
    assert (created["action"], created["actor_type"]) == ("shop.created", "user")
    assert created["actor_id"] == members.json()[0]["user_id"]
    assert created["after"]["slug"] == "coffee-club"


async def test_only_a_superuser_creates_shops(client: AsyncClient, container: Container) -> None:
    _, owner = await shop_with_owner(container, client)
    response = await client.post(SHOPS, json=VALID, headers=owner.headers)
    assert response.status_code == 403
    assert response.json()["error"] == "SuperuserRequired"
    assert (await client.post(SHOPS, json=VALID)).status_code == 401


async def test_a_taken_slug_is_409_and_an_unknown_owner_404(
    client: AsyncClient, container: Container
) -> None:
    headers = await _superuser_headers(client, container)
    assert (await client.post(SHOPS, json=VALID, headers=headers)).status_code == 201
    assert (await client.post(SHOPS, json=VALID, headers=headers)).status_code == 409
    unknown = {**VALID, "slug": "tea", "owner_email": "nobody@example.com"}
    assert (await client.post(SHOPS, json=unknown, headers=headers)).status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"slug": "Coffee Club"}, "slug"),
        ({"slug": "-edge-"}, "slug"),
        ({"slug": ""}, "slug"),
        ({"currency": "ZZZ"}, "currency"),
        ({"currency": "EURO"}, "currency"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"timezone": "../../etc/passwd"}, "timezone"),
        ({"languages": ["de"]}, "languages"),
        ({"languages": []}, "languages"),
        ({"languages": ["en"], "default_language": "pl"}, "body"),
        ({"name": None}, "name"),
    ],
)
async def test_invalid_shops_get_422_naming_the_field(
    client: AsyncClient, container: Container, change: dict[str, object], field: str
) -> None:
    headers = await _superuser_headers(client, container)
    response = await client.post(SHOPS, json={**VALID, **change}, headers=headers)
    assert response.status_code == 422
    assert any(
        f["field"].startswith(f"body.{field}") or f["field"] == field
        for f in response.json()["fields"]
    )


async def test_staff_list_their_shops_and_a_superuser_sees_all(
    client: AsyncClient, container: Container
) -> None:
    _, owner = await shop_with_owner(container, client, slug="aaa")
    await create_shop(container, slug="bbb")
    mine = await client.get(SHOPS, headers=owner.headers)
    assert [s["slug"] for s in mine.json()] == ["aaa"]
    everything = await client.get(SHOPS, headers=await _superuser_headers(client, container))
    assert {s["slug"] for s in everything.json()} == {"aaa", "bbb"}


async def test_reading_a_shop_needs_membership_and_others_get_404(
    client: AsyncClient, container: Container
) -> None:
    shop, _ = await shop_with_owner(container, client)
    _, outsider = await shop_with_owner(container, client)
    viewer = await staff_member(container, client, shop=shop, role="viewer")
    assert (await client.get(f"{SHOPS}/{shop.slug}", headers=viewer.headers)).json()["id"] == str(
        shop.id
    )
    hidden = await client.get(f"{SHOPS}/{shop.slug}", headers=outsider.headers)
    missing = await client.get(f"{SHOPS}/no-such-shop", headers=outsider.headers)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
