"""The audit log: every mutation is recorded; filtered, paginated and exported per shop."""

from __future__ import annotations

import csv
import io
import json

import pytest
from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from shopkeeper.kit.clock import FrozenClock
from tests.builders import Staff, create_user, login, shop_with_owner, staff_member


def _audit(slug: str) -> str:
    return f"/api/v1/shops/{slug}/audit"


async def _mutate_everything(
    client: AsyncClient, container: Container, slug: str, owner: Staff
) -> None:
    """One of each mutation: member add / role change / removal, API key create / revoke."""
    user = await create_user(container, email="member@example.com")
    members = f"/api/v1/shops/{slug}/members"
    headers = {**owner.headers, "X-Request-ID": "req-123"}
    assert (
        await client.post(members, json={"email": user.email, "role": "viewer"}, headers=headers)
    ).status_code == 201
    assert (
        await client.patch(f"{members}/{user.id}", json={"role": "manager"}, headers=owner.headers)
    ).status_code == 200
    assert (await client.delete(f"{members}/{user.id}", headers=owner.headers)).status_code == 204
    keys = f"/api/v1/shops/{slug}/api-keys"
    key = (
        await client.post(
            keys, json={"name": "k", "permissions": ["shop.read"]}, headers=owner.headers
        )
    ).json()
    assert (await client.delete(f"{keys}/{key['id']}", headers=owner.headers)).status_code == 204


async def test_every_mutation_writes_an_entry_with_actor_ip_and_before_after(
    client: AsyncClient, container: Container
) -> None:
    shop, owner = await shop_with_owner(container, client)
    await _mutate_everything(client, container, shop.slug, owner)
    page = (await client.get(_audit(shop.slug), headers=owner.headers)).json()
    actions = [e["action"] for e in page["items"]]
    assert actions == [
        "api_key.revoked", "api_key.created", "member.removed", "member.role_changed",
        "member.added", "shop.created",
    ]  # fmt: skip
    assert page["total"] == 6
    by_action = {e["action"]: e for e in page["items"]}
    added = by_action["member.added"]
    assert added["actor_type"] == "user" and added["actor_id"] == str(owner.user.id)
    assert added["actor_label"] == owner.user.email and added["ip"] == "127.0.0.1"
    assert added["correlation_id"] == "req-123"
    assert added["before"] is None and added["after"]["role"] == "viewer"
    changed = by_action["member.role_changed"]
    assert (changed["before"]["role"], changed["after"]["role"]) == ("viewer", "manager")
    assert by_action["member.removed"]["after"] is None
    assert by_action["api_key.revoked"]["after"]["revoked_at"] is not None
    assert by_action["shop.created"]["actor_type"] == "system"


async def test_entries_filter_by_action_actor_target_and_time(
    client: AsyncClient, container: Container, clock: FrozenClock
) -> None:
    shop, owner = await shop_with_owner(container, client)
    started = clock.now()
    clock.advance(minutes=5)
    await _mutate_everything(client, container, shop.slug, owner)
    url, headers = _audit(shop.slug), owner.headers

    async def actions(**params: str) -> list[str]:
        response = await client.get(url, params=params, headers=headers)
        assert response.status_code == 200, response.text
        return [e["action"] for e in response.json()["items"]]

    assert await actions(action="member.added") == ["member.added"]
    assert await actions(target_type="api_key") == ["api_key.revoked", "api_key.created"]
    assert len(await actions(actor=owner.user.email)) == 5
    assert len(await actions(actor=owner.user.email.upper())) == 5
    assert len(await actions(actor=str(owner.user.id))) == 5
    assert await actions(to=(started.isoformat())) == []
    assert await actions(
        to=(started.replace(tzinfo=None) + (clock.now() - started)).isoformat()
    ) == ["shop.created"]
    assert len(await actions(**{"from": clock.now().isoformat()})) == 5


async def test_entries_are_paginated(client: AsyncClient, container: Container) -> None:
    shop, owner = await shop_with_owner(container, client)
    await _mutate_everything(client, container, shop.slug, owner)
    first = (await client.get(_audit(shop.slug), params={"limit": 4}, headers=owner.headers)).json()
    second = (
        await client.get(_audit(shop.slug), params={"limit": 4, "offset": 4}, headers=owner.headers)
    ).json()
    assert (first["total"], first["limit"], first["offset"], len(first["items"])) == (6, 4, 0, 4)
    assert len(second["items"]) == 2
    assert not {e["id"] for e in first["items"]} & {e["id"] for e in second["items"]}


