"""A fake Telegram Bot API: `POST /bot<token>/<method>`, JSON or form bodies, real envelopes.

Responses are `{"ok": true, "result": ...}` or `{"ok": false, "error_code", "description"[,
"parameters": {"retry_after"}]}` with the HTTP status Telegram uses. Every call is recorded
(`calls`: method, token, params decoded like the Bot API decodes them, status). Bots are
known by token (`add_bot`); an unknown token gets 401 Unauthorized. Faults: `block(chat)`
(403 bot was blocked by the user), `throttle(method, times, retry_after)` (429),
`fail(method, times, code)`, the bot's rights in a chat (`set_rights`). getUpdates serves a
queue per bot (`push_update`), honouring offset and waiting at most `max_wait` seconds.
Update payload builders live in tests.fakes.telegram_updates (re-exported here).
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import json
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.telegram_chats import ChatsMixin, Rights
from tests.fakes.telegram_updates import (
    callback_update,
    channel_chat,
    chat_join_request_update,
    chat_member_update,
    command_update,
    message_update,
    my_chat_member_update,
    next_update_id,
    pre_checkout_update,
    private_chat,
    successful_payment_update,
    tg_user,
)

JSON_FIELDS = {
    "reply_markup", "allowed_updates", "commands", "scope", "prices", "entities",
    "caption_entities", "link_preview_options", "reply_parameters", "suggested_tip_amounts",
}  # fmt: skip
BOOL_FIELDS = {
    "ok", "drop_pending_updates", "show_alert", "creates_join_request", "revoke_messages",
    "only_if_banned", "disable_notification", "protect_content", "is_anonymous",
}  # fmt: skip
INT_FIELDS = {
    "chat_id", "user_id", "message_id", "offset", "limit", "timeout", "max_connections",
    "until_date", "expire_date", "member_limit", "cache_time", "subscription_period",
}  # fmt: skip
CHAT_METHODS = {"sendmessage", "sendphoto", "sendinvoice", "editmessagetext",
                "editmessagereplymarkup"}  # fmt: skip
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


@dataclass
class Call:
    method: str
    token: str
    params: dict[str, Any]
    status: int = 200
    content_type: str = ""  # how the client sent the parameters

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass
class FakeBot:
    id: int
    username: str
    first_name: str
    token: str
    webhook_url: str = ""
    webhook_secret: str | None = None
    allowed_updates: list[str] | None = None
    webhook_error: tuple[int, str] | None = None  # (unix date, message) for getWebhookInfo
    commands: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    updates: list[dict[str, Any]] = field(default_factory=list)
    arrived: asyncio.Event | None = None

    def user(self) -> dict[str, Any]:
        return tg_user(self.id, first_name=self.first_name, username=self.username,
                       language_code=None, is_bot=True)  # fmt: skip

    def me(self) -> dict[str, Any]:
        return {**self.user(), "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False,
                "has_main_web_app": False}  # fmt: skip


class FakeTelegram(ChatsMixin):
    def __init__(self, *, max_wait: float = 0.3) -> None:
        super().__init__()
        self.bots: dict[str, FakeBot] = {}
        self.calls: list[Call] = []
        self.blocked: set[int] = set()
        self.max_wait = max_wait  # the longest a getUpdates call waits, whatever its timeout
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.pre_checkout_answers: dict[str, dict[str, Any]] = {}
        self._faults: dict[str, list[ApiError]] = {}
        self._message_ids = itertools.count(1000)
        self._bot_ids = itertools.count(7_000_000_001)

    # -- set-up and faults -------------------------------------------------------------------
    def add_bot(self, username: str = "shop_test_bot", first_name: str = "Shop") -> FakeBot:
        bot_id = next(self._bot_ids)
        token = f"{bot_id}:AA{secrets.token_urlsafe(25)[:33]}"
        bot = self.bots[token] = FakeBot(bot_id, username, first_name, token)
        return bot

    def block(self, chat_id: int) -> None:
        self.blocked.add(chat_id)

    def throttle(self, method: str, *, times: int = 1, retry_after: int = 1) -> None:
        error = ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)
        self._faults.setdefault(method.lower(), []).extend([error] * times)

    def fail(self, method: str, *, times: int = 1, code: int = 500,
             description: str = "Internal Server Error") -> None:  # fmt: skip
        self._faults.setdefault(method.lower(), []).extend([ApiError(code, description)] * times)

    def push_update(self, bot: FakeBot, update: dict[str, Any]) -> None:
        """Queue an update for the bot's getUpdates."""
        bot.updates.append(update)
        if bot.arrived is not None:
            bot.arrived.set()

    # -- assertions --------------------------------------------------------------------------
    def calls_to(self, method: str, *, bot: FakeBot | None = None) -> list[Call]:
        return [c for c in self.calls if c.method.lower() == method.lower()
                and (bot is None or c.token == bot.token)]  # fmt: skip

    def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Params of every sendMessage that succeeded (to `chat_id` when given)."""
        return [c.params for c in self.calls_to("sendMessage")
                if c.ok and (chat_id is None or c.params.get("chat_id") == chat_id)]  # fmt: skip

    async def wait_for(self, method: str, *, count: int = 1, timeout: float = 5.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        while len(found := [c for c in self.calls_to(method) if c.ok]) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{count}× {method} expected, saw {len(found)}")
            await asyncio.sleep(0.01)
        return found

    # -- the HTTP API ------------------------------------------------------------------------
    def app(self) -> Starlette:
        path = "/bot{token}/{method}"
        return Starlette(routes=[Route(path, self._endpoint, methods=["GET", "POST"])])

    async def _endpoint(self, request: Request) -> JSONResponse:
        token, method = request.path_params["token"], request.path_params["method"]
        params = await _params(request)
        kind = request.headers.get("content-type", "").split(";", 1)[0]
        call = Call(method, token, params, content_type=kind)
        self.calls.append(call)
        try:
            result = await self._dispatch(token, method, params)
        except ApiError as error:
            call.status = error.code
            body: dict[str, Any] = {"ok": False, "error_code": error.code,
                                    "description": error.description}  # fmt: skip
            if error.retry_after is not None:
                body["parameters"] = {"retry_after": error.retry_after}
            return JSONResponse(body, status_code=error.code)
        return JSONResponse({"ok": True, "result": result})

    async def _dispatch(self, token: str, method: str, params: dict[str, Any]) -> Any:
        bot = self.bots.get(token)
        if bot is None:
            raise ApiError(401, "Unauthorized")
        name = method.lower()
        handler = getattr(self, f"_m_{name}", None)
        if handler is None:
            raise ApiError(404, "Not Found")
        if self._faults.get(name):
            raise self._faults[name].pop(0)
        if name in CHAT_METHODS and params.get("chat_id") in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        result = handler(bot, params)
        return await result if inspect.isawaitable(result) else result

    # -- bot and webhook methods -------------------------------------------------------------
    def _m_getme(self, bot: FakeBot, params: dict[str, Any]) -> Any:
        return bot.me()

    def _m_setwebhook(self, bot: FakeBot, params: dict[str, Any]) -> Any:
        url = params.get("url", "")
        secret = params.get("secret_token")
        if url and not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if secret is not None and not _SECRET.match(secret):
            raise bad_request("secret token contains unallowed characters")
        bot.webhook_url, bot.webhook_secret = url, secret if url else None
        bot.allowed_updates = params.get("allowed_updates", bot.allowed_updates)
        if params.get("drop_pending_updates"):
            bot.updates.clear()
        return True

    def _m_deletewebhook(self, bot: FakeBot, params: dict[str, Any]) -> Any:
        bot.webhook_url, bot.webhook_secret = "", None
        if params.get("drop_pending_updates"):
            bot.updates.clear()
        return True

    def _m_getwebhookinfo(self, bot: FakeBot, params: dict[str, Any]) -> Any:
        info: dict[str, Any] = {"url": bot.webhook_url, "has_custom_certificate": False,
                                "pending_update_count": len(bot.updates)}  # fmt: skip
        if bot.webhook_url:
            info.update(max_connections=40, allowed_updates=bot.allowed_updates or [])
        if bot.webhook_error:
            info.update(last_error_date=bot.webhook_error[0],
                        last_error_message=bot.webhook_error[1])  # fmt: skip
        return info

    async def _m_getupdates(self, bot: FakeBot, params: dict[str, Any]) -> Any:
        if bot.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset")
        if offset:
            bot.updates[:] = [u for u in bot.updates if u["update_id"] >= offset]
        if not bot.updates and params.get("timeout"):
            bot.arrived = bot.arrived or asyncio.Event()
            bot.arrived.clear()
            wait = min(float(params["timeout"]), self.max_wait)
            try:
                await asyncio.wait_for(bot.arrived.wait(), wait)
            except TimeoutError:
                pass
        return bot.updates[: int(params.get("limit") or 100)]

    def _m_setmycommands(self, bot: FakeBot, params: dict[str, Any]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        bot.commands[params.get("language_code", "")] = commands
        return True

    def _m_getmycommands(self, bot: FakeBot, params: dict[str, Any]) -> Any:
        return bot.commands.get(params.get("language_code", ""), [])

    # -- messages ----------------------------------------------------------------------------
    def _message(self, bot: FakeBot, chat_id: Any, **content: Any) -> dict[str, Any]:
        message = {"message_id": next(self._message_ids), "from": bot.user(),
                   "chat": self.chat(chat_id), "date": int(time.time()), **content}  # fmt: skip
        self.messages[(message["chat"]["id"], message["message_id"])] = message
        return message

    def _m_sendmessage(self, bot: FakeBot, params: dict[str, Any]) -> Any:
        if not params.get("text"):
            raise bad_request("message text is empty")
        return self._message(bot, params.get("chat_id"), text=params["text"],
                             **_markup(params))  # fmt: skip

    def _m_sendphoto(self, bot: FakeBot, params: dict[str, Any]) -> Any:
        if not params.get("photo"):
            raise bad_request("there is no photo in the request")
        size = {"file_id": "AgAC" + secrets.token_hex(8), "file_unique_id": secrets.token_hex(4),
                "width": 800, "height": 600}  # fmt: skip
        extra = {"caption": params["caption"]} if params.get("caption") else {}
        return self._message(bot, params.get("chat_id"), photo=[size], **extra, **_markup(params))

    def _edited(self, params: dict[str, Any]) -> dict[str, Any]:
        found = self.messages.get((params.get("chat_id"), params.get("message_id")))  # type: ignore[arg-type]
        if found is None:
            raise bad_request("message to edit not found")
        return found

    def _m_editmessagetext(self, bot: FakeBot, params: dict[str, Any]) -> Any:
        message = self._edited(params)
        changed = {"text": params.get("text"), **_markup(params)}
        if all(message.get(k) == v for k, v in changed.items()):
            raise bad_request("message is not modified: specified new message content and "
                              "reply markup are exactly the same as a current content and "
                              "reply markup of the message")  # fmt: skip
        message.update(changed, edit_date=int(time.time()))
        return message

    def _m_editmessagereplymarkup(self, bot: FakeBot, params: dict[str, Any]) -> Any:
        message = self._edited(params)
        message.pop("reply_markup", None)
        message.update(_markup(params), edit_date=int(time.time()))
        return message

    def _m_answercallbackquery(self, bot: FakeBot, params: dict[str, Any]) -> Any:
        if not params.get("callback_query_id"):
            raise bad_request("query is too old and response timeout expired or query ID is "
                              "invalid")  # fmt: skip
        return True


def _markup(params: dict[str, Any]) -> dict[str, Any]:
    return {"reply_markup": params["reply_markup"]} if params.get("reply_markup") else {}


async def _params(request: Request) -> dict[str, Any]:
    """The call's parameters, decoded as the Bot API does (query string, JSON or a form)."""
    params: dict[str, Any] = dict(request.query_params)
    kind = request.headers.get("content-type", "")
    if kind.startswith("application/json"):
        body = await request.body()
        params.update(json.loads(body) if body else {})
        return params
    if kind.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        form = await request.form()
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                params[key] = {"filename": value.filename, "size": value.size}
            else:
                params[key] = value
    return {key: _decode(key, value) for key, value in params.items()}


def _decode(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if key in JSON_FIELDS and value[:1] in ("[", "{"):
        return json.loads(value)
    if key in BOOL_FIELDS and value in ("true", "false", "True", "False"):
        return value.lower() == "true"
    if key in INT_FIELDS and re.fullmatch(r"-?\d+", value):
        return int(value)
    return value


__all__ = [
    "ApiError",
    "Call",
    "FakeBot",
    "FakeTelegram",
    "Rights",
    "callback_update",
    "channel_chat",
    "chat_join_request_update",
    "chat_member_update",
    "command_update",
    "message_update",
    "my_chat_member_update",
    "next_update_id",
    "pre_checkout_update",
    "private_chat",
    "successful_payment_update",
    "tg_user",
]
