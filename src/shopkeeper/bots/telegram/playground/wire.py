"""The Bot API's wire format as the stand-in speaks it: parameters in, objects and errors out.

Parameters arrive as the Bot API accepts them — a JSON body (typed values) or a form (every
value a string, objects as JSON) — and are read with `Params`. Errors are `ApiError`s,
answered as `{"ok": false, "error_code", "description"}` with Telegram's HTTP status.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

from shopkeeper.bots.telegram.playground.models import PlaygroundChat, PlaygroundUser

OWNER_ID = 1_000  # the creator of every playground channel (no one plays them)
CAPABILITIES = {
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
    "can_connect_to_business": False,
    "has_main_web_app": False,
}


class ApiError(Exception):
    """A refusal in the Bot API's words and HTTP status."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code, self.description = code, description

    def body(self) -> dict[str, Any]:
        return {"ok": False, "error_code": self.code, "description": self.description}


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


class Params:
    """One call's parameters, typed on demand (a form sends `"42"`, JSON sends `42`)."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw

    def __contains__(self, name: str) -> bool:
        return self.raw.get(name) not in (None, "")

    def text(self, name: str) -> str | None:
        value = self.raw.get(name)
        return None if value is None else str(value)

    def integer(self, name: str) -> int | None:
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise bad_request(f"{name} must be an integer")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"{name} must be an integer") from None

    def flag(self, name: str) -> bool:
        value = self.raw.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1")
        return bool(value)

    def json(self, name: str) -> Any:
        value = self.raw.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value

    def chat_id(self) -> int:
        value = self.raw.get("chat_id")
        if value in (None, ""):
            raise bad_request("chat_id is empty")
        if isinstance(value, str) and value.startswith("@"):
            raise bad_request("chat not found")  # playground chats have no public username
        chat = self.integer("chat_id")
        assert chat is not None
        return chat

    def user_id(self) -> int:
        user = self.integer("user_id")
        if user is None:
            raise bad_request("user_id is empty")  # Telegram: "Bad Request: invalid user_id"
        return user


class IdSequence:
    """Increasing ids for messages and updates: microseconds, never repeated in a process."""

    def __init__(self) -> None:
        self._last = 0

    def next(self) -> int:
        now = time.time_ns() // 1_000
        self._last = max(self._last + 1, now)
        return self._last


MESSAGE_IDS = IdSequence()
UPDATE_IDS = IdSequence()


def bot_user(telegram_bot_id: int, first_name: str, username: str) -> dict[str, Any]:
    return {"id": telegram_bot_id, "is_bot": True, "first_name": first_name, "username": username}


def tester_user(tester: PlaygroundUser) -> dict[str, Any]:
    user: dict[str, Any] = {
        "id": tester.telegram_user_id,
        "is_bot": False,
        "first_name": tester.first_name,
        "language_code": tester.language,
    }
    if tester.last_name:
        user["last_name"] = tester.last_name
    return user


def plain_user(user_id: int, first_name: str) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": first_name or f"User {user_id}"}


def private_chat(tester: PlaygroundUser) -> dict[str, Any]:
    chat: dict[str, Any] = {
        "id": tester.telegram_user_id,
        "type": "private",
        "first_name": tester.first_name,
    }
    if tester.last_name:
        chat["last_name"] = tester.last_name
    return chat


def group_chat(chat: PlaygroundChat) -> dict[str, Any]:
    return {"id": chat.chat_id, "type": chat.type, "title": chat.title}


def admin_rights(chat: PlaygroundChat) -> dict[str, Any]:
    rights = dict.fromkeys(
        (
            "can_manage_chat",
            "can_delete_messages",
            "can_manage_video_chats",
            "can_change_info",
            "can_post_messages",
            "can_edit_messages",
        ),
        True,
    )
    rights.update(
        can_be_edited=False,
        is_anonymous=False,
        can_promote_members=False,
        can_post_stories=False,
        can_edit_stories=False,
        can_delete_stories=False,
        can_send_welcome_messages=False,
        can_invite_users=chat.can_invite_users,
        can_restrict_members=chat.can_restrict_members,
    )
    return rights


def member(status: str, user: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A ChatMember; "requested" (a pending join request) is still "left" to the Bot API."""
    body: dict[str, Any] = {"status": "left" if status == "requested" else status, "user": user}
    if status == "creator":
        body["is_anonymous"] = False
    elif status == "kicked":
        body["until_date"] = 0
    body.update(extra)
    return body


def unix(moment: Any) -> int:
    return int(moment.timestamp())


def chat_member_update(
    chat: dict[str, Any],
    actor: dict[str, Any],
    user: dict[str, Any],
    *,
    old: str,
    new: str,
    date: int,
    invite_link: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """`user`'s membership of `chat` changed from `old` to `new` (by `actor`)."""
    body: dict[str, Any] = {
        "chat": chat,
        "from": actor,
        "date": date,
        "old_chat_member": member(old, user),
        "new_chat_member": member(new, user),
    }
    if invite_link is not None:
        body["invite_link"] = invite_link
    return {"update_id": UPDATE_IDS.next(), "chat_member": body}


def invite_link(row: Any, creator: dict[str, Any]) -> dict[str, Any]:
    """A ChatInviteLink object of a stored link."""
    body: dict[str, Any] = {
        "invite_link": row.link,
        "creator": creator,
        "creates_join_request": row.creates_join_request,
        "is_primary": False,
        "is_revoked": bool(row.revoked),
    }
    if row.name:
        body["name"] = row.name
    if row.expire_date is not None:
        body["expire_date"] = unix(row.expire_date)
    if row.member_limit is not None:
        body["member_limit"] = row.member_limit
    return body
