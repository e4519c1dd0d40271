"""Plugs SMS into the notifications port (called by `bootstrap.build_container`).

Always registered, after email: with SHOPKEEPER_SMS_PROVIDER=log (the default) a customer
known only by a phone number gets their messages in the log (status "logged"), not lost
silently. A half-configured real provider stops the start-up with a message saying what.
"""

from __future__ import annotations

from shopkeeper.container import Container
from shopkeeper.notifications.service.sending import register_messenger
from shopkeeper.notifications.sms import SmsMessenger, sms_provider


def bind(container: Container) -> None:
    """Register the `SmsMessenger` (channel "sms") with the provider the settings choose."""
    register_messenger(container, SmsMessenger(sms_provider(container.settings)))
