"""Inbound webhooks: store the raw request, verify it, process it.

Deduplicated on (shop, provider, the event id the request claims) before anything changes:
a row already processed, parked or ignored is a duplicate (200, no second effect). A forged
or malformed request is logged, kept as `rejected` and answered 401/400; nothing else
changes. A claimed event id does not let a forged request block the genuine one: the row
stays unverified and the genuine delivery takes it over. A failure while processing is
recorded on the kept row (`failed`) and answered 503, so the provider delivers again.

How many transactions depends on what verifying takes:
- A signature (sandbox, Stripe, PayU: `verifies_offline`): one transaction inserts the raw
  row, applies the facts and marks the row done. Nothing is answered before it commits, so
  a delivery we acknowledged is always on record. If applying fails, that transaction is
  rolled back and the verified request is stored again, marked failed, in a new one — the
  happy path pays for no SAVEPOINT (two more round trips on PostgreSQL).
- A call to the provider (YooKassa re-reads the object, Przelewy24 confirms the
  transaction): no transaction may stay open across it, so three steps —
  1. the request is stored in its own committed transaction;
  2. it is verified outside any transaction;
  3. it is processed in another transaction under the row's lock.
"""

from __future__ import annotations

import uuid
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

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
from shopkeeper.payments.service.settlement import FollowUp, Outcome, record_events

log = structlog.get_logger(__name__)
DONE = frozenset({"processed", "parked", "ignored"})
KEPT_HEADERS = ("content-type", "user-agent", "content-length")
# Shop ids by slug, per database: a slug never changes and a shop is never deleted, so an
# entry never goes stale; unknown slugs are not remembered.
_SHOP_IDS: weakref.WeakKeyDictionary[AsyncEngine, dict[str, uuid.UUID]] = (
    weakref.WeakKeyDictionary()
)
_SHOP_IDS_MAX = 10_000


@dataclass(frozen=True)
class WebhookOutcome:
    webhook_id: uuid.UUID
    status: str
    duplicate: bool = False
    payment_id: uuid.UUID | None = None


@dataclass(frozen=True)
class _Inbound:
    """One request as received, before anything is known about it."""

    provider: PaymentProvider
    slug: str | None
    shop_id: uuid.UUID | None
    body: bytes
    headers: dict[str, str]  # lower-case names
    kept: dict[str, str]  # what is stored with the row
    remote_ip: str | None
    now: datetime

    def row(self, shop_id: uuid.UUID, **values: Any) -> dict[str, Any]:
        """The raw row to insert (deduplicated on the event id the body claims)."""
        return {
            "id": new_id(), "shop_id": shop_id, "provider": self.provider.name,
            "provider_event_id": self.provider.claimed_event_id(self.body, self.headers),
            "body": self.body, "headers": self.kept, "received_at": self.now,
            "verified": False, "status": "received", **values,
        }  # fmt: skip

    def request(self) -> WebhookRequest:
        return WebhookRequest(
            body=self.body, headers=self.headers, remote_ip=self.remote_ip, received_at=self.now
        )


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
    lowered = {k.lower(): v for k, v in headers.items()}
    kept = {k: v for k, v in lowered.items() if k in KEPT_HEADERS + provider.signature_headers}
    kept["remote-ip"] = remote_ip or ""
    inbound = _Inbound(
        provider, shop_slug, shop_id, body, lowered, kept, remote_ip, container.clock.now()
    )
    if provider.verifies_offline:
        outcome, follow_ups, shop = await _at_once(container, inbound)
    else:
        stored = await _store(container, inbound)
        if stored.refusal is not None:
            raise stored.refusal
        events = await _verify(container, inbound, stored)
        outcome, follow_ups = await _process(container, inbound, stored, events)
        shop = stored.shop_id
    if follow_ups:
        await run_follow_ups(container, shop_id=shop, follow_ups=follow_ups)
    return outcome


async def _shop_id(session: AsyncSession, container: Container, inbound: _Inbound) -> uuid.UUID:
    if inbound.shop_id is not None:
        return inbound.shop_id
    slug = str(inbound.slug)
    known = _SHOP_IDS.setdefault(container.engine, {})
    shop_id = known.get(slug)
    if shop_id is None:
        shop_id = (await shops.get_shop(session, slug=slug)).id
        if len(known) >= _SHOP_IDS_MAX:
            known.clear()
        known[slug] = shop_id
    return shop_id


