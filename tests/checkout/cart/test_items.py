"""Adding, re-counting and removing cart lines over HTTP with an anonymous cart token."""

from __future__ import annotations

import uuid

from httpx import AsyncClient
from sqlalchemy import func, select

from shopkeeper.bootstrap import Container
from shopkeeper.checkout.cart.models import Cart, CartItem
from shopkeeper.kit.crypto import sha256_hex
from tests.builders.catalog import create_product
from tests.builders.staff import shop_with_owner
from tests.checkout.cart.support import (
    Shelf,
    add,
    cart_events,
    cart_url,
    get_cart,
    lines,
    new_cart,
    token_headers,
    vid,
)


async def _counts(container: Container) -> tuple[int, int]:
    async with container.sessions() as session:
        carts = await session.scalar(select(func.count()).select_from(Cart))
        items = await session.scalar(select(func.count()).select_from(CartItem))
    return int(carts or 0), int(items or 0)


async def test_the_first_add_makes_an_anonymous_cart_whose_token_names_it(
    client: AsyncClient, shelf: Shelf, container: Container
) -> None:
    token, first = await new_cart(client, shelf.shop, shelf.lamp, quantity=2)

    assert first["version"] == 1 and first["merged"] is False and len(token) >= 40
    assert first["item"]["quantity"] == 2 and first["item"]["type"] == "offer"
    async with container.sessions() as session:
        [cart] = list(await session.scalars(select(Cart)))
    assert cart.token_hash == sha256_hex(token) and cart.customer_id is None
    assert (cart.currency, cart.state, cart.version) == ("PLN", "active", 1)
    headers = token_headers(token)

    again = await add(client, shelf.shop, shelf.lamp, headers=headers)
    assert again.status_code == 200 and again.json()["merged"] is True
    assert again.json()["cart_token"] is None and again.json()["item"]["quantity"] == 3
    ebook = await add(client, shelf.shop, shelf.ebook, headers=headers)
    assert ebook.status_code == 201 and ebook.json()["version"] == 3

    view = await get_cart(client, shelf.shop, headers)
    assert view["cart_id"] == first["cart_id"] and view["version"] == 3
    lamp = next(line for line in view["items"] if line["name"] == "Desk lamp")
    assert (lamp["unit_price"], lamp["line_total"], lamp["stock_available"]) == (10_000, 30_000, 5)
    assert lamp["sku"] == shelf.lamp.variants[0].sku and lamp["in_stock"] and lamp["available"]
    assert (view["subtotal"], view["total"], view["item_count"], view["line_count"]) == (
        32_000, 32_000, 4, 2,
    )  # fmt: skip

    item_id = first["item"]["id"]
    patched = await client.patch(cart_url(shelf.shop, f"/items/{item_id}"), json={"quantity": 1},
                                 headers=headers)  # fmt: skip
    assert patched.status_code == 200 and patched.json()["item"]["quantity"] == 1
    assert lines(await get_cart(client, shelf.shop, headers)) == {
        "Desk lamp": 1, "Night sky guide": 1,
    }  # fmt: skip
    removed = await client.delete(cart_url(shelf.shop, f"/items/{item_id}"), headers=headers)
    assert removed.status_code == 200 and removed.json()["removed"] == [item_id]
    view = await get_cart(client, shelf.shop, headers)
    assert lines(view) == {"Night sky guide": 1} and view["version"] == 5
    assert (await client.get(cart_url(shelf.shop))).json()["cart_id"] is None  # no owner


