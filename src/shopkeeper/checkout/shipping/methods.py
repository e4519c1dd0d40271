"""Shipping methods of a shop: list, read, create, change, delete (changes audited)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit
from shopkeeper.audit import Actor
from shopkeeper.cache import KeyValueStore
from shopkeeper.checkout.shipping.errors import (
    InvalidShippingMethod,
    ShippingCodeTaken,
    ShippingMethodNotFound,
)
from shopkeeper.checkout.shipping.models import ShippingMethod
from shopkeeper.checkout.shipping.offers_cache import forget_offers
from shopkeeper.checkout.shipping.repository import ShippingRepository
from shopkeeper.checkout.shipping.schemas import (
    ShippingMethodCreate,
    ShippingMethodRead,
    ShippingMethodUpdate,
)

TARGET = "shipping_method"


async def list_methods(
    session: AsyncSession, *, shop_id: uuid.UUID, active_only: bool = False
) -> list[ShippingMethodRead]:
    rows = await ShippingRepository(session).list_methods(shop_id, active_only=active_only)
    return [ShippingMethodRead.model_validate(row) for row in rows]


async def get_method(
    session: AsyncSession, *, shop_id: uuid.UUID, method_id: uuid.UUID
) -> ShippingMethodRead:
    return ShippingMethodRead.model_validate(
        await _get(ShippingRepository(session), shop_id, method_id)
    )


async def get_method_by_code(
    session: AsyncSession, *, shop_id: uuid.UUID, code: str, active_only: bool = True
) -> ShippingMethodRead:
    """The method a customer chose by code (inactive ones are not found unless asked)."""
    method = await ShippingRepository(session).get_by_code(shop_id, code)
    if method is None or (active_only and not method.active):
        raise ShippingMethodNotFound(f"No shipping method {code!r} in this shop")
    return ShippingMethodRead.model_validate(method)


async def _get(
    repo: ShippingRepository, shop_id: uuid.UUID, method_id: uuid.UUID
) -> ShippingMethod:
    method = await repo.get(shop_id, method_id)
    if method is None:
        raise ShippingMethodNotFound()
    return method


def _columns(data: ShippingMethodCreate) -> dict[str, Any]:
    """The row's columns from a validated method (ids and add-ons as JSON)."""
    values = data.model_dump(mode="json")
    values["kind"] = data.kind.value
    return values


async def create_method(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    data: ShippingMethodCreate,
    actor: Actor,
    now: datetime,
    cache: KeyValueStore,
) -> ShippingMethodRead:
    repo = ShippingRepository(session)
    if await repo.code_taken(shop_id, data.code):
        raise ShippingCodeTaken(data.code)
    method = ShippingMethod(shop_id=shop_id, created_at=now, updated_at=now, **_columns(data))
    repo.add(method)
    await _flush(session, data.code)
    read = ShippingMethodRead.model_validate(method)
    await audit.record(
        session, actor=actor, shop_id=shop_id, action="shipping_method.created",
        target_type=TARGET, target_id=method.id, after=read.model_dump(), now=now,
    )  # fmt: skip
    await forget_offers(cache, shop_id)
    return read


async def update_method(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    method_id: uuid.UUID,
    data: ShippingMethodUpdate,
    actor: Actor,
    now: datetime,
    cache: KeyValueStore,
) -> ShippingMethodRead:
    """Apply the changes, then check the whole method again as if it were new (422 if not)."""
    repo = ShippingRepository(session)
    method = await _get(repo, shop_id, method_id)
    before = ShippingMethodRead.model_validate(method)
    merged = before.model_dump(mode="json", include=set(ShippingMethodCreate.model_fields))
    merged.update(data.model_dump(mode="json", include=data.model_fields_set))
    try:
        checked = ShippingMethodCreate.model_validate(merged)
    except ValidationError as exc:
        raise InvalidShippingMethod(_explain(exc)) from None
    if checked.code != method.code and await repo.code_taken(
        shop_id, checked.code, exclude=method.id
    ):
        raise ShippingCodeTaken(checked.code)
    for name, value in _columns(checked).items():
        setattr(method, name, value)
    method.updated_at = now
    await _flush(session, checked.code)
    after = ShippingMethodRead.model_validate(method)
    await audit.record(
        session, actor=actor, shop_id=shop_id, action="shipping_method.updated",
        target_type=TARGET, target_id=method.id, before=before.model_dump(),
        after=after.model_dump(), now=now,
    )  # fmt: skip
    await forget_offers(cache, shop_id)
    return after


async def delete_method(
    session: AsyncSession, *, shop_id: uuid.UUID, method_id: uuid.UUID, actor: Actor,
    now: datetime, cache: KeyValueStore,
) -> None:  # fmt: skip
    """Gone for new checkouts; placed orders keep their own snapshot of the method."""
    repo = ShippingRepository(session)
    method = await _get(repo, shop_id, method_id)
    before = ShippingMethodRead.model_validate(method).model_dump()
    await repo.delete(method)
    await session.flush()
    await audit.record(
        session, actor=actor, shop_id=shop_id, action="shipping_method.deleted",
        target_type=TARGET, target_id=method_id, before=before, now=now,
    )  # fmt: skip
    await forget_offers(cache, shop_id)


async def _flush(session: AsyncSession, code: str) -> None:
    """Flush; the unique code taken by a concurrent writer becomes a 409, never a 500."""
    try:
        await session.flush()
    except IntegrityError as exc:
        text = str(exc.orig).lower()
        if "unique" not in text and getattr(exc.orig, "sqlstate", None) != "23505":
            raise
        raise ShippingCodeTaken(code) from exc


def _explain(exc: ValidationError) -> str:
    """`field: message; ...`, the way the API's 422 for a bad body reads."""
    parts = []
    for error in exc.errors():
        field = ".".join(str(p) for p in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        parts.append(f"{field}: {message}" if field else message)
    return "; ".join(parts)
