"""Categories, tax classes and the catalog settings over HTTP."""

from __future__ import annotations

from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from shopkeeper.shops import ShopRead
from tests.builders import Staff, shop_with_owner, staff_member
from tests.builders.catalog import create_category, create_product, create_tax_class


def base(shop: ShopRead) -> str:
    return f"/api/v1/shops/{shop.slug}"


async def test_category_tree_crud(
    client: AsyncClient, container: Container, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    url = base(shop) + "/categories"
    created = await client.post(url, json={"name": "Kawa i herbata"}, headers=owner.headers)
    assert created.status_code == 201 and created.json()["slug"] == "kawa-i-herbata"
    drinks = created.json()
    body = {"name": "Espresso", "parent_id": drinks["id"]}
    child = (await client.post(url, json=body, headers=owner.headers)).json()
    assert child["parent_id"] == drinks["id"]
    patch = {"name": "Ristretto", "position": 2}
    renamed = await client.patch(f"{url}/{child['id']}", json=patch, headers=owner.headers)
    assert (renamed.json()["name"], renamed.json()["slug"]) == ("Ristretto", "espresso")
    listed = (await client.get(url, headers=owner.headers)).json()
    assert [c["name"] for c in listed] == ["Kawa i herbata", "Ristretto"]
    one = await client.get(f"{url}/{drinks['id']}", headers=owner.headers)
    assert one.json() == drinks


async def test_category_rules(
    client: AsyncClient, container: Container, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    url = base(shop) + "/categories"
    drinks = await create_category(container, shop=shop, name="Drinks")
    child = await create_category(container, shop=shop, name="Espresso", parent_id=drinks.id)
    for parent in (child.id, drinks.id):
        cycle = await client.patch(
            f"{url}/{drinks.id}", json={"parent_id": str(parent)}, headers=owner.headers
        )
        assert cycle.status_code == 422 and cycle.json()["error"] == "CategoryCycle"
    dup = await client.post(url, json={"name": "X", "slug": "espresso"}, headers=owner.headers)
    assert dup.status_code == 409 and dup.json()["error"] == "SlugTaken"
    has_children = await client.delete(f"{url}/{drinks.id}", headers=owner.headers)
    assert has_children.status_code == 409
    assert has_children.json()["error"] == "CategoryHasChildren"


async def test_deleting_a_category_uncategorises_its_products(
    client: AsyncClient, container: Container, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    category = await create_category(container, shop=shop, name="Mugs")
    product = await create_product(container, shop=shop, category_id=category.id)
    deleted = await client.delete(f"{base(shop)}/categories/{category.id}", headers=owner.headers)
    assert deleted.status_code == 204
    read = await client.get(f"{base(shop)}/products/{product.id}", headers=owner.headers)
    assert read.json()["category_id"] is None
    gone = await client.get(f"{base(shop)}/categories/{category.id}", headers=owner.headers)
    assert gone.status_code == 404 and gone.json()["error"] == "CategoryNotFound"


async def test_tax_classes_crud(
    client: AsyncClient, container: Container, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    body = {"code": "PL-23", "name": "VAT 23 %", "rate_bp": 2300}
    created = await client.post(base(shop) + "/tax-classes", json=body, headers=owner.headers)
    assert created.status_code == 201, created.text
    tax_id = created.json()["id"]
    again = await client.post(base(shop) + "/tax-classes", json=body, headers=owner.headers)
    assert again.status_code == 409 and again.json()["error"] == "TaxCodeTaken"
    for rate in (-1, 10_001):
        bad = await client.post(
            base(shop) + "/tax-classes",
            json={**body, "code": "X", "rate_bp": rate},
            headers=owner.headers,
        )
        assert bad.status_code == 422
    changed = await client.patch(
        f"{base(shop)}/tax-classes/{tax_id}", json={"rate_bp": 800}, headers=owner.headers
    )
    assert changed.json()["rate_bp"] == 800
    one = await client.get(f"{base(shop)}/tax-classes/{tax_id}", headers=owner.headers)
    assert one.json()["code"] == "PL-23"

    product = await create_product(container, shop=shop, tax_class_id=created.json()["id"])
    in_use = await client.delete(f"{base(shop)}/tax-classes/{tax_id}", headers=owner.headers)
    assert in_use.status_code == 409 and in_use.json()["error"] == "TaxClassInUse"
    await client.delete(f"{base(shop)}/products/{product.id}", headers=owner.headers)
    assert (
        await client.delete(f"{base(shop)}/tax-classes/{tax_id}", headers=owner.headers)
    ).status_code == 204
    assert (await client.get(base(shop) + "/tax-classes", headers=owner.headers)).json() == []


async def test_catalog_settings_default_to_prices_including_tax(
    client: AsyncClient, container: Container, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    viewer = await staff_member(container, client, shop=shop, role="viewer")
    url = base(shop) + "/catalog/settings"
    assert (await client.get(url, headers=viewer.headers)).json() == {"prices_include_tax": True}
    refused = await client.put(url, json={"prices_include_tax": False}, headers=viewer.headers)
    assert refused.status_code == 403
    changed = await client.put(url, json={"prices_include_tax": False}, headers=owner.headers)
    assert changed.json() == {"prices_include_tax": False}
    assert (await client.get(url, headers=owner.headers)).json() == {"prices_include_tax": False}
    audit = (
        await client.get(
            base(shop) + "/audit",
            params={"action": "catalog_settings.updated"},
            headers=owner.headers,
        )
    ).json()
    [entry] = audit["items"]
    assert entry["before"] == {"prices_include_tax": True}
    assert entry["after"] == {"prices_include_tax": False}


async def test_taxonomy_of_other_shops_is_invisible(
    client: AsyncClient, container: Container, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    other, _ = await shop_with_owner(container, client)
    their_category = await create_category(container, shop=other, name="Theirs")
    their_tax = await create_tax_class(container, shop=other)
    assert (
        await client.get(f"{base(shop)}/categories/{their_category.id}", headers=owner.headers)
    ).status_code == 404
    assert (
        await client.patch(
            f"{base(shop)}/tax-classes/{their_tax.id}", json={"rate_bp": 1}, headers=owner.headers
        )
    ).status_code == 404
    assert (await client.get(f"{base(other)}/categories", headers=owner.headers)).status_code == 404
    foreign_parent = await client.post(
        base(shop) + "/categories",
        json={"name": "X", "parent_id": str(their_category.id)},
        headers=owner.headers,
    )
    assert foreign_parent.status_code == 422
