"""The bot's purchase, plan → order → payment: the conversation's state in the database,
the order placed in the update's transaction, the payment started after it committed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog
from aiogram.methods import SendInvoice, SendMessage, TelegramMethod
from aiogram.types import LabeledPrice
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import orders, payments
from shopkeeper.audit import Actor
from shopkeeper.bots.telegram.formatting import money
from shopkeeper.bots.telegram.keyboards_shop import link
from shopkeeper.bots.telegram.models import TelegramConversation, TelegramUser
from shopkeeper.bots.telegram.repository import ConversationRepository
from shopkeeper.bots.telegram.service.offers import STARS, Offer, Pricing
from shopkeeper.bots.telegram.texts import Texts
from shopkeeper.catalog import ProductKind
from shopkeeper.container import Container
from shopkeeper.errors import AppError
from shopkeeper.shops import ShopRead

log = structlog.get_logger(__name__)
STARS_GATEWAY = "telegram_stars"
LINK_GATEWAYS = ("sandbox", "stripe", "yookassa", "payu", "przelewy24")  # their button order
BOT_ACTOR = Actor.system("telegram bot")
CHOSEN, AWAITING_PROMO = "chosen", "promo"


@dataclass(frozen=True)
class PaymentOption:
    gateway: str
    currency: str
    total: int


# -- the conversation ------------------------------------------------------------------------
async def conversation(
    session: AsyncSession, user: TelegramUser, *, lock: bool = False
) -> TelegramConversation | None:
    return await ConversationRepository(session).get(user.id, lock=lock)


async def choose(
    session: AsyncSession, *, user: TelegramUser, variant_id: uuid.UUID, now: datetime
) -> TelegramConversation:
    """The user is looking at an offer; a code typed earlier or given by /start carries over."""
    repo = ConversationRepository(session)
    row = await repo.get(user.id, lock=True)
    if row is None:
        row = repo.add(TelegramConversation(user_id=user.id, shop_id=user.shop_id, step=CHOSEN,
                                            updated_at=now))  # fmt: skip
    if row.variant_id != variant_id:
        row.variant_id, row.order_id = variant_id, None
    row.promo_code = row.promo_code or user.pending_promo_code
    row.step, row.updated_at = CHOSEN, now
    user.pending_plan = None
    return row


def await_promo(row: TelegramConversation, *, now: datetime) -> None:
    row.step, row.updated_at = AWAITING_PROMO, now


def keep_promo(row: TelegramConversation, code: str | None, *, now: datetime) -> None:
    """The code that applies from now on (None: it applies nowhere, so drop it)."""
    row.promo_code, row.step, row.updated_at = code, CHOSEN, now


# -- how to pay ------------------------------------------------------------------------------
async def payment_options(
    session: AsyncSession, *, shop: ShopRead, pricing: Pricing
) -> list[PaymentOption]:
    """Stars when priced in XTR and enabled, then a link per enabled gateway and currency."""
    enabled = set(await payments.enabled_gateways(session, shop_id=shop.id))
    options = []
    stars = pricing.in_currency(STARS)
    if stars is not None and STARS_GATEWAY in enabled:
        options.append(PaymentOption(STARS_GATEWAY, STARS, stars.total))
    for gateway in (g for g in LINK_GATEWAYS if g in enabled):
        options.extend(PaymentOption(gateway, p.currency, p.total)
                       for p in pricing.prices if p.currency != STARS)  # fmt: skip
    return options


def recurring(offer: Offer, gateway: str, order: orders.OrderRead) -> bool:
    """A monthly plan paid in Stars at full price becomes a Telegram Stars subscription (it
    renews at the first price; a promo discount would repeat, so that stays one payment)."""
    plan = offer.product.plan
    return (gateway == STARS_GATEWAY and offer.product.kind is ProductKind.PLAN
            and plan is not None and plan.period_unit == "month" and plan.period_count == 1
            and order.discount == 0)  # fmt: skip


# -- the order -------------------------------------------------------------------------------
async def place(
    session: AsyncSession, *, shop: ShopRead, user: TelegramUser, row: TelegramConversation,
    offer: Offer, currency: str, pricing: Pricing, ttl: timedelta, now: datetime,
) -> orders.OrderRead:  # fmt: skip
    """The order to pay: the conversation's pending one when it is the same choice, or new."""
    price = pricing.in_currency(currency)
    code = pricing.code if price is not None and price.discount else None
    if (same := await _reusable(session, shop, row, offer, currency, code, now)) is not None:
        return same
    async with session.begin_nested():  # a refusal (a code used up) leaves nothing behind
        order = await orders.place_order(
            session, shop_id=shop.id, customer_id=user.customer_id, currency=currency,
            items=[orders.OrderItemIn(variant_id=offer.variant.id)], promo_code=code,
            source="telegram", now=now, ttl=ttl,
        )  # fmt: skip
    row.variant_id, row.order_id, row.updated_at = offer.variant.id, order.id, now
    if code is not None and (user.pending_promo_code or "").upper() == code.upper():
        user.pending_promo_code = None  # "applied to your next purchase": this one
    return order


