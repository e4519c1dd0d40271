"""The admin's products and plans: the list (search, kind, status, sort, pages, stock badges),
a new product or plan from a form with errors by field, a product's page (details, plan terms,
variants, prices per currency, stock), publish, archive after a confirmation; who may do what,
CSRF, other shops' ids, inert text."""

from __future__ import annotations

import re
import uuid
from typing import Any

from httpx import AsyncClient, Response

from shopkeeper import catalog
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.shops import ShopRead
from tests.builders import shop_with_owner, staff_member
from tests.builders.catalog import create_product
from tests.web.admin.support import HOSTILE, csrf_of, field_error
from tests.web.seed import sign_in

FORM = {"kind": "physical", "name": "", "description": "", "sku": "", "price": "",
        "track_stock": "", "stock": "", "published": "", "period_unit": "month",
        "period_count": "1", "trial_days": "0", "grace_days": "0"}  # fmt: skip


def _base(shop: ShopRead) -> str:
    return f"/admin/s/{shop.slug}/products"


async def _token(client: AsyncClient, shop: ShopRead) -> str:
    return csrf_of((await client.get(_base(shop))).text)


async def _create(client: AsyncClient, shop: ShopRead, **fields: str) -> Response:
    token = csrf_of((await client.get(f"{_base(shop)}/new")).text)
    return await client.post(f"{_base(shop)}/new", data={**FORM, "csrf_token": token, **fields})


async def _post(client: AsyncClient, url: str, **fields: Any) -> Response:
    token = csrf_of((await client.get(url.split("/products")[0] + "/products")).text)
    return await client.post(url, data={"csrf_token": token, **fields})


async def _read(container: Container, shop: ShopRead, product_id: uuid.UUID) -> Any:
    async with unit_of_work(container.sessions) as session:
        return await catalog.get_product(session, shop_id=shop.id, product_id=product_id)


def _rows(page: Response) -> list[str]:
    """The product names of a list page, in order."""
    return re.findall(r'<td data-label="Product"><div><a href="[^"]+">([^<]+)</a>', page.text)


async def test_a_manager_creates_a_product_and_a_plan_and_sees_each_mistake_by_its_field(
    container: Container, client: AsyncClient
) -> None:
    shop, _owner = await shop_with_owner(container, client, currency="EUR", timezone="UTC")
    manager = await staff_member(container, client, shop=shop, role="manager")
    await sign_in(client, manager.user.email)
    base = _base(shop)

    empty = await client.get(base)
    assert "No products yet." in empty.text and f'href="{base}/new"' in empty.text

    bad = await _create(client, shop, name="", price="12,3x", sku="no spaces!",
                        track_stock="on", stock="-4", description="Kept as typed")  # fmt: skip
    assert bad.status_code == 422 and "The product was not created" in bad.text
    assert field_error(bad, "f-price") and field_error(bad, "f-stock")
    assert "Kept as typed" in bad.text and 'value="12,3x"' in bad.text
    no_name = await _create(client, shop, name="", sku="no spaces!")
    assert field_error(no_name, "f-name") == "Fill this in."
    assert "Letters, digits" in field_error(no_name, "f-sku")

    made = await _create(client, shop, name="Lamp", price="49.90", sku="LAMP-1",
                         track_stock="on", stock="3", description="Warm light")  # fmt: skip
    assert made.status_code == 303
    page = await client.get(made.headers["location"])
    assert "The product is created." in page.text and "€49.90" in page.text
    assert "LAMP-1" in page.text and "Draft" in page.text and "Low" in page.text

    taken = await _create(client, shop, name="Other lamp", sku="LAMP-1")
    assert taken.status_code == 409
    assert field_error(taken, "f-sku") == "Another product of this shop uses this SKU."

    plan_bad = await _create(client, shop, kind="plan", name="Club", period_count="0",
                             trial_days="x")  # fmt: skip
    assert plan_bad.status_code == 422
    assert field_error(plan_bad, "f-period_count") and field_error(plan_bad, "f-trial_days")
    plan = await _create(
        client, shop, kind="plan", name="Club", price="9.99", period_unit="month",
        period_count="3", trial_days="14", grace_days="3", published="on",
    )  # fmt: skip
    assert plan.status_code == 303
    plan_page = await client.get(plan.headers["location"])
    assert "Every 3 months" in plan_page.text and "14 days" in plan_page.text
    assert "Published" in plan_page.text and "Not tracked" in plan_page.text

    listed = await client.get(base)
    assert _rows(listed) == ["Club", "Lamp"]
    assert _rows(await client.get(base, params={"kind": "plan"})) == ["Club"]
    assert _rows(await client.get(base, params={"q": "lamp-1"})) == ["Lamp"]
    assert _rows(await client.get(base, params={"status": "draft"})) == ["Lamp"]
    assert _rows(await client.get(base, params={"status": "published"})) == ["Club"]
    assert _rows(await client.get(base, params={"sort": "name"})) == ["Club", "Lamp"]
    assert _rows(await client.get(base, params={"sort": "price_desc"})) == ["Lamp", "Club"]
    nothing = await client.get(base, params={"q": "sofa", "kind": "nonsense"})
    assert "Nothing matches these filters." in nothing.text


