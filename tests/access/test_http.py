"""HTTP: targets, product links, grants and the log — permissions, tenancy, audit."""

from __future__ import annotations

import uuid
from typing import Any

from httpx import AsyncClient
from sqlalchemy import select

from shopkeeper import bus
from shopkeeper.audit.models import AuditEntry
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.shops import ShopRead
from tests.builders import Staff, shop_with_owner, staff_member
from tests.builders.access import publish, started
from tests.builders.orders import create_customer, create_sellable, published


def _base(shop: ShopRead) -> str:
    return f"/api/v1/shops/{shop.slug}/access"


async def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


async def _target(client: AsyncClient, shop: ShopRead, staff: Staff, **fields: Any) -> Any:
    body = {"platform": "webhook", "external_id": f"x-{uuid.uuid4().hex[:6]}", "title": "Club"}
    response = await client.post(
        f"{_base(shop)}/targets", json={**body, **fields}, headers=staff.headers
    )
    return await _ok(response, 201)


async def _actions(container: Container, shop: ShopRead) -> list[str]:
    async with unit_of_work(container.sessions) as session:
        query = select(AuditEntry.action).where(
            AuditEntry.shop_id == shop.id, AuditEntry.action.startswith("access_")
        )
        return list(await session.scalars(query.order_by(AuditEntry.created_at, AuditEntry.id)))


