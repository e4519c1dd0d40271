"""The playground as its page shows it: the tester's chat with the bot and the channels.

Read-only (an HTTP GET may call these): a staff member who has not acted yet is shown with
the Telegram id they will get (`service.default_tester`), nothing is stored for them.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bots.telegram.channels import list_channels
from shopkeeper.bots.telegram.playground import textfmt
from shopkeeper.bots.telegram.playground.acting import read_note
from shopkeeper.bots.telegram.playground.models import (
    PlaygroundInviteLink,
    PlaygroundInvoice,
    PlaygroundMessage,
)
from shopkeeper.bots.telegram.playground.repository import PlaygroundRepository
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
from shopkeeper.bots.telegram.playground.service import default_tester, get_playground

MESSAGES_SHOWN = 100


async def tester_of(
    session: AsyncSession,
    playground: PlaygroundRead,
    *,
    staff_user_id: uuid.UUID,
    staff_name: str,
    language: str,
) -> TesterRead:
    row = await PlaygroundRepository(session).tester_for_staff(playground.id, staff_user_id)
    if row is None:
        return default_tester(playground.id, staff_user_id, staff_name, language)
    return TesterRead(
        telegram_user_id=row.telegram_user_id,
        first_name=row.first_name,
        language=row.language,
        started=row.started_at is not None,
    )


async def live_state(session: AsyncSession, playground: PlaygroundRead, tester: TesterRead) -> str:
    """A short token that changes whenever the chat or the channels show something new."""
    parts = await PlaygroundRepository(session).state(playground.id, tester.telegram_user_id)
    seen = repr((parts, playground.connected, tester.language))
    return hashlib.sha256(seen.encode()).hexdigest()[:16]


async def chat_view(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    staff_user_id: uuid.UUID,
    staff_name: str,
    language: str,
    now: datetime,
) -> ChatView | None:
    """Everything the page shows, or None when the shop has no playground yet."""
    playground = await get_playground(session, shop_id=shop_id)
    if playground is None:
        return None
    tester = await tester_of(
        session, playground, staff_user_id=staff_user_id, staff_name=staff_name, language=language
    )
    repo = PlaygroundRepository(session)
    rows = await repo.messages(playground.id, tester.telegram_user_id, limit=MESSAGES_SHOWN)
    urls = [url for row in rows for url in _urls(row)]
    invoices = await repo.invoices(
        playground.id,
        ids=[r.invoice_id for r in rows if r.invoice_id],
        slugs=[s for url in urls if (s := textfmt.invoice_slug(url))],
    )
    sent = [link for row in rows if row.sender == "bot" for link in _invites(row)]
    links = {row.link: row for row in await repo.invite_links(playground.id, sent)}
    found = _Found(invoices, links, now)
    return ChatView(
        playground=playground,
        tester=tester,
        messages=[found.message(row) for row in rows],
        channels=await _channels(
            repo,
            playground,
            tester,
            [links[url] for url in dict.fromkeys(sent) if url in links],
            now,
        ),
        state=await live_state(session, playground, tester),
    )


def _buttons(row: PlaygroundMessage) -> Iterable[dict[str, Any]]:
    for line in (row.reply_markup or {}).get("inline_keyboard") or []:
        yield from line


def _urls(row: PlaygroundMessage) -> list[str]:
    return [str(b["url"]) for b in _buttons(row) if b.get("url")]


def _invites(row: PlaygroundMessage) -> list[str]:
    return list(
        dict.fromkeys(
            textfmt.invite_links(row.text) + [u for u in _urls(row) if textfmt.INVITE.fullmatch(u)]
        )
    )


class _Found:
    """The invoices and invite links the shown messages point at."""

    def __init__(
        self,
        invoices: list[PlaygroundInvoice],
        links: dict[str, PlaygroundInviteLink],
        now: datetime,
    ) -> None:
        self.by_id = {invoice.id: invoice for invoice in invoices}
        self.by_slug = {invoice.slug: invoice for invoice in invoices if invoice.slug}
        self.links, self.now = links, now

    def message(self, row: PlaygroundMessage) -> MessageView:
        if row.sender == "note":
            key, values = read_note(row.text)
            return MessageView(
                message_id=row.message_id,
                sender="note",
                html=Markup(""),
                at=row.created_at,
                edited=False,
                note=key,
                note_values=values,
            )
        invoice = self.by_id.get(row.invoice_id) if row.invoice_id else None
        rows = [
            [self.button(b) for b in line if not (invoice and "pay" in b)]
            for line in (row.reply_markup or {}).get("inline_keyboard") or []
        ]
        shown = {b.link for line in rows for b in line if b.kind == "join"}
        extra = (
            [
                ButtonView(text=link, kind="join", link=link)
                for link in textfmt.invite_links(row.text)
                if link in self.links and link not in shown
            ]
            if row.sender == "bot"
            else []
        )
        return MessageView(
            message_id=row.message_id,
            sender=row.sender,
            html=textfmt.render(row.text, row.parse_mode),
            at=row.created_at,
            edited=row.edited_at is not None,
            rows=[line for line in rows if line],
            invoice=_invoice(invoice) if invoice else None,
            links=extra,
        )

    def button(self, button: dict[str, Any]) -> ButtonView:
        text = str(button.get("text", ""))
        if "callback_data" in button:
            return ButtonView(text=text, kind="callback", data=str(button["callback_data"]))
        url = str(button.get("url") or "")
        if not url:
            return ButtonView(text=text, kind="unsupported")
        slug = textfmt.invoice_slug(url)
        if slug and slug in self.by_slug:
            return ButtonView(text=text, kind="invoice", invoice_id=self.by_slug[slug].id)
        if url in self.links:
            return ButtonView(text=text, kind="join", link=url)
        return ButtonView(text=text, kind="url", url=url)


def _invoice(row: PlaygroundInvoice) -> InvoiceView:
    return InvoiceView(
        id=row.id,
        title=row.title,
        description=row.description,
        currency=row.currency,
        total_amount=row.total_amount,
        paid=row.paid_at is not None,
        refunded=row.refunded_at is not None,
        subscription=row.subscription_period is not None,
    )


async def _channels(
    repo: PlaygroundRepository,
    playground: PlaygroundRead,
    tester: TesterRead,
    sent: list[PlaygroundInviteLink],
    now: datetime,
) -> list[ChannelView]:
    registered = await list_channels(repo.session, shop_id=playground.shop_id, limit=100)
    sold = {channel.chat_id for channel in registered.items if channel.active}
    views = []
    for chat in await repo.chats(playground.id):
        members = [
            MemberView(
                user_id=m.user_id,
                first_name=m.first_name,
                status=m.status,
                is_you=m.user_id == tester.telegram_user_id,
            )
            for m in await repo.members(playground.id, chat.chat_id)
        ]
        links = [_link(row, now) for row in reversed(sent) if row.chat_id == chat.chat_id]
        views.append(
            ChannelView(
                chat_id=chat.chat_id,
                title=chat.title,
                members=members,
                links=links,
                sold=chat.chat_id in sold,
            )
        )
    return views


def _link(row: PlaygroundInviteLink, now: datetime) -> LinkView:
    return LinkView(
        link=row.link,
        expired=row.expire_date is not None and row.expire_date <= now,
        revoked=row.revoked,
        full=row.member_limit is not None and row.uses >= row.member_limit,
        by_request=row.creates_join_request,
    )
