"""Messages: send, edit, delete, answer a button press, show a chat action."""

from __future__ import annotations

import html
import re
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bots.telegram.playground import wire
from shopkeeper.bots.telegram.playground.calls import Call, method
from shopkeeper.bots.telegram.playground.models import PlaygroundAnswer, PlaygroundMessage
from shopkeeper.bots.telegram.playground.repository import PlaygroundRepository
from shopkeeper.bots.telegram.playground.wire import ApiError, bad_request

TEXT_LIMIT = 4096
ANSWER_LIMIT = 200
CALLBACK_DATA_LIMIT = 64
BUTTON_KINDS = (
    "callback_data",
    "url",
    "pay",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "copy_text",
    "callback_game",
)
# Telegram takes http(s):// and tg:// links; the playground also lets a path of this site
# through ("/pay/…" from a shop without a public URL), which it renders as a link.
URL = re.compile(r"^(https?://[^\s/]+|tg://|/(?!/))\S*$")
TAG = re.compile(r"<[^>]+>")
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


def plain_text(text: str, parse_mode: str | None) -> str:
    """The text as Telegram returns it: HTML markup parsed away (entities are not rebuilt)."""
    if (parse_mode or "").upper() == "HTML":
        return html.unescape(TAG.sub("", text))
    return text


def reply_markup(call: Call) -> dict[str, Any] | None:
    """The call's reply_markup, each inline button checked the way Telegram checks it."""
    if "reply_markup" not in call.params:
        return None
    markup = _without_nulls(call.params.json("reply_markup"))
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is not None:
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request("can't parse inline keyboard markup JSON object")
        for row in rows:
            for button in row:
                _check_button(button)
    return markup


