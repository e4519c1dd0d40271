"""Managing promo codes over HTTP: create, validate, case-insensitive codes, deactivate, bulk."""

from __future__ import annotations

import re
import uuid

from httpx import AsyncClient

from shopkeeper import audit
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.promotions.generator import ALPHABET
from tests.builders import shop_with_owner, staff_member
from tests.builders.orders import create_sellable, variant_id


def _codes(slug: str) -> str:
    return f"/api/v1/shops/{slug}/promo-codes"


async def test_create_read_and_list_a_code(container: Container, client: AsyncClient) -> None:
    shop, owner = await shop_with_owner(container, client)
    product = await create_sellable(container, shop=shop)
    body = {
        "code": "Summer25", "amount_off": {"eur": 500, "PLN": 2000},
        "minimum_amount": {"EUR": 3000}, "product_ids": [str(product.id)],
        "valid_from": "2026-01-01T00:00:00Z", "valid_until": "2026-02-01T00:00:00+01:00",
        "max_uses": 100, "max_uses_per_customer": 1, "first_purchase_only": True,
        "description": "Summer sale",
    }  # fmt: skip
    created = await client.post(_codes(shop.slug), json=body, headers=owner.headers)
    assert created.status_code == 201, created.text
    code = created.json()
    assert (code["code"], code["kind"], code["amount_off"], code["percent_off_bp"]) == (
        "SUMMER25", "fixed", {"EUR": 500, "PLN": 2000}, None,
    )  # fmt: skip
    assert code["valid_until"].startswith("2026-01-31T23:00:00")
    assert (code["used_count"], code["active"], code["batch_id"]) == (0, True, None)
    read = await client.get(f"{_codes(shop.slug)}/{code['id']}", headers=owner.headers)
    assert read.json() == code
    listed = (await client.get(_codes(shop.slug), headers=owner.headers)).json()
    assert [c["id"] for c in listed["items"]] == [code["id"]] and listed["total"] == 1
    async with unit_of_work(container.sessions) as session:
        entries = await audit.list_entries(
            session, shop_id=shop.id, filters=audit.AuditFilter(action="promo_code.created")
        )
    assert [e.target_id for e in entries.items] == [code["id"]]


