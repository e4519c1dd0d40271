"""The admin's promo codes: created from the form (percent or an amount, limits, a validity
window in the shop's zone) with errors per field, a batch of single-use codes shown once and
as CSV, a code's uses, deactivation after a confirmation, who may do what, inert text."""

from __future__ import annotations

import csv
import io
import re

from httpx import AsyncClient, Response

from shopkeeper.bootstrap import Container
from tests.builders import shop_with_owner, staff_member
from tests.builders.orders import create_sellable, place_order
from tests.builders.promotions import create_promo_code
from tests.web.admin.support import HOSTILE, csrf_of
from tests.web.seed import sign_in

FORM = {"mode": "one", "code": "", "description": "", "kind": "percent", "value": "",
        "minimum": "", "max_uses": "", "max_uses_per_customer": "", "valid_from": "",
        "valid_until": ""}  # fmt: skip


async def _create(client: AsyncClient, base: str, **fields: str) -> Response:
    token = csrf_of((await client.get(f"{base}/new")).text)
    return await client.post(f"{base}/new", data={**FORM, "csrf_token": token, **fields})


async def test_a_manager_creates_codes_and_sees_each_mistake_by_its_field(
    container: Container, client: AsyncClient
) -> None:
    shop, _owner = await shop_with_owner(container, client, currency="EUR", timezone="UTC")
    manager = await staff_member(container, client, shop=shop, role="manager")
    await sign_in(client, manager.user.email)
    base = f"/admin/s/{shop.slug}/promo-codes"

    made = await _create(client, base, code="summer25", value="15", max_uses="100",
                         description=HOSTILE, valid_until="2027-01-31T23:59")  # fmt: skip
    assert made.status_code == 303
    page = await client.get(made.headers["location"])
    assert "SUMMER25" in page.text and "15 %" in page.text and "0 / 100" in page.text
    assert "The code is created." in page.text and HOSTILE not in page.text
    assert "Nobody has used it yet." in page.text

    taken = await _create(client, base, code="SUMMER25", value="10")
    assert taken.status_code == 409 and 'id="f-code-error"' in taken.text
    short = await _create(client, base, code="x", value="10")
    assert short.status_code == 422 and "3 to 64 letters" in short.text
    too_much = await _create(client, base, code="BIG", value="150")
    assert too_much.status_code == 422 and "A percentage from 0.01 to 100." in too_much.text
    window = await _create(
        client, base, code="WINDOW", value="5", valid_from="2027-02-01T00:00",
        valid_until="2027-01-01T00:00",
    )  # fmt: skip
    assert window.status_code == 422 and "The start must be before the end." in window.text
    assert 'value="WINDOW"' in window.text  # what was typed stays
    fixed = await _create(client, base, code="TENOFF", kind="fixed", value="12.50",
                          minimum="50")  # fmt: skip
    assert fixed.status_code == 303
    fixed_page = await client.get(fixed.headers["location"])
    assert "€12.50" in fixed_page.text and "€50.00" in fixed_page.text

    listed = await client.get(base)
    assert "SUMMER25" in listed.text and "TENOFF" in listed.text and "BIG" not in listed.text


async def test_a_batch_of_single_use_codes_is_shown_once_and_downloads_as_csv(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    await sign_in(client, owner.user.email)
    base = f"/admin/s/{shop.slug}/promo-codes"

    made = await _create(client, base, mode="bulk", prefix="xmas", count="5", value="10")
    assert made.status_code == 201 and "5 codes generated" in made.text
    codes = re.findall(r"XMAS-[A-Z0-9]+", made.text.split('id="batch-codes"', 1)[1])
    assert len(set(codes)) == 5
    link = re.search(r'href="([^"]+\.csv)"', made.text)
    assert link
    exported = await client.get(link[1])
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0] == ["code", "used", "active"] and {r[0] for r in rows[1:]} == set(codes)
    bad = await _create(client, base, mode="bulk", prefix="no-dash!", count="0", value="10")
    assert bad.status_code == 422 and 'id="f-count-error"' in bad.text


async def test_a_codes_uses_show_and_it_is_deactivated_after_confirming(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    promo = await create_promo_code(container, shop=shop, code="USEME")
    lamp = await create_sellable(container, shop=shop, price=2_000)
    order = await place_order(container, shop=shop, items=[(lamp, 1)], promo_code="USEME")
    cashier = await staff_member(container, client, shop=shop, role="cashier")
    await sign_in(client, cashier.user.email)
    base = f"/admin/s/{shop.slug}/promo-codes"
    url = f"{base}/{promo.id}"

    page = await client.get(url)
    assert "Used 1 time" in page.text and f"/orders/{order.id}" in page.text
    assert "€2.00" in page.text and "Deactivate" not in page.text
    assert "New code" not in (await client.get(base)).text
    assert (await client.get(f"{base}/new")).status_code == 403
    token = csrf_of(page.text)
    assert (await client.post(f"{base}/new", data={**FORM, "csrf_token": token, "code": "NOPE",
                                                   "value": "5"})).status_code == 403  # fmt: skip
    refused = await client.post(f"{url}/deactivate", data={"csrf_token": token, "confirmed": "yes"})
    assert refused.status_code == 403

    client.cookies.clear()
    await sign_in(client, owner.user.email)
    token = csrf_of((await client.get(url)).text)
    asked = await client.post(f"{url}/deactivate", data={"csrf_token": token})
    assert asked.status_code == 200 and "Deactivate this code?" in asked.text
    assert "USEME" in (await client.get(base, params={"state": "active"})).text
    done = await client.post(f"{url}/deactivate", data={"csrf_token": token, "confirmed": "yes"})
    assert done.status_code == 303
    assert "The code is deactivated." in (await client.get(url)).text
    assert "USEME" in (await client.get(base, params={"state": "inactive"})).text
    assert "USEME" not in (await client.get(base, params={"state": "active"})).text
