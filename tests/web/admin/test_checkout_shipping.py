"""The admin's shipping methods: list, create (prices typed the shop's way, a Sunday add-on,
limits, categories, COD), edit, inline errors that save nothing, deactivate after a
confirmation and activate again, inert names, other shops' methods not found."""

from __future__ import annotations

import re
import uuid
from typing import Any

from httpx import AsyncClient

from shopkeeper import audit, shops
from shopkeeper.bootstrap import Container
from shopkeeper.checkout import shipping
from tests.builders.catalog import create_category
from tests.builders.shipping import create_shipping_method
from tests.web.admin.support import (
    HOSTILE,
    OWNER,
    field_error,
    method_body,
    shipping_url,
    token,
)
from tests.web.seed import World, sign_in


async def methods_of(
    container: Container, shop: shops.ShopRead
) -> list[shipping.ShippingMethodRead]:
    async with container.readers() as session:
        return await shipping.list_methods(session, shop_id=shop.id)


async def test_the_empty_list_invites_a_first_method_and_the_nav_leads_here(
    client: AsyncClient, north: shops.ShopRead
) -> None:
    await sign_in(client, OWNER)
    overview = await client.get("/admin/s/north")
    assert 'href="/admin/s/north/checkout/shipping"' in overview.text

    page = await client.get(shipping_url())

    assert page.status_code == 200
    assert "No shipping methods yet" in page.text and f'href="{shipping_url("/new")}"' in page.text
    assert re.search(
        r'href="/admin/s/north/checkout/shipping" aria-current="page">Checkout<', page.text
    )
    form = await client.get(shipping_url("/new"))
    assert form.status_code == 200
    assert (
        'name="currency" type="text" maxlength="3" autocomplete="off" placeholder="PLN" value="PLN"'
        in form.text
    )
    assert "1 234,50" in form.text.replace("\u00a0", " ")  # how amounts are written here


async def test_a_method_with_a_sunday_add_on_is_created_listed_and_edited(
    client: AsyncClient, container: Container, north: shops.ShopRead
) -> None:
    large = await create_category(container, shop=north, name="Large appliances")
    await sign_in(client, OWNER)
    csrf = await token(client, shipping_url("/new"))

    created = await client.post(
        shipping_url(),
        data=method_body(
            csrf_token=csrf,
            currency=["PLN", "eur", ""],
            price=["15,00", "4.5", ""],
            free_above=["1 200,50", "", ""],
            max_cart=["", "900", ""],
            requires_delivery_date="on",
            calendar_code="courier-pl",
            cash_on_delivery="on",
            addon_code=["sunday"],
            addon_name=["Dostawa w niedzielę"],
            addon_rule=["sunday"],
            addon_price_PLN=["25,50"],
            max_weight="31,5",
            side_1="60",
            side_2="120,5",
            side_3="40",
            **{f"category_{large.id}": "excluded"},
        ),
    )

    assert created.status_code == 303 and created.headers["location"] == shipping_url()
    [method] = await methods_of(container, north)
    assert method.prices == {"PLN": 1500, "EUR": 450}
    assert method.free_above == {"PLN": 120050} and method.max_cart_value == {"EUR": 90000}
    assert method.requires_delivery_date and method.calendar_code == "courier-pl"
    assert method.cash_on_delivery and method.active
    [sunday] = method.addons
    assert (sunday.code, sunday.rule, sunday.prices) == ("sunday", "sunday", {"PLN": 2550})
    assert method.max_weight_grams == 31500 and method.max_item_dimensions_mm == [1205, 600, 400]
    assert method.excluded_category_ids == [large.id] and method.allowed_category_ids == []

    listing = await client.get(shipping_url())
    text = listing.text.replace("\u00a0", " ")
    assert "The shipping method is created." in text
    assert (
        "15,00 zł" in text and "free from 1 200,50 zł" in text and "+ Dostawa w niedzielę" in text
    )
    assert (
        "The shipping method is created." not in (await client.get(shipping_url())).text
    )  # said once

    edit = await client.get(shipping_url(f"/{method.id}"))
    assert edit.status_code == 200
    assert 'value="25,50"' in edit.text and 'value="31,5"' in edit.text
    assert 'value="120,5"' in edit.text and 'value="4,50"' in edit.text
    assert (
        f'name="category_{large.id}" value="excluded" aria-label="Large appliances: Never" checked'
        in edit.text
    )

    saved = await client.post(
        shipping_url(f"/{method.id}"),
        data=method_body(
            csrf_token=csrf,
            name="Kurier ekspres",
            price=["17,99", "", ""],
            addon_price_PLN=[""],
            max_weight="",
            **{f"category_{large.id}": ""},
        ),
    )

    assert saved.status_code == 303
    [method] = await methods_of(container, north)
    assert (method.name, method.prices, method.addons) == ("Kurier ekspres", {"PLN": 1799}, [])
    assert not method.requires_delivery_date and not method.cash_on_delivery
    assert method.max_weight_grams is None and method.excluded_category_ids == []
    assert method.active  # the form does not touch the active state
    assert "The shipping method is saved." in (await client.get(shipping_url())).text
    async with container.readers() as session:
        actions = [e.action for e in (await audit.list_entries(session, shop_id=north.id)).items]
    assert "shipping_method.created" in actions and "shipping_method.updated" in actions


