"""Products over HTTP: create with variants and prices, read, list, change, archive, rights."""

from __future__ import annotations

import asyncio
from typing import Any

from httpx import AsyncClient
from sqlalchemy import select

from shopkeeper.bootstrap import Container
from shopkeeper.bus.models import OutboxEvent
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.shops import ShopRead
from tests.builders import Staff, shop_with_owner, staff_member
from tests.builders.catalog import create_category, create_product, create_tax_class


def url(shop: ShopRead, path: str = "") -> str:
    return f"/api/v1/shops/{shop.slug}/products{path}"


TSHIRT: dict[str, Any] = {
    "kind": "physical",
    "name": "T-shirt Łódź",
    "description": "Organic cotton",
    "variants": [
        {
            "sku": "TS-S",
            "name": "S",
            "attributes": {"size": "S"},
            "weight_grams": 180,
            "dimensions": {"length_mm": 300, "width_mm": 200, "height_mm": 20},
            "stock": 5,
            "prices": [{"currency": "PLN", "amount": 7900}, {"currency": "eur", "amount": 1900}],
        },
        {
            "sku": "TS-M",
            "name": "M",
            "attributes": {"size": "M"},
            "stock": 0,
            "prices": [{"currency": "PLN", "amount": 7900}],
        },
    ],
}


