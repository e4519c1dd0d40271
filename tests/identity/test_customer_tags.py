"""Customer tags: staff tag customers through the API (normalised, idempotent, audited), per
shop and per permission; a merge leaves the survivor with both customers' tags."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from httpx import AsyncClient

from shopkeeper import identity
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.identity import CustomerRead
from shopkeeper.shops import Role, ShopRead
from tests.builders.staff import Staff, shop_with_owner, staff_member


async def _customer(container: Container, shop: ShopRead, kind: str, value: str) -> CustomerRead:
    async with unit_of_work(container.sessions) as session:
        return await identity.find_or_create_customer(
            session, shop_id=shop.id, kind=kind, value=value, now=container.clock.now()
        )


def _tags_url(shop: ShopRead, customer_id: object, tag: str | None = None) -> str:
    url = f"/api/v1/shops/{shop.slug}/customers/{customer_id}/tags"
    return url if tag is None else f"{url}/{tag}"


async def _tags(client: AsyncClient, staff: Staff, shop: ShopRead, customer_id: object) -> Any:
    response = await client.get(_tags_url(shop, customer_id), headers=staff.headers)
    assert response.status_code == 200, response.text
    return response.json()["tags"]


async def _put(
    client: AsyncClient, staff: Staff, shop: ShopRead, customer_id: object, tag: str
) -> Any:
    response = await client.put(_tags_url(shop, customer_id, tag), headers=staff.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def _usage(client: AsyncClient, staff: Staff, shop: ShopRead) -> dict[str, int]:
    response = await client.get(f"/api/v1/shops/{shop.slug}/customer-tags", headers=staff.headers)
    assert response.status_code == 200, response.text
    return {row["tag"]: row["customers"] for row in response.json()}


async def test_staff_tag_list_count_and_untag_customers_with_an_audit_trail(
    client: AsyncClient, container: Container
) -> None:
    shop, owner = await shop_with_owner(container, client)
    ann = await _customer(container, shop, "email", "ann@example.com")
    bob = await _customer(container, shop, "email", "bob@example.com")

    added = await _put(client, owner, shop, ann.id, "%20VIP%20")  # " VIP "
    assert added == {"customer_id": str(ann.id), "tags": ["vip"]}
    assert (await _put(client, owner, shop, ann.id, "vip"))["tags"] == ["vip"]  # idempotent
    await _put(client, owner, shop, ann.id, "early-bird_2")
    await _put(client, owner, shop, bob.id, "Vip")
    assert await _tags(client, owner, shop, ann.id) == ["early-bird_2", "vip"]
    assert await _usage(client, owner, shop) == {"early-bird_2": 1, "vip": 2}
    async with unit_of_work(container.sessions) as session:
        read = await identity.get_customer(session, shop_id=shop.id, customer_id=ann.id)
    assert read.tags == ["early-bird_2", "vip"]

    removed = await client.delete(_tags_url(shop, ann.id, "VIP"), headers=owner.headers)
    assert removed.status_code == 204, removed.text
    again = await client.delete(_tags_url(shop, ann.id, "vip"), headers=owner.headers)
    assert again.status_code == 404 and again.json()["error"] == "TagNotFound"
    assert await _tags(client, owner, shop, ann.id) == ["early-bird_2"]
    assert await _usage(client, owner, shop) == {"early-bird_2": 1, "vip": 1}

    audit = await client.get(
        f"/api/v1/shops/{shop.slug}/audit", params={"target_type": "customer"},
        headers=owner.headers,
    )  # fmt: skip
    entries = [
        (e["action"], e["before"], e["after"])
        for e in audit.json()["items"]
        if e["target_id"] == str(ann.id)
    ]
    # The repeated add changed nothing, so it is not in the log.
    assert sorted(entries, key=str) == sorted([
        ("customer.tag_added", {"tags": []}, {"tags": ["vip"]}),
        ("customer.tag_added", {"tags": ["vip"]}, {"tags": ["early-bird_2", "vip"]}),
        ("customer.tag_removed", {"tags": ["early-bird_2", "vip"]}, {"tags": ["early-bird_2"]}),
    ], key=str)  # fmt: skip


@pytest.mark.parametrize(
    "tag", ["two%20words", "x" * 41, "vip!", "%20%20", "caf%C3%A9%3F", "a.b", "%F0%9F%8E%81"]
)
async def test_an_invalid_tag_is_refused_and_changes_nothing(
    client: AsyncClient, container: Container, tag: str
) -> None:
    shop, owner = await shop_with_owner(container, client)
    ann = await _customer(container, shop, "email", "ann@example.com")
    await _put(client, owner, shop, ann.id, "vip")

    for method in ("PUT", "DELETE"):
        response = await client.request(method, _tags_url(shop, ann.id, tag), headers=owner.headers)
        assert response.status_code == 422, (method, response.text)
        assert response.json()["error"] == "InvalidTag"
    assert await _tags(client, owner, shop, ann.id) == ["vip"]


async def test_tags_of_any_script_and_length_40_are_fine(
    client: AsyncClient, container: Container
) -> None:
    shop, owner = await shop_with_owner(container, client)
    ann = await _customer(container, shop, "email", "ann@example.com")
    await _put(client, owner, shop, ann.id, "%D0%92%D0%98%D0%9F")  # "ВИП"
    await _put(client, owner, shop, ann.id, "x" * 40)
    assert await _tags(client, owner, shop, ann.id) == ["x" * 40, "вип"]


async def test_a_viewer_reads_tags_but_cannot_change_them(
    client: AsyncClient, container: Container
) -> None:
    shop, owner = await shop_with_owner(container, client)
    viewer = await staff_member(container, client, shop=shop, role=Role.VIEWER)
    cashier = await staff_member(container, client, shop=shop, role=Role.CASHIER)
    ann = await _customer(container, shop, "email", "ann@example.com")
    await _put(client, owner, shop, ann.id, "vip")

    refused_put = await client.put(_tags_url(shop, ann.id, "gold"), headers=viewer.headers)
    refused_delete = await client.delete(_tags_url(shop, ann.id, "vip"), headers=viewer.headers)
    assert (refused_put.status_code, refused_delete.status_code) == (403, 403)
    assert await _tags(client, viewer, shop, ann.id) == ["vip"]
    assert await _usage(client, viewer, shop) == {"vip": 1}
    await _put(client, cashier, shop, ann.id, "gold")  # cashiers have customers.write
    assert await _tags(client, viewer, shop, ann.id) == ["gold", "vip"]


async def test_other_shops_and_unknown_customers_are_not_found(
    client: AsyncClient, container: Container
) -> None:
    shop, owner = await shop_with_owner(container, client)
    other, other_owner = await shop_with_owner(container, client)
    theirs = await _customer(container, other, "email", "ann@example.com")
    await _put(client, other_owner, other, theirs.id, "vip")

    for method, url in (
        ("GET", _tags_url(other, theirs.id)),  # a shop I am not staff of
        ("PUT", _tags_url(other, theirs.id, "gold")),
        ("DELETE", _tags_url(other, theirs.id, "vip")),
        ("GET", _tags_url(shop, theirs.id)),  # their customer under my shop
        ("PUT", _tags_url(shop, theirs.id, "gold")),
        ("DELETE", _tags_url(shop, theirs.id, "vip")),
        ("GET", _tags_url(shop, uuid.uuid4())),  # nobody's
        ("PUT", _tags_url(shop, uuid.uuid4(), "gold")),
    ):
        response = await client.request(method, url, headers=owner.headers)
        assert response.status_code == 404, (method, url, response.text)
    mine = await client.get(f"/api/v1/shops/{other.slug}/customer-tags", headers=owner.headers)
    assert mine.status_code == 404
    assert await _usage(client, owner, shop) == {}
    assert await _tags(client, other_owner, other, theirs.id) == ["vip"]


async def test_a_merge_gives_the_survivor_both_customers_tags_once(
    client: AsyncClient, container: Container
) -> None:
    shop, owner = await shop_with_owner(container, client)
    older = await _customer(container, shop, "telegram", "1001")
    newer = await _customer(container, shop, "email", "ann@example.com")
    for tag in ("vip", "gold"):
        await _put(client, owner, shop, older.id, tag)
    for tag in ("vip", "wholesale"):
        await _put(client, owner, shop, newer.id, tag)

    async with unit_of_work(container.sessions) as session:
        merged = await identity.link_identity(
            session, shop_id=shop.id, customer_id=newer.id, kind="telegram", value="1001",
            now=container.clock.now(),
        )  # fmt: skip

    assert merged.id == older.id and merged.tags == ["gold", "vip", "wholesale"]
    assert await _tags(client, owner, shop, older.id) == ["gold", "vip", "wholesale"]
    assert await _tags(client, owner, shop, newer.id) == ["gold", "vip", "wholesale"]
    assert await _usage(client, owner, shop) == {"gold": 1, "vip": 1, "wholesale": 1}
    await _put(client, owner, shop, newer.id, "late")  # the merged-away id tags the survivor
    assert await _tags(client, owner, shop, older.id) == ["gold", "late", "vip", "wholesale"]
    async with unit_of_work(container.sessions) as session:
        tagged = await identity.customers_tagged(
            session, shop_id=shop.id, tags=["wholesale", "gold"], match="all"
        )
    assert tagged == {older.id}


async def test_customers_tagged_matches_any_or_all(
    client: AsyncClient, container: Container
) -> None:
    shop, owner = await shop_with_owner(container, client)
    ann, bob, cyd = [
        await _customer(container, shop, "email", f"{n}@example.com") for n in ("a", "b", "c")
    ]
    await _put(client, owner, shop, ann.id, "vip")
    await _put(client, owner, shop, bob.id, "vip")
    await _put(client, owner, shop, bob.id, "gold")
    await _put(client, owner, shop, cyd.id, "gold")
    other, other_owner = await shop_with_owner(container, client)
    stranger = await _customer(container, other, "email", "a@example.com")
    await _put(client, other_owner, other, stranger.id, "vip")

    async with unit_of_work(container.sessions) as session:

        async def tagged(tags: list[str], match: Any) -> set[uuid.UUID]:
            return await identity.customers_tagged(session, shop_id=shop.id, tags=tags, match=match)

        assert await tagged(["VIP", "gold"], "any") == {ann.id, bob.id, cyd.id}
        assert await tagged(["vip", "gold", "gold"], "all") == {bob.id}
        assert await tagged(["vip", "nobody"], "all") == set()
        assert await tagged(["vip"], "any") == {ann.id, bob.id}


async def test_migrated_tag_table_matches_the_model(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy.ext.asyncio import create_async_engine

    from shopkeeper.models import Base

    def differences(connection: Any) -> Any:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        diff = await connection.run_sync(differences)
    await engine.dispose()
    assert [d for d in diff if "identity_customer_tag" in repr(d)] == []
