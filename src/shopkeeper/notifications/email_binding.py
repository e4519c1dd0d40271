"""Plugs email into the notifications port (called by `bootstrap.build_container`).

Only when SMTP is configured: without SHOPKEEPER_SMTP_HOST email reaches no one, so a
customer known only by an address is logged as "skipped" by notify() rather than sent to.
Registered after the chat adapters, so a customer reachable on Telegram or Discord gets the
message there and email is the channel of those known only by their address.
"""

from __future__ import annotations

from shopkeeper.container import Container
from shopkeeper.notifications.email import EmailMessenger
from shopkeeper.notifications.service.sending import register_messenger


def bind(container: Container) -> None:
    """Register the `EmailMessenger` (channel "email") when SMTP is configured."""
    if container.settings.smtp_host:
        register_messenger(container, EmailMessenger(container))
