"""Warranty offers over HTTP: CRUD, audit, what may be offered for what, permissions, tenancy."""

from __future__ import annotations

import uuid

from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from shopkeeper.catalog import ProductRead
from shopkeeper.shops import ShopRead
from tests.builders import Staff, shop_with_owner, staff_member
from tests.builders.catalog import create_product
from tests.builders.services import create_sku_product, create_warranty_offer


def url(shop: ShopRead, offer_id: object = None) -> str:
    base = f"/api/v1/shops/{shop.slug}/warranty-offers"
    return base if offer_id is None else f"{base}/{offer_id}"


async def fridge_and_warranties(
    container: Container, shop: ShopRead
) -> tuple[ProductRead, ProductRead, ProductRead]:
    fridge = await create_product(container, shop=shop, name="Fridge", prices={"PLN": 250_000})
    two_years = await create_sku_product(
        container,
        shop=shop,
        kind="warranty",
        sku="WAR-24",
        name="Extended warranty 24 m",
        prices={"PLN": 19_900},
    )
    five_years = await create_sku_product(
        container,
        shop=shop,
        kind="warranty",
        sku="WAR-60",
        name="Extended warranty 60 m",
        prices={"PLN": 39_900},
    )
    return fridge, two_years, five_years


async def test_warranty_offers_crud_is_audited(container: Container, client: AsyncClient) -> None:
    shop, owner = await shop_with_owner(container, client, currency="PLN")
    fridge, two_years, five_years = await fridge_and_warranties(container, shop)
    body = {"product_id": str(fridge.id), "variant_id": str(two_years.variants[0].id), "months": 24}
    created = await client.post(url(shop), json=body, headers=owner.headers)
    assert created.status_code == 201, created.text
    offer = created.json()
    assert (offer["product_id"], offer["months"], offer["active"]) == (str(fridge.id), 24, True)
    longer = await client.post(
        url(shop),
        headers=owner.headers,
        json={
            "product_id": str(fridge.id),
            "variant_id": str(five_years.variants[0].id),
            "months": 60,
            "active": False,
        },
    )
    assert longer.status_code == 201
    again = await client.post(url(shop), json=body, headers=owner.headers)
    assert again.status_code == 409 and again.json()["error"] == "WarrantyOfferExists"

    listed = (await client.get(url(shop), headers=owner.headers)).json()
    assert [o["months"] for o in listed] == [24, 60]
    filtered = await client.get(
        url(shop), params={"product_id": str(uuid.uuid4())}, headers=owner.headers
    )
    assert filtered.json() == []

    patched = await client.patch(
        url(shop, offer["id"]), json={"months": 36, "active": False}, headers=owner.headers
    )
    assert patched.status_code == 200, patched.text
    one = (await client.get(url(shop, offer["id"]), headers=owner.headers)).json()
    assert (one["months"], one["active"]) == (36, False)
    nulls = await client.patch(url(shop, offer["id"]), json={"months": None}, headers=owner.headers)
    assert nulls.status_code == 422
    bad = await client.patch(url(shop, offer["id"]), json={"months": 0}, headers=owner.headers)
    assert bad.status_code == 422

    assert (await client.delete(url(shop, offer["id"]), headers=owner.headers)).status_code == 204
    gone = await client.get(url(shop, offer["id"]), headers=owner.headers)
    assert gone.status_code == 404 and gone.json()["error"] == "WarrantyOfferNotFound"

    audit = await client.get(
        f"/api/v1/shops/{shop.slug}/audit",
        params={"target_type": "warranty_offer", "target_id": offer["id"]},
        headers=owner.headers,
    )
    entries = {e["action"]: e for e in audit.json()["items"]}
    assert set(entries) == {
        "warranty_offer.created",
        "warranty_offer.updated",
        "warranty_offer.deleted",
    }
    assert entries["warranty_offer.updated"]["before"]["months"] == 24
    assert entries["warranty_offer.updated"]["after"]["months"] == 36
    assert entries["warranty_offer.deleted"]["before"]["variant_id"] == str(
        two_years.variants[0].id
    )


