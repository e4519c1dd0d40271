"""The signed-in storefront customer owns a cart; an anonymous cart joins theirs at sign-in
(the storefront's email sign-in), through POST /cart/merge, or when customers merge."""

from __future__ import annotations

from httpx import AsyncClient
from sqlalchemy import select

from shopkeeper import identity
from shopkeeper.bootstrap import Container
from shopkeeper.bus import drain
from shopkeeper.checkout.cart.models import Cart
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from tests.checkout.cart.support import (
    Shelf,
    add,
    cart_events,
    cart_url,
    customer_with_session,
    get_cart,
    lines,
    new_cart,
    token_headers,
)
from tests.fakes.smtp import Mailbox
from tests.web.store.support import enter_code, location, request_code


async def _carts(container: Container) -> list[Cart]:
    async with container.sessions() as session:
        return list(await session.scalars(select(Cart).order_by(Cart.created_at, Cart.id)))


async def test_a_signed_in_customer_owns_one_cart_across_requests(
    client: AsyncClient, shelf: Shelf, container: Container, clock: FrozenClock
) -> None:
    customer, signed_in = await customer_with_session(container, shelf.shop)

    added = await add(client, shelf.shop, shelf.lamp, quantity=2, headers=signed_in)
    again = await add(client, shelf.shop, shelf.ebook, headers=signed_in)

    assert added.status_code == 201 and added.json()["cart_token"] is None
    assert again.json()["cart_id"] == added.json()["cart_id"]
    [cart] = await _carts(container)
    assert cart.customer_id == customer.id and cart.token_hash is None
    view = await get_cart(client, shelf.shop, signed_in)
    assert lines(view) == {"Desk lamp": 2, "Night sky guide": 1}
    assert (await get_cart(client, shelf.shop, {}))["cart_id"] is None  # anonymous: none
    item_url = cart_url(shelf.shop, f"/items/{added.json()['item']['id']}")
    assert (await client.patch(item_url, json={"quantity": 3})).status_code == 404
    patched = await client.patch(item_url, json={"quantity": 3}, headers=signed_in)
    assert patched.status_code == 200
    _, other_signed_in = await customer_with_session(container, shelf.shop)
    assert (await get_cart(client, shelf.shop, other_signed_in))["cart_id"] is None
    assert (await client.delete(item_url, headers=other_signed_in)).status_code == 404

    clock.advance(days=31)  # the storefront session has expired: an anonymous caller now
    assert (await get_cart(client, shelf.shop, signed_in))["cart_id"] is None


async def test_signing_in_merges_the_browsers_anonymous_cart_into_the_customers(
    client: AsyncClient, shelf: Shelf, container: Container, mailbox: Mailbox
) -> None:
    email = "ola@example.com"
    _, signed_in = await customer_with_session(container, shelf.shop, email)
    mine = await add(client, shelf.shop, shelf.lamp, headers=signed_in)
    assert mine.status_code == 201
    token, lamp = await new_cart(client, shelf.shop, shelf.lamp, quantity=2)
    anonymous = token_headers(token)
    warranty = await add(client, shelf.shop, shelf.warranty, type="warranty",
                         parent=lamp["item"]["id"], headers=anonymous)  # fmt: skip
    assert warranty.status_code == 201
    assert (await add(client, shelf.shop, shelf.ebook, headers=anonymous)).status_code == 201
    client.cookies.set("sk_cart", token)  # where the storefront keeps the anonymous cart

    page = await request_code(client, shelf, email)  # type: ignore[arg-type]
    done = await enter_code(client, shelf, email, mailbox.last_code(email), page=page)  # type: ignore[arg-type]

    assert location(done).startswith(shelf.base)
    cleared = [c for c in done.headers.get_list("set-cookie") if c.startswith("sk_cart=")]
    assert cleared and "max-age=0" in cleared[0].lower() and "path=/s/lumen" in cleared[0].lower()
    session_token = client.cookies.get("sk_store")
    assert session_token
    view = await get_cart(client, shelf.shop, {"Cookie": f"sk_store={session_token}"})
    assert view["cart_id"] == mine.json()["cart_id"]
    assert lines(view) == {"Desk lamp": 3, "2-year warranty": 1, "Night sky guide": 1}
    by_name = {line["name"]: line for line in view["items"]}
    assert by_name["2-year warranty"]["parent_item_id"] == mine.json()["item"]["id"]
    gone = await client.get(cart_url(shelf.shop), headers=anonymous)
    assert gone.status_code == 404 and "merged" in gone.json()["detail"]
    states = {c.id.hex: c.state for c in await _carts(container)}
    assert states == {mine.json()["cart_id"].replace("-", ""): "active",
                      lamp["cart_id"].replace("-", ""): "merged"}  # fmt: skip


