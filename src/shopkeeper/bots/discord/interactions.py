"""Answering Discord interactions: PING, and the `/premium status|buy` slash commands.

A handler maps the interaction to arguments, calls a service in the request's unit of work
and answers at once (type 4, ephemeral: flags 64) in the member's locale. `/premium status`
also retries the member's waiting grants: someone who joined the server after paying gets
their role when they first ask.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import identity, shops, subscriptions
from shopkeeper.bots.discord import texts
from shopkeeper.bots.discord.service.accounts import on_discord_linked
from shopkeeper.bots.discord.service.live import Live
from shopkeeper.container import Container
from shopkeeper.identity import IdentityKind
from shopkeeper.shops import ShopRead

PING, APPLICATION_COMMAND = 1, 2
PONG, CHANNEL_MESSAGE = 1, 4
EPHEMERAL = 1 << 6


def pong() -> dict[str, Any]:
    return {"type": PONG}


async def answer(
    session: AsyncSession, container: Container, live: Live, interaction: dict[str, Any]
) -> dict[str, Any]:
    """The reply to one application command."""
    language = texts.language_of(interaction.get("locale"))
    shop = await shops.get_shop_by_id(session, shop_id=live.shop_id)
    name, sub = _command(interaction)
    if (name, sub) == ("premium", "status"):
        return await _status(session, container, shop, _user(interaction), language)
    if (name, sub) == ("premium", "buy"):
        url = store_url(container, shop)
        return _reply(texts.text("buy", language, url=url), language, link=url)
    return _reply(texts.text("unknown", language), language)


def store_url(container: Container, shop: ShopRead) -> str:
    return f"{(container.settings.public_url or '').rstrip('/')}/s/{shop.slug}"


async def _status(
    session: AsyncSession, container: Container, shop: ShopRead, user: dict[str, Any], language: str
) -> dict[str, Any]:
    if not str(user.get("id", "")).isdigit():
        return _reply(texts.text("unknown", language), language)
    now = container.clock.now()
    customer = await identity.find_or_create_customer(
        session,
        shop_id=shop.id,
        kind=IdentityKind.DISCORD,
        value=str(user["id"]),
        display_name=str(user.get("global_name") or user.get("username") or ""),
        language=language,
        now=now,
    )
    await on_discord_linked(session, container, shop.id, customer.id)
    found = await subscriptions.list_customer_subscriptions(
        session, shop_id=shop.id, customer_id=customer.id, now=now
    )
    url = store_url(container, shop)
    if not found:
        return _reply(texts.text("status.none", language, url=url), language, link=url)
    lines = [texts.text("status.head", language)]
    for item in found:
        end = texts.local_date(item.period_end, shop.timezone, language)
        line = texts.text(
            "status.line",
            language,
            plan=item.plan_title,
            days=texts.days(item.days_left, language),
            end=end,
        )
        lines.append(line + _note(item, language))
    return _reply("\n".join(lines), language)


def _note(item: subscriptions.CustomerSubscription, language: str) -> str:
    if item.status == "trialing":
        return texts.text("status.trial", language)
    if item.status == "past_due":
        return texts.text("status.past_due", language)
    return texts.text("status.ending", language) if item.cancel_at_period_end else ""


def _reply(content: str, language: str, *, link: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "content": content[:2000],
        "flags": EPHEMERAL,
        "allowed_mentions": {"parse": []},
    }
    if link and link.startswith(("https://", "http://")):
        button = {"type": 2, "style": 5, "label": texts.text("button.shop", language), "url": link}
        data["components"] = [{"type": 1, "components": [button]}]
    return {"type": CHANNEL_MESSAGE, "data": data}


def _command(interaction: dict[str, Any]) -> tuple[str, str]:
    data = interaction.get("data") or {}
    options = data.get("options") or []
    sub = options[0].get("name", "") if options and options[0].get("type") == 1 else ""
    return str(data.get("name", "")), str(sub)


def _user(interaction: dict[str, Any]) -> dict[str, Any]:
    """The invoking user: `member.user` in a guild, `user` in a DM."""
    member = interaction.get("member") or {}
    user: dict[str, Any] = member.get("user") or interaction.get("user") or {}
    return user