def _without_nulls(value: Any) -> Any:
    """Telegram reads a null field as an absent one."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or not button.get("text"):
        raise bad_request("can't parse inline keyboard button: Text must be non-empty")
    kinds = [kind for kind in BUTTON_KINDS if kind in button]
    if len(kinds) != 1:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = button.get("callback_data")
    if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_LIMIT:
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and not URL.match(str(url)):
        raise bad_request("BUTTON_URL_INVALID")


async def writable_chat(call: Call, chat_id: int) -> dict[str, Any]:
    """A chat the bot may post in: a tester who has started it, or a group it administers."""
    if chat_id > 0:
        tester = await call.tester(chat_id)
        if tester is None:
            raise bad_request("chat not found")
        if tester.started_at is None:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        return wire.private_chat(tester)
    group = await call.group(chat_id)
    if not group.bot_is_admin:
        raise ApiError(403, f"Forbidden: bot is not a member of the {group.type} chat")
    return wire.group_chat(group)


def store_message(
    call: Call,
    chat: dict[str, Any],
    *,
    text: str = "",
    parse_mode: str | None = None,
    markup: dict[str, Any] | None = None,
    invoice_id: uuid.UUID | None = None,
    **content: Any,
) -> dict[str, Any]:
    """A new message from the bot: its Message object now, its row once written."""
    message_id = wire.MESSAGE_IDS.next()
    bot, now = call.bot, call.now
    body: dict[str, Any] = {
        "message_id": message_id,
        "from": bot.user(),
        "chat": chat,
        "date": wire.unix(now),
        **content,
    }
    if text:
        body["text"] = plain_text(text, parse_mode)
    if markup:
        body["reply_markup"] = markup
    row = dict(text=text, parse_mode=parse_mode, reply_markup=markup, invoice_id=invoice_id)
    key = (bot.id, chat["id"], message_id)
    call.standin.writer.recent[key] = {**row, "sender": "bot", "date": body["date"]}

    async def write(session: AsyncSession) -> None:
        session.add(
            PlaygroundMessage(
                shop_id=bot.shop_id,
                playground_bot_id=bot.id,
                chat_id=chat["id"],
                message_id=message_id,
                sender="bot",
                created_at=now,
                **row,
            )
        )

    call.write(write, message=key)
    return body


@method("sendMessage")
async def send_message(call: Call) -> Any:
    chat = await writable_chat(call, call.params.chat_id())
    text, parse_mode = call.params.text("text") or "", call.params.text("parse_mode")
    if not text.strip():
        raise bad_request("message text is empty")
    if len(plain_text(text, parse_mode)) > TEXT_LIMIT:
        raise bad_request("message is too long")
    return store_message(call, chat, text=text, parse_mode=parse_mode, markup=reply_markup(call))


async def _shown(call: Call) -> tuple[int, int, dict[str, Any]]:
    """The bot's message an edit or a deletion is about: (chat id, message id, its fields)."""
    if "inline_message_id" in call.params:
        raise bad_request("inline messages are not supported by the playground")
    chat_id, message_id = call.params.chat_id(), call.params.integer("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    found = call.standin.writer.recent.get((call.bot.id, chat_id, message_id))
    if found is None:
        row = await call.repo.message(call.bot.id, chat_id, message_id)
        if row is None or row.deleted_at is not None:
            raise bad_request("message to edit not found")
        found = {
            "text": row.text,
            "parse_mode": row.parse_mode,
            "reply_markup": row.reply_markup,
            "sender": row.sender,
            "date": wire.unix(row.created_at),
        }
    return chat_id, message_id, found


async def _edit(call: Call, changes: dict[str, Any]) -> Any:
    chat_id, message_id, shown = await _shown(call)
    if shown["sender"] != "bot":
        raise bad_request("message can't be edited")
    if all(shown.get(name) == value for name, value in changes.items()):
        raise bad_request(NOT_MODIFIED)
    shown = {**shown, **changes}
    bot, now = call.bot, call.now
    key = (bot.id, chat_id, message_id)
    if key in call.standin.writer.recent:
        call.standin.writer.recent[key] = shown

    async def write(session: AsyncSession) -> None:
        await PlaygroundRepository(session).edit_message(
            bot.id, chat_id, message_id, edited_at=now, **changes
        )

    call.write(write)
    body: dict[str, Any] = {
        "message_id": message_id,
        "from": bot.user(),
        "chat": await call.chat(chat_id),
        "date": shown["date"],
        "edit_date": wire.unix(now),
    }
    if shown.get("text"):
        body["text"] = plain_text(shown["text"], shown.get("parse_mode"))
    if shown.get("reply_markup"):
        body["reply_markup"] = shown["reply_markup"]
    return body


@method("editMessageText")
async def edit_message_text(call: Call) -> Any:
    text, parse_mode = call.params.text("text") or "", call.params.text("parse_mode")
    if not text.strip():
        raise bad_request("message text is empty")
    # Without reply_markup Telegram drops the message's inline keyboard.
    return await _edit(
        call, {"text": text, "parse_mode": parse_mode, "reply_markup": reply_markup(call)}
    )


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(call: Call) -> Any:
    return await _edit(call, {"reply_markup": reply_markup(call)})


@method("deleteMessage")
async def delete_message(call: Call) -> Any:
    try:
        chat_id, message_id, _ = await _shown(call)
    except ApiError:
        raise bad_request("message to delete not found") from None
    bot, now = call.bot, call.now

    async def write(session: AsyncSession) -> None:
        await PlaygroundRepository(session).edit_message(
            bot.id, chat_id, message_id, deleted_at=now
        )

    call.write(write)
    return True


@method("answerCallbackQuery")
async def answer_callback_query(call: Call) -> Any:
    query_id = call.params.text("callback_query_id") or ""
    if not query_id:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = call.params.text("text")
    if text is not None and len(text) > ANSWER_LIMIT:
        raise bad_request("MESSAGE_TOO_LONG")
    store_answer(
        call, "callback", query_id, ok=True, text=text, show_alert=call.params.flag("show_alert")
    )
    return True


def store_answer(
    call: Call, kind: str, query_id: str, *, ok: bool, text: str | None, show_alert: bool = False
) -> None:
    """Keep the bot's answer to a query (a second answer to the same query is ignored)."""
    bot, now = call.bot, call.now

    async def write(session: AsyncSession) -> None:
        if await PlaygroundRepository(session).answer(bot.id, kind, query_id) is None:
            session.add(
                PlaygroundAnswer(
                    shop_id=bot.shop_id,
                    playground_bot_id=bot.id,
                    kind=kind,
                    query_id=query_id[:64],
                    ok=ok,
                    text=text,
                    show_alert=show_alert,
                    created_at=now,
                )
            )

    call.write(write)


@method("sendChatAction")
async def send_chat_action(call: Call) -> Any:
    await writable_chat(call, call.params.chat_id())
    return True
