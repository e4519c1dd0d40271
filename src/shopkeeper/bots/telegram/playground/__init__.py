"""The bot playground: chat with a shop's bot in the browser, through a Bot API stand-in.

A playground bot is a normal telegram_bot connected with a generated token and
`api_base=<public or local URL>/playground-api`; the runtime serves that base in process
(`session.PlaygroundSession`), and `/playground-api/bot<token>/<method>` serves it over HTTP.
The stand-in (`standin(container)`) answers the Bot API methods the bot uses in their wire
format, for playground tokens only, and keeps the chats, a private channel, invite links,
invoices and answers in `telegram_playground_*` tables (writes are queued until the calling
transaction can have ended: see writer.py). Public: `create_playground_bot`,
`reconnect_playground_bot`, `get_playground`, `chat_view`, `live_state`, `tester_of`; the
tester's actions `send_text`, `press_button`, `set_language`, `pay_invoice` (audited),
`join_via_link`, `leave_channel` → `Outcome`. Publishes and consumes no events.
"""

from shopkeeper.bots.telegram.playground.acting import Outcome, Tester
from shopkeeper.bots.telegram.playground.chatting import press_button, send_text, set_language
from shopkeeper.bots.telegram.playground.errors import (
    PlaygroundActionInvalid,
    PlaygroundBotDisconnected,
    PlaygroundExists,
    PlaygroundNotFound,
)
from shopkeeper.bots.telegram.playground.joining import join_via_link, leave_channel
from shopkeeper.bots.telegram.playground.paying import pay_invoice
from shopkeeper.bots.telegram.playground.schemas import (
    ButtonView,
    ChannelView,
    ChatView,
    InvoiceView,
    LinkView,
    MemberView,
    MessageView,
    PlaygroundRead,
    TesterRead,
)
from shopkeeper.bots.telegram.playground.service import (
    create_playground_bot,
    get_playground,
    read_playground,
    reconnect_playground_bot,
)
from shopkeeper.bots.telegram.playground.session import PLAYGROUND_PATH, PlaygroundSession
from shopkeeper.bots.telegram.playground.standin import StandIn, standin
from shopkeeper.bots.telegram.playground.views import chat_view, live_state, tester_of

__all__ = [
    "PLAYGROUND_PATH",
    "ButtonView",
    "ChannelView",
    "ChatView",
    "InvoiceView",
    "LinkView",
    "MemberView",
    "MessageView",
    "Outcome",
    "PlaygroundActionInvalid",
    "PlaygroundBotDisconnected",
    "PlaygroundExists",
    "PlaygroundNotFound",
    "PlaygroundRead",
    "PlaygroundSession",
    "StandIn",
    "Tester",
    "TesterRead",
    "chat_view",
    "create_playground_bot",
    "get_playground",
    "join_via_link",
    "leave_channel",
    "live_state",
    "pay_invoice",
    "press_button",
    "read_playground",
    "reconnect_playground_bot",
    "send_text",
    "set_language",
    "standin",
    "tester_of",
]
