"""Chats: read a chat and its members, invite links, join requests, bans and unbans.

A change of someone's membership is followed, once written, by the `chat_member` update
Telegram would send the bot (unless the bot's allowed_updates leave it out).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bots.telegram.playground import wire
from shopkeeper.bots.telegram.playground.calls import Call, method
from shopkeeper.bots.telegram.playground.models import PlaygroundChat, PlaygroundInviteLink
from shopkeeper.bots.telegram.playground.repository import PlaygroundRepository
from shopkeeper.bots.telegram.playground.wire import bad_request

NAME_LIMIT = 32
MEMBER_LIMIT = 99_999
GIFTS = dict.fromkeys(
    (
        "unlimited_gifts",
        "limited_gifts",
        "unique_gifts",
        "premium_subscription",
        "gifts_from_channels",
    ),
    False,
)


@method("getChat")
async def get_chat(call: Call) -> Any:
    chat = await call.chat(call.params.chat_id())
    return {**chat, "accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": GIFTS}


async def _person(call: Call, chat_id: int, user_id: int) -> tuple[str, dict[str, Any]]:
    """Someone's status in a group and their User object."""
    tester = await call.tester(user_id)
    row = await call.repo.member(call.bot.id, chat_id, user_id)
    if tester is not None:
        user = wire.tester_user(tester)
    else:
        user = wire.plain_user(user_id, row.first_name if row else "")
    return (row.status if row else "left"), user


@method("getChatMember")
async def get_chat_member(call: Call) -> Any:
    chat_id, user_id = call.params.chat_id(), call.params.user_id()
    if chat_id > 0:
        raise bad_request("member list is inaccessible")  # private chats have no members list
    chat = await call.group(chat_id)
    if user_id == call.bot.telegram_bot_id:
        return _bot_member(call, chat)
    if user_id == wire.OWNER_ID:
        return wire.member("creator", wire.plain_user(wire.OWNER_ID, "Owner"))
    status, user = await _person(call, chat_id, user_id)
    return wire.member(status, user)


def _bot_member(call: Call, chat: PlaygroundChat) -> dict[str, Any]:
    if not chat.bot_is_admin:
        return wire.member("member", call.bot.user())
    return wire.member("administrator", call.bot.user(), **wire.admin_rights(chat))


@method("getChatAdministrators")
async def get_chat_administrators(call: Call) -> Any:
    chat = await call.group(call.params.chat_id())
    admins = [wire.member("creator", wire.plain_user(wire.OWNER_ID, "Owner"))]
    if chat.bot_is_admin:
        admins.append(_bot_member(call, chat))
    return admins


@method("getChatMemberCount")
async def get_chat_member_count(call: Call) -> Any:
    chat = await call.group(call.params.chat_id())
    members = await call.repo.members(call.bot.id, chat.chat_id)
    return 2 + sum(1 for row in members if row.status == "member")  # the owner and the bot


@method("createChatInviteLink")
async def create_chat_invite_link(call: Call) -> Any:
    chat = await call.admin(call.params.chat_id(), "can_invite_users")
    params = call.params
    limit, name = params.integer("member_limit"), params.text("name")
    joins_by_request = params.flag("creates_join_request")
    if joins_by_request and limit is not None:
        raise bad_request(
            "member limit can't be specified for links requiring administrator approval"
        )
    if limit is not None and not 1 <= limit <= MEMBER_LIMIT:
        raise bad_request("MEMBER_LIMIT_INVALID")
    if name is not None and len(name) > NAME_LIMIT:
        raise bad_request("invite link name is too long")
    expires = params.integer("expire_date")
    expire_date = datetime.fromtimestamp(expires, UTC) if expires else None
    if expire_date is not None and expire_date <= call.now:
        raise bad_request("EXPIRE_DATE_INVALID")
    row = PlaygroundInviteLink(
        shop_id=call.bot.shop_id,
        playground_bot_id=call.bot.id,
        chat_id=chat.chat_id,
        link=f"https://t.me/+{secrets.token_urlsafe(12)}",
        name=name or None,
        expire_date=expire_date,
        member_limit=limit,
        creates_join_request=joins_by_request,
        revoked=False,
        uses=0,
        created_at=call.now,
    )

    async def write(session: AsyncSession) -> None:
        session.add(row)

    call.write(write)
    return wire.invite_link(row, call.bot.user())


@method("revokeChatInviteLink")
async def revoke_chat_invite_link(call: Call) -> Any:
    chat = await call.admin(call.params.chat_id(), "can_invite_users")
    row = await call.repo.invite_link(call.bot.id, call.params.text("invite_link") or "")
    if row is None or row.chat_id != chat.chat_id:
        raise bad_request("INVITE_HASH_EXPIRED")
    link_id = row.id

    async def write(session: AsyncSession) -> None:
        found = await session.get(PlaygroundInviteLink, link_id)
        if found is not None:
            found.revoked = True

    call.write(write)
    return {**wire.invite_link(row, call.bot.user()), "is_revoked": True}


def _change(call: Call, chat: PlaygroundChat, user: dict[str, Any], old: str, new: str) -> None:
    """Store a new status; a real change is followed by its chat_member update."""
    bot, now, chat_id = call.bot, call.now, chat.chat_id

    async def write(session: AsyncSession) -> None:
        await PlaygroundRepository(session).set_member(
            bot=bot,
            chat_id=chat_id,
            user_id=user["id"],
            first_name=user["first_name"],
            status=new,
            now=now,
        )

    if wire.member(old, user)["status"] == wire.member(new, user)["status"]:
        call.write(write)
        return
    update = wire.chat_member_update(
        wire.group_chat(chat), bot.user(), user, old=old, new=new, date=wire.unix(now)
    )
    call.deliver_later(write, update)


async def _join_request(call: Call, *, approve: bool) -> Any:
    chat = await call.admin(call.params.chat_id(), "can_invite_users")
    status, user = await _person(call, chat.chat_id, call.params.user_id())
    if status != "requested":
        raise bad_request("HIDE_REQUESTER_MISSING")
    _change(call, chat, user, status, "member" if approve else "left")
    return True


@method("approveChatJoinRequest")
async def approve_chat_join_request(call: Call) -> Any:
    return await _join_request(call, approve=True)


@method("declineChatJoinRequest")
async def decline_chat_join_request(call: Call) -> Any:
    return await _join_request(call, approve=False)


async def _restricted(call: Call) -> tuple[PlaygroundChat, int]:
    chat = await call.admin(call.params.chat_id(), "can_restrict_members")
    user_id = call.params.user_id()
    if user_id == wire.OWNER_ID:
        raise bad_request("can't remove chat owner")
    if user_id == call.bot.telegram_bot_id:
        raise bad_request("can't remove self")  # Telegram: "USER_NOT_PARTICIPANT" varies
    return chat, user_id


@method("banChatMember")
async def ban_chat_member(call: Call) -> Any:
    chat, user_id = await _restricted(call)
    status, user = await _person(call, chat.chat_id, user_id)
    _change(call, chat, user, status, "kicked")
    return True


@method("unbanChatMember")
async def unban_chat_member(call: Call) -> Any:
    """Kicked → left; a member is removed too unless only_if_banned (Telegram's rule)."""
    chat, user_id = await _restricted(call)
    status, user = await _person(call, chat.chat_id, user_id)
    if status == "kicked" or (status == "member" and not call.params.flag("only_if_banned")):
        _change(call, chat, user, status, "left")
    return True
