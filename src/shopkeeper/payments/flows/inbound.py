"""Inbound webhooks: store the raw request, verify it, process it — three steps, in order.

1. The request is stored (payments_webhook_event) in its own committed transaction before
   anything else, deduplicated on (shop, provider, the event id it claims).
2. It is verified outside any transaction (a signature, or YooKassa's re-read over HTTP).
   A forged or malformed one is logged, marked rejected and answered 401/400; nothing else
   changes. A claimed event id does not let a forged request block the genuine one: the
   row stays unverified and the genuine delivery takes it over.
3. It is processed in another transaction under the row's lock; a row already processed,
   parked or ignored is a duplicate (200, no second effect). A failure is recorded on the
   row and answered 503 so the provider delivers again.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog

from shopkeeper import shops
from shopkeeper.container import Container
from shopkeeper.errors import AppError
from shopkeeper.kit.ids import new_id
from shopkeeper.payments.errors import WebhookProcessingFailed
from shopkeeper.payments.flows.follow_up import run_follow_ups
from shopkeeper.payments.flows.units import transaction
from shopkeeper.payments.providers import build_provider
from shopkeeper.payments.providers.base import (
    GatewayCredentials,
    GatewayError,
    PaymentEvent,
    PaymentProvider,
    WebhookMalformed,
    WebhookRequest,
    WebhookSignatureInvalid,
)
from shopkeeper.payments.repository import PaymentsRepository
from shopkeeper.payments.service.accounts import credentials
from shopkeeper.payments.service.settlement import FollowUp, record_events

log = structlog.get_logger(__name__)
DONE = frozenset({"processed", "parked", "ignored"})
KEPT_HEADERS = ("content-type", "user-agent", "content-length")


@dataclass(frozen=True)
class WebhookOutcome:
    webhook_id: uuid.UUID
    status: str
    duplicate: bool = False
    payment_id: uuid.UUID | None = None


@dataclass(frozen=True)
class _ShopRef:
    slug: str | None
    shop_id: uuid.UUID | None


@dataclass(frozen=True)
class _Stored:
    webhook_id: uuid.UUID
    shop_id: uuid.UUID
    account: GatewayCredentials | None
    refusal: AppError | None


async def receive_webhook(
    container: Container, *, provider_name: str, body: bytes, headers: Mapping[str, str],
    remote_ip: str | None, shop_slug: str | None = None, shop_id: uuid.UUID | None = None,
) -> WebhookOutcome:  # fmt: skip
    """Store, verify and process one webhook; the HTTP endpoint and the sandbox page call it.

    The shop is given by its slug (the URL) or, from inside the process, by its id.
    """
    provider = build_provider(provider_name, container.settings, container.extras)
    now = container.clock.now()
    lowered = {k.lower(): v for k, v in headers.items()}
    kept = {k: v for k, v in lowered.items() if k in KEPT_HEADERS + provider.signature_headers}
    kept["remote-ip"] = remote_ip or ""
    shop = _ShopRef(shop_slug, shop_id)
    stored = await _store(container, provider, shop, body, lowered, kept, now)
    if stored.refusal is not None:
        raise stored.refusal
    assert stored.account is not None
    request = WebhookRequest(body=body, headers=lowered, remote_ip=remote_ip, received_at=now)
    events = await _verify(container, provider, stored, request)
    outcome, follow_ups = await _process(container, provider, stored, body, kept, events, now)
    if follow_ups:
        await run_follow_ups(container, shop_id=stored.shop_id, follow_ups=follow_ups)
    return outcome


async def _store(
    container: Container, provider: PaymentProvider, shop_ref: _ShopRef, body: bytes,
    headers: Mapping[str, str], kept: dict[str, str], now: datetime,
) -> _Stored:  # fmt: skip
    async with transaction(container) as session:
        shop_id = shop_ref.shop_id
        if shop_id is None:
            shop_id = (await shops.get_shop(session, slug=str(shop_ref.slug))).id
        repo = PaymentsRepository(session)
        event_id = provider.claimed_event_id(body, headers)
        webhook_id = await repo.claim_webhook({
            "id": new_id(), "shop_id": shop_id, "provider": provider.name,
            "provider_event_id": event_id, "body": body, "headers": kept, "received_at": now,
            "verified": False, "status": "received",
        })  # fmt: skip
        if webhook_id is None and event_id is not None:
            existing = await repo.webhook_by_event_id(shop_id, provider.name, event_id)
            assert existing is not None
            webhook_id = existing.id
        assert webhook_id is not None
        try:
            account = await credentials(session, shop_id=shop_id, provider=provider.name,
                                        secrets=container.secrets, now=now)  # fmt: skip
        except AppError as exc:
            await repo.mark_webhook(
                webhook_id, only_unverified=True, status="rejected", error=exc.detail
            )
            return _Stored(webhook_id, shop_id, None, exc)
    return _Stored(webhook_id, shop_id, account, None)


async def _verify(
    container: Container, provider: PaymentProvider, stored: _Stored, request: WebhookRequest
) -> list[PaymentEvent]:
    assert stored.account is not None
    try:
        return await provider.parse_webhook(stored.account, request)
    except (WebhookSignatureInvalid, WebhookMalformed) as exc:
        log.warning(
            "payments.webhook_rejected", provider=provider.name, shop_id=str(stored.shop_id),
            webhook_id=str(stored.webhook_id), reason=exc.detail, ip=request.remote_ip,
        )  # fmt: skip
        await _mark(container, stored.webhook_id, status="rejected", error=exc.detail)
        raise
    except GatewayError as exc:
        await _mark(container, stored.webhook_id, status="failed", error=exc.detail)
        raise WebhookProcessingFailed(f"Could not confirm the notification: {exc.detail}") from exc


async def _mark(container: Container, webhook_id: uuid.UUID, **values: Any) -> None:
    async with transaction(container) as session:
        await PaymentsRepository(session).mark_webhook(webhook_id, only_unverified=True, **values)


async def _process(
    container: Container, provider: PaymentProvider, stored: _Stored, body: bytes,
    kept: dict[str, str], events: list[PaymentEvent], now: datetime,
) -> tuple[WebhookOutcome, list[FollowUp]]:  # fmt: skip
    try:
        async with transaction(container) as session:
            repo = PaymentsRepository(session)
            if not await repo.claim_processing(stored.webhook_id, done=DONE):
                row = await repo.webhook(stored.webhook_id)
                assert row is not None
                return WebhookOutcome(row.id, row.status, True, row.payment_id), []
            outcome = await record_events(session, shop_id=stored.shop_id, provider=provider.name,
                                          events=events, now=now)  # fmt: skip
            await repo.mark_webhook(
                stored.webhook_id, verified=True, body=body, headers=kept, error=None,
                events=[e.to_json() for e in events], status=outcome.status,
                payment_id=outcome.payment_id, subject_ref=outcome.subject_ref,
                processed_at=None if outcome.status == "parked" else now,
            )  # fmt: skip
    except Exception as exc:
        log.exception(
            "payments.webhook_failed", provider=provider.name, webhook_id=str(stored.webhook_id)
        )
        async with transaction(container) as session:
            await PaymentsRepository(session).mark_webhook(
                stored.webhook_id, unless_status=DONE, status="failed", verified=True,
                error=f"{type(exc).__name__}: {exc}"[:2000],
            )  # fmt: skip
        raise WebhookProcessingFailed(
            "The webhook was stored but not processed; deliver it again"
        ) from exc
    return WebhookOutcome(
        stored.webhook_id, outcome.status, False, outcome.payment_id
    ), outcome.follow_ups
