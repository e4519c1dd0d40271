"""Helpers shared by the catalog's use cases: references, unique slugs and SKUs, flushing."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit
from shopkeeper.audit import Actor
from shopkeeper.catalog.errors import AlreadyExists, InvalidReference, SkuTaken
from shopkeeper.catalog.repository import ProductRepository
from shopkeeper.catalog.slugs import fallback_slug, numbered, slugify
from shopkeeper.catalog.taxonomy_repository import TaxonomyRepository

MAX_TRIES = 50
ReadT = TypeVar("ReadT", bound=BaseModel)


async def flush(session: AsyncSession) -> None:
    """Flush; a unique index hit by a concurrent writer becomes a 409, never a 500."""
    try:
        await session.flush()
    except IntegrityError as exc:
        text = str(exc.orig).lower()
        if "unique" not in text and getattr(exc.orig, "sqlstate", None) != "23505":
            raise
        what = next((w for w in ("sku", "slug", "code", "currency") if w in text), "value")
        raise AlreadyExists(f"That {what} was just taken by another change; retry") from exc


async def update_audited(
    session: AsyncSession,
    row: Any,
    changes: dict[str, Any],
    *,
    read: type[ReadT],
    action: str,
    target_type: str,
    shop_id: uuid.UUID,
    actor: Actor,
    now: datetime,
) -> ReadT:
    """Apply validated `changes` to `row`, flush, and audit the before/after of its read model."""
    before = read.model_validate(row)
    for name, value in changes.items():
        setattr(row, name, value)
    row.updated_at = now
    await flush(session)
    after = read.model_validate(row)
    await audit.record(
        session, actor=actor, shop_id=shop_id, action=action, target_type=target_type,
        target_id=row.id, before=before.model_dump(), after=after.model_dump(), now=now,
    )  # fmt: skip
    return after


async def check_references(
    session: AsyncSession,
    shop_id: uuid.UUID,
    *,
    category_id: uuid.UUID | None,
    tax_class_id: uuid.UUID | None,
) -> None:
    """A body may only name this shop's own category and tax class."""
    repo = TaxonomyRepository(session)
    if category_id is not None and await repo.get_category(shop_id, category_id) is None:
        raise InvalidReference(f"category_id: no category {category_id} in this shop")
    if tax_class_id is not None and await repo.get_tax_class(shop_id, tax_class_id) is None:
        raise InvalidReference(f"tax_class_id: no tax class {tax_class_id} in this shop")


async def first_free(base: str, taken: Callable[[str], Awaitable[bool]], *, max_length: int) -> str:
    """`base`, or `base-2`, `base-3`, ... whichever is free first."""
    for n in range(1, MAX_TRIES + 1):
        candidate = numbered(base, n, max_length=max_length)
        if not await taken(candidate):
            return candidate
    return fallback_slug(base[: max_length - 9])


async def free_product_slug(session: AsyncSession, shop_id: uuid.UUID, name: str) -> str:
    repo = ProductRepository(session)
    base = slugify(name) or fallback_slug("product")

    async def taken(slug: str) -> bool:
        return await repo.slug_taken(shop_id, slug)

    return await first_free(base, taken, max_length=100)


async def assign_skus(
    session: AsyncSession, shop_id: uuid.UUID, *, slug: str, given: Sequence[str | None]
) -> list[str]:
    """Given SKUs must be free (SkuTaken); missing ones are made from the product slug."""
    repo = ProductRepository(session)
    explicit = [s for s in given if s]
    if taken := await repo.taken_skus(shop_id, explicit):
        raise SkuTaken(taken[0])
    used = set(explicit)
    base = slug.upper()[:60]
    result: list[str] = []
    for index, sku in enumerate(given):
        if sku is None:
            stem = base if len(given) == 1 else f"{base}-{index + 1}"

            async def taken_sku(candidate: str) -> bool:
                return candidate in used or bool(await repo.taken_skus(shop_id, [candidate]))

            sku = await first_free(stem, taken_sku, max_length=64)
            used.add(sku)
        result.append(sku)
    return result
