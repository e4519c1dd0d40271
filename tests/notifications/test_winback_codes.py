"""A win-back step's promo code belongs to the customer it was sent to: it lowers their price in
the shop's bot (fake Bot API) and is refused, with the reason, to anyone else, in the bot and
through the orders API; a code staff bind to a customer behaves the same."""

from __future__ import annotations

import re
import uuid

from httpx import AsyncClient

from shopkeeper import scheduler
from shopkeeper.bootstrap import Container
from shopkeeper.catalog import ProductRead
from tests.bots.telegram.conftest import (
    Connected,
    bot,
    public_url,
    settings,
    shop_owner,
    telegram,
)
from tests.bots.telegram.selling import (
    Chat,
    buttons,
    create_plan,
    customer_of,
    customer_orders,
    enable,
)
from tests.builders.staff import login
from tests.builders.subscriptions import buy, drain, run_expire
from tests.fakes.telegram import FakeTelegram, tg_user

__all__ = ["bot", "public_url", "settings", "shop_owner", "telegram"]
CHAIN = {"steps": [{"day": 1, "purpose": "winback.offer",
                    "promo": {"percent_off_bp": 2000, "valid_days": 5}}]}  # fmt: skip


async def _winback_code(container: Container, client: AsyncClient, bot: Connected,
                        plan: ProductRead, chat: Chat) -> str:  # fmt: skip
    """The chat's customer lets a 1-day plan expire; a day later the bot sends the offer."""
    saved = await client.put(f"/api/v1/shops/{bot.so.shop.slug}/winback", json=CHAIN,
                             headers=bot.so.owner.headers)  # fmt: skip
    assert saved.status_code == 200, saved.text
    await buy(
        container, shop=bot.so.shop, plan=plan, customer_id=await customer_of(container, chat)
    )
    container.clock.advance(days=1, seconds=1)  # type: ignore[attr-defined]
    await run_expire(container)
    await drain(container)
    container.clock.advance(days=1)  # type: ignore[attr-defined]
    await scheduler.run_job(container, "notifications.winback")
    offer = chat.last()["text"]
    match = re.search(r"\b(BACK-[0-9A-F]{8})\b", offer)
    assert match, offer
    return match.group(1)


async def _type_code(chat: Chat, code: str, enter: str = "Enter a promo code") -> str:
    """/buy, the plan's card, its promo button, the code typed: the card the bot answers."""
    await chat.command("buy")
    await chat.press("Lumen Gold")
    await chat.press(enter)
    return str((await chat.say(code))["text"])


async def test_a_winback_code_works_for_its_customer_only(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    plan = await create_plan(container, bot, prices={"EUR": 1000}, unit="day", count=1)
    await enable(client, bot, "sandbox")
    ann = Chat(client, bot, telegram, tg_user(language_code="en"))
    bob = Chat(client, bot, telegram, tg_user(language_code="en"))
    await ann.command("start")
    await bob.command("start")
    code = await _winback_code(container, client, bot, plan, ann)

    refused = await _type_code(bob, code)
    headers = (await login(client, email=bot.so.owner.user.email)).headers  # days went by
    over_api = await client.post(
        f"/api/v1/shops/{bot.so.shop.slug}/orders", headers=headers,
        json={"items": [{"variant_id": str(plan.variants[0].id)}], "promo_code": code,
              "customer_id": str(await customer_of(container, bob))},
    )  # fmt: skip
    anonymous = await client.post(
        f"/api/v1/shops/{bot.so.shop.slug}/orders", headers=headers,
        json={"items": [{"variant_id": str(plan.variants[0].id)}], "promo_code": code},
    )  # fmt: skip
    applied = await _type_code(ann, code)
    await ann.press("Continue")
    await ann.press("Test payment")

    assert refused.endswith(f"Price: €10.00\n\nPromo code {code} was made for someone else.")
    assert over_api.status_code == 422, over_api.text
    assert over_api.json() == {
        "error": "PromoCodeNotForCustomer",
        "detail": f"Promo code {code} was issued to another customer",
    }
    assert anonymous.status_code == 422 and "issued to one customer" in anonymous.text
    assert await customer_orders(container, bob) == []  # nothing placed, no use taken
    assert applied.endswith(f"Price: €8.00 instead of €10.00\nPromo code {code} applied.")
    order = (await customer_orders(container, ann))[-1]
    assert (order.promo_code, order.discount, order.total) == (code, 200, 800)
    assert [label for label, _ in buttons(ann.last())] == ["Pay €8.00"]


async def test_staff_bind_a_code_to_a_customer_of_their_shop(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    await create_plan(container, bot, prices={"EUR": 1000})
    ann = Chat(client, bot, telegram, tg_user(language_code="pl"))
    bob = Chat(client, bot, telegram, tg_user(language_code="ru"))
    await ann.command("start")
    await bob.command("start")
    url = f"/api/v1/shops/{bot.so.shop.slug}/promo-codes"
    headers = bot.so.owner.headers
    ann_id = await customer_of(container, ann)

    created = await client.post(url, headers=headers, json={
        "code": "ANNONLY", "percent_off_bp": 1000, "customer_id": str(ann_id)})  # fmt: skip
    unknown = await client.post(url, headers=headers, json={
        "code": "NOBODY", "percent_off_bp": 1000, "customer_id": str(uuid.uuid4())})  # fmt: skip

    assert created.status_code == 201, created.text
    assert created.json()["customer_id"] == str(ann_id)
    assert unknown.status_code == 404 and unknown.json()["error"] == "CustomerNotFound"
    listed = await client.get(url, headers=headers)
    assert [c["code"] for c in listed.json()["items"]] == ["ANNONLY"]  # nothing else made
    ru = await _type_code(bob, "annonly", "Ввести промокод")
    pl = await _type_code(ann, "annonly", "Wpisz kod promocyjny")
    assert ru.endswith("\n\nПромокод ANNONLY выдан другому покупателю.")
    assert "Kod promocyjny ANNONLY został zastosowany." in pl
