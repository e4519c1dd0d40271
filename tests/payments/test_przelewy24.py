"""Przelewy24 against a fake P24 API: a notification counts only after its sign and verify."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from httpx import AsyncClient

from shopkeeper.kit.clock import FrozenClock
from shopkeeper.settings import Settings
from tests.builders.orders import create_sellable, variant_id
from tests.builders.payments import (
    assert_ledger_balanced,
    configure,
    deliver,
    get_order,
    refund,
    start,
)
from tests.fakes.przelewy24 import (
    API_KEY,
    CRC,
    MERCHANT_ID,
    NOTE_FIELDS,
    POS_ID,
    FakePrzelewy24,
    p24_sign,
)
from tests.fakes.server import serve
from tests.payments.conftest import PUBLIC_URL, Gateways, ShopOwner

JSON = {"Content-Type": "application/json"}


@pytest.fixture
async def p24(clock: FrozenClock) -> AsyncIterator[tuple[FakePrzelewy24, str]]:
    fake = FakePrzelewy24(clock=clock.now)
    async with serve(fake.app()) as url:
        yield fake, url


@pytest.fixture
def settings(database_url: str, gateways: Gateways, p24: tuple[FakePrzelewy24, str]) -> Settings:
    from tests.conftest import make_settings

    return make_settings(
        database_url,
        login_delay_seconds=0.001,
        public_url=PUBLIC_URL,
        przelewy24_api_url=p24[1],
    )


@dataclass
class Case:
    fake: FakePrzelewy24
    base_url: str
    so: ShopOwner
    order_id: uuid.UUID
    payment: dict[str, Any]

    @property
    def token(self) -> str:
        return str(self.fake.by_session(self.payment["payment_id"])["token"])


def _status_url(so: ShopOwner) -> str:
    return f"{PUBLIC_URL}/api/v1/shops/{so.shop.slug}/payments/webhooks/przelewy24"


async def _case(container, client: AsyncClient, so: ShopOwner, p24) -> Case:
    fake, base_url = p24
    config = {"merchant_id": MERCHANT_ID, "pos_id": POS_ID, "crc": CRC, "api_key": API_KEY,
              "email": "shop@example.com", "status_url": _status_url(so)}  # fmt: skip
    shown = await configure(
        client, shop=so.shop, staff=so.owner, provider="przelewy24", config=config
    )
    assert shown["config"]["crc"] != CRC and shown["config"]["api_key"] != API_KEY
    product = await create_sellable(container, shop=so.shop, price=4999, currency="PLN")
    placed = await client.post(
        f"/api/v1/shops/{so.shop.slug}/orders",
        json={"items": [{"variant_id": str(variant_id(product)), "quantity": 1}],
              "currency": "PLN"},
        headers=so.owner.headers,
    )  # fmt: skip
    assert placed.status_code == 201, placed.text
    order_id = uuid.UUID(placed.json()["id"])
    payment = await start(
        client, shop=so.shop, staff=so.owner, order_id=order_id, provider="przelewy24"
    )
    return Case(fake, base_url, so, order_id, payment)


async def _notify(client: AsyncClient, case: Case, body: bytes):
    return await deliver(client, shop=case.so.shop, provider="przelewy24", body=body, headers=JSON)


async def _state(container, case: Case) -> tuple[str, int, int]:
    order = await get_order(container, shop=case.so.shop, order_id=case.order_id)
    return order.state, order.amount_paid, order.amount_refunded


def _verifies(case: Case) -> list[Any]:
    return [r[2] for r in case.fake.requests if r[1] == "/api/v1/transaction/verify"]


async def test_happy_path_registers_redirects_verifies_and_pays(container, client, shop_owner, p24):
    case = await _case(container, client, shop_owner, p24)
    method, path, body = case.fake.requests[0]
    assert (method, path) == ("POST", "/api/v1/transaction/register")
    session_id = case.payment["payment_id"]
    assert body["sessionId"] == session_id and body["amount"] == 4999
    assert (body["merchantId"], body["posId"], body["currency"]) == (MERCHANT_ID, POS_ID, "PLN")
    assert (body["country"], body["language"], body["email"]) == ("PL", "pl", "shop@example.com")
    assert body["urlStatus"] == _status_url(shop_owner)
    signed = f'{{"sessionId":"{session_id}","merchantId":{MERCHANT_ID},"amount":4999,'
    assert body["sign"] == _sha384(signed + f'"currency":"PLN","crc":"{CRC}"}}')
    assert case.payment["redirect_url"] == f"{case.base_url}/trnRequest/{case.token}"
    async with AsyncClient() as browser:  # the customer's browser, at the fake's page
        assert (await browser.get(case.payment["redirect_url"])).status_code == 200

    response = await _notify(client, case, case.fake.pay(case.token))

    assert response.status_code == 200 and response.json()["status"] == "processed"
    [verify] = _verifies(case)
    order_id = case.fake.transactions[case.token]["orderId"]
    assert verify["orderId"] == order_id and verify["sessionId"] == session_id
    assert verify["sign"] == _sha384(
        f'{{"sessionId":"{session_id}","orderId":{order_id},"amount":4999,'
        f'"currency":"PLN","crc":"{CRC}"}}'
    )
    assert case.fake.transactions[case.token]["status"] == "verified"
    assert await _state(container, case) == ("paid", 4999, 0)
    await assert_ledger_balanced(container, shop=shop_owner.shop)


def _sha384(text: str) -> str:
    return hashlib.sha384(text.encode()).hexdigest()


async def test_forged_sign_and_foreign_account_change_nothing(container, client, shop_owner, p24):
    case = await _case(container, client, shop_owner, p24)
    genuine = json.loads(case.fake.pay(case.token))
    forged = {**genuine, "amount": 1, "originAmount": 1}
    foreign = {**genuine, "merchantId": 999, "posId": 999}
    foreign["sign"] = p24_sign(foreign, NOTE_FIELDS)  # right CRC, other account
    wrong_crc = {**genuine, "sign": p24_sign(genuine, NOTE_FIELDS, crc="not-our-crc")}

    for note in (forged, foreign, wrong_crc):
        response = await _notify(client, case, json.dumps(note).encode())
        assert response.status_code == 401, response.text
    malformed = await _notify(client, case, b'{"orderId": 1, "amount": "10"}')
    assert malformed.status_code == 400
    assert _verifies(case) == []
    assert await _state(container, case) == ("pending", 0, 0)
    # the genuine notification, with the dedup key the forgeries claimed, still counts
    later = await _notify(client, case, json.dumps(genuine).encode())
    assert later.json() == {"status": "processed", "duplicate": False}
    assert (await _state(container, case))[0] == "paid"


async def test_a_refused_verify_leaves_the_order_unpaid_until_delivered_again(
    container, client, shop_owner, p24
):
    case = await _case(container, client, shop_owner, p24)
    note = case.fake.pay(case.token)
    case.fake.refuse_verify = True

    refused = await _notify(client, case, note)

    assert refused.status_code == 503, refused.text
    assert len(_verifies(case)) == 1
    assert await _state(container, case) == ("pending", 0, 0)
    got = await client.get(
        f"/api/v1/shops/{shop_owner.shop.slug}/payments/{case.payment['payment_id']}",
        headers=shop_owner.owner.headers,
    )
    assert got.json()["status"] == "pending"
    case.fake.refuse_verify = False
    retried = await _notify(client, case, note)
    assert retried.status_code == 200 and retried.json()["duplicate"] is False
    assert await _state(container, case) == ("paid", 4999, 0)


async def test_duplicate_notification_has_no_second_effect(container, client, shop_owner, p24):
    case = await _case(container, client, shop_owner, p24)
    note = case.fake.pay(case.token)
    assert (await _notify(client, case, note)).json()["duplicate"] is False
    assert (await _notify(client, case, note)).json() == {
        "status": "processed",
        "duplicate": True,
    }
    ledger = (
        await client.get(
            f"/api/v1/shops/{shop_owner.shop.slug}/orders/{case.order_id}/ledger",
            headers=shop_owner.owner.headers,
        )
    ).json()
    assert [e["kind"] for e in ledger["entries"]] == ["payment"]
    assert ledger["captured"] == 4999


async def test_a_refund_notification_before_the_payment_waits_for_it(
    container, client, shop_owner, p24
):
    case = await _case(container, client, shop_owner, p24)
    paid = case.fake.pay(case.token)
    refunded = case.fake.refund_in_panel(case.token, 1000)

    early = await _notify(client, case, refunded)
    assert early.status_code == 200 and early.json()["status"] == "parked"
    assert await _state(container, case) == ("pending", 0, 0)
    late = await _notify(client, case, paid)

    assert late.status_code == 200 and late.json()["status"] == "processed"
    assert await _state(container, case) == ("partially_refunded", 4999, 1000)
    assert (await _notify(client, case, refunded)).json()["duplicate"] is True
    await assert_ledger_balanced(container, shop=shop_owner.shop)


async def test_staff_refund_goes_through_przelewy24_and_its_notification_completes_it(
    container, client, shop_owner, p24
):
    case = await _case(container, client, shop_owner, p24)
    await _notify(client, case, case.fake.pay(case.token))

    response = await refund(
        client, shop=shop_owner.shop, staff=shop_owner.owner, order_id=case.order_id, amount=700
    )

    assert response.status_code == 201, response.text
    ours = response.json()
    assert ours["status"] == "pending"
    method, path, body = case.fake.requests[-1]
    assert (method, path) == ("POST", "/api/v1/transaction/refund")  # Basic auth checked
    assert body["requestId"] == ours["id"] and body["urlStatus"] == _status_url(shop_owner)
    [item] = body["refunds"]
    order_id = case.fake.transactions[case.token]["orderId"]
    assert (item["orderId"], item["sessionId"], item["amount"]) == (
        order_id,
        case.payment["payment_id"],
        700,
    )
    not_done = await _notify(client, case, case.fake.refund_done(ours["id"], status=1))
    assert not_done.json()["status"] == "ignored"
    assert await _state(container, case) == ("paid", 4999, 0)
    done = await _notify(client, case, case.fake.refund_done(ours["id"]))
    assert done.status_code == 200 and done.json()["status"] == "processed"
    assert await _state(container, case) == ("partially_refunded", 4999, 700)
    too_much = await refund(
        client, shop=shop_owner.shop, staff=shop_owner.owner, order_id=case.order_id, amount=5000
    )
    assert too_much.json()["error"] == "RefundExceedsRemaining", too_much.text
    await assert_ledger_balanced(container, shop=shop_owner.shop)
