"""Cart promotions: staff manage their definitions; carts get them evaluated by the engine."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit, catalog
from shopkeeper.audit import Actor
from shopkeeper.cache import KeyValueStore, bump_generation, generation
from shopkeeper.kit.ids import new_id
from shopkeeper.kit.pagination import Page
from shopkeeper.promotions.rules.engine import evaluate
from shopkeeper.promotions.rules.errors import (
    PromotionInvalid,
    PromotionNotFound,
    PromotionTargetNotFound,
)
from shopkeeper.promotions.rules.models import Promotion
from shopkeeper.promotions.rules.params import Gift, PromotionKind
from shopkeeper.promotions.rules.repository import PromotionRepository
from shopkeeper.promotions.rules.schemas import PromotionCreate, PromotionRead, PromotionUpdate
from shopkeeper.promotions.rules.types import AppliedCode, CartLine, Evaluation

_BOOKKEEPING = {"id", "shop_id", "created_at", "updated_at"}


def _read(row: Promotion) -> PromotionRead:
    return PromotionRead.model_validate(
        {
            "id": row.id, "shop_id": row.shop_id, "name": row.name,
            "description": row.description, "kind": row.kind, "params": row.params,
            "targets": {"product_ids": row.product_ids, "category_ids": row.category_ids,
                        "line_types": row.line_types},
            "priority": row.priority, "exclusive": row.exclusive, "stackable": row.stackable,
            "max_discount": row.max_discount, "starts_at": row.starts_at, "ends_at": row.ends_at,
            "active": row.active, "created_at": row.created_at, "updated_at": row.updated_at,
        }
    )  # fmt: skip


def _columns(data: PromotionCreate) -> dict[str, Any]:
    return {
        "name": data.name, "description": data.description, "kind": data.kind.value,
        "params": data.params.model_dump(mode="json"),
        "product_ids": [str(p) for p in data.targets.product_ids],
        "category_ids": [str(c) for c in data.targets.category_ids],
        "line_types": [t.value for t in data.targets.line_types], "priority": data.priority,
        "exclusive": data.exclusive, "stackable": data.stackable,
        "max_discount": data.max_discount, "starts_at": data.starts_at, "ends_at": data.ends_at,
        "active": data.active,
    }  # fmt: skip


async def _check_targets(
    session: AsyncSession, shop_id: uuid.UUID, data: PromotionCreate, known: PromotionRead | None
) -> None:
    """Products and the gift variant named (anew) must be this shop's; categories are not
    checked: a category the shop lacks matches no line."""
    already = set(known.targets.product_ids) if known is not None else set()
    for product_id in dict.fromkeys(data.targets.product_ids):
        if product_id not in already:
            await _product(session, shop_id, product_id, "targets.product_ids")
    gift = data.params
    if isinstance(gift, Gift) and (known is None or known.params != gift):
        product = await _product(session, shop_id, gift.product_id, "params.product_id")
        if product.archived_at is not None:
            raise PromotionTargetNotFound(f"params.product_id: product {product.id} is archived")
        if gift.variant_id not in {variant.id for variant in product.variants}:
            raise PromotionTargetNotFound(
                f"params.variant_id: product {product.id} has no variant {gift.variant_id}"
            )


async def _product(
    session: AsyncSession, shop_id: uuid.UUID, product_id: uuid.UUID, field: str
) -> catalog.ProductRead:
    try:
        return await catalog.get_product(session, shop_id=shop_id, product_id=product_id)
    except catalog.ProductNotFound:
        raise PromotionTargetNotFound(f"{field}: no product {product_id} in this shop") from None


async def create_promotion(
    session: AsyncSession, *, shop_id: uuid.UUID, data: PromotionCreate, actor: Actor,
    now: datetime, cache: KeyValueStore,
) -> PromotionRead:  # fmt: skip
    """A new promotion; it applies to carts while active and within its window."""
    await _check_targets(session, shop_id, data, known=None)
    row = Promotion(id=new_id(), shop_id=shop_id, created_at=now, updated_at=now, **_columns(data))
    PromotionRepository(session).add(row)
    await session.flush()
    read = _read(row)
    await audit.record(
        session, actor=actor, shop_id=shop_id, action="promotion.created",
        target_type="promotion", target_id=row.id, after=read.model_dump(mode="json"), now=now,
    )  # fmt: skip
    await forget_promotions(cache, shop_id)
    return read


def promotions_family(shop_id: uuid.UUID) -> str:
    """The cache family of what is kept about the shop's promotions (`shopkeeper.cache`)."""
    return f"promotions:{shop_id}"


