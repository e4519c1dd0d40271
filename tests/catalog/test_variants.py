"""Variants, prices per currency and stock over HTTP."""

from __future__ import annotations

from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from shopkeeper.catalog import ProductRead
from shopkeeper.shops import ShopRead
from tests.builders import Staff, staff_member
from tests.builders.catalog import create_product


def vurl(shop: ShopRead, product: ProductRead, path: str = "") -> str:
    return f"/api/v1/shops/{shop.slug}/products/{product.id}/variants{path}"


async def test_add_patch_and_archive_variants(
    client: AsyncClient, container: Container, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    product = await create_product(container, shop=shop, stock=3)
    body = {
        "sku": "MUG-XL",
        "name": "XL",
        "attributes": {"size": "XL", "handle": True},
        "stock": 2,
        "prices": [{"currency": "USD", "amount": 1500}],
    }
    added = await client.post(vurl(shop, product), json=body, headers=owner.headers)
    assert added.status_code == 201, added.text
    variant = added.json()
    assert variant["position"] == 1 and variant["prices"] == [{"currency": "USD", "amount": 1500}]

    one = vurl(shop, product, f"/{variant['id']}")
    patch = {
        "name": "Extra large",
        "weight_grams": 500,
        "dimensions": {"length_mm": 10, "width_mm": 10, "height_mm": 12},
    }
    patched = await client.patch(one, json=patch, headers=owner.headers)
    assert patched.status_code == 200, patched.text
    assert (patched.json()["name"], patched.json()["weight_grams"]) == ("Extra large", 500)
    assert patched.json()["stock"] == 2  # stock has its own calls

    assert (await client.delete(one, headers=owner.headers)).status_code == 204
    read = await client.get(
        f"/api/v1/shops/{shop.slug}/products/{product.id}", headers=owner.headers
    )
    assert [v["sku"] for v in read.json()["variants"]] == [product.variants[0].sku]
    last = await client.delete(
        vurl(shop, product, f"/{product.variants[0].id}"), headers=owner.headers
    )
    assert last.status_code == 409 and last.json()["error"] == "LastVariant"
    gone = await client.patch(one, json={"name": "X"}, headers=owner.headers)
    assert gone.status_code == 404 and gone.json()["error"] == "VariantNotFound"


async def test_variant_rules(
    client: AsyncClient, container: Container, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    mug = await create_product(container, shop=shop)
    ebook = await create_product(container, shop=shop, kind="digital")
    taken = await client.post(
        vurl(shop, ebook), json={"sku": mug.variants[0].sku}, headers=owner.headers
    )
    assert taken.status_code == 409 and taken.json()["error"] == "SkuTaken"
    stock = await client.post(vurl(shop, ebook), json={"stock": 1}, headers=owner.headers)
    assert stock.status_code == 422 and stock.json()["error"] == "StockNotAllowed"
    weight = await client.patch(
        vurl(shop, ebook, f"/{ebook.variants[0].id}"),
        json={"weight_grams": 10},
        headers=owner.headers,
    )
    assert weight.status_code == 422
    rename = await client.patch(
        vurl(shop, ebook, f"/{ebook.variants[0].id}"),
        json={"sku": mug.variants[0].sku},
        headers=owner.headers,
    )
    assert rename.status_code == 409
    # A variant is addressed through its own product only.
    crossed = await client.patch(
        vurl(shop, ebook, f"/{mug.variants[0].id}"), json={"name": "X"}, headers=owner.headers
    )
    assert crossed.status_code == 404


async def test_prices_per_currency(
    client: AsyncClient, container: Container, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    product = await create_product(container, shop=shop, prices={"EUR": 1000})
    prices = vurl(shop, product, f"/{product.variants[0].id}/prices")
    stars = await client.put(prices + "/xtr", json={"amount": 75}, headers=owner.headers)
    assert stars.status_code == 200, stars.text
    assert stars.json()["prices"] == [
        {"currency": "EUR", "amount": 1000},
        {"currency": "XTR", "amount": 75},
    ]
    changed = await client.put(prices + "/EUR", json={"amount": 1200}, headers=owner.headers)
    assert changed.json()["prices"][0] == {"currency": "EUR", "amount": 1200}
    assert (await client.delete(prices + "/XTR", headers=owner.headers)).status_code == 204
    missing = await client.delete(prices + "/XTR", headers=owner.headers)
    assert missing.status_code == 422 and missing.json()["error"] == "PriceNotFound"

    for code, amount in (("QQQ", 1), ("EURO", 1), ("USD", -5), ("USD", 10**16)):
        bad = await client.put(f"{prices}/{code}", json={"amount": amount}, headers=owner.headers)
        assert bad.status_code == 422, (code, amount, bad.text)
    audit = (
        await client.get(
            f"/api/v1/shops/{shop.slug}/audit",
            params={"action": "price.set"},
            headers=owner.headers,
        )
    ).json()
    assert audit["total"] == 2


async def test_stock_adjust_adds_and_removes_but_never_below_zero(
    client: AsyncClient, container: Container, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    product = await create_product(container, shop=shop, stock=5)
    base = vurl(shop, product, f"/{product.variants[0].id}/stock")
    delivery = await client.post(
        base + "/adjust", json={"delta": 10, "reason": "delivery"}, headers=owner.headers
    )
    assert delivery.status_code == 200 and delivery.json()["stock"] == 15
    broken = await client.post(
        base + "/adjust", json={"delta": -4, "reason": "broken"}, headers=owner.headers
    )
    assert broken.json()["stock"] == 11
    too_many = await client.post(
        base + "/adjust", json={"delta": -12, "reason": "count"}, headers=owner.headers
    )
    assert too_many.status_code == 409 and too_many.json()["error"] == "OutOfStock"
    assert "available: 11" in too_many.json()["detail"]
    zero = await client.post(
        base + "/adjust", json={"delta": 0, "reason": "x"}, headers=owner.headers
    )
    assert zero.status_code == 422


async def test_stock_set_after_a_stocktake_or_untracked(
    client: AsyncClient, container: Container, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    product = await create_product(container, shop=shop, stock=11)
    base = vurl(shop, product, f"/{product.variants[0].id}/stock")
    counted = await client.put(
        base, json={"stock": 7, "reason": "stocktake"}, headers=owner.headers
    )
    assert counted.json() == {
        "variant_id": str(product.variants[0].id),
        "sku": product.variants[0].sku,
        "stock": 7,
    }
    untracked = await client.put(
        base, json={"stock": None, "reason": "made to order"}, headers=owner.headers
    )
    assert untracked.json()["stock"] is None
    adjust_untracked = await client.post(
        base + "/adjust", json={"delta": 1, "reason": "x"}, headers=owner.headers
    )
    assert adjust_untracked.status_code == 409 and adjust_untracked.json()["error"] == (
        "StockNotTracked"
    )
    audit = (
        await client.get(
            f"/api/v1/shops/{shop.slug}/audit",
            params={"action": "stock.set"},
            headers=owner.headers,
        )
    ).json()
    assert {e["after"]["reason"] for e in audit["items"]} == {"stocktake", "made to order"}
    assert {e["before"]["stock"] for e in audit["items"]} == {11, 7}


async def test_only_physical_products_take_a_stock_count(
    client: AsyncClient, container: Container, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    course = await create_product(container, shop=shop, kind="course")
    base = vurl(shop, course, f"/{course.variants[0].id}/stock")
    refused = await client.put(base, json={"stock": 3, "reason": "x"}, headers=owner.headers)
    assert refused.status_code == 422 and refused.json()["error"] == "StockNotAllowed"


async def test_cashier_cannot_change_variants_prices_or_stock(
    client: AsyncClient, container: Container, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, _ = owned_shop
    product = await create_product(container, shop=shop, stock=1)
    cashier = await staff_member(container, client, shop=shop, role="cashier")
    one = vurl(shop, product, f"/{product.variants[0].id}")
    calls = [
        client.post(vurl(shop, product), json={}, headers=cashier.headers),
        client.put(one + "/prices/EUR", json={"amount": 1}, headers=cashier.headers),
        client.post(
            one + "/stock/adjust", json={"delta": 1, "reason": "x"}, headers=cashier.headers
        ),
        client.put(one + "/stock", json={"stock": 1, "reason": "x"}, headers=cashier.headers),
    ]
    for call in calls:
        assert (await call).status_code == 403