async def test_staff_manage_targets_and_links_and_every_change_is_audited(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    product = await create_sellable(container, shop=shop)
    target = await _target(client, shop, owner, platform="telegram_chat", external_id="-100")
    url = f"{_base(shop)}/targets/{target['id']}"

    linked = await _ok(await client.put(f"{url}/products/{product.id}", headers=owner.headers))
    again = await _ok(await client.put(f"{url}/products/{product.id}", headers=owner.headers))
    assert linked["product_ids"] == again["product_ids"] == [str(product.id)]
    renamed = await _ok(await client.patch(url, json={"title": "VIP chat"}, headers=owner.headers))
    assert (renamed["title"], renamed["platform"], renamed["active"]) == (
        "VIP chat", "telegram_chat", True
    )  # fmt: skip
    unlinked = await _ok(await client.delete(f"{url}/products/{product.id}", headers=owner.headers))
    assert unlinked["product_ids"] == []
    gone = await _ok(await client.delete(url, headers=owner.headers))
    assert gone["active"] is False
    listed = await _ok(
        await client.get(f"{_base(shop)}/targets?active=false", headers=owner.headers)
    )
    assert [t["id"] for t in listed["items"]] == [target["id"]]

    assert await _actions(container, shop) == [
        "access_target.created",
        "access_target.product_linked",
        "access_target.updated",
        "access_target.product_unlinked",
        "access_target.updated",
    ]


async def test_a_duplicate_target_and_a_foreign_product_are_refused(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    other, _ = await shop_with_owner(container, client)
    foreign = await create_sellable(container, shop=other)
    target = await _target(client, shop, owner, external_id="same")

    dup = await client.post(
        f"{_base(shop)}/targets",
        json={"platform": "webhook", "external_id": "same", "title": "Again"},
        headers=owner.headers,
    )
    assert (dup.status_code, dup.json()["error"]) == (409, "TargetTaken")
    link = await client.put(
        f"{_base(shop)}/targets/{target['id']}/products/{foreign.id}", headers=owner.headers
    )
    assert (link.status_code, link.json()["error"]) == (404, "ProductNotFound")
    bad = await client.post(
        f"{_base(shop)}/targets",
        json={"platform": "myspace", "external_id": "1", "title": "x"},
        headers=owner.headers,
    )
    assert bad.status_code == 422


async def test_a_viewer_reads_but_cannot_change_and_another_shop_sees_nothing(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    other, stranger = await shop_with_owner(container, client)
    target = await _target(client, shop, owner)
    viewer = await staff_member(container, client, shop=shop, role="viewer")
    cashier = await staff_member(container, client, shop=shop, role="cashier")
    manager = await staff_member(container, client, shop=shop, role="manager")

    body = {"platform": "webhook", "external_id": "v", "title": "Viewer's"}
    denied = await client.post(f"{_base(shop)}/targets", json=body, headers=viewer.headers)
    assert denied.status_code == 403
    for reader in (viewer, cashier):
        page = await _ok(await client.get(f"{_base(shop)}/targets", headers=reader.headers))
        assert [t["id"] for t in page["items"]] == [target["id"]]
        await _ok(await client.get(f"{_base(shop)}/log", headers=reader.headers))
    cashier_patch = await client.patch(
        f"{_base(shop)}/targets/{target['id']}", json={"title": "x"}, headers=cashier.headers
    )
    assert cashier_patch.status_code == 403
    await _target(client, shop, manager)

    for url in (f"{_base(shop)}/targets/{target['id']}", f"{_base(shop)}/grants"):
        assert (await client.get(url, headers=stranger.headers)).status_code == 404
    theirs = f"{_base(other)}/targets/{target['id']}"  # their shop, our target's id
    assert (await client.get(theirs, headers=stranger.headers)).status_code == 404
    patched = await client.patch(theirs, json={"title": "mine"}, headers=stranger.headers)
    assert patched.status_code == 404


async def test_manual_grant_and_revoke_with_sources_and_force(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    plan = await create_sellable(container, shop=shop, kind="plan")
    target = await _target(client, shop, owner)
    await _ok(
        await client.put(
            f"{_base(shop)}/targets/{target['id']}/products/{plan.id}", headers=owner.headers
        )
    )
    gift, subscriber = [await create_customer(container, shop=shop) for _ in range(2)]
    body = {"customer_id": str(gift.id), "target_id": target["id"], "note": "giveaway"}
    grant = await _ok(
        await client.post(f"{_base(shop)}/grants", json=body, headers=owner.headers), 201
    )
    assert grant["state"] == "granted" and grant["sources"][0]["source_type"] == "manual"
    revoked = await _ok(
        await client.post(f"{_base(shop)}/grants/{grant['id']}/revoke", headers=owner.headers)
    )
    assert (revoked["state"], revoked["reason"].startswith("revoked by staff")) == ("revoked", True)

    await publish(container, started(shop, subscriber.id, plan, uuid.uuid4()))
    await bus.drain(container)
    page = await _ok(
        await client.get(
            f"{_base(shop)}/grants?customer_id={subscriber.id}&state=granted",
            headers=owner.headers,
        )
    )
    [paid] = page["items"]
    url = f"{_base(shop)}/grants/{paid['id']}/revoke"
    refused = await client.post(url, json={"reason": "abuse"}, headers=owner.headers)
    assert (refused.status_code, refused.json()["error"]) == (409, "GrantStillSourced")
    forced = await _ok(
        await client.post(url, json={"reason": "abuse", "force": True}, headers=owner.headers)
    )
    assert forced["state"] == "revoked" and not any(s["active"] for s in forced["sources"])

    log = await _ok(await client.get(f"{_base(shop)}/log?action=revoke", headers=owner.headers))
    assert {e["grant_id"] for e in log["items"]} == {grant["id"], paid["id"]}
    assert len(await published(container, "access.access_revoked.v1")) == 2
    actions = await _actions(container, shop)
    assert actions.count("access_grant.granted") == 1 and actions.count("access_grant.revoked") == 2


async def test_a_manual_grant_needs_a_live_target_and_a_customer_of_the_shop(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    other, _ = await shop_with_owner(container, client)
    stranger = await create_customer(container, shop=other)
    customer = await create_customer(container, shop=shop)
    target = await _target(client, shop, owner)
    url = f"{_base(shop)}/grants"

    body = {"customer_id": str(stranger.id), "target_id": target["id"]}
    foreign = await client.post(url, json=body, headers=owner.headers)
    assert (foreign.status_code, foreign.json()["error"]) == (404, "CustomerNotFound")
    await client.delete(f"{_base(shop)}/targets/{target['id']}", headers=owner.headers)
    body = {"customer_id": str(customer.id), "target_id": target["id"]}
    inactive = await client.post(url, json=body, headers=owner.headers)
    assert (inactive.status_code, inactive.json()["error"]) == (409, "TargetInactive")
    missing = await client.post(f"{url}/{uuid.uuid4()}/revoke", headers=owner.headers)
    assert (missing.status_code, missing.json()["error"]) == (404, "GrantNotFound")
