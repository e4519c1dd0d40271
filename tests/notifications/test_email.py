"""Email leaves through a real (local) SMTP server; without one it is logged, not sent."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from structlog.testing import capture_logs

from shopkeeper import identity
from shopkeeper.bootstrap import Container, build_container
from shopkeeper.db import unit_of_work
from shopkeeper.notifications import Button, Notice, notify, registered_messengers
from shopkeeper.notifications.email import (
    NOT_CONFIGURED,
    InvalidEmailMessage,
    send_email,
)
from shopkeeper.notifications.models import NotificationMessage
from shopkeeper.settings import Settings
from tests.builders import create_shop
from tests.fakes.smtp import Mailbox, smtp_server


@pytest.fixture
def sink() -> Iterator[tuple[Mailbox, int]]:
    with smtp_server() as mailbox:
        yield mailbox, mailbox.port


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _smtp(settings: Settings, port: int, **extra: object) -> Settings:
    values = {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": False,
              "smtp_from": "Lumen <shop@lumen.example>", **extra}  # fmt: skip
    return settings.model_copy(update=values)


async def test_an_email_arrives_at_the_smtp_server_with_text_and_html(
    settings: Settings, sink: tuple[Mailbox, int]
) -> None:
    found, port = sink

    outcome = await send_email(
        _smtp(settings, port), "anna@example.com", "Your code: 123456", "Code 123456",
        html="<p>Code <b>123456</b></p>",
    )  # fmt: skip

    assert outcome.sent and outcome.message_id.endswith("@lumen.example>")
    [envelope] = found.envelopes
    assert envelope.mail_from == "shop@lumen.example" and envelope.rcpt_tos == ["anna@example.com"]
    [message] = found.messages
    assert message["From"] == "Lumen <shop@lumen.example>" and message["To"] == "anna@example.com"
    assert message["Subject"] == "Your code: 123456" and message["Message-ID"] == outcome.message_id
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and text.get_content().strip() == "Code 123456"
    assert html is not None and "<b>123456</b>" in html.get_content()


async def test_credentials_are_used_to_log_in(
    settings: Settings, sink: tuple[Mailbox, int]
) -> None:
    found, port = sink

    outcome = await send_email(
        _smtp(settings, port, smtp_username="shop", smtp_password="s3cret"), "a@example.com",
        "Hi", "Hello",
    )  # fmt: skip

    assert outcome.sent
    assert found.logins == [("shop", "s3cret")] and len(found.envelopes) == 1


async def test_without_smtp_the_email_is_logged_and_not_sent(settings: Settings) -> None:
    assert settings.smtp_host is None

    with capture_logs() as logs:
        outcome = await send_email(settings, "anna@example.com", "Your code", "Code 654321")

    assert (outcome.status, outcome.error) == ("not_configured", NOT_CONFIGURED)
    [entry] = [e for e in logs if e["event"] == NOT_CONFIGURED]
    assert entry["log_level"] == "warning"
    assert (entry["to"], entry["subject"]) == ("anna@example.com", "Your code")
    assert "text" not in entry  # the body (a sign-in code) is shown only in demo mode


async def test_an_unreachable_server_is_a_failed_outcome(settings: Settings) -> None:
    outcome = await send_email(_smtp(settings, _free_port()), "a@example.com", "Hi", "Hello")

    assert outcome.status == "failed" and outcome.error


@pytest.mark.parametrize(
    ("to", "subject"),
    [("a@example.com\r\nBcc: x@evil.example", "Hi"), ("a@example.com, b@example.com", "Hi"),
     ("not-an-address", "Hi"), ("a@example.com", "Hi\r\nBcc: x@evil.example")],
)  # fmt: skip
async def test_header_injection_is_refused(
    settings: Settings, sink: tuple[Mailbox, int], to: str, subject: str
) -> None:
    found, port = sink

    with pytest.raises(InvalidEmailMessage):
        await send_email(_smtp(settings, port), to, subject, "Hello")

    assert found.envelopes == []


async def test_notify_reaches_an_email_customer_through_the_registered_messenger(
    settings: Settings, sink: tuple[Mailbox, int]
) -> None:
    found, port = sink
    container = build_container(_smtp(settings, port))
    try:
        shop = await create_shop(container, name="Lumen")
        async with unit_of_work(container.sessions) as session:
            customer = await identity.find_or_create_customer(
                session, shop_id=shop.id, kind="email", value="Anna@Example.com",
                now=container.clock.now(),
            )  # fmt: skip
        notice = Notice(
            shop_id=shop.id, customer_id=customer.id, purpose="access.granted",
            variables={"title": "VIP room", "join_url": "https://lumen.example/join"},
            dedupe_key=f"test:{uuid.uuid4()}",
            buttons=(Button(label="Join", url="https://lumen.example/join"),),
        )  # fmt: skip
        async with unit_of_work(container.sessions) as session:
            await notify(session, registered_messengers(container), notice,
                         now=container.clock.now())  # fmt: skip
        logged = await _log(container)
    finally:
        await container.close()

    [message] = found.messages
    assert message["To"] == "anna@example.com"
    subject = "Lumen: Access to VIP room is yours. Join here: https://lumen.example/join"
    assert message["Subject"].strip() == subject  # a long header is folded on the wire
    text = message.get_body(("plain",))
    assert text is not None and "Join: https://lumen.example/join" in text.get_content()
    assert [(m.channel, m.status, m.error) for m in logged] == [("email", "sent", "")]


async def test_without_smtp_email_is_no_channel(container: Container) -> None:
    assert "email" not in [m.channel for m in registered_messengers(container)]


async def _log(container: Container) -> list[NotificationMessage]:
    async with container.sessions() as session:
        return list(await session.scalars(select(NotificationMessage)))