async def test_the_product_page_changes_details_prices_stock_and_variants(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client, currency="EUR", timezone="UTC")
    lamp = await create_product(container, shop=shop, name="Lamp", prices={"EUR": 1000},
                                stock=10, published=False)  # fmt: skip
    await sign_in(client, owner.user.email)
    url = f"{_base(shop)}/{lamp.id}"
    vid = lamp.variants[0].id
    variant = f"{url}/variants/{vid}"

    bad = await _post(client, url, name="", description="Typed")
    assert bad.status_code == 422 and field_error(bad, "f-name") and "Typed" in bad.text
    saved = await _post(client, url, name="Desk lamp", description="Brass & glass")
    assert saved.status_code == 303
    assert "The product is saved." in (await client.get(url)).text

    assert (await _post(client, f"{variant}/prices", row="new", currency="usd",
                        amount="12.50")).status_code == 303  # fmt: skip
    assert (await _post(client, f"{variant}/prices", row="existing", currency="EUR",
                        amount="11")).status_code == 303  # fmt: skip
    wrong = await _post(client, f"{variant}/prices", row="new", currency="ZZZ", amount="1")
    assert wrong.status_code == 422 and field_error(wrong, f"f-{vid}-currency")
    typo = await _post(client, f"{variant}/prices", row="existing", currency="EUR", amount="1,2,3")
    assert typo.status_code == 422 and field_error(typo, f"f-{vid}-price-EUR")
    assert (await _post(client, f"{variant}/prices/usd/remove")).status_code == 303
    prices = {
        p.currency: p.amount for p in (await _read(container, shop, lamp.id)).variants[0].prices
    }
    assert prices == {"EUR": 1100}

    assert (await _post(client, f"{variant}/stock/adjust", delta="+5",
                        reason="Delivery")).status_code == 303  # fmt: skip
    too_many = await _post(client, f"{variant}/stock/adjust", delta="-100", reason="Count")
    assert too_many.status_code == 409
    assert (
        field_error(too_many, f"f-{vid}-delta") == "There is not that much in stock to take away."
    )
    no_reason = await _post(client, f"{variant}/stock/adjust", delta="-1", reason="")
    assert no_reason.status_code == 422 and field_error(no_reason, f"f-{vid}-delta_reason")
    assert (await _read(container, shop, lamp.id)).variants[0].stock == 15
    assert (await _post(client, f"{variant}/stock", stock="0", reason="")).status_code == 303
    page = await client.get(url)
    assert "Out of stock" in page.text and "The stock is set." in page.text
    assert (await _post(client, f"{variant}/stock", stock="", untrack="on")).status_code == 303
    assert (await _read(container, shop, lamp.id)).variants[0].stock is None

    taken = await _post(client, f"{url}/variants", sku=lamp.variants[0].sku, name="Big")
    assert taken.status_code == 409 and field_error(taken, "f-new-sku")
    added = await _post(client, f"{url}/variants", sku="LAMP-BIG", name="Big", price="20",
                        stock="2")  # fmt: skip
    assert added.status_code == 303
    product = await _read(container, shop, lamp.id)
    big = next(v for v in product.variants if v.sku == "LAMP-BIG")
    assert big.stock == 2 and big.prices[0].amount == 2000
    renamed = await _post(client, f"{url}/variants/{big.id}", sku="LAMP-XL", name="Extra large")
    assert renamed.status_code == 303
    asked = await _post(client, f"{url}/variants/{big.id}/archive")
    assert asked.status_code == 200 and "Archive this variant?" in asked.text
    gone = await _post(client, f"{url}/variants/{big.id}/archive", confirmed="yes")
    assert gone.status_code == 303
    last = await _post(client, f"{variant}/archive", confirmed="yes")
    assert last.status_code == 409 and "A product keeps at least one variant" in last.text

    assert (await _post(client, f"{url}/publish")).status_code == 303
    assert "The product is published." in (await client.get(url)).text
    assert (await _read(container, shop, lamp.id)).published
    assert (await _post(client, f"{url}/unpublish")).status_code == 303
    assert not (await _read(container, shop, lamp.id)).published

    confirm = await client.get(f"{url}/archive")
    assert confirm.status_code == 200 and "Archive this product?" in confirm.text
    archived = await _post(client, f"{url}/archive", confirmed="yes")
    assert archived.status_code == 303
    page = await client.get(url)
    assert "The product is archived." in page.text and "Save details" not in page.text
    assert _rows(await client.get(_base(shop))) == []
    assert _rows(await client.get(_base(shop), params={"status": "archived"})) == ["Desk lamp"]
    refused = await _post(client, f"{url}/publish")
    assert refused.status_code == 409 and "archived" in refused.text


