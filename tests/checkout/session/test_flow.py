"""The checkout session over HTTP with a cart token: shipping, address, date, promotions and
a promo code, the summary; bad choices refused with nothing changed; the events on their
topics; a cart change that rules the chosen method out; another owner's session unseen."""

from __future__ import annotations

import uuid
from typing import Any

from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from shopkeeper.bus import drain
from tests.checkout.session.support import ADDRESS, Store, add, events
from tests.fakes.delivery_calendar import FakeCalendar

SUNDAY, SATURDAY, MONDAY = "2026-01-04", "2026-01-03", "2026-01-05"


async def _cart(client: AsyncClient, store: Store, quantity: int = 2) -> tuple[str, dict[str, str]]:
    added = await add(client, store, store.lamp, quantity=quantity)
    assert added.status_code == 201, added.text
    token = added.json()["cart_token"]
    return token, {"X-Cart-Token": token}


async def _summary(client: AsyncClient, store: Store, headers: dict[str, str]) -> dict[str, Any]:
    response = await client.get(store.url("/checkout/summary"), headers=headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_a_shopper_chooses_shipping_address_date_and_promotions(
    client: AsyncClient, store: Store, container: Container, fake_calendar: FakeCalendar
) -> None:
    _, headers = await _cart(client, store)
    first = await _summary(client, store, headers)
    assert first["missing"] == [
        "shipping_method", "shipping_address", "payment_method", "customer_data",
    ]  # fmt: skip
    assert not first["ready"]
    assert first["totals"] == {"currency": "PLN", "subtotal": 20_000, "discounts": 2_000,
                               "tax": 0, "shipping": 0, "total": 18_000}  # fmt: skip

    methods = (await client.get(store.url("/shipping/available"), headers=headers)).json()
    offers = {m["code"]: m for m in methods["methods"]}
    assert offers["locker"]["available"] and offers["locker"]["price"] == 999
    assert offers["courier"]["requires_delivery_date"] and methods["selected_method_code"] is None

    chosen = await client.post(store.url("/shipping/select"), json={"method_code": "courier"},
                               headers=headers)  # fmt: skip
    assert chosen.status_code == 200 and chosen.json()["shipping_method_code"] == "courier"
    address = await client.post(store.url("/shipping/address"), json=ADDRESS, headers=headers)
    assert address.status_code == 200, address.text
    assert address.json()["address"]["postal_code"] == "00-950"
    assert address.json()["address"]["country"] == "PL"
    days = await client.get(store.url("/shipping/calendar"), headers=headers,
                            params={"method": "courier", "country": "PL",
                                    "postal_code": "00-950"})  # fmt: skip
    assert SUNDAY in {d["date"] for d in days.json()["days"] if "sunday" in d["addons"]}
    dated = await client.post(store.url("/shipping/set-date"), headers=headers,
                              json={"date": SUNDAY, "addons": ["sunday"]})  # fmt: skip
    assert dated.status_code == 200, dated.text
    assert dated.json()["delivery_date"] == SUNDAY and dated.json()["addons"] == ["sunday"]

    coded = await client.post(store.url("/promotions/apply-code"), json={"code": " save5 "},
                              headers=headers)  # fmt: skip
    assert coded.status_code == 200, coded.text
    assert [(c["code"], c["discount"]) for c in coded.json()["codes"]] == [("SAVE5", 900)]
    listed = (await client.get(store.url("/promotions/available"), headers=headers)).json()
    assert [(p["name"], p["applied"], p["discount"]) for p in listed["promotions"]] == [
        ("Lamp week", True, 2_000)
    ]

    customer = {"email": "ola@example.com", "phone": "+48 600 100 200", "name": "Ola Nowak"}
    given = await client.post(store.url("/checkout/customer-data"), json=customer,
                              headers=headers)  # fmt: skip
    assert given.status_code == 200, given.text
    summary = await _summary(client, store, headers)
    assert summary["missing"] == ["payment_method"]  # chosen in tests/checkout/payment
    assert summary["shipping"]["method_code"] == "courier"
    assert summary["shipping"]["price"] == 2_500 + 1_500
    assert summary["shipping"]["delivery_date"] == SUNDAY
    assert [(p["name"], p["discount"]) for p in summary["promotions"]] == [
        ("Lamp week", 2_000), ("SAVE5", 900),
    ]  # fmt: skip
    assert summary["totals"] == {"currency": "PLN", "subtotal": 20_000, "discounts": 2_900,
                                 "tax": 0, "shipping": 4_000, "total": 21_100}  # fmt: skip
    assert [line["name"] for line in summary["lines"]] == ["Desk lamp"]

    removed = await client.delete(store.url(f"/promotions/{store.lamp_week.id}"), headers=headers)
    assert removed.status_code == 200, removed.text
    assert removed.json()["promotions"][0]["removed"] is True
    assert (await _summary(client, store, headers))["totals"]["discounts"] == 1_000  # 5 % alone
    back = await client.post(store.url("/promotions/apply"), headers=headers,
                             json={"promotion_id": str(store.lamp_week.id)})  # fmt: skip
    assert back.status_code == 200 and back.json()["promotions"][0]["applied"] is True
    code_off = await client.delete(store.url(f"/promotions/{store.code.id}"), headers=headers)
    assert code_off.status_code == 200 and code_off.json()["codes"] == []
    assert (await _summary(client, store, headers))["totals"]["discounts"] == 2_000

    published = [(e.topic, e.name) for e in await events(
        container, "shipping-events", "promotions-events")]  # fmt: skip
    assert published == [
        ("shipping-events", "shipping.shipping_method_selected.v1"),
        ("shipping-events", "shipping.shipping_address_provided.v1"),
        ("shipping-events", "shipping.delivery_date_selected.v1"),
        ("promotions-events", "promotions.promo_code_applied.v1"),
        ("promotions-events", "promotions.promotion_removed.v1"),
        ("promotions-events", "promotions.promotion_applied.v1"),
        ("promotions-events", "promotions.promotion_removed.v1"),
    ]
    rows = await events(container, "shipping-events", "promotions-events")
    cart_id = first["cart_id"]
    assert {e.payload["cart_id"] for e in rows} == {cart_id}
    assert [e.payload["version"] for e in rows] == [1, 2, 3, 4, 5, 6, 7]
    assert rows[2].payload["delivery_date"] == SUNDAY and rows[2].payload["addons"] == ["sunday"]
    assert rows[3].payload["code"] == "SAVE5" and rows[3].payload["discount"] == 900
    assert rows[6].payload["source"] == "code" and rows[6].payload["code"] == "SAVE5"


async def test_bad_choices_are_refused_and_change_nothing(
    client: AsyncClient, store: Store, container: Container, fake_calendar: FakeCalendar
) -> None:
    _, headers = await _cart(client, store, quantity=1)
    assert (
        await add(client, store, store.fridge, token=headers["X-Cart-Token"])
    ).status_code == 201

    async def post(path: str, body: dict[str, Any]) -> tuple[int, str]:
        response = await client.post(store.url(path), json=body, headers=headers)
        return response.status_code, response.text

    unknown = await post("/shipping/select", {"method_code": "drone"})
    too_heavy = await post("/shipping/select", {"method_code": "locker"})
    no_method_yet = await post("/shipping/set-date", {"date": SUNDAY})
    assert unknown[0] == 404 and too_heavy[0] == 422 and no_method_yet[0] == 422
    assert "weighs 61 kg" in too_heavy[1] and "at most 25 kg" in too_heavy[1]
    assert "Choose a shipping method" in no_method_yet[1]

    assert (await post("/shipping/select", {"method_code": "courier"}))[0] == 200
    no_address = await post("/shipping/set-date", {"date": SUNDAY})
    bad_postcode = await post("/shipping/address", {**ADDRESS, "postal_code": "9-99"})
    assert no_address[0] == 422 and bad_postcode[0] == 422 and "NN-NNN" in bad_postcode[1]
    assert (await post("/shipping/address", ADDRESS))[0] == 200
    closed = await post("/shipping/set-date", {"date": SATURDAY})
    not_sunday = await post("/shipping/set-date", {"date": MONDAY, "addons": ["sunday"]})
    no_such_addon = await post("/shipping/select", {"method_code": "courier", "addons": ["x"]})
    assert [closed[0], not_sunday[0], no_such_addon[0]] == [422, 422, 422]
    assert "does not deliver" in closed[1] and "only for Sundays" in not_sunday[1]

    assert (await post("/shipping/address", {**ADDRESS, "postal_code": "00-001"}))[0] == 200
    fake_calendar.mode = "fail"  # no answer cached for this postal code
    down = await client.post(store.url("/shipping/set-date"), json={"date": SUNDAY},
                             headers=headers)  # fmt: skip
    assert down.status_code == 503 and "can still be chosen" in down.json()["detail"]
    fake_calendar.mode = "ok"

    invalid = await post("/promotions/apply-code", {"code": "NOPE"})
    assert invalid[0] == 422
    unknown_promotion = await post("/promotions/apply", {"promotion_id": str(uuid.uuid4())})
    assert unknown_promotion[0] == 422
    not_applied = await client.delete(store.url(f"/promotions/{uuid.uuid4()}"), headers=headers)
    assert not_applied.status_code == 404

    summary = await _summary(client, store, headers)
    assert summary["shipping"]["method_code"] == "courier" and summary["codes"] == []
    assert summary["shipping"]["delivery_date"] is None
    assert summary["missing"] == ["delivery_date", "payment_method", "customer_data"]
    assert summary["session_version"] == 3
    refused = await events(container, "promotions-events")
    assert [(e.name, e.payload["code"], e.payload["reason"]) for e in refused] == [
        ("promotions.promo_code_invalid.v1", "NOPE", "PromoCodeNotFound")
    ]
    body = (await client.post(store.url("/promotions/apply-code"), json={"code": "NOPE"},
                              headers=headers)).json()  # fmt: skip
    assert body["error"] == "PromoCodeInvalid" and body["reason"] == "PromoCodeNotFound"
    assert "NOPE" in body["detail"]


async def test_a_cart_change_that_rules_the_method_out_clears_it(
    client: AsyncClient, store: Store, container: Container
) -> None:
    token, headers = await _cart(client, store, quantity=1)
    assert (await client.post(store.url("/shipping/select"), json={"method_code": "locker"},
                              headers=headers)).status_code == 200  # fmt: skip
    assert (await add(client, store, store.lamp, token=token)).status_code == 200
    await drain(container)
    kept = await _summary(client, store, headers)
    assert kept["shipping"]["method_code"] == "locker" and kept["notices"] == []

    assert (await add(client, store, store.fridge, token=token)).status_code == 201
    stale = await _summary(client, store, headers)  # before the handler: unavailable, priced 0
    assert stale["shipping"]["available"] is False and "shipping_method" in stale["missing"]
    await drain(container)

    summary = await _summary(client, store, headers)
    assert summary["shipping"]["method_code"] is None and summary["shipping"]["price"] == 0
    assert "shipping_method" in summary["missing"]
    assert any("choose a shipping method again" in n for n in summary["notices"])
    assert "Parcel locker cannot carry this cart" in summary["notices"][0]
    again = await client.post(store.url("/shipping/select"), json={"method_code": "courier"},
                              headers=headers)  # fmt: skip
    assert again.status_code == 200 and again.json()["notice"] is None


async def test_services_and_warranties_are_checked_and_go_into_the_cart(
    client: AsyncClient, store: Store, container: Container
) -> None:
    fridge = await add(client, store, store.fridge)
    token = fridge.json()["cart_token"]
    headers, fridge_id = {"X-Cart-Token": token}, fridge.json()["item"]["id"]
    lamp_id = (await add(client, store, store.lamp, token=token)).json()["item"]["id"]

    offered = (await client.get(store.url("/services/available"), headers=headers)).json()
    per_item = {i["item_id"]: [s["sku"] for s in i["services"]] for i in offered["items"]}
    assert per_item == {fridge_id: ["SVC-CARRY-IN"], lamp_id: []}
    assert [s["sku"] for s in offered["standalone"]] == ["SVC-GIFT-WRAP"]
    one = await client.get(store.url(f"/services/for-item/{fridge_id}"), headers=headers)
    assert [s["name"] for s in one.json()["services"]] == ["Carrying in"]
    missing = await client.get(store.url(f"/services/for-item/{uuid.uuid4()}"), headers=headers)
    assert missing.status_code == 404

    carry = await add(client, store, store.carry_in, type="service", parent=fridge_id, token=token)
    not_for_lamps = await add(client, store, store.carry_in, type="service", parent=lamp_id,
                              token=token)  # fmt: skip
    wrap = await add(client, store, store.gift_wrap, type="service", token=token)
    warranty = await add(client, store, store.warranty, type="warranty", parent=fridge_id,
                         token=token)  # fmt: skip
    lamp_warranty = await add(client, store, store.warranty, type="warranty", parent=lamp_id,
                              token=token)  # fmt: skip
    twice = await add(client, store, store.warranty, type="warranty", parent=fridge_id,
                      token=token)  # fmt: skip
    assert [carry.status_code, wrap.status_code, warranty.status_code] == [201, 201, 201]
    assert not_for_lamps.status_code == 422 and "not in its categories" in not_for_lamps.text
    assert lamp_warranty.status_code == 422 and "not offered" in lamp_warranty.text
    assert twice.status_code == 409

    summary = await _summary(client, store, headers)
    assert [(s["name"], s["parent_item_id"]) for s in summary["services"]] == [
        ("Carrying in", fridge_id), ("Gift wrap", None),
    ]  # fmt: skip
    assert [(w["name"], w["total"]) for w in summary["warranties"]] == [("Fridge warranty", 19_900)]
    assert summary["totals"]["subtotal"] == 250_000 + 10_000 + 4_900 + 900 + 19_900
    selected = await events(container, "warranty-events")
    assert [(e.name, e.payload["parent_item_id"], e.payload["months"]) for e in selected] == [
        ("warranty.warranty_selected.v1", fridge_id, 24)
    ]
    assert selected[0].payload["item_id"] == warranty.json()["item"]["id"]


async def test_another_owners_checkout_is_not_seen(
    client: AsyncClient, store: Store, container: Container
) -> None:
    _, mine = await _cart(client, store)
    assert (await client.post(store.url("/shipping/select"), json={"method_code": "locker"},
                              headers=mine)).status_code == 200  # fmt: skip
    assert (await client.post(store.url("/promotions/apply-code"), json={"code": "SAVE5"},
                              headers=mine)).status_code == 200  # fmt: skip
    _, theirs = await _cart(client, store)

    other = await _summary(client, store, theirs)
    assert other["cart_id"] != (await _summary(client, store, mine))["cart_id"]
    assert other["shipping"]["method_code"] is None and other["codes"] == []
    taken_off = await client.delete(store.url(f"/promotions/{store.code.id}"), headers=theirs)
    assert taken_off.status_code == 404
    nobody = await client.get(store.url("/checkout/summary"))
    forged = await client.get(store.url("/checkout/summary"), headers={"X-Cart-Token": "nope"})
    assert nobody.status_code == 404 and forged.status_code == 404
    assert (await client.post(store.url("/shipping/select"), json={"method_code": "locker"},
                              headers={"X-Cart-Token": "nope"})).status_code == 404  # fmt: skip
    assert (await _summary(client, store, mine))["codes"][0]["code"] == "SAVE5"