async def test_the_csv_export_has_the_same_filtered_entries(
    client: AsyncClient, container: Container
) -> None:
    shop, owner = await shop_with_owner(container, client)
    await _mutate_everything(client, container, shop.slug, owner)
    response = await client.get(f"{_audit(shop.slug)}.csv", headers=owner.headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert f"audit-{shop.slug}.csv" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["action"] for r in rows][-1] == "shop.created" and len(rows) == 6
    added = next(r for r in rows if r["action"] == "member.added")
    assert json.loads(added["after"])["email"] == "member@example.com"
    filtered = await client.get(
        f"{_audit(shop.slug)}.csv", params={"target_type": "member"}, headers=owner.headers
    )
    assert [r["action"] for r in csv.DictReader(io.StringIO(filtered.text))] == [
        "member.removed", "member.role_changed", "member.added",
    ]  # fmt: skip


async def test_staff_of_shop_a_get_404_for_shop_b_audit_log(
    client: AsyncClient, container: Container
) -> None:
    _, owner_a = await shop_with_owner(container, client)
    shop_b, _ = await shop_with_owner(container, client)
    for path in (_audit(shop_b.slug), f"{_audit(shop_b.slug)}.csv"):
        response = await client.get(path, headers=owner_a.headers)
        assert response.status_code == 404
        assert response.json()["error"] == "ShopNotFound"


async def test_reading_the_log_needs_audit_read(client: AsyncClient, container: Container) -> None:
    shop, _ = await shop_with_owner(container, client)
    cashier = await staff_member(container, client, shop=shop, role="cashier")
    viewer = await staff_member(container, client, shop=shop, role="viewer")
    assert (await client.get(_audit(shop.slug), headers=cashier.headers)).status_code == 403
    assert (
        await client.get(f"{_audit(shop.slug)}.csv", headers=cashier.headers)
    ).status_code == 403
    assert (await client.get(_audit(shop.slug), headers=viewer.headers)).status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"from": "yesterday"},
        {"to": "2026-13-45"},
        {"limit": "0"},
        {"limit": "100000"},
        {"offset": "-1"},
        {"action": "x" * 100},
        {"from": "0001-01-01T00:00:00+05:00"},
    ],
)
async def test_bad_filters_get_422(
    client: AsyncClient, container: Container, params: dict[str, str]
) -> None:
    shop, owner = await shop_with_owner(container, client)
    response = await client.get(_audit(shop.slug), params=params, headers=owner.headers)
    assert response.status_code == 422


async def test_the_log_cannot_be_changed_over_http(
    client: AsyncClient, container: Container
) -> None:
    shop, owner = await shop_with_owner(container, client)
    entry = (await client.get(_audit(shop.slug), headers=owner.headers)).json()["items"][0]
    for method in ("PUT", "PATCH", "DELETE", "POST"):
        for path in (_audit(shop.slug), f"{_audit(shop.slug)}/{entry['id']}"):
            response = await client.request(method, path, headers=owner.headers)
            assert response.status_code in (404, 405), (method, path)
    assert (await client.get(_audit(shop.slug), headers=owner.headers)).json()["total"] == 1


async def test_api_key_actions_are_attributed_to_the_key(
    client: AsyncClient, container: Container
) -> None:
    shop, owner = await shop_with_owner(container, client)
    keys = f"/api/v1/shops/{shop.slug}/api-keys"
    key = (
        await client.post(
            keys,
            json={"name": "robot", "permissions": ["members.manage", "members.read"]},
            headers=owner.headers,
        )
    ).json()
    user = await create_user(container)
    response = await client.post(
        f"/api/v1/shops/{shop.slug}/members",
        json={"email": user.email, "role": "viewer"},
        headers={"Authorization": f"Bearer {key['key']}"},
    )
    assert response.status_code == 201
    entries = (
        await client.get(
            _audit(shop.slug), params={"action": "member.added"}, headers=owner.headers
        )
    ).json()
    assert entries["items"][0]["actor_type"] == "api_key"
    assert entries["items"][0]["actor_id"] == key["id"]
    assert key["prefix"] in entries["items"][0]["actor_label"]
    assert (await login(client, email=user.email)).access_token