async def test_a_plans_terms_change_from_its_page(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    plan = await create_product(container, shop=shop, kind="plan", name="Club")
    await sign_in(client, owner.user.email)
    url = f"{_base(shop)}/{plan.id}"
    body = {"name": "Club", "description": "", "period_unit": "week", "period_count": "2",
            "trial_days": "7", "grace_days": "1"}  # fmt: skip
    assert (await _post(client, url, **{**body, "period_unit": "decade"})).status_code == 422
    assert (await _post(client, url, **body)).status_code == 303
    terms = (await _read(container, shop, plan.id)).plan
    assert (terms.period_unit, terms.period_count, terms.trial_days, terms.grace_days) == (
        "week",
        2,
        7,
        1,
    )
    assert "Every 2 weeks" in (await client.get(url)).text


async def test_the_list_marks_low_and_out_of_stock_and_pages(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    await create_product(container, shop=shop, name="Empty", stock=0)
    await create_product(container, shop=shop, name="Few", stock=2)
    await create_product(container, shop=shop, name="Many", stock=50, prices={"EUR": 1, "PLN": 5})
    for n in range(24):
        await create_product(container, shop=shop, name=f"Filler {n:02}", kind="digital")
    await sign_in(client, owner.user.email)

    first = await client.get(_base(shop), params={"sort": "name"})
    assert "Showing 1–25 of 27" in first.text and 'rel="next"' in first.text
    htmx = {"HX-Request": "true", "HX-Target": "product-results"}
    second = await client.get(_base(shop), params={"sort": "name", "page": "2"}, headers=htmx)
    assert "<html" not in second.text
    assert _rows(second) == ["Filler 23", "Many"]
    assert "PLN" in second.text or "zł" in second.text
    stock = await client.get(_base(shop), params={"kind": "physical", "sort": "name"})
    assert _rows(stock) == ["Empty", "Few", "Many"]
    text = stock.text.split('id="product-results"')[1]
    out, low = 'stock-out">Out of stock', 'stock-low">Low'
    assert text.index(out) < text.index("Few") < text.index(low) < text.index("Many")
    assert text.count(out) == 1 and text.count(low) == 1


async def test_who_may_see_and_change_products(container: Container, client: AsyncClient) -> None:
    shop, _owner = await shop_with_owner(container, client)
    lamp = await create_product(container, shop=shop, name="Lamp", stock=3)
    url = f"{_base(shop)}/{lamp.id}"
    variant = f"{url}/variants/{lamp.variants[0].id}"
    for role in ("viewer", "cashier"):
        member = await staff_member(container, client, shop=shop, role=role)
        client.cookies.clear()
        await sign_in(client, member.user.email)
        listed = await client.get(_base(shop))
        assert (
            listed.status_code == 200 and "Lamp" in listed.text and "New product" not in listed.text
        )
        page = await client.get(url)
        assert page.status_code == 200 and "may look at products but not change" in page.text
        assert "Save details" not in page.text and "Archive…" not in page.text
        assert "Add price" not in page.text and f'action="{url}/unpublish"' not in page.text
        for path in (
            "/new",
            f"/{lamp.id}/archive",
            f"/{lamp.id}/variants/{lamp.variants[0].id}/archive",
        ):
            assert (await client.get(_base(shop) + path)).status_code == 403, path
        token = csrf_of(page.text)
        for target, body in [
            (f"{_base(shop)}/new", {**FORM, "name": "Nope"}),
            (url, {"name": "Nope", "description": ""}),
            (f"{url}/publish", {}), (f"{url}/unpublish", {}),
            (f"{url}/archive", {"confirmed": "yes"}),
            (f"{url}/variants", {"sku": "NOPE"}), (variant, {"sku": "NOPE", "name": ""}),
            (f"{variant}/archive", {"confirmed": "yes"}),
            (f"{variant}/prices", {"currency": "USD", "amount": "1"}),
            (f"{variant}/prices/EUR/remove", {}), (f"{variant}/stock", {"stock": "1"}),
            (f"{variant}/stock/adjust", {"delta": "1", "reason": "x"}),
        ]:  # fmt: skip
            refused = await client.post(target, data={"csrf_token": token, **body})
            assert refused.status_code == 403, (role, target)
    after = await _read(container, shop, lamp.id)
    assert after.name == "Lamp" and after.published and after.archived_at is None
    assert after.variants[0].stock == 3 and len(after.variants[0].prices) == 1

    admin = await staff_member(container, client, shop=shop, role="admin")
    client.cookies.clear()
    await sign_in(client, admin.user.email)
    assert "Save details" in (await client.get(url)).text
    assert (await _post(client, f"{url}/unpublish")).status_code == 303
    assert not (await _read(container, shop, lamp.id)).published


async def test_forms_without_the_csrf_token_change_nothing(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    lamp = await create_product(container, shop=shop, name="Lamp")
    await sign_in(client, owner.user.email)
    url = f"{_base(shop)}/{lamp.id}"
    for data in ({}, {"csrf_token": "forged"}):
        assert (await client.post(url, data={**data, "name": "Changed"})).status_code == 403
        assert (
            await client.post(f"{url}/archive", data={**data, "confirmed": "yes"})
        ).status_code == 403
        created = await client.post(f"{_base(shop)}/new", data={**FORM, **data, "name": "New"})
        assert created.status_code == 403
    after = await _read(container, shop, lamp.id)
    assert after.name == "Lamp" and after.archived_at is None
    assert _rows(await client.get(_base(shop))) == ["Lamp"]


async def test_another_shops_products_are_not_found(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    other, _ = await shop_with_owner(container, client)
    theirs = await create_product(container, shop=other, name="Theirs")
    await sign_in(client, owner.user.email)
    token = await _token(client, shop)
    url = f"{_base(shop)}/{theirs.id}"
    assert (await client.get(url)).status_code == 404
    assert (await client.get(f"{_base(shop)}/{uuid.uuid4()}")).status_code == 404
    assert (await client.get(f"{_base(shop)}/not-an-id")).status_code in (400, 404)
    assert (await client.post(url, data={"csrf_token": token, "name": "Mine"})).status_code == 404
    archive = await client.post(f"{url}/archive", data={"csrf_token": token, "confirmed": "yes"})
    assert archive.status_code == 404
    price = await client.post(
        f"{url}/variants/{theirs.variants[0].id}/prices",
        data={"csrf_token": token, "currency": "EUR", "amount": "0"},
    )
    assert price.status_code == 404
    assert (await client.get(f"{_base(other)}")).status_code == 404  # not a member there
    after = await _read(container, other, theirs.id)
    assert after.name == "Theirs" and after.archived_at is None
    assert after.variants[0].prices[0].amount == 1000


async def test_names_and_descriptions_are_rendered_inert(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    await sign_in(client, owner.user.email)
    made = await _create(client, shop, name=HOSTILE, description=HOSTILE, price="1")
    assert made.status_code == 303
    for page in (await client.get(made.headers["location"]), await client.get(_base(shop))):
        assert HOSTILE not in page.text and "&lt;script&gt;" in page.text
    bad = await _create(client, shop, name=HOSTILE, sku=HOSTILE)
    assert bad.status_code == 422 and HOSTILE not in bad.text
