"""Win-back chains: a shop's steps, scheduling them at an expiry, stopping them at a payment,
and sending each due step once (claimed in the database, so workers never send it twice)."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit, catalog, promotions, shops
from shopkeeper.audit import Actor
from shopkeeper.notifications.ports import Messenger
from shopkeeper.notifications.service.sending import Notice, notify
from shopkeeper.notifications.winback.models import WinbackChain, WinbackSend
from shopkeeper.notifications.winback.repository import ChainRepository, SendRepository
from shopkeeper.notifications.winback.schemas import (
    WinbackChainRead,
    WinbackChainWrite,
    WinbackSendRead,
)

WINBACK_ACTOR = Actor.system("win-back")


@dataclass(frozen=True)
class Claim:
    send_id: uuid.UUID
    token: str


async def get_chain(session: AsyncSession, *, shop_id: uuid.UUID) -> WinbackChainRead:
    """The shop's chain; a shop that never set one has none (disabled, no steps)."""
    chain = await ChainRepository(session).get(shop_id)
    if chain is None:
        return WinbackChainRead(enabled=False, steps=[])
    return WinbackChainRead.model_validate(
        {"enabled": chain.enabled, "steps": chain.steps, "updated_at": chain.updated_at}
    )


async def set_chain(
    session: AsyncSession, *, shop_id: uuid.UUID, data: WinbackChainWrite, actor: Actor,
    now: datetime,
) -> WinbackChainRead:  # fmt: skip
    """Replace the chain (audited); steps already scheduled keep the terms they had."""
    before = await get_chain(session, shop_id=shop_id)
    repo = ChainRepository(session)
    chain = await repo.get(shop_id) or repo.add(WinbackChain(shop_id=shop_id))
    chain.enabled = data.enabled
    chain.steps = [step.model_dump(mode="json") for step in data.steps]
    chain.updated_at = now
    await session.flush()
    after = await get_chain(session, shop_id=shop_id)
    await audit.record(
        session, actor=actor, shop_id=shop_id, action="winback_chain.updated",
        target_type="winback_chain", target_id=shop_id,
        before=before.model_dump(mode="json"), after=after.model_dump(mode="json"), now=now,
    )  # fmt: skip
    return after


async def schedule_chain(
    session: AsyncSession, *, shop_id: uuid.UUID, customer_id: uuid.UUID,
    subscription_id: uuid.UUID, product_id: uuid.UUID, expiry_event_id: uuid.UUID,
    now: datetime,
) -> int:  # fmt: skip
    """Schedule every step of the shop's chain from `now`; once per expiry event."""
    chain = await get_chain(session, shop_id=shop_id)
    sends = SendRepository(session)
    if not chain.enabled or not chain.steps:
        return 0
    if await sends.scheduled_for(shop_id, expiry_event_id):  # a redelivered event
        return 0
    for position, step in enumerate(chain.steps, start=1):
        sends.add(
            WinbackSend(
                shop_id=shop_id, customer_id=customer_id, subscription_id=subscription_id,
                product_id=product_id, expiry_event_id=expiry_event_id, step=position,
                day=step.day, purpose=step.purpose,
                promo_percent_off_bp=step.promo.percent_off_bp if step.promo else None,
                promo_valid_days=step.promo.valid_days if step.promo else None,
                due_at=now + timedelta(days=step.day), status="pending", created_at=now,
            )
        )  # fmt: skip
    await session.flush()
    return len(chain.steps)


async def cancel_chain(
    session: AsyncSession, *, shop_id: uuid.UUID, customer_id: uuid.UUID, now: datetime
) -> int:
    """The customer is back: no step not yet sent will be."""
    return await SendRepository(session).cancel_open(shop_id, customer_id, now)


async def list_sends(
    session: AsyncSession, *, shop_id: uuid.UUID, customer_id: uuid.UUID
) -> list[WinbackSendRead]:
    rows = await SendRepository(session).for_customer(shop_id, customer_id)
    return [WinbackSendRead.model_validate(row) for row in rows]


async def claim_due(
    session: AsyncSession, *, now: datetime, lease: timedelta, limit: int = 200
) -> list[Claim]:
    """Claim due steps for this worker (each by a conditional UPDATE: one winner per step)."""
    sends = SendRepository(session)
    claims = []
    for send_id in await sends.due_ids(now, limit):
        token = secrets.token_hex(16)
        if await sends.claim(send_id, token, now + lease, now):
            claims.append(Claim(send_id, token))
    return claims


async def send_step(
    session: AsyncSession, messengers: Sequence[Messenger], claim: Claim, *, now: datetime
) -> bool:
    """Send one claimed step, unless a payment cancelled it meanwhile; False when not sent."""
    row = await SendRepository(session).finish(claim.send_id, claim.token, now)
    if row is None:
        return False
    shop = await shops.get_shop_by_id(session, shop_id=row.shop_id)
    plan = await catalog.get_product(session, shop_id=row.shop_id, product_id=row.product_id)
    variables: dict[str, object] = {
        "shop": shop.name, "plan": plan.name, "days": row.day, "step": row.step,
        "promo_code": "", "discount": "", "valid_until": "",
    }  # fmt: skip
    if row.promo_percent_off_bp and row.promo_valid_days:
        promo = await _promo_code(session, row, now)
        row.promo_code = promo.code
        variables |= {
            "promo_code": promo.code,
            "discount": _percent(row.promo_percent_off_bp),
            "valid_until": promo.valid_until.date().isoformat() if promo.valid_until else "",
        }
    notice = Notice(
        shop_id=row.shop_id, customer_id=row.customer_id, purpose=row.purpose,
        variables=variables, dedupe_key=f"winback:{row.id}",
    )  # fmt: skip
    message = await notify(session, messengers, notice, now=now)
    row.message_id = message.id
    await session.flush()
    return message.status in ("sent", "logged")


async def _promo_code(
    session: AsyncSession, row: WinbackSend, now: datetime
) -> promotions.PromoCodeRead:
    """A fresh single-use code for this step, usable by its customer only (created in the
    step's own transaction)."""
    assert row.promo_percent_off_bp is not None and row.promo_valid_days is not None
    data = promotions.PromoCodeCreate(
        code=f"BACK-{secrets.token_hex(4).upper()}", percent_off_bp=row.promo_percent_off_bp,
        valid_until=now + timedelta(days=row.promo_valid_days), max_uses=1,
        max_uses_per_customer=1, customer_id=row.customer_id,
        description=f"Win-back step {row.step} for customer {row.customer_id}",
    )  # fmt: skip
    return await promotions.create_promo_code(
        session, shop_id=row.shop_id, data=data, actor=WINBACK_ACTOR, now=now
    )


def _percent(basis_points: int) -> str:
    """2000 → "20%", 1250 → "12.5%"."""
    value = (Decimal(basis_points) / 100).normalize()
    return f"{value:f}%"
