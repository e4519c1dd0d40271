"""A local SMTP server (aiosmtpd) that keeps what it receives: the test's mailbox."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Mailbox:
    """Envelopes received, the messages parsed, the logins tried (`user`/`password` accepted)."""

    user: str = "shop"
    password: str = "s3cret"
    port: int = 0
    envelopes: list[Any] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                     data: Any) -> AuthResult:  # fmt: skip
        if isinstance(data, LoginPassword):
            login = (data.login.decode(), data.password.decode())
            self.logins.append(login)
            return AuthResult(success=login == (self.user, self.password))
        return AuthResult(success=False)

    @property
    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(e.original_content, policy=policy.default)  # type: ignore[misc]
                for e in self.envelopes]  # fmt: skip

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def last_code(self, address: str) -> str:
        """The six-digit code of the newest message to `address`."""
        found = self.to(address)
        assert found, f"no email to {address}"
        match = re.search(r"\b(\d{6})\b", str(found[-1]["Subject"]))
        assert match, found[-1]["Subject"]
        return match.group(1)

    def settings(self) -> dict[str, object]:
        """Settings overrides that send through this server."""
        return {"smtp_host": "127.0.0.1", "smtp_port": self.port, "smtp_starttls": False,
                "smtp_from": "Lumen <shop@lumen.example>"}  # fmt: skip


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def smtp_server() -> Iterator[Mailbox]:
    mailbox = Mailbox(port=_free_port())
    controller = Controller(
        mailbox, hostname="127.0.0.1", port=mailbox.port, authenticator=mailbox.authenticate,
        auth_require_tls=False,
    )  # fmt: skip
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()
