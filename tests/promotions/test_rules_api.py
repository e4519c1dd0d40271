"""Cart promotions over HTTP (staff CRUD, validation, permissions, audit) and evaluate_cart."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from httpx import AsyncClient

from shopkeeper import audit, promotions
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from tests.builders import shop_with_owner, staff_member
from tests.builders.catalog import create_category, create_product
from tests.builders.orders import variant_id


def _url(slug: str, promotion_id: object = None) -> str:
    base = f"/api/v1/shops/{slug}/promotion-rules"
    return base if promotion_id is None else f"{base}/{promotion_id}"


async def _actions(container: Container, shop_id: uuid.UUID) -> list[tuple[str, str]]:
    async with unit_of_work(container.sessions) as session:
        page = await audit.list_entries(session, shop_id=shop_id, filters=audit.AuditFilter())
    return [(e.action, str(e.target_id)) for e in page.items]


async def test_staff_create_read_list_update_and_delete_a_promotion(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    product = await create_product(container, shop=shop, prices={"PLN": 5000})
    body = {
        "name": "3+1 on mugs",
        "kind": "buy_n_get_m",
        "params": {"buy": 3, "get": 1},
        "targets": {"product_ids": [str(product.id)]},
        "priority": 10,
        "stackable": True,
        "max_discount": {"pln": 20_000},
        "starts_at": "2026-01-01T00:00:00+01:00",
    }
    created = await client.post(_url(shop.slug), json=body, headers=owner.headers)
    assert created.status_code == 201, created.text
    promo = created.json()
    assert (promo["kind"], promo["params"], promo["max_discount"], promo["exclusive"]) == (
        "buy_n_get_m",
        {"buy": 3, "get": 1, "percent_bp": 10_000, "within": "any"},
        {"PLN": 20_000},
        False,
    )
    assert promo["targets"] == {
        "product_ids": [str(product.id)],
        "category_ids": [],
        "line_types": ["offer", "accessory"],
    }
    assert promo["starts_at"].startswith("2025-12-31T23:00:00") and promo["active"] is True
    assert (await client.get(_url(shop.slug, promo["id"]), headers=owner.headers)).json() == promo

    await client.post(
        _url(shop.slug),
        headers=owner.headers,
        json={"name": "10 %", "kind": "percent_off", "params": {"percent_bp": 1000}},
    )
    listed = (await client.get(_url(shop.slug), headers=owner.headers)).json()
    assert [p["name"] for p in listed["items"]] == ["3+1 on mugs", "10 %"]  # priority first
    only = await client.get(_url(shop.slug), params={"kind": "percent_off"}, headers=owner.headers)
    assert [p["name"] for p in only.json()["items"]] == ["10 %"]

    changed = await client.patch(
        _url(shop.slug, promo["id"]),
        headers=owner.headers,
        json={"params": {"buy": 2, "get": 1}, "active": False},
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["params"]["buy"], changed.json()["active"]) == (2, False)
    assert changed.json()["priority"] == 10  # untouched fields stay
    inactive = await client.get(_url(shop.slug), params={"active": False}, headers=owner.headers)
    assert [p["id"] for p in inactive.json()["items"]] == [promo["id"]]

    gone = await client.delete(_url(shop.slug, promo["id"]), headers=owner.headers)
    assert gone.status_code == 204
    assert (
        await client.get(_url(shop.slug, promo["id"]), headers=owner.headers)
    ).status_code == 404
    actions = await _actions(container, shop.id)
    for action in ("promotion.created", "promotion.updated", "promotion.deleted"):
        assert (action, promo["id"]) in actions
    async with unit_of_work(container.sessions) as session:
        entries = await audit.list_entries(
            session, shop_id=shop.id, filters=audit.AuditFilter(action="promotion.updated")
        )
    [update] = entries.items
    assert (update.before or {})["params"]["buy"] == 3 and (update.after or {})["params"][
        "buy"
    ] == 2


async def test_bad_params_are_refused_and_nothing_is_stored(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    base: dict[str, Any] = {"name": "x"}
    bad = [
        {"kind": "percent_off", "params": {"percent_bp": 10_001}},  # more than 100 %
        {"kind": "buy_n_get_m", "params": {"buy": 0, "get": 1}},  # N < 1
        {"kind": "buy_n_get_m", "params": {"buy": 3}},
        {"kind": "percent_off", "params": {"buy": 3, "get": 1}},  # another kind's params
        {
            "kind": "cart_threshold",
            "params": {"minimum": {"PLN": 100}, "percent_bp": 5, "amount_off": {"PLN": 5}},
        },
        {"kind": "amount_off", "params": {"amount_off": {"ZLOTY": 100}}},
        {"kind": "lottery", "params": {}},
        {"kind": "percent_off", "params": {"percent_bp": 100}, "max_discount": {"PLN": 0}},
        {"kind": "percent_off", "params": {"percent_bp": 100}, "targets": {"line_types": []}},
        {
            "kind": "percent_off",
            "params": {"percent_bp": 100},
            "starts_at": "2026-02-01T00:00:00Z",
            "ends_at": "2026-01-01T00:00:00Z",
        },
        {"kind": "percent_off", "params": {"percent_bp": 100}, "priority": 5000},
    ]
    for body in bad:
        response = await client.post(_url(shop.slug), json=base | body, headers=owner.headers)
        assert response.status_code == 422, body
        assert response.json()["error"] == "ValidationError"
    assert (await client.get(_url(shop.slug), headers=owner.headers)).json()["total"] == 0


async def test_a_patch_is_checked_whole_against_the_stored_kind(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    body = {
        "name": "2nd −50 %",
        "kind": "second_item",
        "params": {},
        "ends_at": "2026-03-01T00:00:00Z",
    }
    promo = (await client.post(_url(shop.slug), json=body, headers=owner.headers)).json()
    url = _url(shop.slug, promo["id"])
    refused = [
        {"params": {"percent_bp": 20_000}},
        {"params": {"buy": 3, "get": 1}},  # buy_n_get_m's params on a second_item
        {"kind": "buy_n_get_m"},  # a new kind without its params
        {"starts_at": "2026-04-01T00:00:00Z"},  # after the stored end
        {"name": None},
    ]
    for change in refused:
        response = await client.patch(url, json=change, headers=owner.headers)
        assert response.status_code == 422, change
    assert (await client.get(url, headers=owner.headers)).json() == promo
    switched = await client.patch(
        url, json={"kind": "buy_n_get_m", "params": {"buy": 3, "get": 1}}, headers=owner.headers
    )
    assert switched.status_code == 200
    assert (switched.json()["kind"], switched.json()["params"]["get"]) == ("buy_n_get_m", 1)


async def test_targets_and_gifts_must_be_the_shops_own(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    other, _ = await shop_with_owner(container, client)
    ours = await create_product(container, shop=shop)
    theirs = await create_product(container, shop=other)
    foreign = {
        "name": "x",
        "kind": "percent_off",
        "params": {"percent_bp": 100},
        "targets": {"product_ids": [str(theirs.id)]},
    }
    refused = await client.post(_url(shop.slug), json=foreign, headers=owner.headers)
    assert refused.status_code == 422 and refused.json()["error"] == "PromotionTargetNotFound"
    gift = {
        "name": "gift",
        "kind": "gift",
        "params": {"product_id": str(ours.id), "variant_id": str(variant_id(theirs))},
    }
    wrong_variant = await client.post(_url(shop.slug), json=gift, headers=owner.headers)
    assert wrong_variant.status_code == 422
    assert "variant" in wrong_variant.json()["detail"]
    gift["params"]["variant_id"] = str(variant_id(ours))
    made = await client.post(_url(shop.slug), json=gift, headers=owner.headers)
    assert made.status_code == 201, made.text
    assert (await client.get(_url(shop.slug), headers=owner.headers)).json()["total"] == 1


async def test_writing_needs_promotions_write_reading_needs_orders_read_other_shops_see_404(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    body = {"name": "10 %", "kind": "percent_off", "params": {"percent_bp": 1000}}
    promo = (await client.post(_url(shop.slug), json=body, headers=owner.headers)).json()
    url = _url(shop.slug, promo["id"])
    cashier = await staff_member(container, client, shop=shop, role="cashier")
    viewer = await staff_member(container, client, shop=shop, role="viewer")
    manager = await staff_member(container, client, shop=shop, role="manager")
    other, stranger = await shop_with_owner(container, client)
    for reader in (cashier, viewer):
        assert (await client.get(url, headers=reader.headers)).status_code == 200
        assert (await client.get(_url(shop.slug), headers=reader.headers)).status_code == 200
        assert (
            await client.post(_url(shop.slug), json=body, headers=reader.headers)
        ).status_code == 403
        patch = await client.patch(url, json={"priority": 3}, headers=reader.headers)
        assert patch.status_code == 403
        assert (await client.delete(url, headers=reader.headers)).status_code == 403
    assert (await client.get(url, headers=stranger.headers)).status_code == 404
    assert (
        await client.patch(url, json={"priority": 3}, headers=stranger.headers)
    ).status_code == 404
    # The stranger's own shop does not have it either.
    assert (
        await client.get(_url(other.slug, promo["id"]), headers=stranger.headers)
    ).status_code == 404
    assert (
        await client.delete(_url(other.slug, promo["id"]), headers=stranger.headers)
    ).status_code == 404
    assert (await client.get(url, headers=owner.headers)).json() == promo
    made = await client.post(_url(shop.slug), json=body, headers=manager.headers)
    assert made.status_code == 201
    assert (
        await client.get(_url(shop.slug, "available"), headers=owner.headers)
    ).status_code == 422


async def test_evaluate_cart_applies_only_the_shops_promotions_in_force(
    container: Container, client: AsyncClient, clock: FrozenClock
) -> None:
    shop, owner = await shop_with_owner(container, client)
    other, other_owner = await shop_with_owner(container, client)
    category = await create_category(container, shop=shop, name="Kitchen")
    mug = await create_product(container, shop=shop, prices={"PLN": 2_000}, category_id=category.id)
    now = clock.now()

    async def create(slug: str, headers: dict[str, str], **fields: Any) -> None:
        response = await client.post(_url(slug), json={"name": "p", **fields}, headers=headers)
        assert response.status_code == 201, response.text

    three_plus_one = {
        "kind": "buy_n_get_m",
        "params": {"buy": 3, "get": 1},
        "targets": {"category_ids": [str(category.id)]},
    }
    await create(shop.slug, owner.headers, **three_plus_one)
    await create(
        shop.slug, owner.headers, kind="percent_off", params={"percent_bp": 9000}, active=False
    )
    await create(
        shop.slug,
        owner.headers,
        kind="percent_off",
        params={"percent_bp": 9000},
        starts_at=(now + timedelta(hours=1)).isoformat(),
    )
    await create(
        shop.slug,
        owner.headers,
        kind="percent_off",
        params={"percent_bp": 9000},
        ends_at=now.isoformat(),
    )
    await create(other.slug, other_owner.headers, kind="percent_off", params={"percent_bp": 9000})

    lines = [
        promotions.CartLine(
            line_id="mugs",
            variant_id=variant_id(mug),
            product_id=mug.id,
            category_ids=frozenset({category.id}),
            unit_amount=2_000,
            quantity=4,
        )
    ]
    async with unit_of_work(container.sessions) as session:
        result = await promotions.evaluate_cart(
            session, shop_id=shop.id, currency="PLN", lines=lines, codes=(), now=now
        )
    assert (result.subtotal, result.discount, result.total) == (8_000, 2_000, 6_000)
    assert [a.kind for a in result.applied] == ["buy_n_get_m"]
    clock.advance(hours=2)  # the future one starts: 90 % off wins, both are non-stackable...
    async with unit_of_work(container.sessions) as session:
        later = await promotions.evaluate_cart(
            session, shop_id=shop.id, currency="PLN", lines=lines, codes=(), now=clock.now()
        )
    # ...the 3+1 (id order: created first) takes the line first; the 90 % finds it claimed.
    assert [a.kind for a in later.applied] == ["buy_n_get_m"]
    assert [lost.reason.value for lost in later.lost] == ["not_stackable"]


async def test_a_validated_promo_code_joins_the_stack_after_the_promotions(
    container: Container, client: AsyncClient, clock: FrozenClock
) -> None:
    shop, owner = await shop_with_owner(container, client)
    mug = await create_product(container, shop=shop, prices={"PLN": 2_000})
    body = {"name": "3+1", "kind": "buy_n_get_m", "params": {"buy": 3, "get": 1}}
    assert (await client.post(_url(shop.slug), json=body, headers=owner.headers)).is_success
    codes_url = f"/api/v1/shops/{shop.slug}/promo-codes"
    euro = {"code": "EURO5", "amount_off": {"EUR": 500}}
    euro_id = uuid.UUID(
        (await client.post(codes_url, json=euro, headers=owner.headers)).json()["id"]
    )
    percent = {"code": "EXTRA10", "percent_off_bp": 1000}
    assert (await client.post(codes_url, json=percent, headers=owner.headers)).is_success
    lines = [
        promotions.CartLine(
            line_id=uuid.UUID(int=7), variant_id=variant_id(mug), product_id=mug.id,
            unit_amount=2_000, quantity=4,
        )
    ]  # fmt: skip
    async with unit_of_work(container.sessions) as session:
        quote = await promotions.quote_promo_code(
            session, shop_id=shop.id, code="extra10", customer_id=None, currency="PLN",
            lines=[promotions.PromoLine(product_id=mug.id, amount=8_000)], now=clock.now(),
        )  # fmt: skip
        read = await promotions.get_promo_code(
            session, shop_id=shop.id, promo_code_id=quote.promo_code_id
        )
        applied = promotions.AppliedCode.of(read, "pln")
        assert applied is not None
        result = await promotions.evaluate_cart(
            session, shop_id=shop.id, currency="PLN", lines=lines, codes=[applied], now=clock.now()
        )
        euro_only = await promotions.get_promo_code(session, shop_id=shop.id, promo_code_id=euro_id)
    # The code's quote is on full prices (800); in the stack it takes 10 % of what 3+1 left.
    assert quote.discount == 800
    assert [(a.kind, a.discount) for a in result.applied] == [("buy_n_get_m", 2_000), ("code", 600)]
    assert result.lines[0].line_id == str(uuid.UUID(int=7)) and result.total == 5_400
    assert promotions.AppliedCode.of(euro_only, "PLN") is None
    assert promotions.AppliedCode.of(euro_only, "eur") == promotions.AppliedCode(
        promo_code_id=euro_id, code="EURO5", amount_off=500
    )
