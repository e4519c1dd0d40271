"""Shipping methods over HTTP: CRUD, permissions, tenancy, bad data, audit, the migration."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from shopkeeper.bootstrap import Container
from shopkeeper.models import Base
from shopkeeper.shops import ROLE_PERMISSIONS, ShopRead
from shopkeeper.shops.models import RolePermission
from tests.builders import Staff, shop_with_owner, staff_member
from tests.builders.shipping import create_shipping_method

WARDROBES = str(uuid.uuid4())
GLASS = str(uuid.uuid4())


def url(shop: ShopRead, method_id: object = None) -> str:
    base = f"/api/v1/shops/{shop.slug}/shipping-methods"
    return base if method_id is None else f"{base}/{method_id}"


def courier(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": "courier",
        "name": "Courier with a date",
        "kind": "courier",
        "prices": {"PLN": 1999, "eur": 499},
        "free_above": {"PLN": 30000},
        "max_weight_grams": 30000,
        "max_item_dimensions_mm": [600, 1200, 800],
        "excluded_category_ids": [GLASS],
        "min_cart_value": {"PLN": 1000},
        "max_cart_value": {"PLN": 500000},
        "requires_delivery_date": True,
        "calendar_code": "DPD-STD",
        "cash_on_delivery": True,
        "position": 1,
        "addons": [
            {
                "code": "sunday",
                "name": "Sunday delivery",
                "prices": {"PLN": 2500},
                "rule": "sunday",
            },
            {
                "code": "evening",
                "name": "Evening slot",
                "prices": {"PLN": 900, "EUR": 200},
                "rule": "slot",
                "slot": "evening",
            },
        ],
    }
    body.update(changes)
    return body


async def test_shipping_methods_crud_is_audited(
    client: AsyncClient, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    created = await client.post(url(shop), json=courier(), headers=owner.headers)
    assert created.status_code == 201, created.text
    method = created.json()
    assert method["prices"] == {"PLN": 1999, "EUR": 499}
    assert method["max_item_dimensions_mm"] == [1200, 800, 600]  # sorted, longest first
    assert [a["code"] for a in method["addons"]] == ["sunday", "evening"]
    locker = await client.post(
        url(shop),
        json={"code": "locker", "name": "Parcel locker", "kind": "parcel_locker",
              "prices": {"PLN": 999}, "position": 0},
        headers=owner.headers,
    )  # fmt: skip
    assert locker.status_code == 201, locker.text
    listed = (await client.get(url(shop), headers=owner.headers)).json()
    assert [m["code"] for m in listed] == ["locker", "courier"]  # by position

    patch = {"name": "Courier", "free_above": {"PLN": 25000, "EUR": 6000}, "active": False}
    changed = await client.patch(url(shop, method["id"]), json=patch, headers=owner.headers)
    assert changed.status_code == 200, changed.text
    assert changed.json()["free_above"] == {"PLN": 25000, "EUR": 6000}
    one = (await client.get(url(shop, method["id"]), headers=owner.headers)).json()
    assert (one["name"], one["active"], one["calendar_code"]) == ("Courier", False, "DPD-STD")

    assert (await client.delete(url(shop, method["id"]), headers=owner.headers)).status_code == 204
    gone = await client.get(url(shop, method["id"]), headers=owner.headers)
    assert gone.status_code == 404 and gone.json()["error"] == "ShippingMethodNotFound"

    audit = await client.get(
        f"/api/v1/shops/{shop.slug}/audit",
        params={"target_type": "shipping_method", "target_id": method["id"]},
        headers=owner.headers,
    )
    entries = {e["action"]: e for e in audit.json()["items"]}
    assert set(entries) == {
        "shipping_method.created",
        "shipping_method.updated",
        "shipping_method.deleted",
    }
    updated = entries["shipping_method.updated"]
    assert updated["before"]["name"] == "Courier with a date"
    assert updated["after"]["name"] == "Courier"
    assert entries["shipping_method.deleted"]["before"]["code"] == "courier"


async def test_readers_read_writers_write_other_shops_see_nothing(
    client: AsyncClient, container: Container, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    method = await create_shipping_method(container, shop=shop, code="post")
    for role in ("viewer", "cashier"):
        reader = await staff_member(container, client, shop=shop, role=role)
        assert (await client.get(url(shop, method.id), headers=reader.headers)).status_code == 200
        refused = await client.post(url(shop), json=courier(), headers=reader.headers)
        assert refused.status_code == 403
        patched = await client.patch(
            url(shop, method.id), json={"name": "X"}, headers=reader.headers
        )
        assert patched.status_code == 403
    manager = await staff_member(container, client, shop=shop, role="manager")
    assert (
        await client.post(url(shop), json=courier(), headers=manager.headers)
    ).status_code == 201
    assert (await client.get(url(shop))).status_code == 401

    other, stranger = await shop_with_owner(container, client)
    assert (await client.get(url(shop), headers=stranger.headers)).status_code == 404
    for call in (
        client.get(url(other, method.id), headers=stranger.headers),
        client.patch(url(other, method.id), json={"name": "Mine"}, headers=stranger.headers),
        client.delete(url(other, method.id), headers=stranger.headers),
    ):
        response = await call
        assert response.status_code == 404 and response.json()["error"] == "ShippingMethodNotFound"
    kept = (await client.get(url(shop, method.id), headers=owner.headers)).json()
    assert kept["name"] == "Courier"


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"kind": "drone"}, "kind"),
        ({"code": "Has Spaces"}, "code"),
        ({"prices": {"ZZZ": 100}}, "ZZZ"),
        ({"prices": {"PLN": -1}}, "prices.PLN"),
        ({"prices": {}}, "prices: give a price"),
        ({"free_above": {"USD": 100}}, "free_above: no price in USD"),
        ({"calendar_code": None}, "calendar_code: required"),
        ({"max_item_dimensions_mm": [100, 100]}, "max_item_dimensions_mm"),
        ({"max_item_dimensions_mm": [100, 0, 100]}, "max_item_dimensions_mm"),
        ({"max_weight_grams": 0}, "max_weight_grams"),
        ({"min_cart_value": {"PLN": 10}, "max_cart_value": {"PLN": 5}}, "above max_cart_value"),
        ({"allowed_category_ids": [GLASS]}, "cannot be allowed and excluded"),
        ({"requires_delivery_date": False, "calendar_code": None}, "only methods with a delivery"),
        ({"addons": [{"code": "x", "name": "X", "prices": {"PLN": 1}, "rule": "slot"}]}, "slot"),
        ({"addons": [{"code": "x", "name": "X", "prices": {"USD": 1}}]}, "x has a price in USD"),
    ],
)
async def test_bad_methods_are_refused_and_nothing_is_stored(
    client: AsyncClient, owned_shop: tuple[ShopRead, Staff], changes: dict[str, Any], says: str
) -> None:
    shop, owner = owned_shop
    refused = await client.post(url(shop), json=courier(**changes), headers=owner.headers)
    assert refused.status_code == 422, refused.text
    assert says in refused.json()["detail"]
    assert (await client.get(url(shop), headers=owner.headers)).json() == []


async def test_a_change_that_breaks_the_method_is_refused_and_changes_nothing(
    client: AsyncClient, container: Container, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    method = await create_shipping_method(container, shop=shop, code="post", prices={"PLN": 900})
    taken = await create_shipping_method(container, shop=shop, code="taken")
    for patch, status, error in (
        ({"requires_delivery_date": True}, 422, "InvalidShippingMethod"),
        ({"free_above": {"EUR": 100}}, 422, "InvalidShippingMethod"),
        ({"name": None}, 422, "ValidationError"),
        ({"code": taken.code}, 409, "ShippingCodeTaken"),
    ):
        response = await client.patch(url(shop, method.id), json=patch, headers=owner.headers)
        assert (response.status_code, response.json()["error"]) == (status, error), response.text
    duplicate = await client.post(url(shop), json=courier(code="post"), headers=owner.headers)
    assert duplicate.status_code == 409
    kept = (await client.get(url(shop, method.id), headers=owner.headers)).json()
    assert kept == {**method.model_dump(mode="json"), "updated_at": kept["updated_at"]}
    assert kept["requires_delivery_date"] is False and kept["code"] == "post"


async def test_migrated_shipping_tables_and_permissions_match_the_code(database_url: str) -> None:
    engine = create_async_engine(database_url)

    def differences(connection: Any) -> Any:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with engine.connect() as connection:
        diff = await connection.run_sync(differences)
        rows = (
            await connection.execute(
                select(RolePermission.role, RolePermission.permission).where(
                    RolePermission.permission.like("checkout.%")
                )
            )
        ).all()
    await engine.dispose()
    assert [d for d in diff if "shipping_" in repr(d)] == []
    seeded = {(str(role), permission) for role, permission in rows}
    expected = {
        (role.value, permission)
        for role, permissions in ROLE_PERMISSIONS.items()
        for permission in permissions
        if permission.startswith("checkout.")
    }
    assert seeded == expected and len(expected) == 8