async def test_owner_creates_a_product_with_variants_and_reads_it_back(
    client: AsyncClient, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    response = await client.post(url(shop), json=TSHIRT, headers=owner.headers)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["slug"] == "t-shirt-lodz" and created["published"] is False
    assert [v["sku"] for v in created["variants"]] == ["TS-S", "TS-M"]
    small = created["variants"][0]
    assert small["prices"] == [
        {"currency": "EUR", "amount": 1900},
        {"currency": "PLN", "amount": 7900},
    ]
    assert small["stock"] == 5 and small["tracks_stock"] is True
    assert small["dimensions"] == {"length_mm": 300, "width_mm": 200, "height_mm": 20}
    assert small["attributes"] == {"size": "S"} and small["weight_grams"] == 180

    again = await client.get(url(shop, f"/{created['id']}"), headers=owner.headers)
    assert again.status_code == 200 and again.json() == created


async def test_a_product_without_variants_gets_a_default_one(
    client: AsyncClient, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    body = {"kind": "digital", "name": "E-book", "prices": [{"currency": "XTR", "amount": 250}]}
    first = (await client.post(url(shop), json=body, headers=owner.headers)).json()
    second = (await client.post(url(shop), json=body, headers=owner.headers)).json()
    assert [v["sku"] for v in first["variants"]] == ["E-BOOK"]
    assert first["variants"][0]["prices"] == [{"currency": "XTR", "amount": 250}]
    assert first["variants"][0]["tracks_stock"] is False
    assert (second["slug"], second["variants"][0]["sku"]) == ("e-book-2", "E-BOOK-2")


async def test_plan_products_carry_their_terms(
    client: AsyncClient, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    plan = {"period_unit": "month", "period_count": 3, "trial_days": 7, "grace_days": 2}
    body = {
        "kind": "plan",
        "name": "VIP channel",
        "plan": plan,
        "prices": [{"currency": "RUB", "amount": 99000}],
    }
    response = await client.post(url(shop), json=body, headers=owner.headers)
    assert response.status_code == 201 and response.json()["plan"] == plan
    product_id = response.json()["id"]
    patched = await client.patch(
        url(shop, f"/{product_id}"),
        json={"plan": {**plan, "trial_days": 14}},
        headers=owner.headers,
    )
    assert patched.json()["plan"]["trial_days"] == 14
    cleared = await client.patch(
        url(shop, f"/{product_id}"), json={"plan": None}, headers=owner.headers
    )
    assert cleared.status_code == 422 and cleared.json()["error"] == "InvalidPlanTerms"


async def test_bad_input_is_refused_with_a_clear_error(
    client: AsyncClient, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    cases: list[tuple[dict[str, Any], str]] = [
        ({"kind": "digital", "name": "X", "prices": [{"currency": "ABC", "amount": 1}]}, "ABC"),
        ({"kind": "digital", "name": "X", "prices": [{"currency": "EUR", "amount": -1}]}, "amount"),
        ({"kind": "digital", "name": "X", "stock": 3}, "physical products only"),
        ({"kind": "plan", "name": "X"}, "plan terms"),
        ({"kind": "course", "name": "X", "plan": {"period_unit": "month"}}, "plan terms"),
        ({"kind": "gadget", "name": "X"}, "kind"),
        ({"kind": "digital", "name": "X", "slug": "Not A Slug"}, "slug"),
        ({"kind": "physical", "name": "X", "variants": [{"sku": "A"}, {"sku": "A"}]}, "own sku"),
        (
            {
                "kind": "digital",
                "name": "X",
                "prices": [{"currency": "EUR", "amount": 1}, {"currency": "eur", "amount": 2}],
            },
            "one price per currency",
        ),
    ]
    for body, mentioned in cases:
        response = await client.post(url(shop), json=body, headers=owner.headers)
        assert response.status_code == 422, (body, response.text)
        assert mentioned in response.json()["detail"], (body, response.text)


async def test_duplicate_slug_and_sku_are_conflicts(
    client: AsyncClient, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    base = {"kind": "physical", "name": "Mug", "slug": "mug", "sku": "MUG-1"}
    assert (await client.post(url(shop), json=base, headers=owner.headers)).status_code == 201
    same_slug = await client.post(url(shop), json={**base, "sku": "MUG-2"}, headers=owner.headers)
    assert same_slug.status_code == 409 and same_slug.json()["error"] == "SlugTaken"
    same_sku = await client.post(url(shop), json={**base, "slug": "mug-2"}, headers=owner.headers)
    assert same_sku.status_code == 409 and same_sku.json()["error"] == "SkuTaken"


async def test_other_shops_may_use_the_same_slug_and_sku(
    client: AsyncClient, container: Container, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    other, other_owner = await shop_with_owner(container, client)
    body = {"kind": "physical", "name": "Mug", "slug": "mug", "sku": "MUG-1"}
    assert (await client.post(url(shop), json=body, headers=owner.headers)).status_code == 201
    assert (
        await client.post(url(other), json=body, headers=other_owner.headers)
    ).status_code == 201


async def test_viewer_reads_but_cannot_write_and_other_shops_see_nothing(
    client: AsyncClient, container: Container, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, _ = owned_shop
    product = await create_product(container, shop=shop)
    viewer = await staff_member(container, client, shop=shop, role="viewer")
    one = url(shop, f"/{product.id}")
    assert (await client.get(one, headers=viewer.headers)).status_code == 200
    assert (await client.get(url(shop), headers=viewer.headers)).json()["total"] == 1
    writes = [
        client.post(url(shop), json={"kind": "digital", "name": "X"}, headers=viewer.headers),
        client.patch(one, json={"name": "Y"}, headers=viewer.headers),
        client.delete(one, headers=viewer.headers),
        client.post(one + "/unpublish", headers=viewer.headers),
    ]
    for call in writes:
        response = await call
        assert response.status_code == 403 and "catalog.write" in response.json()["detail"]

    other, stranger = await shop_with_owner(container, client)
    assert (await client.get(one, headers=stranger.headers)).status_code == 404
    assert (
        await client.patch(one, json={"name": "Y"}, headers=stranger.headers)
    ).status_code == 404
    # Through their own shop the product does not exist either.
    foreign = await client.get(url(other, f"/{product.id}"), headers=stranger.headers)
    assert foreign.status_code == 404 and foreign.json()["error"] == "ProductNotFound"


async def test_list_filters_and_pages(
    client: AsyncClient,
    container: Container,
    clock: FrozenClock,
    owned_shop: tuple[ShopRead, Staff],
) -> None:
    shop, owner = owned_shop
    books = await create_category(container, shop=shop, name="Books")
    novel = await create_product(
        container, shop=shop, kind="digital", name="Dune novel", category_id=books.id
    )
    clock.advance(seconds=1)
    await create_product(container, shop=shop, kind="physical", name="Mug", published=False)
    clock.advance(seconds=1)
    plan = await create_product(container, shop=shop, kind="plan", name="Club")

    async def names(**params: Any) -> list[str]:
        response = await client.get(url(shop), params=params, headers=owner.headers)
        assert response.status_code == 200, response.text
        return sorted(p["name"] for p in response.json()["items"])

    assert await names() == ["Club", "Dune novel", "Mug"]
    assert await names(kind="plan") == ["Club"]
    assert await names(published="false") == ["Mug"]
    assert await names(category_id=str(books.id)) == ["Dune novel"]
    assert await names(search="DUNE") == ["Dune novel"]
    assert await names(search=novel.variants[0].sku.lower()) == ["Dune novel"]
    assert await names(search="%") == []
    page = (
        await client.get(url(shop), params={"limit": 2, "offset": 2}, headers=owner.headers)
    ).json()
    assert (page["total"], page["limit"], page["offset"], len(page["items"])) == (3, 2, 2, 1)
    assert page["items"][0]["id"] == str(novel.id)  # newest first: Club, Mug, then Dune
    assert plan.plan is not None


async def test_patch_changes_fields_and_is_audited(
    client: AsyncClient, container: Container, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    product = await create_product(container, shop=shop, name="Mug")
    vat = await create_tax_class(container, shop=shop, rate_bp=800)
    patch = {"name": "Big mug", "tax_class_id": str(vat.id), "description": "450 ml"}
    response = await client.patch(url(shop, f"/{product.id}"), json=patch, headers=owner.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["name"], body["tax_class_id"], body["slug"]) == ("Big mug", str(vat.id), "mug")

    entries = (
        await client.get(
            f"/api/v1/shops/{shop.slug}/audit",
            params={"action": "product.updated"},
            headers=owner.headers,
        )
    ).json()
    [entry] = entries["items"]
    assert entry["actor_label"] == owner.user.email and entry["target_id"] == str(product.id)
    assert (entry["before"]["name"], entry["after"]["name"]) == ("Mug", "Big mug")


async def test_patch_refuses_nulls_foreign_references_and_taken_slugs(
    client: AsyncClient, container: Container, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    product = await create_product(container, shop=shop, name="Mug")
    await create_product(container, shop=shop, name="Cup")
    other, _ = await shop_with_owner(container, client)
    foreign = await create_category(container, shop=other, name="Theirs")
    one = url(shop, f"/{product.id}")
    null_name = await client.patch(one, json={"name": None}, headers=owner.headers)
    assert null_name.status_code == 422 and "cannot be null" in null_name.json()["detail"]
    bad_ref = await client.patch(one, json={"category_id": str(foreign.id)}, headers=owner.headers)
    assert bad_ref.status_code == 422 and bad_ref.json()["error"] == "InvalidReference"
    taken = await client.patch(one, json={"slug": "cup"}, headers=owner.headers)
    assert taken.status_code == 409 and taken.json()["error"] == "SlugTaken"


async def test_delete_archives_and_frees_the_slug(
    client: AsyncClient, container: Container, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    product = await create_product(container, shop=shop, name="Mug")
    one = url(shop, f"/{product.id}")
    assert (await client.delete(one, headers=owner.headers)).status_code == 204
    assert (await client.delete(one, headers=owner.headers)).status_code == 204  # idempotent
    archived = (await client.get(one, headers=owner.headers)).json()
    assert archived["archived_at"] is not None and archived["published"] is False
    assert (await client.get(url(shop), headers=owner.headers)).json()["total"] == 0
    listed = (
        await client.get(url(shop), params={"archived": "true"}, headers=owner.headers)
    ).json()
    assert [p["id"] for p in listed["items"]] == [str(product.id)]
    edit = await client.patch(one, json={"name": "X"}, headers=owner.headers)
    assert edit.status_code == 409 and edit.json()["error"] == "ProductArchived"
    body = {"kind": "physical", "name": "Mug", "sku": product.variants[0].sku}
    again = await client.post(url(shop), json=body, headers=owner.headers)
    assert again.status_code == 201 and again.json()["slug"] == "mug"


async def test_publish_and_unpublish(
    client: AsyncClient, container: Container, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    product = await create_product(container, shop=shop, published=False)
    one = url(shop, f"/{product.id}")
    published = await client.post(one + "/publish", headers=owner.headers)
    assert published.status_code == 200 and published.json()["published"] is True
    assert published.json()["published_at"] is not None
    await client.post(one + "/publish", headers=owner.headers)  # no second audit entry
    unpublished = await client.post(one + "/unpublish", headers=owner.headers)
    assert unpublished.json()["published"] is False
    actions = (await client.get(f"/api/v1/shops/{shop.slug}/audit", headers=owner.headers)).json()
    mine = [e["action"] for e in actions["items"] if e["target_id"] == str(product.id)]
    assert sorted(mine) == ["product.created", "product.published", "product.unpublished"]
    async with container.sessions() as session:
        events = (
            await session.scalars(
                select(OutboxEvent.payload).where(
                    OutboxEvent.name == "catalog.product_published.v1"
                )
            )
        ).all()
    assert events == [{"product_id": str(product.id), "shop_id": str(shop.id), "kind": "physical"}]
    missing = await client.post(url(shop, f"/{shop.id}/publish"), headers=owner.headers)
    assert missing.status_code == 404


async def test_racing_creates_with_one_slug_make_one_product_and_conflicts(
    client: AsyncClient, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop

    async def create(index: int) -> int:
        body = {"kind": "digital", "name": "Race", "slug": "race", "sku": f"RACE-{index}"}
        response = await client.post(url(shop), json=body, headers=owner.headers)
        assert response.status_code in (201, 409), response.text
        return response.status_code

    statuses = await asyncio.gather(*(create(i) for i in range(8)))
    assert sorted(statuses) == [201] + [409] * 7
    assert (await client.get(url(shop), headers=owner.headers)).json()["total"] == 1
