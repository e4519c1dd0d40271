"""The Telegram Stars provider against the fake Bot API: invoice links, XTR only, refunds of
whole payments through refundStarPayment, facts from a bot applied once."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from httpx import AsyncClient

from shopkeeper import payments
from shopkeeper.bootstrap import Container
from shopkeeper.catalog import PlanTerms
from shopkeeper.db import unit_of_work
from shopkeeper.orders import OrderRead, OrderState
from shopkeeper.settings import Settings
from tests.builders.catalog import create_product
from tests.builders.orders import create_sellable, place_order
from tests.builders.payments import (
    assert_ledger_balanced,
    configure,
    get_order,
    refund,
    start,
)
from tests.fakes.server import serve
from tests.fakes.telegram import FakeBot, FakeTelegram, tg_user
from tests.payments.conftest import PUBLIC_URL, ShopOwner

PROVIDER = "telegram_stars"


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram()
    async with serve(fake.app()) as url:
        fake.url = url  # type: ignore[attr-defined]
        yield fake


@pytest.fixture
def settings(database_url: str, telegram: FakeTelegram) -> Settings:
    from tests.conftest import make_settings

    return make_settings(
        database_url, login_delay_seconds=0.001, public_url=PUBLIC_URL,
        telegram_api_url=telegram.url,  # type: ignore[attr-defined]
    )  # fmt: skip


@pytest.fixture
async def stars_bot(client: AsyncClient, shop_owner: ShopOwner, telegram: FakeTelegram) -> FakeBot:
    bot = telegram.add_bot("stars_shop_bot")
    await configure(client, shop=shop_owner.shop, staff=shop_owner.owner, provider=PROVIDER,
                    config={"bot_token": bot.token})  # fmt: skip
    return bot


async def _stars_order(container: Container, so: ShopOwner, *, monthly_plan: bool) -> OrderRead:
    if monthly_plan:
        product = await create_product(
            container, shop=so.shop, kind="plan", name="Stars Club", prices={"XTR": 250},
            plan=PlanTerms(period_unit="month"),
        )  # fmt: skip
    else:
        product = await create_sellable(container, shop=so.shop, price=250, currency="XTR",
                                        name="Stars Ebook")  # fmt: skip
    return await place_order(container, shop=so.shop, items=[(product, 1)], currency="XTR")


async def test_an_invoice_link_is_created_with_the_bots_token(
    container, client: AsyncClient, shop_owner: ShopOwner, telegram: FakeTelegram,
    stars_bot: FakeBot,
) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    order = await _stars_order(container, shop_owner, monthly_plan=False)

    started = await start(client, shop=shop_owner.shop, staff=shop_owner.owner,
                          order_id=order.id, provider=PROVIDER)  # fmt: skip

    [call] = telegram.calls_to("createInvoiceLink")
    assert call.token == stars_bot.token
    assert call.params["currency"] == "XTR" and call.params["payload"] == started["payment_id"]
    assert [p["amount"] for p in call.params["prices"]] == [250]
    assert "provider_token" not in call.params and "subscription_period" not in call.params
    assert started["redirect_url"].startswith("https://t.me/$")
    assert started["invoice"]["payload"] == started["payment_id"]
    assert started["status"] == "pending"


async def test_a_recurring_monthly_plan_asks_for_a_stars_subscription(
    container, client: AsyncClient, shop_owner: ShopOwner, telegram: FakeTelegram,
    stars_bot: FakeBot,
) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    order = await _stars_order(container, shop_owner, monthly_plan=True)

    await start(client, shop=shop_owner.shop, staff=shop_owner.owner, order_id=order.id,
                provider=PROVIDER, recurring=True)  # fmt: skip

    [call] = telegram.calls_to("createInvoiceLink")
    assert call.params["subscription_period"] == 30 * 24 * 3600


async def test_stars_take_xtr_only_and_never_echo_the_token(
    container, client: AsyncClient, shop_owner: ShopOwner, telegram: FakeTelegram,
    stars_bot: FakeBot,
) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    euros = await place_order(
        container, shop=shop_owner.shop, currency="EUR",
        items=[(await create_sellable(container, shop=shop_owner.shop, price=900), 1)],
    )  # fmt: skip
    stars = await _stars_order(container, shop_owner, monthly_plan=False)
    telegram.fail("createInvoiceLink", code=400, description="Bad Request: STARS_INVOICE_INVALID")
    url = f"/api/v1/shops/{shop_owner.shop.slug}/orders"

    in_euros = await client.post(f"{url}/{euros.id}/payments", json={"provider": PROVIDER},
                                 headers=shop_owner.owner.headers)  # fmt: skip
    refused = await client.post(f"{url}/{stars.id}/payments", json={"provider": PROVIDER},
                                headers=shop_owner.owner.headers)  # fmt: skip

    assert in_euros.status_code == 502 and "XTR only, not EUR" in in_euros.text
    assert refused.status_code == 502
    assert stars_bot.token not in refused.text and stars_bot.token.split(":")[1] not in refused.text
    assert len(telegram.calls_to("createInvoiceLink")) == 1  # EUR never reached Telegram


async def test_a_malformed_token_is_refused_when_configuring(
    client: AsyncClient, shop_owner: ShopOwner
) -> None:
    response = await client.put(
        f"/api/v1/shops/{shop_owner.shop.slug}/payments/gateways/{PROVIDER}",
        json={"config": {"bot_token": "not-a-token"}}, headers=shop_owner.owner.headers,
    )  # fmt: skip

    assert response.status_code == 422 and "bot_token" in response.text


async def test_a_paid_charge_is_booked_once_and_refunded_whole_only(
    container, client: AsyncClient, shop_owner: ShopOwner, telegram: FakeTelegram,
    stars_bot: FakeBot,
) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    order = await _stars_order(container, shop_owner, monthly_plan=False)
    started = await start(client, shop=shop_owner.shop, staff=shop_owner.owner,
                          order_id=order.id, provider=PROVIDER)  # fmt: skip
    payer = tg_user()
    telegram.successful_payment(payer, total_amount=250, payload=started["payment_id"],
                                charge_id="stxch_whole")  # fmt: skip
    fact = payments.stars_succeeded_event(
        payload=started["payment_id"], charge_id="stxch_whole", payer_user_id=payer["id"],
        total_amount=250, currency="XTR",
    )  # fmt: skip
    for _ in range(2):  # the bot may report one charge twice
        async with unit_of_work(container.sessions) as session:
            await payments.record_events(session, shop_id=shop_owner.shop.id, provider=PROVIDER,
                                         events=[fact], now=container.clock.now())  # fmt: skip

    partial = await refund(client, shop=shop_owner.shop, staff=shop_owner.owner,
                           order_id=order.id, amount=100)  # fmt: skip
    whole = await refund(client, shop=shop_owner.shop, staff=shop_owner.owner, order_id=order.id)
    again = await refund(client, shop=shop_owner.shop, staff=shop_owner.owner, order_id=order.id)

    assert partial.status_code == 502 and "whole payment only" in partial.text
    assert whole.status_code == 201, whole.text
    assert again.status_code == 409
    [call] = [c for c in telegram.calls_to("refundStarPayment") if c.ok]
    assert call.token == stars_bot.token
    assert call.params == {"user_id": payer["id"], "telegram_payment_charge_id": "stxch_whole"}
    refunded = await get_order(container, shop=shop_owner.shop, order_id=order.id)
    assert (refunded.state, refunded.amount_paid, refunded.amount_refunded) == (
        OrderState.REFUNDED, 250, 250)  # fmt: skip
    await assert_ledger_balanced(container, shop=shop_owner.shop)


async def test_a_fact_with_a_payload_that_is_not_ours_is_malformed() -> None:
    with pytest.raises(payments.WebhookMalformed):
        payments.stars_succeeded_event(payload="order-42", charge_id="x", payer_user_id=1,
                                       total_amount=1, currency="XTR")  # fmt: skip
    fact = payments.stars_succeeded_event(
        payload=str(uuid.UUID(int=7)), charge_id="ch", payer_user_id=5, total_amount=3,
        currency="XTR",
    )  # fmt: skip
    assert (fact.provider_event_id, fact.reference, fact.provider_refs) == (
        "tg_charge:ch", "5:ch", ("ch",))  # fmt: skip


async def test_a_bot_on_its_own_bot_api_server_gets_its_invoices_there(
    container, client: AsyncClient, shop_owner: ShopOwner, telegram: FakeTelegram,
) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    """A local Bot API server (or the playground) is where that bot's invoices are made."""
    own = FakeTelegram()
    async with serve(own.app()) as own_url:
        bot = own.add_bot("own_server_bot")
        await configure(client, shop=shop_owner.shop, staff=shop_owner.owner, provider=PROVIDER,
                        config={"bot_token": bot.token, "api_base": own_url})  # fmt: skip
        order = await _stars_order(container, shop_owner, monthly_plan=False)
        await start(client, shop=shop_owner.shop, staff=shop_owner.owner, order_id=order.id,
                    provider=PROVIDER)  # fmt: skip

    assert [c.token for c in own.calls_to("createInvoiceLink")] == [bot.token]
    assert telegram.calls_to("createInvoiceLink") == []
