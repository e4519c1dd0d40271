"""What the playground returns: the bot, the tester, and the chat as the page shows it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from markupsafe import Markup
from pydantic import BaseModel


class PlaygroundRead(BaseModel):
    id: uuid.UUID
    shop_id: uuid.UUID
    bot_id: uuid.UUID | None
    username: str
    first_name: str
    telegram_bot_id: int
    connected: bool
    channel_ids: list[int]


class TesterRead(BaseModel):
    """The Telegram person a staff member plays in the playground."""

    telegram_user_id: int
    first_name: str
    language: str
    started: bool


ButtonKind = Literal["callback", "url", "invoice", "join", "unsupported"]


@dataclass(frozen=True)
class ButtonView:
    text: str
    kind: ButtonKind
    data: str = ""  # callback data
    url: str = ""  # a link to open
    invoice_id: uuid.UUID | None = None
    link: str = ""  # an invite link to join by


@dataclass(frozen=True)
class InvoiceView:
    id: uuid.UUID
    title: str
    description: str
    currency: str
    total_amount: int
    paid: bool
    refunded: bool
    subscription: bool

    @property
    def stars(self) -> bool:
        return self.currency == "XTR"


@dataclass(frozen=True)
class MessageView:
    message_id: int
    sender: str  # "bot" | "user" | "note"
    html: Markup
    at: datetime
    edited: bool
    rows: list[list[ButtonView]] = field(default_factory=list)
    invoice: InvoiceView | None = None
    links: list[ButtonView] = field(default_factory=list)  # invite links found in the text
    note: str = ""  # a note of the playground: its message key (worded by the page)
    note_values: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class LinkView:
    link: str
    expired: bool
    revoked: bool
    full: bool
    by_request: bool

    @property
    def usable(self) -> bool:
        return not (self.expired or self.revoked or self.full)


@dataclass(frozen=True)
class MemberView:
    user_id: int
    first_name: str
    status: str
    is_you: bool


@dataclass(frozen=True)
class ChannelView:
    chat_id: int
    title: str
    members: list[MemberView]
    links: list[LinkView]  # invite links the bot sent the tester
    sold: bool = False  # registered through the channels API (plans grant it)


@dataclass(frozen=True)
class ChatView:
    playground: PlaygroundRead
    tester: TesterRead
    messages: list[MessageView]
    channels: list[ChannelView]
    state: str  # changes whenever anything shown changes (the page polls with it)
