"""All SQL of the payments context; every query is scoped to one shop."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, Uuid, bindparam, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.payments.models import GatewayAccount, LedgerEntry, Payment, Refund, WebhookEvent

# Built once: each inbound webhook runs these (building costs about as much as running).
# A shop id is typed explicitly: a foreign-key column has no type of its own until the table
# it refers to is imported, which may happen after this module.
_ACCOUNT = select(GatewayAccount).where(
    GatewayAccount.shop_id == bindparam("shop_id", type_=Uuid()),
    GatewayAccount.provider == bindparam("provider"),
)
_BOOK = insert(cast(Table, LedgerEntry.__table__))
_PAYMENT = select(Payment).where(
    Payment.id == bindparam("payment_id"), Payment.shop_id == bindparam("shop_id", type_=Uuid())
)
_PAYMENT_LOCKED = _PAYMENT.with_for_update()
_WEBHOOKS = cast(Table, WebhookEvent.__table__)
_WEBHOOK_ID_BY_EVENT = select(WebhookEvent.id).where(
    WebhookEvent.shop_id == bindparam("shop_id", type_=Uuid()),
    WebhookEvent.provider == bindparam("provider"),
    WebhookEvent.provider_event_id == bindparam("event_id"),
)
_CLAIM_PROCESSING = (
    update(_WEBHOOKS)
    .where(
        _WEBHOOKS.c.id == bindparam("webhook_id"),
        _WEBHOOKS.c.status.not_in(bindparam("done", expanding=True)),
    )
    .values(status="processing")
    .returning(_WEBHOOKS.c.id)
)
# The SET clause is the keys given with each execution.
_UPDATE_WEBHOOK = update(_WEBHOOKS).where(_WEBHOOKS.c.id == bindparam("webhook_id"))
_PARKED = (
    select(WebhookEvent)
    .where(
        WebhookEvent.shop_id == bindparam("shop_id", type_=Uuid()),
        WebhookEvent.provider == bindparam("provider"),
        WebhookEvent.status == "parked",
        or_(
            WebhookEvent.payment_id == bindparam("payment_id"),
            WebhookEvent.subject_ref.in_(bindparam("refs", expanding=True)),
        ),
    )
    .order_by(WebhookEvent.received_at, WebhookEvent.id)
    .with_for_update()
)
_CLAIM_WEBHOOK = {
    name: module.insert(_WEBHOOKS)
    .on_conflict_do_nothing(index_elements=["shop_id", "provider", "provider_event_id"])
    .returning(_WEBHOOKS.c.id)
    for name, module in (("postgresql", postgresql), ("sqlite", sqlite))
}


class PaymentsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: Any) -> Any:
        self.session.add(row)
        return row

    # -- gateway accounts ------------------------------------------------------------------
    async def account(self, shop_id: uuid.UUID, provider: str) -> GatewayAccount | None:
        return await self.session.scalar(_ACCOUNT, {"shop_id": shop_id, "provider": provider})

    async def accounts_of(self, shop_id: uuid.UUID) -> list[GatewayAccount]:
        rows = await self.session.scalars(
            select(GatewayAccount).where(GatewayAccount.shop_id == shop_id)
        )
        return list(rows)

    # -- payments --------------------------------------------------------------------------
    async def payment(
        self, shop_id: uuid.UUID | None, payment_id: uuid.UUID, *, lock: bool = False
    ) -> Payment | None:
        """A payment by our id (`shop_id` None: any shop — the public pay page)."""
        if shop_id is not None:
            params = {"payment_id": payment_id, "shop_id": shop_id}
            return await self.session.scalar(_PAYMENT_LOCKED if lock else _PAYMENT, params)
        query = select(Payment).where(Payment.id == payment_id)
        return await self.session.scalar(query.with_for_update() if lock else query)

    async def payment_by_refs(
        self, shop_id: uuid.UUID, provider: str, refs: Sequence[str], *, lock: bool = False
    ) -> Payment | None:
        if not refs:
            return None
        query = select(Payment).where(
            Payment.shop_id == shop_id,
            Payment.provider == provider,
            or_(Payment.provider_payment_id.in_(refs), Payment.provider_reference.in_(refs)),
        )
        return await self.session.scalar(query.with_for_update() if lock else query.limit(1))

    async def payment_by_subscription(
        self, shop_id: uuid.UUID, provider: str, subscription_ref: str, *, lock: bool = False
    ) -> Payment | None:
        """The first payment of the provider's subscription `subscription_ref`."""
        query = (
            select(Payment)
            .where(
                Payment.shop_id == shop_id,
                Payment.provider == provider,
                Payment.provider_subscription_id == subscription_ref,
            )
            .order_by(Payment.created_at, Payment.id)
            .limit(1)
        )
        return await self.session.scalar(query.with_for_update() if lock else query)

    async def payments_for_order(self, shop_id: uuid.UUID, order_id: uuid.UUID) -> list[Payment]:
        rows = await self.session.scalars(
            select(Payment)
            .where(Payment.shop_id == shop_id, Payment.order_id == order_id)
            .order_by(Payment.created_at, Payment.id)
        )
        return list(rows)

    async def applied_payment(
        self, shop_id: uuid.UUID, order_id: uuid.UUID, *, lock: bool = False
    ) -> Payment | None:
        """The payment whose money the order took (at most one)."""
        query = select(Payment).where(
            Payment.shop_id == shop_id, Payment.order_id == order_id, Payment.applied.is_(True)
        )
        return await self.session.scalar(query.with_for_update() if lock else query)

    async def payments_to_settle(
        self, captured: Sequence[str], *, before: datetime, limit: int
    ) -> list[Payment]:
        """Waiting for capture, or flagged money not yet refunded: the follow-up task's work."""
        flagged = (
            Payment.flag.is_not(None)
            & Payment.applied.is_(False)
            & Payment.status.in_(captured)
            & (Payment.amount_refunded < Payment.amount_captured)
        )
        rows = await self.session.scalars(
            select(Payment)
            .where(
                or_(Payment.status == "waiting_for_capture", flagged), Payment.updated_at <= before
            )
            .order_by(Payment.updated_at)
            .limit(limit)
        )
        return list(rows)

    # -- refunds ---------------------------------------------------------------------------
    async def refund(self, refund_id: uuid.UUID, *, shop_id: uuid.UUID) -> Refund | None:
        return await self.session.scalar(
            select(Refund).where(Refund.id == refund_id, Refund.shop_id == shop_id)
        )

    async def refund_by_provider_id(
        self, shop_id: uuid.UUID, provider: str, provider_refund_id: str
    ) -> Refund | None:
        return await self.session.scalar(
            select(Refund).where(
                Refund.shop_id == shop_id,
                Refund.provider == provider,
                Refund.provider_refund_id == provider_refund_id,
            )
        )

    async def refunds_of_payment(self, payment_id: uuid.UUID) -> list[Refund]:
        rows = await self.session.scalars(
            select(Refund)
            .where(Refund.payment_id == payment_id)
            .order_by(Refund.created_at, Refund.id)
        )
        return list(rows)

    async def refunds_for_order(self, shop_id: uuid.UUID, order_id: uuid.UUID) -> list[Refund]:
        rows = await self.session.scalars(
            select(Refund)
            .where(Refund.shop_id == shop_id, Refund.order_id == order_id)
            .order_by(Refund.created_at, Refund.id)
        )
        return list(rows)

    # -- ledger ----------------------------------------------------------------------------
    async def book(self, **values: Any) -> None:
        """Insert one ledger entry now."""
        await self.session.execute(_BOOK, values)

    async def ledger(self, shop_id: uuid.UUID, order_id: uuid.UUID) -> list[LedgerEntry]:
        rows = await self.session.scalars(
            select(LedgerEntry)
            .where(LedgerEntry.shop_id == shop_id, LedgerEntry.order_id == order_id)
            .order_by(LedgerEntry.created_at, LedgerEntry.id)
        )
        return list(rows)

    # -- webhooks --------------------------------------------------------------------------
    async def claim_webhook(self, values: dict[str, Any]) -> uuid.UUID | None:
        """Insert the webhook row unless (shop, provider, event id) exists; its id, or None."""
        dialect = self.session.bind.dialect.name if self.session.bind else "sqlite"
        return await self.session.scalar(_CLAIM_WEBHOOK[dialect], values)

    async def webhook_id_by_event_id(
        self, shop_id: uuid.UUID, provider: str, event_id: str
    ) -> uuid.UUID | None:
        params = {"shop_id": shop_id, "provider": provider, "event_id": event_id}
        return await self.session.scalar(_WEBHOOK_ID_BY_EVENT, params)

    async def webhook(self, webhook_id: uuid.UUID, *, lock: bool = False) -> WebhookEvent | None:
        query = select(WebhookEvent).where(WebhookEvent.id == webhook_id)
        return await self.session.scalar(query.with_for_update() if lock else query)

    async def claim_processing(self, webhook_id: uuid.UUID, *, done: Collection[str]) -> bool:
        """Take the row for processing (its row lock until commit) unless already finished."""
        params = {"webhook_id": webhook_id, "done": list(done)}
        return await self.session.scalar(_CLAIM_PROCESSING, params) is not None

    async def mark_webhook(
        self, webhook_id: uuid.UUID, *, only_unverified: bool = False,
        unless_status: Collection[str] = (), **values: Any,
    ) -> None:  # fmt: skip
        """Update the row, but never a verified one (`only_unverified`) or a finished one.

        A Core statement: WebhookEvent objects loaded in the session are not refreshed."""
        statement = _UPDATE_WEBHOOK
        if only_unverified:
            statement = statement.where(_WEBHOOKS.c.verified.is_(False))
        if unless_status:
            statement = statement.where(_WEBHOOKS.c.status.not_in(unless_status))
        await self.session.execute(statement, {"webhook_id": webhook_id, **values})

    async def parked_webhooks(
        self, shop_id: uuid.UUID, provider: str, payment_id: uuid.UUID, refs: Sequence[str]
    ) -> list[WebhookEvent]:
        params = {"shop_id": shop_id, "provider": provider, "payment_id": payment_id,
                  "refs": list(refs)}  # fmt: skip
        return list(await self.session.scalars(_PARKED, params))

    async def statuses_between(
        self, shop_id: uuid.UUID, since: datetime, until: datetime
    ) -> dict[str, int]:
        """How many payments created in [since, until] have each status."""
        query = (
            select(Payment.status, func.count(Payment.id))
            .where(Payment.shop_id == shop_id, Payment.created_at >= since,
                   Payment.created_at <= until)
            .group_by(Payment.status)
        )  # fmt: skip
        return {status: int(n) for status, n in await self.session.execute(query)}

    async def webhooks_with_status(
        self, shop_id: uuid.UUID, statuses: Sequence[str], since: datetime, limit: int
    ) -> tuple[int, list[WebhookEvent]]:
        """Webhooks received since `since` in one of `statuses`: the count, the latest rows."""
        where = (WebhookEvent.shop_id == shop_id, WebhookEvent.status.in_(statuses),
                 WebhookEvent.received_at >= since)  # fmt: skip
        count = await self.session.scalar(select(func.count(WebhookEvent.id)).where(*where))
        rows = await self.session.scalars(
            select(WebhookEvent).where(*where)
            .order_by(WebhookEvent.received_at.desc(), WebhookEvent.id).limit(limit)
        )  # fmt: skip
        return int(count or 0), list(rows)

    async def parked_before(self, before: datetime, limit: int) -> list[WebhookEvent]:
        rows = await self.session.scalars(
            select(WebhookEvent)
            .where(WebhookEvent.status == "parked", WebhookEvent.received_at <= before)
            .order_by(WebhookEvent.received_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(rows)
