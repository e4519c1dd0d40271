"""Each change publishes its cart event with the change; the handler rebuilds the stored
view after the bus drains; a GET never shows a view older than the cart; the view prices
lines from the catalog and carries the promotions' discounts and gifts."""

from __future__ import annotations

import uuid

from httpx import AsyncClient
from sqlalchemy import select

from shopkeeper.bootstrap import Container
from shopkeeper.bus import drain
from shopkeeper.checkout.cart.models import CartViewRow
from shopkeeper.kit.clock import FrozenClock
from tests.checkout.cart.support import (
    Shelf,
    add,
    cart_events,
    cart_url,
    get_cart,
    new_cart,
    token_headers,
    vid,
)


async def _stored(container: Container, cart_id: str) -> CartViewRow | None:
    async with container.sessions() as session:
        return await session.scalar(
            select(CartViewRow).where(CartViewRow.cart_id == uuid.UUID(cart_id))
        )


async def test_every_change_publishes_its_event_keyed_by_the_cart(
    client: AsyncClient, shelf: Shelf, container: Container
) -> None:
    token, first = await new_cart(client, shelf.shop, shelf.lamp)
    headers, item_id = token_headers(token), first["item"]["id"]
    await add(client, shelf.shop, shelf.lamp, quantity=2, headers=headers)
    await client.patch(cart_url(shelf.shop, f"/items/{item_id}"), json={"quantity": 1},
                       headers=headers)  # fmt: skip
    await client.patch(cart_url(shelf.shop, f"/items/{item_id}"), json={"quantity": 1},
                       headers=headers)  # no change: no event  # fmt: skip
    assert (
        await add(client, shelf.shop, shelf.lamp, quantity=9, headers=headers)
    ).status_code == 409
    await client.delete(cart_url(shelf.shop, f"/items/{item_id}"), headers=headers)

    events = await cart_events(container)

    assert [e.name for e in events] == [
        "cart.item_added.v1", "cart.item_quantity_changed.v1",
        "cart.item_quantity_changed.v1", "cart.item_removed.v1",
    ]  # fmt: skip
    assert {(e.topic, e.key) for e in events} == {("cart-events", first["cart_id"])}
    assert [e.payload["version"] for e in events] == [1, 2, 3, 4]
    added, grown, shrunk, removed = (e.payload for e in events)
    assert (added["item_id"], added["variant_id"], added["quantity"], added["type"]) == (
        item_id, vid(shelf.lamp), 1, "offer",
    )  # fmt: skip
    assert (grown["old_quantity"], grown["quantity"]) == (1, 3)
    assert (shrunk["old_quantity"], shrunk["quantity"]) == (3, 1)
    assert (removed["quantity"], removed["reason"], removed["shop_id"]) == (
        1, "removed", str(shelf.shop.id),
    )  # fmt: skip


async def test_the_handler_rebuilds_the_stored_view_and_gets_use_it_while_current(
    client: AsyncClient, shelf: Shelf, container: Container, clock: FrozenClock
) -> None:
    token, first = await new_cart(client, shelf.shop, shelf.lamp, quantity=2)
    headers, cart_id = token_headers(token), first["cart_id"]
    assert await _stored(container, cart_id) is None

    await drain(container)

    row = await _stored(container, cart_id)
    assert row is not None and (row.version, row.item_count) == (1, 2)
    assert row.body["total"] == 20_000 and row.body["items"][0]["name"] == "Desk lamp"
    built_at = row.body["built_at"]
    clock.advance(minutes=1)
    assert (await get_cart(client, shelf.shop, headers))["built_at"] == built_at  # stored one

    await add(client, shelf.shop, shelf.ebook, headers=headers)  # the owner reads their write
    fresh = await get_cart(client, shelf.shop, headers)  # before the handler ran
    assert fresh["version"] == 2 and fresh["total"] == 22_000 and fresh["built_at"] != built_at
    row = await _stored(container, cart_id)
    assert row is not None and row.version == 1  # a read-only GET leaves storing to the handler
    await drain(container)
    row = await _stored(container, cart_id)
    assert row is not None and row.version == 2

    lamp, variant = shelf.lamp, shelf.lamp.variants[0]
    price_url = (
        f"/api/v1/shops/{shelf.shop.slug}/products/{lamp.id}/variants/{variant.id}/prices/PLN"
    )
    changed = await client.put(price_url, json={"amount": 12_000}, headers=shelf.owner.headers)
    assert changed.status_code == 200, changed.text
    assert (await get_cart(client, shelf.shop, headers))["total"] == 22_000  # stored, current
    await client.patch(cart_url(shelf.shop, f"/items/{first['item']['id']}"),
                       json={"quantity": 1}, headers=headers)  # fmt: skip
    await drain(container)
    row = await _stored(container, cart_id)
    assert row is not None and (row.version, row.body["total"]) == (3, 14_000)  # new price
    await client.put(price_url, json={"amount": 11_000}, headers=shelf.owner.headers)
    clock.advance(minutes=6)  # a stored view this old is rebuilt even without a change
    assert (await get_cart(client, shelf.shop, headers))["total"] == 13_000


