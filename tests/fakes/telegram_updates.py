"""Builders of Telegram Update payloads, shaped like the Bot API sends them (plain dicts).

Post them to our webhook as JSON, or push them into the fake Bot API's getUpdates queue.
Every builder gives a fresh `update_id` unless one is passed (pass the same one to simulate
Telegram redelivering an update).
"""

from __future__ import annotations

import itertools
import random
import time
from typing import Any

_update_ids = itertools.count(random.randint(100_000, 900_000))
_message_ids = itertools.count(1)
_user_ids = itertools.count(random.randint(10_000_000, 90_000_000))


def next_update_id() -> int:
    return next(_update_ids)


def _now() -> int:
    return int(time.time())


def tg_user(
    user_id: int | None = None,
    *,
    first_name: str = "Anna",
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = "en",
    is_bot: bool = False,
) -> dict[str, Any]:
    """A Telegram User; a new id unless given."""
    user: dict[str, Any] = {
        "id": user_id or next(_user_ids),
        "is_bot": is_bot,
        "first_name": first_name,
    }
    for name, value in (
        ("last_name", last_name),
        ("username", username),
        ("language_code", language_code),
    ):
        if value is not None:
            user[name] = value
    return user


def private_chat(user: dict[str, Any]) -> dict[str, Any]:
    chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
    if "username" in user:
        chat["username"] = user["username"]
    return chat


def channel_chat(chat_id: int, title: str = "Members", kind: str = "channel") -> dict[str, Any]:
    """A channel or supergroup (ids of both are negative: -100…)."""
    return {"id": chat_id, "type": kind, "title": title}


def message(
    user: dict[str, Any], text: str, *, chat: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    """A Message from `user`; a leading `/command` gets its bot_command entity."""
    body: dict[str, Any] = {
        "message_id": next(_message_ids),
        "from": user,
        "chat": chat or private_chat(user),
        "date": _now(),
        "text": text,
    }
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    body.update(extra)
    return body


def message_update(
    user: dict[str, Any], text: str, *, update_id: int | None = None, **extra: Any
) -> dict[str, Any]:
    return {"update_id": update_id or next_update_id(), "message": message(user, text, **extra)}


def command_update(
    user: dict[str, Any], command: str, payload: str | None = None, *, update_id: int | None = None
) -> dict[str, Any]:
    """`/command payload` from the user in their private chat with the bot."""
    text = f"/{command}" + (f" {payload}" if payload else "")
    return message_update(user, text, update_id=update_id)


def callback_update(
    user: dict[str, Any],
    data: str,
    *,
    message_text: str = "menu",
    bot_user: dict[str, Any] | None = None,
    update_id: int | None = None,
) -> dict[str, Any]:
    """A press of an inline button under one of the bot's messages in the user's chat."""
    bot_user = bot_user or tg_user(1, first_name="Bot", is_bot=True, language_code=None)
    shown = {
        "message_id": next(_message_ids),
        "from": bot_user,
        "chat": private_chat(user),
        "date": _now(),
        "text": message_text,
    }
    query = {
        "id": str(random.getrandbits(63)),
        "from": user,
        "message": shown,
        "chat_instance": str(random.getrandbits(63)),
        "data": data,
    }
    return {"update_id": update_id or next_update_id(), "callback_query": query}


def member(status: str, user: dict[str, Any], **rights: Any) -> dict[str, Any]:
    """A ChatMember of the given status (administrator rights default to everything)."""
    body: dict[str, Any] = {"status": status, "user": user}
    if status == "creator":
        body["is_anonymous"] = False
    elif status == "administrator":
        body.update(admin_rights(**rights))
    elif status == "kicked":
        body["until_date"] = rights.get("until_date", 0)
    return body


def admin_rights(**overrides: bool) -> dict[str, Any]:
    rights = {
        name: True
        for name in (
            "can_manage_chat", "can_delete_messages", "can_manage_video_chats",
            "can_restrict_members", "can_change_info", "can_invite_users", "can_post_messages",
            "can_edit_messages",
        )
    }  # fmt: skip
    rights.update(
        can_be_edited=False, is_anonymous=False, can_promote_members=False,
        can_post_stories=False, can_edit_stories=False, can_delete_stories=False,
        can_send_welcome_messages=False,
    )  # fmt: skip
    rights.update(overrides)
    return rights


def chat_member_update(
    user: dict[str, Any],
    chat: dict[str, Any],
    *,
    old: str = "left",
    new: str = "member",
    actor: dict[str, Any] | None = None,
    invite_link: dict[str, Any] | None = None,
    update_id: int | None = None,
) -> dict[str, Any]:
    """`user`'s membership of `chat` changed (joined, left, banned...)."""
    body: dict[str, Any] = {
        "chat": chat,
        "from": actor or user,
        "date": _now(),
        "old_chat_member": member(old, user),
        "new_chat_member": member(new, user),
    }
    if invite_link is not None:
        body["invite_link"] = invite_link
    return {"update_id": update_id or next_update_id(), "chat_member": body}


def my_chat_member_update(
    user: dict[str, Any],
    bot_user: dict[str, Any],
    *,
    old: str = "member",
    new: str = "kicked",
    chat: dict[str, Any] | None = None,
    update_id: int | None = None,
) -> dict[str, Any]:
    """The bot's own membership changed: in a private chat, kicked = the user blocked it."""
    body = {
        "chat": chat or private_chat(user),
        "from": user,
        "date": _now(),
        "old_chat_member": member(old, bot_user),
        "new_chat_member": member(new, bot_user),
    }
    return {"update_id": update_id or next_update_id(), "my_chat_member": body}


def chat_join_request_update(
    user: dict[str, Any],
    chat: dict[str, Any],
    *,
    invite_link: dict[str, Any] | None = None,
    bio: str | None = None,
    update_id: int | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "chat": chat,
        "from": user,
        "user_chat_id": user["id"],
        "date": _now(),
    }
    if invite_link is not None:
        body["invite_link"] = invite_link
    if bio is not None:
        body["bio"] = bio
    return {"update_id": update_id or next_update_id(), "chat_join_request": body}


def pre_checkout_update(
    user: dict[str, Any],
    *,
    total_amount: int,
    payload: str,
    currency: str = "XTR",
    query_id: str | None = None,
    update_id: int | None = None,
) -> dict[str, Any]:
    body = {
        "id": query_id or str(random.getrandbits(63)),
        "from": user,
        "currency": currency,
        "total_amount": total_amount,
        "invoice_payload": payload,
    }
    return {"update_id": update_id or next_update_id(), "pre_checkout_query": body}


def successful_payment_update(
    user: dict[str, Any],
    *,
    total_amount: int,
    payload: str,
    currency: str = "XTR",
    charge_id: str | None = None,
    update_id: int | None = None,
) -> dict[str, Any]:
    """The service message Telegram sends after a paid invoice (Stars: no provider charge)."""
    payment = {
        "currency": currency,
        "total_amount": total_amount,
        "invoice_payload": payload,
        "telegram_payment_charge_id": charge_id or f"stxch_{random.getrandbits(64):x}",
        "provider_payment_charge_id": "",
    }
    body = message(user, "", successful_payment=payment)
    del body["text"]
    return {"update_id": update_id or next_update_id(), "message": body}
