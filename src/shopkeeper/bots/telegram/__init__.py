"""Telegram: every shop's bots on one aiogram Dispatcher, webhooks or long polling.

Public: `connect_bot(container, *, shop_id, token, actor, api_base=None)` (getMe, setWebhook
or deleteWebhook, token stored encrypted; a shop with no telegram_stars gateway gets one with
this token), `list_bots`, `get_bot`, `reset_webhook` (setWebhook again, a new secret),
`disconnect_bot`;
`telegram_runtime(container)` (the Dispatcher, cached `Bot`s and records, `feed`,
`handle_webhook`); `polling_loop(container)` (a worker loop); `TelegramSender` →
`SendResult` (delivered / blocked / failed; limits, 429 retries, blocked users marked);
`recipient_for_customer`, `get_telegram_user`; texts `Texts`, `DEFAULTS`, `list_texts`,
`put_text`; deep links `parse_start_payload`, `start_link`. Handlers: `handlers/<feature>.py`
(selling: `buy` → `service.checkout` (order in the update's transaction, payment after it via
`deferred.AfterCommit`), `payments` (Stars pre-checkout / successful_payment / renewals, via
`service.stars`), `status`); the buying conversation is a telegram_conversation row.
Chats: `channels` (API `/api/v1/shops/{shop}/channels`, rights checks, join requests,
`telegram.reconcile_chats`), `/channels`; `binding.bind` registers `TelegramChatStrategy`
(access "telegram_chat") and `TelegramMessenger` (notifications "telegram").
Consumes `identity.customers_merged.v1`; publishes nothing. HTTP: `/api/v1/shops/{shop}/bots`
(bots.read / bots.write), `/api/v1/shops/{shop}/bots/texts`, webhook `POST /telegram/{bot_id}`.
"""

from shopkeeper.bots.telegram.deeplinks import StartPayload, parse_start_payload, start_link
from shopkeeper.bots.telegram.errors import (
    BotAlreadyConnected,
    BotNotFound,
    BotTokenInvalid,
    TelegramUnavailable,
    TextTemplateInvalid,
    UnknownTextKey,
    WebhookNotUsed,
)
from shopkeeper.bots.telegram.polling import polling_loop
from shopkeeper.bots.telegram.runtime import (
    ALLOWED_UPDATES,
    BotEntry,
    TelegramRuntime,
    telegram_runtime,
)
from shopkeeper.bots.telegram.schemas import (
    BotConnect,
    BotDetail,
    BotRead,
    Recipient,
    TelegramUserRead,
    TextPut,
    TextRead,
    WebhookState,
)
from shopkeeper.bots.telegram.sender import Button, SendResult, TelegramSender
from shopkeeper.bots.telegram.service.bots import (
    connect_bot,
    disconnect_bot,
    get_bot,
    list_bots,
    mask_token,
    reset_webhook,
)
from shopkeeper.bots.telegram.service.texts import list_texts, put_text
from shopkeeper.bots.telegram.service.users import get_telegram_user, recipient_for_customer
from shopkeeper.bots.telegram.texts import DEFAULTS, LANGUAGES, Texts

__all__ = [
    "ALLOWED_UPDATES",
    "DEFAULTS",
    "LANGUAGES",
    "BotAlreadyConnected",
    "BotConnect",
    "BotDetail",
    "BotEntry",
    "BotNotFound",
    "BotRead",
    "BotTokenInvalid",
    "Button",
    "Recipient",
    "SendResult",
    "StartPayload",
    "TelegramRuntime",
    "TelegramSender",
    "TelegramUnavailable",
    "TelegramUserRead",
    "TextPut",
    "TextRead",
    "TextTemplateInvalid",
    "Texts",
    "UnknownTextKey",
    "WebhookNotUsed",
    "WebhookState",
    "connect_bot",
    "disconnect_bot",
    "get_bot",
    "get_telegram_user",
    "list_bots",
    "list_texts",
    "mask_token",
    "parse_start_payload",
    "polling_loop",
    "put_text",
    "recipient_for_customer",
    "reset_webhook",
    "start_link",
    "telegram_runtime",
]
