"""Gateway accounts: a shop's credentials per provider, validated, encrypted, shown masked."""

from __future__ import annotations

import json
import time
import uuid
import weakref
from datetime import datetime
from functools import lru_cache
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit
from shopkeeper.audit import Actor
from shopkeeper.kit.crypto import SecretBox
from shopkeeper.payments.errors import GatewayDisabled, GatewayNotConfigured, InvalidGatewayConfig
from shopkeeper.payments.models import GatewayAccount
from shopkeeper.payments.providers import DEFAULT_PROVIDER, PROVIDERS, provider_class, sandbox
from shopkeeper.payments.providers.base import GatewayCredentials
from shopkeeper.payments.repository import PaymentsRepository
from shopkeeper.payments.schemas import GatewayRead, GatewayUpdate
from shopkeeper.settings import Settings
from shopkeeper.shops import ShopAccess, ShopRead

MASK = "••••"
KEPT_SECONDS = 5.0
KEPT_MAX = 10_000
_Kept = tuple[float, GatewayCredentials]  # (monotonic deadline, credentials)
_KEPT: weakref.WeakKeyDictionary[Any, dict[tuple[uuid.UUID, str], _Kept]] = (
    weakref.WeakKeyDictionary()
)


def mask(value: Any) -> str:
    """A secret as staff may see it: only its last four characters."""
    text = str(value)
    return MASK + text[-4:] if len(text) > 12 else MASK


def _masked(provider: str, config: dict[str, Any]) -> dict[str, Any]:
    secret = provider_class(provider).secret_fields
    return {k: (mask(v) if k in secret and v else v) for k, v in config.items()}


def webhook_url(settings: Settings, shop_slug: str, provider: str) -> str:
    base = (settings.public_url or "").rstrip("/")
    return f"{base}/api/v1/shops/{shop_slug}/payments/webhooks/{provider}"


def _read(
    row: GatewayAccount, config: dict[str, Any], settings: Settings, slug: str
) -> GatewayRead:
    return GatewayRead(
        provider=row.provider,
        enabled=row.enabled,
        config=_masked(row.provider, config),
        webhook_url=webhook_url(settings, slug, row.provider),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _decrypt(secrets: SecretBox, row: GatewayAccount) -> dict[str, Any]:
    config: dict[str, Any] = json.loads(_plaintext(secrets, row.config_encrypted))
    return config


@lru_cache(maxsize=1024)
def _plaintext(secrets: SecretBox, token: str) -> str:
    """Each webhook reads its account: the same ciphertext is only decrypted once per box."""
    return secrets.decrypt(token)


def _validated(provider: str, merged: dict[str, Any]) -> dict[str, Any]:
    """The provider's own model checks the fields; messages name fields, never echo values."""
    try:
        model = provider_class(provider).config_model.model_validate(merged)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'config'}: {e['msg']}" for e in exc.errors()
        )
        fields = {str(e["loc"][0]): str(e["type"]) for e in reversed(exc.errors()) if e["loc"]}
        raise InvalidGatewayConfig(
            f"Invalid {provider} configuration: {problems}", fields=fields
        ) from None
    return model.model_dump(mode="json")


async def get_gateway(
    session: AsyncSession, *, access: ShopAccess, provider: str, secrets: SecretBox,
    settings: Settings,
) -> GatewayRead:  # fmt: skip
    """The shop's account for `provider`, secrets masked."""
    provider_class(provider)
    row = await PaymentsRepository(session).account(access.shop.id, provider)
    if row is None:
        raise GatewayNotConfigured(provider)
    return _read(row, _decrypt(secrets, row), settings, access.shop.slug)


async def put_gateway(
    session: AsyncSession, *, access: ShopAccess, provider: str, data: GatewayUpdate,
    secrets: SecretBox, settings: Settings, now: datetime,
) -> GatewayRead:  # fmt: skip
    """Create or replace the account; secret fields left out keep their stored values."""
    return await _save(session, shop=access.shop, actor=access.actor, provider=provider,
                       data=data, secrets=secrets, settings=settings, now=now)  # fmt: skip