async def test_codes_are_unique_per_shop_whatever_the_case(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    other, other_owner = await shop_with_owner(container, client)
    body = {"code": "WELCOME", "percent_off_bp": 1000}
    assert (await client.post(_codes(shop.slug), json=body, headers=owner.headers)).is_success
    again = await client.post(
        _codes(shop.slug), json={**body, "code": "welcome"}, headers=owner.headers
    )
    assert again.status_code == 409 and again.json()["error"] == "PromoCodeTaken"
    elsewhere = await client.post(_codes(other.slug), json=body, headers=other_owner.headers)
    assert elsewhere.status_code == 201


async def test_bad_codes_are_refused(container: Container, client: AsyncClient) -> None:
    shop, owner = await shop_with_owner(container, client)
    bad = [
        {"code": "BOTH", "percent_off_bp": 100, "amount_off": {"EUR": 100}},
        {"code": "NONE"},
        {"code": "PCT", "percent_off_bp": 10_001},
        {"code": "CUR", "amount_off": {"EURO": 100}},
        {"code": "ZERO", "amount_off": {"EUR": 0}},
        {"code": "no spaces", "percent_off_bp": 100},
        {"code": "AB", "percent_off_bp": 100},
        {"code": "WIN", "percent_off_bp": 100, "valid_from": "2026-02-01T00:00:00Z",
         "valid_until": "2026-01-01T00:00:00Z"},
        {"code": "NAIVE", "percent_off_bp": 100, "valid_until": "2026-02-01T00:00:00"},
        {"code": "USES", "percent_off_bp": 100, "max_uses": 0},
    ]  # fmt: skip
    for body in bad:
        response = await client.post(_codes(shop.slug), json=body, headers=owner.headers)
        assert response.status_code == 422, body


async def test_managing_needs_promotions_write_reading_needs_orders_read(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    created = await client.post(
        _codes(shop.slug), json={"code": "READ", "percent_off_bp": 100}, headers=owner.headers
    )
    code_url = f"{_codes(shop.slug)}/{created.json()['id']}"
    cashier = await staff_member(container, client, shop=shop, role="cashier")
    manager = await staff_member(container, client, shop=shop, role="manager")
    _, stranger = await shop_with_owner(container, client)
    assert (await client.get(code_url, headers=cashier.headers)).status_code == 200
    for path in ("", "/bulk"):
        denied = await client.post(
            _codes(shop.slug) + path, json={"code": "NOPE", "percent_off_bp": 1},
            headers=cashier.headers,
        )  # fmt: skip
        assert denied.status_code == 403
    assert (await client.post(f"{code_url}/deactivate", headers=cashier.headers)).status_code == 403
    assert (await client.get(code_url, headers=stranger.headers)).status_code == 404
    made = await client.post(
        _codes(shop.slug), json={"code": "MGR", "percent_off_bp": 1}, headers=manager.headers
    )
    assert made.status_code == 201


async def test_a_deactivated_code_is_refused(container: Container, client: AsyncClient) -> None:
    shop, owner = await shop_with_owner(container, client)
    product = await create_sellable(container, shop=shop)
    code = (
        await client.post(
            _codes(shop.slug), json={"code": "STOPPED", "percent_off_bp": 500},
            headers=owner.headers,
        )
    ).json()  # fmt: skip
    off = await client.post(f"{_codes(shop.slug)}/{code['id']}/deactivate", headers=owner.headers)
    assert off.json()["active"] is False and off.json()["deactivated_at"] is not None
    order = await client.post(
        f"/api/v1/shops/{shop.slug}/orders",
        json={"items": [{"variant_id": str(variant_id(product))}], "promo_code": "stopped"},
        headers=owner.headers,
    )
    assert order.status_code == 409 and order.json()["error"] == "PromoCodeInactive"
    active = await client.get(_codes(shop.slug), params={"active": True}, headers=owner.headers)
    assert active.json()["total"] == 0


async def test_bulk_generation_makes_unguessable_single_use_codes(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    product = await create_sellable(container, shop=shop, price=2000)
    body = {"prefix": "xmas", "count": 10_000, "amount_off": {"EUR": 500}}
    response = await client.post(f"{_codes(shop.slug)}/bulk", json=body, headers=owner.headers)
    assert response.status_code == 201, response.text
    batch = response.json()
    pattern = re.compile(rf"^XMAS-[{ALPHABET}]{{10}}$")
    assert batch["count"] == 10_000 and len(set(batch["codes"])) == 10_000
    assert all(pattern.match(code) for code in batch["codes"])
    listed = await client.get(
        _codes(shop.slug), params={"batch_id": batch["batch_id"], "limit": 500},
        headers=owner.headers,
    )  # fmt: skip
    items = listed.json()["items"]
    assert listed.json()["total"] == 10_000 and {c["max_uses"] for c in items} == {1}

    url = f"/api/v1/shops/{shop.slug}/orders"
    order = {"items": [{"variant_id": str(variant_id(product))}], "promo_code": batch["codes"][0]}
    first = await client.post(url, json=order, headers=owner.headers)
    assert first.status_code == 201 and first.json()["discount"] == 500
    second = await client.post(url, json=order, headers=owner.headers)
    assert second.status_code == 409 and second.json()["error"] == "PromoCodeExhausted"

    too_many = await client.post(
        f"{_codes(shop.slug)}/bulk", json={**body, "count": 10_001}, headers=owner.headers
    )
    assert too_many.status_code == 422


async def test_the_usage_list_shows_each_order_that_used_a_code(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    product = await create_sellable(container, shop=shop, price=1000)
    code = (
        await client.post(
            _codes(shop.slug), json={"code": "USED", "percent_off_bp": 2500},
            headers=owner.headers,
        )
    ).json()  # fmt: skip
    url = f"/api/v1/shops/{shop.slug}/orders"
    body = {"items": [{"variant_id": str(variant_id(product))}], "promo_code": "used"}
    kept = (await client.post(url, json=body, headers=owner.headers)).json()
    cancelled = (await client.post(url, json=body, headers=owner.headers)).json()
    await client.post(f"{url}/{cancelled['id']}/cancel", headers=owner.headers)
    usage = await client.get(f"{_codes(shop.slug)}/{code['id']}/redemptions", headers=owner.headers)
    rows = {r["order_id"]: r for r in usage.json()["items"]}
    assert usage.json()["total"] == 2
    assert (rows[kept["id"]]["amount"], rows[kept["id"]]["released_at"]) == (250, None)
    assert rows[cancelled["id"]]["released_at"] is not None
    code_now = await client.get(f"{_codes(shop.slug)}/{code['id']}", headers=owner.headers)
    assert code_now.json()["used_count"] == 1
    missing = await client.get(
        f"{_codes(shop.slug)}/{uuid.uuid4()}/redemptions", headers=owner.headers
    )
    assert missing.status_code == 404
