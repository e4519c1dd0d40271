"""Staff's overview of a shop's gateways: every provider, its account if any (secrets masked),
the fields its form asks for, and whether its keys are test or live ones."""

from __future__ import annotations

from typing import Any, get_origin

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.kit.crypto import SecretBox
from shopkeeper.payments.models import GatewayAccount
from shopkeeper.payments.providers import PROVIDERS, provider_class
from shopkeeper.payments.repository import PaymentsRepository
from shopkeeper.payments.schemas import GatewayField, GatewayOverview
from shopkeeper.payments.service.accounts import _decrypt, _masked, webhook_url
from shopkeeper.settings import Settings
from shopkeeper.shops import ShopRead

# The key whose prefix tells a test account from a live one, per provider.
MODE_KEYS: dict[str, tuple[str, dict[str, str]]] = {
    "stripe": ("secret_key", {"sk_test_": "test", "rk_test_": "test", "sk_live_": "live",
                              "rk_live_": "live"}),
    "yookassa": ("secret_key", {"test_": "test", "live_": "live"}),
}  # fmt: skip


def gateway_fields(provider: str) -> list[GatewayField]:
    """The account fields of `provider` in its model's order (ProviderNotSupported if unknown)."""
    cls = provider_class(provider)
    fields = []
    for name, info in cls.config_model.model_fields.items():
        annotation = info.annotation
        if name in cls.secret_fields:
            kind = "secret"
        elif annotation is bool:
            kind = "flag"
        elif annotation is int:
            kind = "number"
        elif get_origin(annotation) is list:
            kind = "lines"
        else:
            kind = "text"
        fields.append(GatewayField(name=name, kind=kind, required=info.is_required()))
    return fields


def gateway_mode(provider: str, config: dict[str, Any]) -> str | None:
    """The mode the account's keys tell ("test" or "live"); the sandbox is always a test."""
    if provider == "sandbox":
        return "test"
    key, prefixes = MODE_KEYS.get(provider, ("", {}))
    value = str(config.get(key) or "")
    return next((mode for prefix, mode in prefixes.items() if value.startswith(prefix)), None)


def _overview(
    provider: str, row: GatewayAccount | None, secrets: SecretBox, settings: Settings,
    slug: str,
) -> GatewayOverview:  # fmt: skip
    config = _decrypt(secrets, row) if row is not None else {}
    return GatewayOverview(
        provider=provider, configured=row is not None, enabled=bool(row and row.enabled),
        mode=gateway_mode(provider, config) if row is not None else None,
        config=_masked(provider, config), webhook_url=webhook_url(settings, slug, provider),
        updated_at=row.updated_at if row is not None else None,
        fields=gateway_fields(provider),
    )  # fmt: skip


async def list_gateways(
    session: AsyncSession, *, shop: ShopRead, secrets: SecretBox, settings: Settings
) -> list[GatewayOverview]:
    """Every provider Shopkeeper speaks, with the shop's account where it has one."""
    rows = {row.provider: row for row in await PaymentsRepository(session).accounts_of(shop.id)}
    return [_overview(name, rows.get(name), secrets, settings, shop.slug) for name in PROVIDERS]


async def gateway_overview(
    session: AsyncSession, *, shop: ShopRead, provider: str, secrets: SecretBox,
    settings: Settings,
) -> GatewayOverview:  # fmt: skip
    """One provider as `list_gateways` shows it (ProviderNotSupported if unknown)."""
    provider_class(provider)
    row = await PaymentsRepository(session).account(shop.id, provider)
    return _overview(provider, row, secrets, settings, shop.slug)
