"""The tester pays an invoice the way a Telegram app does: pre_checkout_query, then, if the
bot said yes, the charge and the successful_payment message. Nothing real is charged; the
simulated charge is audited, and each invoice is paid once even if pressed twice at once."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import update

from shopkeeper import audit
from shopkeeper.audit import Actor
from shopkeeper.bots.telegram.playground import wire
from shopkeeper.bots.telegram.playground.acting import (
    Outcome,
    Tester,
    begin,
    chat_row,
    deliver,
    note_text,
    user_message,
)
from shopkeeper.bots.telegram.playground.models import (
    PlaygroundBot,
    PlaygroundInvoice,
    PlaygroundUser,
)
from shopkeeper.bots.telegram.playground.repository import PlaygroundRepository
from shopkeeper.container import Container
from shopkeeper.db import unit_of_work

STARS = "XTR"


async def pay_invoice(
    container: Container,
    *,
    shop_id: uuid.UUID,
    tester: Tester,
    invoice_id: uuid.UUID,
    actor: Actor,
) -> Outcome:
    bot, user = await begin(container, shop_id, tester, start=True)
    async with container.readers() as session:
        invoice = await PlaygroundRepository(session).invoice(bot.id, invoice_id)
    if invoice is None or invoice.chat_id not in (None, user.telegram_user_id):
        return Outcome("error", "invoice_unknown")
    if invoice.paid_at is not None:
        return Outcome("error", "invoice_paid")
    query_id = str(secrets.randbits(63))
    query = {
        "id": query_id,
        "from": wire.tester_user(user),
        "currency": invoice.currency,
        "total_amount": invoice.total_amount,
        "invoice_payload": invoice.payload,
    }
    await deliver(
        container, bot, {"update_id": wire.UPDATE_IDS.next(), "pre_checkout_query": query}
    )
    async with container.readers() as session:
        answer = await PlaygroundRepository(session).answer(bot.id, "pre_checkout", query_id)
    if answer is None or not answer.ok:
        key = "payment_unanswered" if answer is None else "payment_declined"
        await _note(container, bot, user, key, reason=answer.text if answer else "")
        return Outcome("error", key, {"reason": answer.text if answer else ""})
    charge = await _charge(container, bot, user, invoice, actor)
    if charge is None:
        return Outcome("error", "invoice_paid")
    await deliver(container, bot, _paid_update(user, invoice, charge, container))
    return Outcome("success", "paid", _amount(invoice))


def _amount(invoice: PlaygroundInvoice) -> dict[str, Any]:
    return {"amount": invoice.total_amount, "currency": invoice.currency, "title": invoice.title}


async def _note(
    container: Container, bot: PlaygroundBot, user: PlaygroundUser, key: str, **values: Any
) -> None:
    async with unit_of_work(container.sessions) as session:
        session.add(
            chat_row(
                bot,
                user.telegram_user_id,
                sender="note",
                text=note_text(key, **values),
                now=container.clock.now(),
            )
        )


async def _charge(
    container: Container,
    bot: PlaygroundBot,
    user: PlaygroundUser,
    invoice: PlaygroundInvoice,
    actor: Actor,
) -> str | None:
    """Record the simulated charge (None when another press paid the invoice first)."""
    now = container.clock.now()
    prefix = "stxch_" if invoice.currency == STARS else "pgch_"
    charge = prefix + secrets.token_hex(16)
    async with unit_of_work(container.sessions) as session:
        claimed = await session.execute(
            update(PlaygroundInvoice)
            .where(PlaygroundInvoice.id == invoice.id, PlaygroundInvoice.paid_at.is_(None))
            .values(charge_id=charge, paid_by=user.telegram_user_id, paid_at=now)
            .execution_options(synchronize_session=False)
        )
        if not getattr(claimed, "rowcount", 0):
            return None
        session.add(
            chat_row(
                bot,
                user.telegram_user_id,
                sender="note",
                text=note_text("paid", **_amount(invoice)),
                now=now,
            )
        )
        await audit.record(
            session,
            actor=actor,
            shop_id=bot.shop_id,
            action="telegram_playground.payment_simulated",
            target_type="telegram_playground_invoice",
            target_id=invoice.id,
            after={**_amount(invoice), "payload": invoice.payload, "charge_id": charge},
            now=now,
        )
    return charge


def _paid_update(
    user: PlaygroundUser, invoice: PlaygroundInvoice, charge: str, container: Container
) -> dict[str, Any]:
    """The service message Telegram sends the bot after a payment."""
    now = container.clock.now()
    payment: dict[str, Any] = {
        "currency": invoice.currency,
        "total_amount": invoice.total_amount,
        "invoice_payload": invoice.payload,
        "telegram_payment_charge_id": charge,
        "provider_payment_charge_id": "" if invoice.currency == STARS else f"prov_{charge}",
    }
    if invoice.subscription_period:
        ends = now + timedelta(seconds=invoice.subscription_period)
        payment.update(
            subscription_expiration_date=wire.unix(ends), is_recurring=True, is_first_recurring=True
        )
    message = user_message(user, wire.MESSAGE_IDS.next(), now, successful_payment=payment)
    return {"update_id": wire.UPDATE_IDS.next(), "message": message}