async def test_services_and_warranties_belong_to_a_line_and_go_with_it(
    client: AsyncClient, shelf: Shelf, container: Container
) -> None:
    token, lamp = await new_cart(client, shelf.shop, shelf.lamp)
    headers, lamp_id = token_headers(token), lamp["item"]["id"]
    warranty = await add(client, shelf.shop, shelf.warranty, type="warranty", parent=lamp_id,
                         headers=headers)  # fmt: skip
    install = await add(client, shelf.shop, shelf.install, type="service", parent=lamp_id,
                        headers=headers)  # fmt: skip
    standalone = await add(client, shelf.shop, shelf.gift_wrap, type="service", headers=headers)
    assert [r.status_code for r in (warranty, install, standalone)] == [201, 201, 201]
    assert warranty.json()["item"]["parent_item_id"] == lamp_id

    refused = [
        await add(client, shelf.shop, shelf.warranty, type="warranty", headers=headers),
        await add(client, shelf.shop, shelf.warranty, type="warranty",
                  parent=standalone.json()["item"]["id"], headers=headers),
        await add(client, shelf.shop, shelf.ebook, parent=lamp_id, headers=headers),
        await add(client, shelf.shop, shelf.warranty, type="warranty", parent=str(uuid.uuid4()),
                  headers=headers),
    ]  # fmt: skip
    assert [r.status_code for r in refused] == [422, 422, 422, 422]
    assert "a warranty covers a line" in refused[0].json()["detail"]
    assert "a service line cannot have" in refused[1].json()["detail"]
    assert "only services and warranties belong to a line" in refused[2].json()["detail"]
    assert "no such line in this cart" in refused[3].json()["detail"]

    view = await get_cart(client, shelf.shop, headers)
    parents = {line["name"]: line["parent_item_id"] for line in view["items"]}
    assert parents == {"Desk lamp": None, "2-year warranty": lamp_id, "Installation": lamp_id,
                       "Gift wrap": None}  # fmt: skip
    assert view["line_count"] == 4 and view["subtotal"] == 10_000 + 3_000 + 2 * 5_000

    removed = await client.delete(cart_url(shelf.shop, f"/items/{lamp_id}"), headers=headers)

    assert removed.status_code == 200
    gone = {warranty.json()["item"]["id"], install.json()["item"]["id"], lamp_id}
    assert set(removed.json()["removed"]) == gone
    view = await get_cart(client, shelf.shop, headers)
    assert [(line["name"], line["parent_item_id"]) for line in view["items"]] == [
        ("Gift wrap", None)
    ]
    events = [(e.name, e.payload["reason"]) for e in await cart_events(container)
              if e.name == "cart.item_removed.v1"]  # fmt: skip
    assert sorted(events) == [
        ("cart.item_removed.v1", "parent_removed"), ("cart.item_removed.v1", "parent_removed"),
        ("cart.item_removed.v1", "removed"),
    ]  # fmt: skip


async def test_what_cannot_go_in_a_cart_is_refused_and_nothing_changes(
    client: AsyncClient, shelf: Shelf, container: Container
) -> None:
    hidden = await create_product(container, shop=shelf.shop, name="Draft", published=False,
                                  prices={"PLN": 100})  # fmt: skip
    answers = {
        "plan": await add(client, shelf.shop, shelf.plan),
        "course": await add(client, shelf.shop, shelf.course, type="accessory"),
        "warranty as offer": await add(client, shelf.shop, shelf.warranty),
        "lamp as warranty": await add(client, shelf.shop, shelf.lamp, type="warranty"),
        "lamp as service": await add(client, shelf.shop, shelf.lamp, type="service"),
        "quantity 0": await add(client, shelf.shop, shelf.lamp, quantity=0),
        "quantity 100": await add(client, shelf.shop, shelf.chair, quantity=100),
        "no PLN price": await add(client, shelf.shop, shelf.mug),
        "unpublished": await add(client, shelf.shop, hidden),
        "unknown variant": await client.post(
            cart_url(shelf.shop, "/items"), json={"type": "offer", "variant_id": str(uuid.uuid4())}
        ),
        "unknown type": await client.post(
            cart_url(shelf.shop, "/items"), json={"type": "gift", "variant_id": vid(shelf.lamp)}
        ),
    }

    statuses = {name: r.status_code for name, r in answers.items()}
    assert statuses == {
        "plan": 422, "course": 422, "warranty as offer": 422, "lamp as warranty": 422,
        "lamp as service": 422, "quantity 0": 422, "quantity 100": 422, "no PLN price": 422,
        "unpublished": 404, "unknown variant": 404, "unknown type": 422,
    }  # fmt: skip
    assert "plans and courses are bought on their own" in answers["plan"].json()["detail"]
    assert "add it with type=warranty" in answers["warranty as offer"].json()["detail"]
    assert "physical product, not a warranty" in answers["lamp as warranty"].json()["detail"]
    assert "has no price in PLN" in answers["no PLN price"].json()["detail"]
    assert answers["unknown variant"].json()["error"] == "VariantNotFound"
    assert await _counts(container) == (0, 0) and await cart_events(container) == []