# -- one transaction (the signature is checked locally) ---------------------------------------
async def _at_once(
    container: Container, inbound: _Inbound
) -> tuple[WebhookOutcome, list[FollowUp], uuid.UUID]:
    """Store, verify and process in one transaction; raise only after it ended."""
    provider = inbound.provider
    refusal: AppError | None = None
    verified: list[PaymentEvent] | None = None
    shop_id: uuid.UUID | None = None
    outcome: WebhookOutcome | None = None
    follow_ups: list[FollowUp] = []
    try:
        async with transaction(container) as session:
            shop_id = await _shop_id(session, container, inbound)
            repo = PaymentsRepository(session)
            try:
                account = await credentials(session, shop_id=shop_id, provider=provider.name,
                                            secrets=container.secrets, now=inbound.now)  # fmt: skip
                events = await provider.parse_webhook(account, inbound.request())
            except (WebhookSignatureInvalid, WebhookMalformed) as exc:
                _log_rejected(inbound, shop_id, exc)
                await _keep_refused(repo, inbound, shop_id, exc, status="rejected")
                refusal = exc
            except GatewayError as exc:
                await _keep_refused(repo, inbound, shop_id, exc, status="failed")
                refusal = WebhookProcessingFailed(
                    f"Could not confirm the notification: {exc.detail}"
                )
            except AppError as exc:  # no such account, or disabled
                await _keep_refused(repo, inbound, shop_id, exc, status="rejected")
                refusal = exc
            else:
                verified = events
                outcome, follow_ups = await _claim_and_settle(session, repo, inbound, shop_id,
                                                              events)  # fmt: skip
    except Exception as exc:
        if verified is None or shop_id is None:
            raise  # nothing accepted yet (no such shop, the database is away, ...)
        log.exception("payments.webhook_failed", provider=provider.name)
        await _keep_failed(container, inbound, shop_id, verified, exc)
        raise WebhookProcessingFailed(
            "The webhook was stored but not processed; deliver it again"
        ) from exc
    if refusal is not None:
        raise refusal
    assert outcome is not None and shop_id is not None
    return outcome, follow_ups, shop_id


async def _claim_and_settle(
    session: AsyncSession, repo: PaymentsRepository, inbound: _Inbound, shop_id: uuid.UUID,
    events: list[PaymentEvent],
) -> tuple[WebhookOutcome, list[FollowUp]]:  # fmt: skip
    """Insert the verified row (or take over the one its event id names, unless that one is
    done: a duplicate) and apply the facts.

    A new row is inserted as it most often ends — processed, naming the payment its first
    fact names — and corrected before the commit when the facts end otherwise; no one can
    read it in between, so the common case costs no second statement."""
    likely = {"status": "processed", "payment_id": events[0].payment_id if events else None,
              "subject_ref": None, "processed_at": inbound.now}  # fmt: skip
    values = inbound.row(shop_id, verified=True, events=[e.to_json() for e in events], **likely)
    webhook_id = await repo.claim_webhook(values)
    fresh = webhook_id is not None
    if webhook_id is None:
        webhook_id = await repo.webhook_id_by_event_id(
            shop_id, inbound.provider.name, values["provider_event_id"]
        )
        assert webhook_id is not None
        if not await repo.claim_processing(webhook_id, done=DONE):
            row = await repo.webhook(webhook_id)
            assert row is not None
            return WebhookOutcome(row.id, row.status, True, row.payment_id), []
    outcome = await record_events(session, shop_id=shop_id, provider=inbound.provider.name,
                                  events=events, now=inbound.now)  # fmt: skip
    done = _finished(inbound, outcome)
    if not fresh:  # the row was stored from another request (perhaps a forged one)
        done.update(verified=True, body=inbound.body, headers=inbound.kept, error=None,
                    events=values["events"])  # fmt: skip
    if not fresh or done != likely:
        await repo.mark_webhook(webhook_id, **done)
    return WebhookOutcome(webhook_id, outcome.status, False, outcome.payment_id), outcome.follow_ups


async def _keep_failed(
    container: Container, inbound: _Inbound, shop_id: uuid.UUID, events: list[PaymentEvent],
    exc: Exception,
) -> None:  # fmt: skip
    """After a processing failure rolled everything back: keep the verified request, failed
    (a row its event id names is marked failed unless another delivery finished it)."""
    error = f"{type(exc).__name__}: {exc}"[:2000]
    values = inbound.row(shop_id, verified=True, status="failed", error=error,
                         events=[e.to_json() for e in events])  # fmt: skip
    async with transaction(container) as session:
        repo = PaymentsRepository(session)
        if await repo.claim_webhook(values) is not None:
            return
        existing = await repo.webhook_id_by_event_id(
            shop_id, inbound.provider.name, values["provider_event_id"]
        )
        assert existing is not None
        await repo.mark_webhook(
            existing, unless_status=DONE, status="failed", verified=True, body=inbound.body,
            headers=inbound.kept, events=values["events"], error=error,
        )  # fmt: skip


