"""/buy and the menu's Buy: offers → an offer's card (promo code) → how to pay → the order.

The conversation (chosen offer, a promo code, whether a code is awaited) is a database row,
so any replica answers the next step. Pay places the order in the update's transaction and
leaves the gateway call for after the commit (`AfterCommit`), which sends the Stars invoice
or the payment page's link.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.methods import SendMessage, TelegramMethod
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import promotions
from shopkeeper.bots.telegram import views_shop as views
from shopkeeper.bots.telegram.deferred import AfterCommit
from shopkeeper.bots.telegram.filters import has_text, private_chat
from shopkeeper.bots.telegram.keyboards import MenuAction
from shopkeeper.bots.telegram.keyboards_shop import BuyStep, OfferChosen, PayWith, ProductChosen
from shopkeeper.bots.telegram.models import TelegramConversation, TelegramUser
from shopkeeper.bots.telegram.service import checkout, offers
from shopkeeper.bots.telegram.texts import Texts
from shopkeeper.container import Container
from shopkeeper.errors import AppError
from shopkeeper.shops import ShopRead

PROMO_ERRORS: tuple[type[AppError], ...] = (
    *views.PROMO_ERRORS,
    promotions.PromoCodeCustomerRequired,
)


def router() -> Router:
    router = Router(name="buy")
    router.message.filter(private_chat)
    router.message.register(on_buy, Command("buy"))
    router.message.register(on_promo_text, has_text, awaiting_promo)
    router.callback_query.register(on_buy_button, MenuAction.filter(F.item == "buy"))
    router.callback_query.register(on_offer, OfferChosen.filter())
    router.callback_query.register(on_product, ProductChosen.filter())
    router.callback_query.register(on_step, BuyStep.filter())
    router.callback_query.register(on_pay, PayWith.filter())
    return router


def _send(chat_id: int, screen: views.Screen) -> SendMessage:
    text, markup = screen
    return SendMessage(chat_id=chat_id, text=text, reply_markup=markup)


async def deep_link_screen(
    session: AsyncSession, *, shop: ShopRead, user: TelegramUser, texts: Texts, now: datetime
) -> views.Screen | None:
    """The product a /start deep link named: its card (or its variants); None if none."""
    if not user.pending_plan:
        return None
    found = await offers.offers_of_product(session, shop=shop, key=user.pending_plan)
    if not found:
        return None
    user.pending_plan = None
    if len(found) == 1:
        return await offer_screen(session, shop=shop, user=user, offer=found[0], texts=texts,
                                  now=now)  # fmt: skip
    return views.offer_list(texts, found, [offers.list_price(o, shop) for o in found])


async def catalog_screen(
    session: AsyncSession, *, shop: ShopRead, user: TelegramUser | None, texts: Texts,
    now: datetime,
) -> views.Screen:  # fmt: skip
    """The offers, or the product a /start deep link named (once)."""
    if user is not None:
        if (screen := await deep_link_screen(session, shop=shop, user=user, texts=texts,
                                             now=now)) is not None:  # fmt: skip
            return screen
        user.pending_plan = None
    listed = await offers.list_offers(session, shop=shop)
    return views.offer_list(texts, listed, [offers.list_price(o, shop) for o in listed])


async def offer_screen(
    session: AsyncSession, *, shop: ShopRead, user: TelegramUser, offer: offers.Offer,
    texts: Texts, now: datetime,
) -> views.Screen:  # fmt: skip
    """The offer's card; the conversation now is about it (a code that fails is dropped)."""
    row = await checkout.choose(session, user=user, variant_id=offer.variant.id, now=now)
    tried = row.promo_code
    pricing = await offers.price(session, shop=shop, offer=offer, code=tried,
                                 customer_id=user.customer_id, now=now)  # fmt: skip
    checkout.keep_promo(row, pricing.code, now=now)
    return views.offer_card(texts, offer, pricing, tried_code=tried)


async def on_buy(
    message: Message, session: AsyncSession, shop: ShopRead, telegram_user: TelegramUser | None,
    texts: Texts, now: datetime,
) -> TelegramMethod[Any]:  # fmt: skip
    screen = await catalog_screen(session, shop=shop, user=telegram_user, texts=texts, now=now)
    return _send(message.chat.id, screen)


async def on_buy_button(
    callback: CallbackQuery, session: AsyncSession, shop: ShopRead,
    telegram_user: TelegramUser | None, texts: Texts, now: datetime,
) -> TelegramMethod[Any]:  # fmt: skip
    await callback.answer()
    screen = await catalog_screen(session, shop=shop, user=telegram_user, texts=texts, now=now)
    return _send(callback.from_user.id, screen)


async def on_offer(
    callback: CallbackQuery, callback_data: OfferChosen, session: AsyncSession, shop: ShopRead,
    telegram_user: TelegramUser | None, texts: Texts, now: datetime,
) -> TelegramMethod[Any]:  # fmt: skip
    offer = await offers.find_offer(session, shop=shop, variant_id=callback_data.v)
    if offer is None or telegram_user is None:
        return callback.answer(texts("buy.unavailable"), show_alert=True)
    await callback.answer()
    screen = await offer_screen(session, shop=shop, user=telegram_user, offer=offer, texts=texts,
                                now=now)  # fmt: skip
    return _send(callback.from_user.id, screen)