async def test_merge_endpoint_adds_up_capped_and_adopts_when_the_customer_has_no_cart(
    client: AsyncClient, shelf: Shelf, container: Container
) -> None:
    _, signed_in = await customer_with_session(container, shelf.shop)
    assert (await add(client, shelf.shop, shelf.chair, quantity=50, headers=signed_in)).is_success
    token, _ = await new_cart(client, shelf.shop, shelf.chair, quantity=60)
    merge_url = cart_url(shelf.shop, "/merge")

    assert (await client.post(merge_url, headers=token_headers(token))).status_code == 401
    assert (await client.post(merge_url, headers=signed_in)).status_code == 422
    merged = await client.post(merge_url, headers={**signed_in, **token_headers(token)})

    assert merged.status_code == 200, merged.text
    assert (merged.json()["moved"], merged.json()["combined"], merged.json()["dropped"]) == (
        0,
        1,
        0,
    )
    assert lines(await get_cart(client, shelf.shop, signed_in)) == {"Chair": 99}
    again = await client.post(merge_url, headers={**signed_in, **token_headers(token)})
    assert again.status_code == 404  # the token is retired

    _, newcomer = await customer_with_session(container, shelf.shop)
    token, anonymous_add = await new_cart(client, shelf.shop, shelf.ebook)
    adopted = await client.post(merge_url, headers={**newcomer, **token_headers(token)})
    assert adopted.status_code == 200
    assert adopted.json()["cart_id"] == anonymous_add["cart_id"]  # the same cart, now theirs
    assert lines(await get_cart(client, shelf.shop, newcomer)) == {"Night sky guide": 1}
    assert (await client.get(cart_url(shelf.shop), headers=token_headers(token))).status_code == 404


async def test_when_identity_merges_two_customers_their_carts_merge_too(
    client: AsyncClient, shelf: Shelf, container: Container, clock: FrozenClock
) -> None:
    older, older_in = await customer_with_session(container, shelf.shop, "a@example.com")
    clock.advance(seconds=1)  # the older record survives a merge: make it older for sure
    newer, newer_in = await customer_with_session(container, shelf.shop, "b@example.com")
    assert (await add(client, shelf.shop, shelf.lamp, headers=older_in)).is_success
    assert (await add(client, shelf.shop, shelf.lamp, quantity=2, headers=newer_in)).is_success
    assert (await add(client, shelf.shop, shelf.ebook, headers=newer_in)).is_success

    async with unit_of_work(container.sessions) as session:
        await identity.link_identity(session, shop_id=shelf.shop.id, customer_id=newer.id,
                                     kind="email", value="a@example.com",
                                     now=container.clock.now())  # fmt: skip
    await drain(container)
    # On PostgreSQL the merge can meet the cart's own consumers on the same rows and lose a
    # deadlock; the bus retries it after its back-off, as a worker would.
    clock.advance(seconds=600)
    await drain(container)

    assert lines(await get_cart(client, shelf.shop, older_in)) == {
        "Desk lamp": 3, "Night sky guide": 1,
    }  # fmt: skip
    carts = await _carts(container)
    assert sorted(c.state for c in carts) == ["active", "merged"]
    changed = [e for e in await cart_events(container)
               if e.name == "cart.item_quantity_changed.v1"]  # fmt: skip
    assert changed[-1].payload["customer_id"] == str(older.id)