async def _keep_refused(
    repo: PaymentsRepository, inbound: _Inbound, shop_id: uuid.UUID, exc: AppError, *,
    status: str,
) -> None:  # fmt: skip
    """Keep a request we refuse; a row its event id names is changed only if unverified."""
    values = inbound.row(shop_id, status=status, error=exc.detail)
    if await repo.claim_webhook(values) is not None or values["provider_event_id"] is None:
        return
    existing = await repo.webhook_id_by_event_id(
        shop_id, inbound.provider.name, values["provider_event_id"]
    )
    assert existing is not None
    await repo.mark_webhook(existing, only_unverified=True, status=status, error=exc.detail)


def _finished(inbound: _Inbound, outcome: Outcome) -> dict[str, Any]:
    """The row's new values once its facts are applied."""
    return {
        "status": outcome.status, "payment_id": outcome.payment_id,
        "subject_ref": outcome.subject_ref,
        "processed_at": None if outcome.status == "parked" else inbound.now,
    }  # fmt: skip


def _log_rejected(inbound: _Inbound, shop_id: uuid.UUID, exc: AppError) -> None:
    log.warning(
        "payments.webhook_rejected", provider=inbound.provider.name, shop_id=str(shop_id),
        reason=exc.detail, ip=inbound.remote_ip,
    )  # fmt: skip


# -- three steps (verifying calls the provider) -----------------------------------------------
async def _store(container: Container, inbound: _Inbound) -> _Stored:
    provider = inbound.provider
    async with transaction(container) as session:
        shop_id = await _shop_id(session, container, inbound)
        repo = PaymentsRepository(session)
        values = inbound.row(shop_id)
        webhook_id = await repo.claim_webhook(values)
        if webhook_id is None and values["provider_event_id"] is not None:
            webhook_id = await repo.webhook_id_by_event_id(
                shop_id, provider.name, values["provider_event_id"]
            )
        assert webhook_id is not None
        try:
            account = await credentials(session, shop_id=shop_id, provider=provider.name,
                                        secrets=container.secrets, now=inbound.now)  # fmt: skip
        except AppError as exc:
            await repo.mark_webhook(
                webhook_id, only_unverified=True, status="rejected", error=exc.detail
            )
            return _Stored(webhook_id, shop_id, None, exc)
    return _Stored(webhook_id, shop_id, account, None)


async def _verify(container: Container, inbound: _Inbound, stored: _Stored) -> list[PaymentEvent]:
    assert stored.account is not None
    try:
        return await inbound.provider.parse_webhook(stored.account, inbound.request())
    except (WebhookSignatureInvalid, WebhookMalformed) as exc:
        _log_rejected(inbound, stored.shop_id, exc)
        await _mark(container, stored.webhook_id, status="rejected", error=exc.detail)
        raise
    except GatewayError as exc:
        await _mark(container, stored.webhook_id, status="failed", error=exc.detail)
        raise WebhookProcessingFailed(f"Could not confirm the notification: {exc.detail}") from exc


async def _mark(container: Container, webhook_id: uuid.UUID, **values: Any) -> None:
    async with transaction(container) as session:
        await PaymentsRepository(session).mark_webhook(webhook_id, only_unverified=True, **values)


async def _process(
    container: Container, inbound: _Inbound, stored: _Stored, events: list[PaymentEvent]
) -> tuple[WebhookOutcome, list[FollowUp]]:
    try:
        async with transaction(container) as session:
            repo = PaymentsRepository(session)
            if not await repo.claim_processing(stored.webhook_id, done=DONE):
                row = await repo.webhook(stored.webhook_id)
                assert row is not None
                return WebhookOutcome(row.id, row.status, True, row.payment_id), []
            outcome = await record_events(session, shop_id=stored.shop_id,
                                          provider=inbound.provider.name, events=events,
                                          now=inbound.now)  # fmt: skip
            await repo.mark_webhook(
                stored.webhook_id, verified=True, body=inbound.body, headers=inbound.kept,
                error=None, events=[e.to_json() for e in events], **_finished(inbound, outcome),
            )  # fmt: skip
    except Exception as exc:
        log.exception("payments.webhook_failed", provider=inbound.provider.name,
                      webhook_id=str(stored.webhook_id))  # fmt: skip
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