async def _reusable(
    session: AsyncSession, shop: ShopRead, row: TelegramConversation, offer: Offer,
    currency: str, code: str | None, now: datetime,
) -> orders.OrderRead | None:  # fmt: skip
    """A second press of Pay for the same choice pays the same order, not a new one."""
    if row.order_id is None:
        return None
    try:
        order = await orders.get_order(session, shop_id=shop.id, order_id=row.order_id)
    except AppError:
        return None
    same = (order.state is orders.OrderState.PENDING and order.currency == currency
            and (order.expires_at is None or order.expires_at > now + timedelta(minutes=5))
            and [line.variant_id for line in order.lines] == [offer.variant.id]
            and (order.promo_code or None) == code)  # fmt: skip
    return order if same else None


# -- the payment (after the update committed) ------------------------------------------------
async def start_payment(
    container: Container, *, shop: ShopRead, order: orders.OrderRead, gateway: str,
    recurring: bool, chat_id: int, texts: Texts,
) -> TelegramMethod[Any]:  # fmt: skip
    """Open the payment at the gateway; the invoice or the link to send (or why not)."""
    data = payments.PaymentCreate(provider=gateway, recurring=recurring)
    try:
        started = await payments.start_payment(
            container, shop=shop, order_id=order.id, data=data, actor=BOT_ACTOR
        )
    except AppError as exc:
        log.warning("telegram.payment_not_started", order_id=str(order.id), gateway=gateway,
                    error=exc.code, detail=exc.detail)  # fmt: skip
        return SendMessage(chat_id=chat_id, text=texts("buy.payment_failed"))
    total = money(started.amount, started.currency, texts.language)
    if gateway == STARS_GATEWAY:
        return _stars(started, chat_id=chat_id, texts=texts, number=order.number, total=total)
    return _link(started.redirect_url or "", chat_id=chat_id, texts=texts, number=order.number,
                 total=total)  # fmt: skip


def _stars(
    started: payments.PaymentStarted, *, chat_id: int, texts: Texts, number: str, total: str
) -> TelegramMethod[Any]:
    """A Stars subscription is paid through its invoice link (sendInvoice cannot renew);
    anything else is an invoice in the chat (XTR, no provider token)."""
    invoice = started.invoice or {}
    if invoice.get("subscription_period") and started.redirect_url:
        return SendMessage(
            chat_id=chat_id, text=texts("buy.stars_subscription", number=number, total=total),
            reply_markup=link(texts("buy.stars_subscribe_button", total=total),
                              started.redirect_url),
        )  # fmt: skip
    return SendInvoice(
        chat_id=chat_id, title=invoice["title"], description=invoice["description"],
        payload=invoice["payload"], currency=invoice["currency"], provider_token="",
        prices=[LabeledPrice(label=p["label"], amount=p["amount"]) for p in invoice["prices"]],
    )  # fmt: skip


def _link(url: str, *, chat_id: int, texts: Texts, number: str, total: str) -> SendMessage:
    """A URL button to the payment page; a relative URL (no public URL set) goes as text."""
    if url.startswith(("https://", "http://")):
        return SendMessage(
            chat_id=chat_id, text=texts("buy.pay_link_text", number=number, total=total),
            reply_markup=link(texts("buy.pay_link_button", total=total), url),
        )  # fmt: skip
    text = texts("buy.pay_link_plain", number=number, total=total, url=url)
    return SendMessage(chat_id=chat_id, text=text)