async def test_bad_input_comes_back_beside_its_field_and_saves_nothing(
    client: AsyncClient, container: Container, north: shops.ShopRead
) -> None:
    await create_shipping_method(container, shop=north, code="locker", name="Paczkomat")
    await sign_in(client, OWNER)
    csrf = await token(client, shipping_url("/new"))

    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"price": ["abc", "", ""]}, "f-price-1", "Enter a number, e.g. 1 234,50."),
        ({"price": ["12,345", "", ""]}, "f-price-1", "At most 2 digits after the decimal sign."),
        ({"price": ["-3", "", ""]}, "f-price-1", "Enter 0 or more."),
        ({"price": ["", "", ""], "free_above": ["10", "", ""]}, "f-price-1", "Fill this in."),
        ({"currency": ["PLN", "XYZ", ""], "price": ["1", "2", ""]}, "f-currency-2", ""),
        ({"code": "Bad Code!"}, "f-code", "Use lowercase letters, digits, - and _"),
        ({"code": "locker"}, "f-code", "Another method of this shop has this code."),
        ({"name": "  "}, "f-name", "Fill this in."),
        ({"requires_delivery_date": "on"}, "f-calendar", "Give the calendar code"),
        ({"side_1": "10"}, "f-sides", "Give all three sides, or none."),
        ({"max_weight": "1,2345"}, "f-weight", "At most 3 digits after the decimal sign."),
        ({"position": "first"}, "f-position", "Enter a whole number."),
        (
            {"addon_code": ["sunday"], "addon_name": ["Niedziela"], "addon_price_PLN": ["5"]},
            "f-addons",
            "Add-ons need a method with a delivery date.",
        ),
        (
            {
                "requires_delivery_date": "on",
                "calendar_code": "c1",
                "addon_code": ["evening"],
                "addon_name": ["Wieczór"],
                "addon_rule": ["slot"],
            },
            "f-addon-1",
            "Give the slot for “a day with a slot”, and only for it.",
        ),
        (
            {
                "requires_delivery_date": "on",
                "calendar_code": "c1",
                "addon_code": ["sunday"],
                "addon_name": ["Niedziela"],
                "addon_price_PLN": ["5,5,5"],
            },
            "f-addon-1-price-PLN",
            "Enter a number",
        ),
        (
            {"min_cart": ["100", "", ""], "max_cart": ["50", "", ""]},
            "f-prices",
            "The minimum cart value is above the maximum in PLN.",
        ),
    ]
    for fields, field_id, message in cases:
        page = await client.post(shipping_url(), data=method_body(csrf_token=csrf, **fields))
        assert page.status_code == 422, fields
        assert "The shipping method was not saved: correct the marked fields." in page.text
        shown = field_error(page, field_id).replace("\u00a0", " ")
        assert shown and message in shown, (fields, shown)
    typed = await client.post(
        shipping_url(),
        data=method_body(csrf_token=csrf, name="Mój kurier", price=["12,345", "", ""]),
    )
    assert 'value="Mój kurier"' in typed.text and 'value="12,345"' in typed.text  # kept as typed
    assert [m.code for m in await methods_of(container, north)] == ["locker"]

    [locker] = await methods_of(container, north)
    refused = await client.post(
        shipping_url(f"/{locker.id}"),
        data=method_body(csrf_token=csrf, code="locker", price=["x", "", ""]),
    )
    assert refused.status_code == 422 and field_error(refused, "f-price-1")
    assert (await methods_of(container, north))[0].prices == locker.prices