async def forget_promotions(cache: KeyValueStore, shop_id: uuid.UUID) -> None:
    """What any cache keeps about the shop's promotions is stale from now on."""
    await bump_generation(cache, promotions_family(shop_id))


async def promotions_generation(cache: KeyValueStore, shop_id: uuid.UUID) -> int:
    """Goes up with every change of the shop's promotions: put it in the keys of what is kept
    about them (a read racing a change's commit may keep an entry under the new number; keep
    entries briefly)."""
    return await generation(cache, promotions_family(shop_id))


async def _row(session: AsyncSession, shop_id: uuid.UUID, promotion_id: uuid.UUID) -> Promotion:
    row = await PromotionRepository(session).get(shop_id, promotion_id)
    if row is None:
        raise PromotionNotFound()
    return row


def _merged(before: PromotionRead, data: PromotionUpdate) -> PromotionCreate:
    """The promotion as it would be after `data`, validated whole (PromotionInvalid if not)."""
    values = before.model_dump(exclude=_BOOKKEEPING) | data.changes()
    try:
        return PromotionCreate.model_validate(values)
    except ValidationError as exc:
        detail = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()
        )
        raise PromotionInvalid(detail) from None


async def update_promotion(
    session: AsyncSession, *, shop_id: uuid.UUID, promotion_id: uuid.UUID,
    data: PromotionUpdate, actor: Actor, now: datetime, cache: KeyValueStore,
) -> PromotionRead:  # fmt: skip
    """Change some fields; the result must be a valid promotion (PromotionInvalid if not)."""
    row = await _row(session, shop_id, promotion_id)
    before = _read(row)
    merged = _merged(before, data)
    await _check_targets(session, shop_id, merged, known=before)
    for name, value in _columns(merged).items():
        setattr(row, name, value)
    row.updated_at = now
    await session.flush()
    after = _read(row)
    await audit.record(
        session, actor=actor, shop_id=shop_id, action="promotion.updated",
        target_type="promotion", target_id=row.id, before=before.model_dump(mode="json"),
        after=after.model_dump(mode="json"), now=now,
    )  # fmt: skip
    await forget_promotions(cache, shop_id)
    return after


async def delete_promotion(
    session: AsyncSession, *, shop_id: uuid.UUID, promotion_id: uuid.UUID, actor: Actor,
    now: datetime, cache: KeyValueStore,
) -> None:  # fmt: skip
    """Gone for carts from now on; orders keep the discounts they were given."""
    row = await _row(session, shop_id, promotion_id)
    before = _read(row)
    await PromotionRepository(session).delete(row)
    await audit.record(
        session, actor=actor, shop_id=shop_id, action="promotion.deleted",
        target_type="promotion", target_id=promotion_id, before=before.model_dump(mode="json"),
        now=now,
    )  # fmt: skip
    await forget_promotions(cache, shop_id)


async def get_promotion(
    session: AsyncSession, *, shop_id: uuid.UUID, promotion_id: uuid.UUID
) -> PromotionRead:
    return _read(await _row(session, shop_id, promotion_id))


async def list_promotions(
    session: AsyncSession, *, shop_id: uuid.UUID, active: bool | None = None,
    kind: PromotionKind | None = None, limit: int = 50, offset: int = 0,
) -> Page[PromotionRead]:  # fmt: skip
    """Highest priority first, then newest."""
    rows, total = await PromotionRepository(session).page(
        shop_id, active=active, kind=kind.value if kind else None, limit=limit, offset=offset
    )
    return Page[PromotionRead](
        items=[_read(r) for r in rows], total=total, limit=limit, offset=offset
    )


async def evaluate_cart(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    currency: str,
    lines: Sequence[CartLine],
    codes: Iterable[AppliedCode] = (),
    now: datetime,
) -> Evaluation:
    """The shop's promotions in force at `now` (one query) applied to `lines` with `codes`."""
    rows = await PromotionRepository(session).in_force(shop_id, now)
    return evaluate(lines, currency=currency, promotions=[_read(r) for r in rows], codes=codes)
