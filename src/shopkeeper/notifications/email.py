"""Email over SMTP (aiosmtplib): `send_email` for any caller, `EmailMessenger` for notify().

Settings SHOPKEEPER_SMTP_HOST, _PORT, _USERNAME, _PASSWORD, _FROM, _STARTTLS (port 465 uses
implicit TLS). Without a host nothing is sent: a warning "email not sent: SMTP not configured"
is logged with the recipient and subject (and, in demo mode, the text), and the outcome says
`not_configured`; `email_binding` registers the Messenger only when SMTP is configured.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from html import escape
from typing import Literal

import aiosmtplib
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import identity, shops
from shopkeeper.container import Container
from shopkeeper.errors import Unprocessable
from shopkeeper.notifications.ports import Button, Delivery, OutboundMessage
from shopkeeper.notifications.preferences.tokens import unsubscribe_token
from shopkeeper.notifications.templates import pick_language
from shopkeeper.settings import Settings

log = structlog.get_logger(__name__)
NOT_CONFIGURED = "email not sent: SMTP not configured"
SMTP_TIMEOUT_SECONDS = 30.0
MAX_SUBJECT = 200
_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")

EmailStatus = Literal["sent", "not_configured", "failed"]


class InvalidEmailMessage(Unprocessable):
    """A recipient or subject that cannot go into an email header."""


@dataclass(frozen=True)
class EmailOutcome:
    status: EmailStatus
    error: str = ""
    message_id: str = ""

    @property
    def sent(self) -> bool:
        return self.status == "sent"


def build_message(
    settings: Settings, *, to: str, subject: str, text: str, html: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> EmailMessage:  # fmt: skip
    """A MIME message (plain text, plus an HTML alternative when given); bad headers refused."""
    recipient = _recipient(to)
    if any(ch in subject for ch in "\r\n") or len(subject) > MAX_SUBJECT:
        raise InvalidEmailMessage("An email subject is one line of at most 200 characters")
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=_sender_domain(settings.smtp_from))
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


async def send_email(
    settings: Settings, to: str, subject: str, text: str, html: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> EmailOutcome:  # fmt: skip
    """Send one email; never raises for the SMTP server's answer (see the outcome's status)."""
    message = build_message(settings, to=to, subject=subject, text=text, html=html, headers=headers)
    if not settings.smtp_host:
        shown = {"text": text} if settings.demo else {}  # the demo's sign-in codes, readable
        log.warning(NOT_CONFIGURED, to=message["To"], subject=subject, **shown)
        return EmailOutcome("not_configured", NOT_CONFIGURED)
    implicit_tls = settings.smtp_port == 465
    try:
        await aiosmtplib.send(
            message, hostname=settings.smtp_host, port=settings.smtp_port,
            username=settings.smtp_username or None, password=settings.smtp_password or None,
            use_tls=implicit_tls, start_tls=False if implicit_tls else settings.smtp_starttls,
            timeout=SMTP_TIMEOUT_SECONDS,
        )  # fmt: skip
    except (aiosmtplib.SMTPException, OSError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
        log.warning("email.failed", to=message["To"], subject=subject, error=error)
        return EmailOutcome("failed", error)
    log.info("email.sent", to=message["To"], subject=subject)
    return EmailOutcome("sent", message_id=str(message["Message-ID"]))


def _recipient(to: str) -> str:
    """One bare address (no display name, no list): nothing else reaches the To header."""
    address = to.strip()
    if len(address) > 320 or not _ADDRESS.match(address):
        raise InvalidEmailMessage(f"Not one email address: {to!r}")
    return address


def _sender_domain(sender: str) -> str | None:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or None


class EmailMessenger:
    """The notifications context's Messenger by email: the address is the customer's email."""

    channel = "email"

    def __init__(self, container: Container) -> None:
        self.container = container

    async def send(self, session: AsyncSession, message: OutboundMessage) -> Delivery:
        shop = await shops.get_shop_by_id(session, shop_id=message.shop_id)
        subject = _subject(shop.name, message.text)
        buttons, headers = message.buttons, {}
        if not message.required:  # marketing and reminders carry a way out (RFC 8058)
            link = await self._unsubscribe(session, message)
            buttons = (*buttons, link)
            if link.url and link.url.startswith(("https://", "http://")):
                headers = {"List-Unsubscribe": f"<{link.url}>",
                           "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}  # fmt: skip
        try:
            outcome = await send_email(
                self.container.settings, message.address, subject,
                _text(message.text, buttons), _html(message.text, buttons), headers,
            )  # fmt: skip
        except InvalidEmailMessage as exc:
            return Delivery("failed", exc.detail)
        return Delivery("sent") if outcome.sent else Delivery("failed", outcome.error)

    async def _unsubscribe(self, session: AsyncSession, message: OutboundMessage) -> Button:
        """The customer's own unsubscribe link, labelled in their language."""
        settings = self.container.settings
        customer = await identity.get_customer(
            session, shop_id=message.shop_id, customer_id=message.customer_id
        )
        token = unsubscribe_token(
            settings.secret_key, shop_id=message.shop_id, customer_id=customer.id
        )
        url = f"{(settings.public_url or '').rstrip('/')}/u/{token}"
        return Button(label=_UNSUBSCRIBE[pick_language(customer.language)], url=url)


_UNSUBSCRIBE = {
    "en": "Unsubscribe from these emails",
    "ru": "Отписаться от этих писем",
    "pl": "Wypisz się z tych wiadomości",
}


def _subject(shop_name: str, text: str) -> str:
    """The shop's name and the message's first line: what an inbox list shows."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    subject = f"{shop_name}: {first}" if first else shop_name
    return subject if len(subject) <= 120 else subject[:119] + "…"


def _text(text: str, buttons: tuple[Button, ...]) -> str:
    links = [f"{b.label}: {b.url}" for b in buttons if b.url]
    return "\n\n".join([text, *links]) if links else text


def _html(text: str, buttons: tuple[Button, ...]) -> str:
    paragraphs = "".join(
        f"<p>{escape(part).replace(chr(10), '<br>')}</p>" for part in text.split("\n\n")
    )
    links = "".join(
        f'<p><a href="{escape(b.url, quote=True)}">{escape(b.label)}</a></p>'
        for b in buttons if b.url and b.url.startswith(("https://", "http://"))
    )  # fmt: skip
    return f"<!doctype html><html><body>{paragraphs}{links}</body></html>"


__all__ = [
    "NOT_CONFIGURED",
    "EmailMessenger",
    "EmailOutcome",
    "InvalidEmailMessage",
    "build_message",
    "send_email",
]