async def test_lines_the_catalog_no_longer_sells_stay_visible_but_count_in_no_total(
    client: AsyncClient, shelf: Shelf, container: Container
) -> None:
    token, _ = await new_cart(client, shelf.shop, shelf.lamp, quantity=4)
    headers = token_headers(token)
    await add(client, shelf.shop, shelf.ebook, headers=headers)
    ebook = shelf.ebook
    unpublish = await client.post(
        f"/api/v1/shops/{shelf.shop.slug}/products/{ebook.id}/unpublish",
        headers=shelf.owner.headers,
    )
    assert unpublish.status_code == 200, unpublish.text
    stock_url = (f"/api/v1/shops/{shelf.shop.slug}/products/{shelf.lamp.id}/variants/"
                 f"{shelf.lamp.variants[0].id}/stock")  # fmt: skip
    stocktake = {"stock": 3, "reason": "stocktake"}
    assert (await client.put(stock_url, json=stocktake, headers=shelf.owner.headers)).is_success

    view = await get_cart(client, shelf.shop, headers)

    by_name = {line["name"]: line for line in view["items"]}
    guide = by_name["Night sky guide"]
    assert (guide["available"], guide["unit_price"], guide["problem"]) == (
        False, None, "This is no longer sold",
    )  # fmt: skip
    lamp = by_name["Desk lamp"]
    assert (lamp["in_stock"], lamp["stock_available"], lamp["problem"]) == (
        False,
        3,
        "Only 3 in stock",
    )
    assert (view["subtotal"], view["total"], view["item_count"]) == (40_000, 40_000, 5)


async def test_the_view_carries_promotion_discounts_per_line_and_gift_lines(
    client: AsyncClient, shelf: Shelf
) -> None:
    rules = f"/api/v1/shops/{shelf.shop.slug}/promotion-rules"
    lamp_only = {"product_ids": [str(shelf.lamp.id)]}
    tenth = {"name": "Lamps −10 %", "kind": "percent_off", "params": {"percent_bp": 1000},
             "targets": lamp_only, "stackable": True}  # fmt: skip
    gift = {"name": "A guide with every lamp", "kind": "gift", "targets": lamp_only,
            "stackable": True, "params": {"product_id": str(shelf.ebook.id),
                                          "variant_id": vid(shelf.ebook)}}  # fmt: skip
    for body in (tenth, gift):
        made = await client.post(rules, json=body, headers=shelf.owner.headers)
        assert made.status_code == 201, made.text
    token, _ = await new_cart(client, shelf.shop, shelf.lamp, quantity=2)
    await add(client, shelf.shop, shelf.chair, headers=token_headers(token))

    view = await get_cart(client, shelf.shop, token_headers(token))

    by_name = {line["name"]: line for line in view["items"]}
    lamp, chair = by_name["Desk lamp"], by_name["Chair"]
    assert (lamp["line_total"], lamp["discount"], lamp["total"]) == (20_000, 2_000, 18_000)
    assert [(d["name"], d["amount"]) for d in lamp["discounts"]] == [("Lamps −10 %", 2_000)]
    assert (chair["discount"], chair["discounts"]) == (0, [])
    assert [(g["name"], g["quantity"], g["promotion_name"]) for g in view["gifts"]] == [
        ("Night sky guide", 1, "A guide with every lamp")
    ]
    assert (view["subtotal"], view["discount"], view["total"]) == (45_000, 2_000, 43_000)
    assert {p["name"] for p in view["promotions"]} >= {"Lamps −10 %"}
