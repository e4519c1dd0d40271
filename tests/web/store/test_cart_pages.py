"""The storefront's cart page: an anonymous shopper's cart lives behind an HttpOnly cookie
(and joins their account's cart when they sign in); quantities, removal, promotions (a line
discount, one set aside and back), promo codes with the reason a refused one is refused, and
forms without their token refused."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from tests.fakes.smtp import Mailbox
from tests.web.store.checkout_support import (
    Dom,
    add_to_cart,
    csrf_of,
    form_post,
    item_ids,
    open_dom,
    text_of,
)
from tests.web.store.support import sign_in


@pytest.fixture
async def dom(container: Container, client: AsyncClient) -> AsyncIterator[Dom]:
    yield await open_dom(container, client)


async def test_an_anonymous_cart_lives_behind_an_httponly_cookie(
    client: AsyncClient, dom: Dom
) -> None:
    product = await client.get(f"{dom.base}/p/{dom.lamp.slug}")
    assert 'action="/s/dom/cart/add"' in product.text and "Add to cart" in product.text

    added = await add_to_cart(client, dom, dom.lamp, quantity=2)

    assert added.status_code == 303 and added.headers["location"] == "/s/dom/cart"
    cookie = next(h for h in added.headers.get_list("set-cookie") if h.startswith("sk_cart="))
    assert "HttpOnly" in cookie and "Path=/s/dom" in cookie and "samesite=lax" in cookie.lower()
    page = await client.get(f"{dom.base}/cart")
    assert page.status_code == 200
    assert 'data-sku="' in page.text and "Desk lamp" in page.text
    assert 'value="2"' in page.text
    # 2 × 100.00 = 200.00, Lamp week takes 10 %: 180.00
    assert text_of(page.text, "total-subtotal") == "PLN200.00"
    assert text_of(page.text, "total-discounts") == "−PLN20.00"
    assert text_of(page.text, "total-total") == "PLN180.00"
    assert 'data-promotion="Lamp week"' in page.text

    client.cookies.clear()  # another browser: no cookie, no cart
    elsewhere = await client.get(f"{dom.base}/cart")
    assert 'id="cart-empty"' in elsewhere.text


async def test_quantities_change_and_lines_go(client: AsyncClient, dom: Dom) -> None:
    await add_to_cart(client, dom, dom.lamp)
    await add_to_cart(client, dom, dom.fridge)
    page = await client.get(f"{dom.base}/cart")
    lamp_id, fridge_id = item_ids(page.text)

    changed = await form_post(client, page, f"{dom.base}/cart/items/{lamp_id}",
                              {"quantity": "3"})  # fmt: skip
    assert changed.status_code == 303
    page = await client.get(f"{dom.base}/cart")
    assert text_of(page.text, "total-subtotal") == "PLN2,800.00"

    too_many = await form_post(client, page, f"{dom.base}/cart/items/{lamp_id}",
                               {"quantity": "21"})  # fmt: skip
    assert too_many.status_code == 409
    assert "Only 20 in stock." in too_many.text
    zero = await form_post(client, page, f"{dom.base}/cart/items/{lamp_id}", {"quantity": "0"})
    assert zero.status_code == 422 and "Choose a quantity from 1 to 99." in zero.text

    removed = await form_post(client, page, f"{dom.base}/cart/items/{fridge_id}/remove")
    assert removed.status_code == 303
    page = await client.get(f"{dom.base}/cart")
    assert "Fridge" not in page.text and text_of(page.text, "total-subtotal") == "PLN300.00"


async def test_an_htmx_change_answers_the_page_to_swap_in(client: AsyncClient, dom: Dom) -> None:
    await add_to_cart(client, dom, dom.lamp)
    page = await client.get(f"{dom.base}/cart")
    [lamp_id] = item_ids(page.text)
    headers = {"HX-Request": "true", "X-CSRF-Token": csrf_of(page.text)}

    refused = await client.post(f"{dom.base}/cart/items/{lamp_id}", data={"quantity": "50"},
                                headers=headers)  # fmt: skip

    assert refused.status_code == 200  # HTMX swaps 2xx only: the message must show
    assert 'id="cart-panel"' in refused.text and "Only 20 in stock." in refused.text


async def test_promotions_can_be_set_aside_and_codes_say_why_they_fail(
    client: AsyncClient, dom: Dom
) -> None:
    await add_to_cart(client, dom, dom.lamp)
    page = await client.get(f"{dom.base}/cart")

    unknown = await form_post(client, page, f"{dom.base}/cart/code", {"code": "NOPE"})
    assert unknown.status_code == 422
    assert text_of(unknown.text, "promo-code-error") == "There is no such promo code."
    assert 'aria-invalid="true"' in unknown.text and 'value="NOPE"' in unknown.text
    blank = await form_post(client, page, f"{dom.base}/cart/code", {"code": "  "})
    assert blank.status_code == 422 and "Enter a promo code." in blank.text

    applied = await form_post(client, page, f"{dom.base}/cart/code", {"code": "save5"})
    assert applied.status_code == 303
    page = await client.get(f"{dom.base}/cart")
    assert 'id="code-applied"' in page.text and "SAVE5" in page.text
    # 100.00 − 10 % (Lamp week) − 5 % of 90.00 (SAVE5)
    assert text_of(page.text, "total-total") == "PLN85.50"

    promotion = page.text.split('data-promotion="Lamp week"', 1)[1]
    action = promotion.split('action="', 1)[1].split('"', 1)[0]
    assert action.endswith("/remove")
    aside = await form_post(client, page, action)
    assert aside.status_code == 303
    page = await client.get(f"{dom.base}/cart")
    assert "Use it again" in page.text and text_of(page.text, "total-total") == "PLN95.00"


async def test_cart_forms_without_their_token_are_refused(client: AsyncClient, dom: Dom) -> None:
    await client.get(f"{dom.base}/p/{dom.lamp.slug}")
    forged = await client.post(f"{dom.base}/cart/add", data={
        "variant": str(dom.lamp.variants[0].id), "csrf_token": "forged"})  # fmt: skip
    assert forged.status_code == 403
    assert 'id="cart-empty"' in (await client.get(f"{dom.base}/cart")).text


async def test_a_stale_cart_cookie_starts_a_new_cart(client: AsyncClient, dom: Dom) -> None:
    client.cookies.set("sk_cart", "not-a-cart", path="/s/dom")
    page = await client.get(f"{dom.base}/cart")
    assert page.status_code == 200 and 'id="cart-empty"' in page.text

    added = await add_to_cart(client, dom, dom.lamp)

    assert added.status_code == 303
    assert "Desk lamp" in (await client.get(f"{dom.base}/cart")).text


async def test_the_cart_page_speaks_polish(client: AsyncClient, dom: Dom) -> None:
    await add_to_cart(client, dom, dom.lamp)
    page = await client.get(f"{dom.base}/cart?lang=pl")
    assert "Twój koszyk" in page.text and "Kod rabatowy" in page.text


async def test_signing_in_takes_the_anonymous_cart_along(
    client: AsyncClient, dom: Dom, mailbox: Mailbox
) -> None:
    await add_to_cart(client, dom, dom.lamp, quantity=2)

    signed = await sign_in(client, dom, mailbox, "ola@example.com",  # type: ignore[arg-type]
                           next_path="/s/dom/cart")  # fmt: skip

    assert signed.headers["location"] == "/s/dom/cart"
    cleared = next(h for h in signed.headers.get_list("set-cookie") if h.startswith("sk_cart="))
    assert "Max-Age=0" in cleared or "expires=" in cleared.lower()
    page = await client.get(f"{dom.base}/cart")
    assert "Desk lamp" in page.text and 'value="2"' in page.text
    assert 'id="nav-account"' in page.text
    more = await add_to_cart(client, dom, dom.fridge)  # the session's token now, no new cookie
    assert more.status_code == 303 and "sk_cart=" not in more.headers.get("set-cookie", "")
    assert text_of((await client.get(f"{dom.base}/cart")).text, "total-subtotal") == "PLN2,700.00"