async def on_product(
    callback: CallbackQuery, callback_data: ProductChosen, session: AsyncSession, shop: ShopRead,
    telegram_user: TelegramUser | None, texts: Texts, now: datetime,
) -> TelegramMethod[Any]:  # fmt: skip
    """Renew in /status: the plan's card, or its variants to choose from."""
    found = await offers.offers_of_product(session, shop=shop, key=callback_data.p)
    if not found or telegram_user is None:
        return callback.answer(texts("buy.unavailable"), show_alert=True)
    await callback.answer()
    if len(found) == 1:
        screen = await offer_screen(session, shop=shop, user=telegram_user, offer=found[0],
                                    texts=texts, now=now)  # fmt: skip
    else:
        screen = views.offer_list(texts, found, [offers.list_price(o, shop) for o in found])
    return _send(callback.from_user.id, screen)


async def on_step(
    callback: CallbackQuery, callback_data: BuyStep, session: AsyncSession, shop: ShopRead,
    telegram_user: TelegramUser | None, texts: Texts, now: datetime,
) -> TelegramMethod[Any]:  # fmt: skip
    """On a card: type a promo code, go on to the payment choice, or back to the list."""
    if callback_data.a == "list":
        await callback.answer()
        screen = await catalog_screen(session, shop=shop, user=None, texts=texts, now=now)
        return _send(callback.from_user.id, screen)
    offer = await offers.find_offer(session, shop=shop, variant_id=callback_data.v)
    if offer is None or telegram_user is None:
        return callback.answer(texts("buy.unavailable"), show_alert=True)
    await callback.answer()
    row = await checkout.choose(session, user=telegram_user, variant_id=offer.variant.id, now=now)
    if callback_data.a == "promo":
        checkout.await_promo(row, now=now)
        return _send(callback.from_user.id, views.promo_prompt(texts, offer))
    pricing = await offers.price(session, shop=shop, offer=offer, code=row.promo_code,
                                 customer_id=telegram_user.customer_id, now=now)  # fmt: skip
    options = await checkout.payment_options(session, shop=shop, pricing=pricing)
    return _send(callback.from_user.id, views.payment_choice(texts, offer, options))


async def awaiting_promo(
    message: Message, session: AsyncSession, telegram_user: TelegramUser | None
) -> bool | dict[str, Any]:
    """A filter: the user was asked for a promo code and this text is not a command."""
    if telegram_user is None or not message.text or message.text.startswith("/"):
        return False
    row = await checkout.conversation(session, telegram_user, lock=True)
    if row is None or row.step != checkout.AWAITING_PROMO or row.variant_id is None:
        return False
    return {"conversation": row}


async def on_promo_text(
    message: Message, conversation: TelegramConversation, session: AsyncSession, shop: ShopRead,
    telegram_user: TelegramUser, texts: Texts, now: datetime,
) -> TelegramMethod[Any]:  # fmt: skip
    """The typed code: the card with the discounted price, or the reason it does not apply."""
    code = (message.text or "").strip()[:64]
    assert conversation.variant_id is not None
    offer = await offers.find_offer(session, shop=shop, variant_id=conversation.variant_id)
    if offer is None:
        checkout.keep_promo(conversation, None, now=now)
        return message.answer(texts("buy.unavailable"))
    pricing = await offers.price(session, shop=shop, offer=offer, code=code,
                                 customer_id=telegram_user.customer_id, now=now)  # fmt: skip
    checkout.keep_promo(conversation, pricing.code, now=now)
    return _send(message.chat.id, views.offer_card(texts, offer, pricing, tried_code=code))


async def on_pay(
    callback: CallbackQuery, callback_data: PayWith, session: AsyncSession, shop: ShopRead,
    telegram_user: TelegramUser | None, texts: Texts, now: datetime, container: Container,
) -> TelegramMethod[Any] | AfterCommit:  # fmt: skip
    """Place (or reuse) the order now; start the payment once this update committed."""
    offer = await offers.find_offer(session, shop=shop, variant_id=callback_data.v)
    if offer is None or telegram_user is None:
        return callback.answer(texts("buy.unavailable"), show_alert=True)
    row = await checkout.choose(session, user=telegram_user, variant_id=offer.variant.id, now=now)
    pricing = await offers.price(session, shop=shop, offer=offer, code=row.promo_code,
                                 customer_id=telegram_user.customer_id, now=now)  # fmt: skip
    options = await checkout.payment_options(session, shop=shop, pricing=pricing)
    if not any((o.gateway, o.currency) == (callback_data.g, callback_data.c) for o in options):
        return callback.answer(texts("buy.no_payment"), show_alert=True)
    ttl = timedelta(minutes=container.settings.order_ttl_minutes)
    try:
        order = await checkout.place(
            session, shop=shop, user=telegram_user, row=row, offer=offer,
            currency=callback_data.c, pricing=pricing, ttl=ttl, now=now,
        )  # fmt: skip
    except PROMO_ERRORS as exc:  # the code ran out between the card and the press
        reason = views.promo_error(texts, exc, pricing.code or "")
        checkout.keep_promo(row, None, now=now)
        return callback.answer(reason, show_alert=True)
    await callback.answer()
    work = functools.partial(
        checkout.start_payment, container, shop=shop, order=order, gateway=callback_data.g,
        recurring=checkout.recurring(offer, callback_data.g, order),
        chat_id=callback.from_user.id, texts=texts,
    )  # fmt: skip
    return AfterCommit(work)
