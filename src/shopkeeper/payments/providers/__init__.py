"""Payment gateway adapters behind one port (`base.PaymentProvider`), found by name.

sandbox (default, offline), stripe, yookassa, payu, przelewy24, telegram_stars. An adapter is
built per use from settings and a `GatewayHttp` (tests may give one with their own transport
via extras).
"""

from __future__ import annotations

from typing import Any

from shopkeeper.payments.providers.base import PaymentProvider, ProviderNotSupported
from shopkeeper.payments.providers.http import GatewayHttp
from shopkeeper.payments.providers.payu import PayUProvider
from shopkeeper.payments.providers.przelewy24 import Przelewy24Provider
from shopkeeper.payments.providers.sandbox import SandboxProvider
from shopkeeper.payments.providers.stripe import StripeProvider
from shopkeeper.payments.providers.telegram_stars import TelegramStarsProvider
from shopkeeper.payments.providers.yookassa import YooKassaProvider
from shopkeeper.settings import Settings

DEFAULT_PROVIDER = "sandbox"
PROVIDERS: dict[str, type[PaymentProvider]] = {
    SandboxProvider.name: SandboxProvider,
    PayUProvider.name: PayUProvider,
    Przelewy24Provider.name: Przelewy24Provider,
    StripeProvider.name: StripeProvider,
    YooKassaProvider.name: YooKassaProvider,
    TelegramStarsProvider.name: TelegramStarsProvider,
}
HTTP_EXTRA = "payments.http"  # container.extras key of a GatewayHttp to use instead


def provider_class(name: str) -> type[PaymentProvider]:
    try:
        return PROVIDERS[name]
    except KeyError:
        raise ProviderNotSupported(name, sorted(PROVIDERS)) from None


def build_provider(
    name: str, settings: Settings, extras: dict[str, Any] | None = None
) -> PaymentProvider:
    """The adapter for `name`, ready to call."""
    http = (extras or {}).get(HTTP_EXTRA) or GatewayHttp()
    return provider_class(name)(settings, http=http)


__all__ = ["DEFAULT_PROVIDER", "HTTP_EXTRA", "PROVIDERS", "build_provider", "provider_class"]
