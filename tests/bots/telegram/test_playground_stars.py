"""A plan paid in Telegram Stars inside the playground: the bot's invoice shown as a card,
Pay ⭐ runs pre_checkout_query and successful_payment through the same handlers, and two
presses at once charge once."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from shopkeeper import orders
from shopkeeper.audit import Actor
from shopkeeper.audit.models import AuditEntry
from shopkeeper.bootstrap import Container
from shopkeeper.bots.telegram.playground import pay_invoice, press_button
from shopkeeper.bots.telegram.playground.models import PlaygroundInvoice
from shopkeeper.catalog import PeriodUnit, PlanTerms
from shopkeeper.db import unit_of_work
from tests.bots.telegram.playground_world import World, make_world
from tests.builders.catalog import create_product
from tests.fakes.telegram import FakeBot, FakeTelegram


async def _world(container: Container, telegram: FakeTelegram) -> World:
    world = await make_world(container)
    # The telegram_stars gateway opens its invoice with the Bot API at SHOPKEEPER_TELEGRAM_API_URL
    # (here the fake), not at the bot's own API base, so the fake is told the playground's token.
    token = await world.token()
    telegram.bots[token] = FakeBot(world.read.telegram_bot_id, world.read.username, "Lumen", token)
    terms = PlanTerms(period_unit=PeriodUnit.YEAR, period_count=1)
    await create_product(
        container,
        shop=world.shop,
        kind="plan",
        name="Lumen Gold",
        plan=terms,
        prices={"EUR": 1000, "XTR": 500},
    )
    return world


async def test_a_plan_paid_in_stars_with_a_double_press(
    container: Container, telegram: FakeTelegram
) -> None:
    world = await _world(container, telegram)
    tester = world.tester()
    await world.say(tester, "/buy")
    for label in ("Lumen Gold", "Continue", "⭐"):
        last = [m for m in (await world.view(tester)).messages if m.sender == "bot"][-1]
        [data] = [b.data for row in last.rows for b in row if b.text.startswith(label)]
        await press_button(
            container, shop_id=world.shop.id, tester=tester, message_id=last.message_id, data=data
        )
    card = [m for m in (await world.view(tester)).messages if m.invoice][-1].invoice
    assert card is not None and (card.total_amount, card.stars, card.paid) == (500, True, False)

    outcomes = await asyncio.gather(
        *(
            pay_invoice(
                container,
                shop_id=world.shop.id,
                tester=tester,
                invoice_id=card.id,
                actor=Actor.system("tests"),
            )
            for _ in range(2)
        )
    )

    assert sorted(o.key for o in outcomes) == ["invoice_paid", "paid"]
    view = await world.view(tester)
    assert [m for m in view.messages if m.invoice][-1].invoice.paid  # type: ignore[union-attr]
    assert [m.note for m in view.messages if m.sender == "note"] == ["paid"]
    async with unit_of_work(container.sessions) as session:
        page = await orders.list_orders(session, shop_id=world.shop.id, limit=10)
        charged = await session.scalar(
            select(func.count()).where(PlaygroundInvoice.charge_id.is_not(None))
        )
        audited = await session.scalar(
            select(func.count()).where(AuditEntry.action == "telegram_playground.payment_simulated")
        )
    assert [o.state for o in page.items] == [orders.OrderState.PAID]
    assert (charged, audited) == (1, 1)
    again = await pay_invoice(
        container,
        shop_id=world.shop.id,
        tester=tester,
        invoice_id=card.id,
        actor=Actor.system("tests"),
    )
    assert again.key == "invoice_paid"
