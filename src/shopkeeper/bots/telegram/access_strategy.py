"""Access to a Telegram chat: a fresh invite link to grant, ban + unban to revoke.

The access context calls this while it holds the grant's row lock, so the Bot API call runs
inside that transaction by the port's design. A person with no Telegram account known to the
shop gets "action_required" with the bot link that fixes it; a bot that lost its rights, or a
chat no longer registered, leaves the grant "pending" (retried when the rights are checked
again). Network trouble and 429s propagate: the bus retries the handler later.
"""

from __future__ import annotations

import uuid

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import access, identity
from shopkeeper.access import GrantOutcome, GrantRequest
from shopkeeper.bots.telegram.channels import chat_ops
from shopkeeper.bots.telegram.channels.linking import start_url
from shopkeeper.bots.telegram.channels.repository import (
    ChatRepository,
    MemberRepository,
    PeopleRepository,
)
from shopkeeper.bots.telegram.channels.rights import is_member, status_of
from shopkeeper.bots.telegram.chat_models import TelegramChat
from shopkeeper.container import Container

log = structlog.get_logger(__name__)
PLATFORM = "telegram_chat"


class TelegramChatStrategy:
    platform = PLATFORM

    def __init__(self, container: Container) -> None:
        self.container = container

    async def grant(self, session: AsyncSession, request: GrantRequest) -> GrantOutcome:
        """Already in the chat → granted; else a fresh link; no Telegram yet → how to link."""
        target = request.target
        chat = await ChatRepository(session).by_target(target.shop_id, target.id)
        if chat is None or not chat.active:
            return GrantOutcome(
                "pending", reason="no bot manages this chat (register it in channels)"
            )
        found = await chat_ops.chat_bot(self.container, chat)
        if found is None:
            return GrantOutcome("pending", reason="the chat's bot is not connected")
        people = await telegram_ids(session, chat, request.customer_id)
        if not people:
            url = start_url(found.entry.username, self.container.settings.secret_key,
                            request.grant_id)  # fmt: skip
            return GrantOutcome("action_required", reason=f"open {url} and press Start")
        try:
            for telegram_user_id in people:
                current = await chat_ops.member(found.bot, chat, telegram_user_id)
                if is_member(current):
                    await self._seen(session, chat, telegram_user_id, status_of(current), request)
                    return GrantOutcome("granted", reason="already a member")
            link = await chat_ops.fresh_link(
                found.bot, chat, grant_id=request.grant_id, now=self.container.clock.now()
            )
        except chat_ops.PERMANENT as exc:
            log.warning("telegram.grant_refused", chat=chat.chat_id, error=exc.message)
            return GrantOutcome(
                "pending", reason=f"the bot cannot invite to the chat: {exc.message}"
            )
        return GrantOutcome("granted", join_url=link)

    async def revoke(self, session: AsyncSession, request: GrantRequest) -> None:
        """Remove every Telegram account of the customer from the chat; kill the unused link."""
        target = request.target
        chat = await ChatRepository(session).by_target(target.shop_id, target.id)
        found = await chat_ops.chat_bot(self.container, chat) if chat is not None else None
        if chat is None or found is None:
            return  # nothing to act with; reconciliation removes them once a bot can
        grant = await access.get_grant(session, shop_id=chat.shop_id, grant_id=request.grant_id)
        try:
            if grant.join_url:
                await chat_ops.revoke_link(found.bot, chat, grant.join_url)
            for telegram_user_id in await telegram_ids(session, chat, request.customer_id):
                if (await chat_ops.remove(found.bot, chat, telegram_user_id)).removed:
                    await self._removed(session, chat, telegram_user_id, request)
        except chat_ops.PERMANENT as exc:  # rights lost: the reconciliation retries later
            log.warning("telegram.revoke_refused", chat=chat.chat_id, error=exc.message)

    async def _seen(
        self, session: AsyncSession, chat: TelegramChat, telegram_user_id: int, status: str,
        request: GrantRequest,
    ) -> None:  # fmt: skip
        await MemberRepository(session).record(
            chat, telegram_user_id, status=status, customer_id=request.customer_id,
            now=self.container.clock.now(),
        )  # fmt: skip

    async def _removed(
        self, session: AsyncSession, chat: TelegramChat, telegram_user_id: int,
        request: GrantRequest,
    ) -> None:  # fmt: skip
        now = self.container.clock.now()
        await MemberRepository(session).record(
            chat, telegram_user_id, status="left", customer_id=request.customer_id, now=now
        )
        await access.log_membership(
            session, shop_id=chat.shop_id, target_id=chat.target_id,
            customer_id=request.customer_id, action="removal",
            detail=f"access revoked (Telegram user {telegram_user_id})", now=now,
        )  # fmt: skip


async def telegram_ids(
    session: AsyncSession, chat: TelegramChat, customer_id: uuid.UUID
) -> list[int]:
    """The customer's Telegram accounts in the shop (following merges), the chat's bot first."""
    customers = {customer_id}
    try:
        customers.add(
            (await identity.get_customer(session, shop_id=chat.shop_id, customer_id=customer_id)).id
        )
    except identity.CustomerNotFound:
        pass
    rows = await PeopleRepository(session).telegram_ids(chat.shop_id, customers)
    ordered = sorted(rows, key=lambda row: row[1] != chat.bot_id)  # stable: latest seen first
    found = list(dict.fromkeys(user_id for user_id, _ in ordered))
    for extra in await MemberRepository(session).user_ids_of_customer(chat, customer_id):
        if extra not in found:
            found.append(extra)
    return found