async def test_only_a_warranty_variant_for_a_live_physical_product_of_the_shop(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client, currency="PLN")
    fridge, two_years, _ = await fridge_and_warranties(container, shop)
    ebook = await create_product(container, shop=shop, kind="digital", name="E-book")
    install = await create_sku_product(
        container, shop=shop, kind="service", sku="SVC-I", prices={"PLN": 100}
    )
    other, _ = await shop_with_owner(container, client)
    their_fridge = await create_product(container, shop=other, name="Their fridge")
    their_warranty = await create_sku_product(
        container, shop=other, kind="warranty", sku="WAR-X", prices={"PLN": 100}
    )
    archived = await create_product(container, shop=shop, name="Old fridge")
    archive = await client.delete(
        f"/api/v1/shops/{shop.slug}/products/{archived.id}", headers=owner.headers
    )
    assert archive.is_success, archive.text
    warranty_variant = two_years.variants[0].id
    cases = [
        (
            ebook.id,
            warranty_variant,
            "product_id: 'E-book' is a digital product; warranties cover physical products only",
        ),
        (
            two_years.id,
            warranty_variant,
            "product_id: 'Extended warranty 24 m' is a warranty product; warranties cover physical",
        ),
        (their_fridge.id, warranty_variant, f"product_id: no product {their_fridge.id} in this"),
        (archived.id, warranty_variant, "product_id: 'Old fridge' is archived"),
        (fridge.id, install.variants[0].id, "variant_id: "),
        (fridge.id, fridge.variants[0].id, "is not a live variant of a warranty product"),
        (fridge.id, their_warranty.variants[0].id, "is not a live variant of a warranty product"),
    ]
    for product_id, variant_id, says in cases:
        refused = await client.post(
            url(shop),
            headers=owner.headers,
            json={"product_id": str(product_id), "variant_id": str(variant_id), "months": 12},
        )
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"] == "InvalidWarrantyOffer"
        assert refused.json()["detail"].startswith(says) or says in refused.json()["detail"]
    assert (await client.get(url(shop), headers=owner.headers)).json() == []
    for months in (0, 241):
        body = {"product_id": str(fridge.id), "variant_id": str(warranty_variant), "months": months}
        assert (await client.post(url(shop), json=body, headers=owner.headers)).status_code == 422


async def test_readers_read_writers_write_other_shops_see_nothing(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client, currency="PLN")
    fridge, two_years, five_years = await fridge_and_warranties(container, shop)
    offer = await create_warranty_offer(
        container, shop=shop, product_id=fridge.id, variant_id=two_years.variants[0].id
    )
    body = {
        "product_id": str(fridge.id),
        "variant_id": str(five_years.variants[0].id),
        "months": 60,
    }
    for role in ("viewer", "cashier"):
        reader: Staff = await staff_member(container, client, shop=shop, role=role)
        assert (await client.get(url(shop, offer.id), headers=reader.headers)).status_code == 200
        assert (await client.post(url(shop), json=body, headers=reader.headers)).status_code == 403
        patch = await client.patch(url(shop, offer.id), json={"months": 1}, headers=reader.headers)
        assert patch.status_code == 403
        assert (await client.delete(url(shop, offer.id), headers=reader.headers)).status_code == 403
    manager = await staff_member(container, client, shop=shop, role="manager")
    assert (await client.post(url(shop), json=body, headers=manager.headers)).status_code == 201
    assert (await client.get(url(shop))).status_code == 401

    other, stranger = await shop_with_owner(container, client)
    assert (await client.get(url(shop), headers=stranger.headers)).status_code == 404
    for call in (
        client.get(url(other, offer.id), headers=stranger.headers),
        client.patch(url(other, offer.id), json={"months": 1}, headers=stranger.headers),
        client.delete(url(other, offer.id), headers=stranger.headers),
    ):
        response = await call
        assert response.status_code == 404 and response.json()["error"] == "WarrantyOfferNotFound"
    smuggled = await client.post(url(other), json=body, headers=stranger.headers)
    assert smuggled.status_code == 422  # their shop has no such product
    kept = (await client.get(url(shop, offer.id), headers=owner.headers)).json()
    assert kept["months"] == 24
