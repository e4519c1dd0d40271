"""Composition root: builds the engine, the clock, secrets and the bus from every context."""

from __future__ import annotations

import importlib

from shopkeeper.container import Container
from shopkeeper.db import create_engine, create_sessionmaker
from shopkeeper.kit.clock import Clock, SystemClock
from shopkeeper.kit.crypto import SecretBox
from shopkeeper.settings import Settings

# Modules whose HANDLERS tables the bus subscribes (a context adds its handlers module here).
HANDLER_MODULES: list[str] = []
HANDLER_MODULES += ["shopkeeper.orders.handlers", "shopkeeper.promotions.handlers"]
HANDLER_MODULES += ["shopkeeper.invoices.handlers"]
HANDLER_MODULES += ["shopkeeper.integrations.handlers"]
HANDLER_MODULES += ["shopkeeper.access.handlers"]
HANDLER_MODULES += ["shopkeeper.subscriptions.handlers"]
HANDLER_MODULES += ["shopkeeper.notifications.handlers"]
HANDLER_MODULES += ["shopkeeper.notifications.winback.handlers"]
HANDLER_MODULES += ["shopkeeper.notifications.preferences.handlers"]
HANDLER_MODULES += ["shopkeeper.checkout.cart.handlers"]
HANDLER_MODULES += ["shopkeeper.checkout.session.handlers"]
HANDLER_MODULES += ["shopkeeper.checkout.finalize.handlers"]
HANDLER_MODULES += ["shopkeeper.checkout.payment.handlers"]
HANDLER_MODULES += ["shopkeeper.bots.telegram.subscribers"]
HANDLER_MODULES += ["shopkeeper.bots.discord.subscribers"]
# Modules whose TASKS tables the scheduler runs.
TASK_MODULES: list[str] = []
TASK_MODULES += ["shopkeeper.orders.tasks"]
TASK_MODULES += ["shopkeeper.payments.tasks"]
TASK_MODULES += ["shopkeeper.integrations.tasks"]
TASK_MODULES += ["shopkeeper.bots.telegram.tasks"]
TASK_MODULES += ["shopkeeper.bots.discord.tasks"]
TASK_MODULES += ["shopkeeper.subscriptions.tasks"]
TASK_MODULES += ["shopkeeper.notifications.winback.tasks"]
# Adapter modules whose `bind(container)` plugs them into the contexts' ports (access
# strategies, messengers). Named by string: contexts and this root never import adapters.
ADAPTER_MODULES: list[str] = []
ADAPTER_MODULES += ["shopkeeper.bots.telegram.binding"]
ADAPTER_MODULES += ["shopkeeper.bots.discord.binding"]
ADAPTER_MODULES += ["shopkeeper.notifications.email_binding"]
ADAPTER_MODULES += ["shopkeeper.bots.telegram.broadcasting"]  # broadcasts' Telegram channel
ADAPTER_MODULES += ["shopkeeper.notifications.sms_binding"]
ADAPTER_MODULES += ["shopkeeper.web.store.cart_binding"]  # the storefront customer owns carts


def build_container(settings: Settings, *, clock: Clock | None = None) -> Container:
    engine = create_engine(settings.database_url, echo=settings.database_echo)
    container = Container(
        settings=settings,
        engine=engine,
        sessions=create_sessionmaker(engine),
        clock=clock or SystemClock(),
        secrets=SecretBox(settings.encryption_keys),
        handler_modules=list(HANDLER_MODULES),
        task_modules=list(TASK_MODULES),
    )
    for module in ADAPTER_MODULES:
        importlib.import_module(module).bind(container)
    return container


__all__ = ["ADAPTER_MODULES", "HANDLER_MODULES", "TASK_MODULES", "Container", "build_container"]