async def test_more_than_the_stock_is_a_409_that_says_how_many_there_are(
    client: AsyncClient, shelf: Shelf, container: Container
) -> None:
    token, first = await new_cart(client, shelf.shop, shelf.lamp, quantity=4)
    headers, sku = token_headers(token), shelf.lamp.variants[0].sku

    over = await add(client, shelf.shop, shelf.lamp, quantity=2, headers=headers)
    assert over.status_code == 409 and over.json()["error"] == "CartStockExceeded"
    assert over.json()["detail"] == f"Only 5 of {sku} in stock (the cart would hold 6)"
    as_accessory = await add(client, shelf.shop, shelf.lamp, type="accessory", quantity=2,
                             headers=headers)  # fmt: skip
    assert as_accessory.status_code == 409  # every line of the variant counts
    url = cart_url(shelf.shop, f"/items/{first['item']['id']}")
    assert (await client.patch(url, json={"quantity": 6}, headers=headers)).status_code == 409
    assert (await client.patch(url, json={"quantity": 5}, headers=headers)).status_code == 200
    big = await add(client, shelf.shop, shelf.chair, quantity=60, headers=headers)
    too_many = await add(client, shelf.shop, shelf.chair, quantity=40, headers=headers)
    assert big.status_code == 201 and too_many.status_code == 422
    assert "At most 99 of one thing per line" in too_many.json()["detail"]

    view = await get_cart(client, shelf.shop, headers)
    assert lines(view) == {"Desk lamp": 5, "Chair": 60} and view["version"] == 3
    assert await _counts(container) == (1, 2)


async def test_a_token_of_no_open_cart_is_a_404_and_other_carts_lines_are_not_found(
    client: AsyncClient, shelf: Shelf, container: Container
) -> None:
    """404 rather than 401: the token is not a login that could be retried, it names a cart;
    one naming none (unknown, another shop's, retired) is a reference to nothing, like any
    unknown id, and says nothing about whether it exists elsewhere."""
    other_shop, _ = await shop_with_owner(container, client, currency="PLN")
    other_product = await create_product(container, shop=other_shop, prices={"PLN": 500})
    theirs, their_add = await new_cart(client, other_shop, other_product)
    token, _ = await new_cart(client, shelf.shop, shelf.ebook)
    before = await _counts(container)

    wrong = token_headers("not-a-token-" + "x" * 30)
    for headers in (wrong, token_headers(theirs), token_headers("y" * 500)):
        got = await client.get(cart_url(shelf.shop), headers=headers)
        assert got.status_code == 404 and got.json()["error"] == "CartNotFound"
        added = await add(client, shelf.shop, shelf.ebook, headers=headers)
        assert added.status_code == 404  # a stale token never silently starts a new cart
    their_item = cart_url(shelf.shop, f"/items/{their_add['item']['id']}")
    mine = token_headers(token)
    assert (await client.patch(their_item, json={"quantity": 2}, headers=mine)).status_code == 404
    assert (await client.delete(their_item, headers=mine)).status_code == 404
    assert (await client.delete(their_item)).status_code == 404  # no cart at all
    staff = await client.get(cart_url(shelf.shop), headers=shelf.owner.headers)
    assert staff.status_code == 200 and staff.json()["cart_id"] is None  # staff own no cart
    assert await _counts(container) == before
    assert lines(await get_cart(client, other_shop, token_headers(theirs))) != {}