async def test_deactivating_asks_first_then_the_method_can_be_activated_again(
    client: AsyncClient, container: Container, north: shops.ShopRead
) -> None:
    method = await create_shipping_method(container, shop=north, name="Kurier")
    await sign_in(client, OWNER)
    edit = await client.get(shipping_url(f"/{method.id}"))
    assert (
        'data-dialog-open="deactivate-dialog"' in edit.text
        and '<dialog id="deactivate-dialog"' in edit.text
    )

    confirm = await client.get(
        shipping_url(f"/{method.id}/deactivate")
    )  # the page without JavaScript
    assert confirm.status_code == 200 and "Deactivate this shipping method?" in confirm.text
    assert (await methods_of(container, north))[0].active  # asking changes nothing

    done = await client.post(
        shipping_url(f"/{method.id}/deactivate"), data={"csrf_token": csrf_of_page(confirm.text)}
    )

    assert done.status_code == 303
    assert not (await methods_of(container, north))[0].active
    listing = await client.get(shipping_url())
    assert "checkout no longer offers it" in listing.text and ">Inactive<" in listing.text
    edit = await client.get(shipping_url(f"/{method.id}"))
    assert (
        "/deactivate" not in edit.text
        and f'action="{shipping_url(f"/{method.id}/activate")}"' in edit.text
    )
    again = await client.post(
        shipping_url(f"/{method.id}/activate"), data={"csrf_token": csrf_of_page(edit.text)}
    )
    assert again.status_code == 303 and (await methods_of(container, north))[0].active


def csrf_of_page(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


async def test_names_are_shown_as_text_never_as_markup(
    client: AsyncClient, container: Container, north: shops.ShopRead
) -> None:
    await create_category(container, shop=north, name=HOSTILE)
    await sign_in(client, OWNER)
    csrf = await token(client, shipping_url("/new"))
    created = await client.post(
        shipping_url(),
        data=method_body(
            csrf_token=csrf,
            name=HOSTILE,
            requires_delivery_date="on",
            calendar_code="c1",
            addon_code=["sunday"],
            addon_name=[HOSTILE],
            addon_rule=["sunday"],
        ),
    )
    assert created.status_code == 303
    [method] = await methods_of(container, north)

    for page in (await client.get(shipping_url()), await client.get(shipping_url(f"/{method.id}"))):
        assert "<script>alert(1)" not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    refused = await client.post(
        shipping_url(), data=method_body(csrf_token=csrf, name=HOSTILE, price=["?", "", ""])
    )
    assert refused.status_code == 422 and "<script>alert(1)" not in refused.text


async def test_another_shops_methods_are_not_found(
    client: AsyncClient, container: Container, world: World, north: shops.ShopRead
) -> None:
    south = await world.shop("south", owner=await world.user("sam@south.example"))
    theirs = await create_shipping_method(container, shop=south, name="Their courier")
    await sign_in(client, OWNER)
    csrf = await token(client)
    assert (await client.get(shipping_url(f"/{theirs.id}"))).status_code == 404
    assert (await client.get(shipping_url(f"/{uuid.uuid4()}/deactivate"))).status_code == 404
    for path in (f"/{theirs.id}", f"/{theirs.id}/deactivate"):
        response = await client.post(shipping_url(path), data=method_body(csrf_token=csrf))
        assert response.status_code == 404, path
    assert (await client.get("/admin/s/south/checkout/shipping")).status_code == 404
    assert "Their courier" not in (await client.get(shipping_url())).text
    assert (await methods_of(container, south))[0].active
