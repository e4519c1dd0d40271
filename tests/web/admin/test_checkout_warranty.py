"""The admin's warranty offers: list (by product), add one, refusals beside their fields
(nothing saved), change its length or pause it, remove it after a confirmation, inert names."""

from __future__ import annotations

import uuid

from httpx import AsyncClient

from shopkeeper import shops
from shopkeeper.bootstrap import Container
from shopkeeper.catalog import ProductRead
from shopkeeper.checkout import warranty
from tests.builders.catalog import create_product
from tests.builders.services import create_sku_product, create_warranty_offer
from tests.web.admin.support import HOSTILE, OWNER, field_error, token, warranty_url
from tests.web.seed import World, sign_in


async def offers_of(container: Container, shop: shops.ShopRead) -> list[warranty.WarrantyOfferRead]:
    async with container.readers() as session:
        return await warranty.list_offers(session, shop_id=shop.id)


async def fridge_and_warranty(
    container: Container, shop: shops.ShopRead, name: str = "Fridge"
) -> tuple[ProductRead, ProductRead]:
    fridge = await create_product(container, shop=shop, name=name, prices={"PLN": 250000})
    extra = await create_sku_product(
        container,
        shop=shop,
        kind="warranty",
        sku="W-FRIDGE",
        name="Extended warranty",
        prices={"PLN": 19900},
    )
    return fridge, extra


async def test_an_offer_is_added_listed_changed_and_removed(
    client: AsyncClient, container: Container, north: shops.ShopRead
) -> None:
    fridge, extra = await fridge_and_warranty(container, north)
    await sign_in(client, OWNER)
    page = await client.get(warranty_url())
    assert page.status_code == 200 and 'id="no-offers"' in page.text
    assert f'<option value="{fridge.id}"' in page.text
    assert f'<option value="{extra.variants[0].id}"' in page.text
    csrf = await token(client, warranty_url())

    created = await client.post(
        warranty_url(),
        data={
            "csrf_token": csrf,
            "product_id": str(fridge.id),
            "variant_id": str(extra.variants[0].id),
            "months": "36",
            "active": "on",
        },
    )

    assert created.status_code == 303 and created.headers["location"] == warranty_url()
    [offer] = await offers_of(container, north)
    assert (offer.product_id, offer.months, offer.active) == (fridge.id, 36, True)
    listing = (await client.get(warranty_url())).text.replace("\u00a0", " ")
    assert "Fridge" in listing and "Extended warranty" in listing and "199,00 zł" in listing
    assert "36 months" in listing and ">Offered<" in listing
    filtered = await client.get(warranty_url(f"?product={uuid.uuid4()}"))
    assert filtered.status_code == 200 and 'id="no-offers"' in filtered.text

    edit = await client.get(warranty_url(f"/{offer.id}"))
    assert edit.status_code == 200 and 'value="36"' in edit.text
    changed = await client.post(
        warranty_url(f"/{offer.id}"), data={"csrf_token": csrf, "months": "12"}
    )
    assert changed.status_code == 303
    [offer] = await offers_of(container, north)
    assert (offer.months, offer.active) == (12, False)  # unticked: paused
    assert ">Paused<" in (await client.get(warranty_url())).text

    confirm = await client.get(warranty_url(f"/{offer.id}/remove"))
    assert confirm.status_code == 200 and "Remove this warranty offer?" in confirm.text
    assert await offers_of(container, north)  # asking removes nothing
    removed = await client.post(warranty_url(f"/{offer.id}/remove"), data={"csrf_token": csrf})
    assert removed.status_code == 303 and await offers_of(container, north) == []
    assert "The warranty offer is removed." in (await client.get(warranty_url())).text


async def test_refusals_come_back_beside_their_fields_and_save_nothing(
    client: AsyncClient, container: Container, north: shops.ShopRead
) -> None:
    fridge, extra = await fridge_and_warranty(container, north)
    variant = str(extra.variants[0].id)
    await create_warranty_offer(
        container, shop=north, product_id=fridge.id, variant_id=extra.variants[0].id
    )
    await sign_in(client, OWNER)
    csrf = await token(client, warranty_url())
    base = {"csrf_token": csrf, "product_id": str(fridge.id), "variant_id": variant, "months": "24"}
    cases = [
        ({"months": "0"}, "f-months", "Enter at least 1."),
        ({"months": "many"}, "f-months", "Enter a whole number."),
        ({"product_id": ""}, "f-product", "Choose one from the list."),
        ({"product_id": str(extra.id)}, "f-product", "Choose a physical product of this shop"),
        ({"variant_id": str(fridge.variants[0].id)}, "f-variant", "Choose a variant of a warranty"),
    ]
    for fields, field_id, message in cases:
        page = await client.post(warranty_url(), data=base | fields)
        assert page.status_code == 422, fields
        assert message in field_error(page, field_id), (fields, field_error(page, field_id))
    again = await client.post(warranty_url(), data=base)
    assert again.status_code == 422 and "already offered for this product" in again.text
    [offer] = await offers_of(container, north)
    bad = await client.post(
        warranty_url(f"/{offer.id}"), data={"csrf_token": csrf, "months": "999", "active": "on"}
    )
    assert bad.status_code == 422 and "Enter at most 240." in field_error(bad, "f-months")
    assert await offers_of(container, north) == [offer]


async def test_names_are_text_and_other_shops_offers_are_not_found(
    client: AsyncClient, container: Container, world: World, north: shops.ShopRead
) -> None:
    fridge, extra = await fridge_and_warranty(container, north, name=HOSTILE)
    await create_warranty_offer(
        container, shop=north, product_id=fridge.id, variant_id=extra.variants[0].id
    )
    south = await world.shop("south", owner=await world.user("sam@south.example"))
    their_fridge, their_extra = await fridge_and_warranty(container, south)
    theirs = await create_warranty_offer(
        container, shop=south, product_id=their_fridge.id, variant_id=their_extra.variants[0].id
    )
    await sign_in(client, OWNER)
    page = await client.get(warranty_url())
    assert "<script>alert(1)" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    csrf = await token(client, warranty_url())
    assert (await client.get(warranty_url(f"/{theirs.id}"))).status_code == 404
    for path in (f"/{theirs.id}", f"/{theirs.id}/remove"):
        response = await client.post(warranty_url(path), data={"csrf_token": csrf, "months": "1"})
        assert response.status_code == 404, path
    # the other shop's product cannot be covered from here either
    cross = await client.post(
        warranty_url(),
        data={
            "csrf_token": csrf,
            "product_id": str(their_fridge.id),
            "variant_id": str(extra.variants[0].id),
            "months": "12",
            "active": "on",
        },
    )
    assert cross.status_code == 422
    assert (
        len(await offers_of(container, south)) == 1 and len(await offers_of(container, north)) == 1
    )