async def configure_gateway_if_absent(
    session: AsyncSession, *, shop: ShopRead, provider: str, config: dict[str, Any],
    actor: Actor, secrets: SecretBox, settings: Settings, now: datetime,
) -> GatewayRead | None:  # fmt: skip
    """Create an enabled account with `config` unless the shop has one (audited); None if it had."""
    if await PaymentsRepository(session).account(shop.id, provider) is not None:
        return None
    try:
        async with session.begin_nested():
            return await _save(session, shop=shop, actor=actor, provider=provider,
                               data=GatewayUpdate(enabled=True, config=config), secrets=secrets,
                               settings=settings, now=now)  # fmt: skip
    except IntegrityError:  # a concurrent request configured it first
        return None


async def enabled_gateways(session: AsyncSession, *, shop_id: uuid.UUID) -> list[str]:
    """The providers the shop has configured and enabled, sorted by name."""
    rows = await PaymentsRepository(session).accounts_of(shop_id)
    return sorted(row.provider for row in rows if row.enabled and row.provider in PROVIDERS)


async def _save(
    session: AsyncSession, *, shop: ShopRead, actor: Actor, provider: str, data: GatewayUpdate,
    secrets: SecretBox, settings: Settings, now: datetime,
) -> GatewayRead:  # fmt: skip
    provider_class(provider)
    repo = PaymentsRepository(session)
    row = await repo.account(shop.id, provider)
    stored = _decrypt(secrets, row) if row is not None else {}
    if row is None and provider == "sandbox":
        stored = sandbox.new_config()
    config = _validated(provider, {**stored, **data.config})
    before = _read(row, stored, settings, shop.slug) if row is not None else None
    if row is None:
        row = repo.add(GatewayAccount(shop_id=shop.id, provider=provider, created_at=now))
    row.config_encrypted = secrets.encrypt(json.dumps(config))
    row.enabled = data.enabled
    row.updated_at = now
    await session.flush()
    _kept_accounts(session).pop((shop.id, provider), None)
    after = _read(row, config, settings, shop.slug)
    await audit.record(
        session, actor=actor, shop_id=shop.id, action="payments.gateway_updated",
        target_type="payment_gateway", target_id=provider,
        before=before.model_dump(mode="json") if before else None,
        after=after.model_dump(mode="json"), now=now,
    )  # fmt: skip
    return after


async def credentials(
    session: AsyncSession, *, shop_id: uuid.UUID, provider: str, secrets: SecretBox,
    now: datetime, create_sandbox: bool = False,
) -> GatewayCredentials:  # fmt: skip
    """The decrypted, enabled account; the sandbox account is made on first use when asked.

    Every webhook and every payment start asks for them, so the process keeps an enabled
    account's credentials for KEPT_SECONDS (a change saved here drops them at once; other
    processes see it within KEPT_SECONDS: a webhook signed with a just-rotated secret is
    refused 401 meanwhile and delivered again by the provider)."""
    kept = _kept_accounts(session)
    found = kept.get((shop_id, provider))
    if found is not None and found[0] > time.monotonic():
        return found[1]
    repo = PaymentsRepository(session)
    row = await repo.account(shop_id, provider)
    if row is None and create_sandbox and provider == DEFAULT_PROVIDER:
        row = await _create_sandbox(session, shop_id=shop_id, secrets=secrets, now=now)
    if row is None:
        raise GatewayNotConfigured(provider)
    if not row.enabled:
        raise GatewayDisabled(provider)
    account = GatewayCredentials(shop_id=shop_id, provider=provider, config=_decrypt(secrets, row))
    if len(kept) >= KEPT_MAX:
        kept.clear()
    kept[(shop_id, provider)] = (time.monotonic() + KEPT_SECONDS, account)
    return account


def _kept_accounts(session: AsyncSession) -> dict[tuple[uuid.UUID, str], _Kept]:
    """The credentials this process keeps for the database `session` works on."""
    return _KEPT.setdefault(session.get_bind().engine.pool, {})


async def _create_sandbox(
    session: AsyncSession, *, shop_id: uuid.UUID, secrets: SecretBox, now: datetime
) -> GatewayAccount | None:
    """The shop's sandbox account with a fresh secret (or the one a concurrent request made)."""
    row = GatewayAccount(
        shop_id=shop_id, provider=DEFAULT_PROVIDER, enabled=True, created_at=now, updated_at=now,
        config_encrypted=secrets.encrypt(json.dumps(sandbox.new_config())),
    )  # fmt: skip
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return await PaymentsRepository(session).account(shop_id, DEFAULT_PROVIDER)
    return row
