"""Categories: a tree per shop (name, slug, parent) that products may belong to."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit
from shopkeeper.audit import Actor
from shopkeeper.catalog.errors import (
    CategoryCycle,
    CategoryHasChildren,
    CategoryNotFound,
    InvalidReference,
    SlugTaken,
)
from shopkeeper.catalog.models import Category
from shopkeeper.catalog.schemas import CategoryCreate, CategoryRead, CategoryUpdate
from shopkeeper.catalog.service.common import first_free, flush, update_audited
from shopkeeper.catalog.slugs import fallback_slug, slugify
from shopkeeper.catalog.taxonomy_repository import TaxonomyRepository


async def list_categories(session: AsyncSession, *, shop_id: uuid.UUID) -> list[CategoryRead]:
    rows = await TaxonomyRepository(session).list_categories(shop_id)
    return [CategoryRead.model_validate(c) for c in rows]


async def get_category(
    session: AsyncSession, *, shop_id: uuid.UUID, category_id: uuid.UUID
) -> CategoryRead:
    category = await TaxonomyRepository(session).get_category(shop_id, category_id)
    if category is None:
        raise CategoryNotFound()
    return CategoryRead.model_validate(category)


async def _slug(repo: TaxonomyRepository, shop_id: uuid.UUID, given: str | None, name: str) -> str:
    if given is not None:
        if await repo.category_slug_taken(shop_id, given):
            raise SlugTaken(given)
        return given

    async def taken(slug: str) -> bool:
        return await repo.category_slug_taken(shop_id, slug)

    return await first_free(slugify(name) or fallback_slug("category"), taken, max_length=100)


async def _check_parent(
    repo: TaxonomyRepository,
    shop_id: uuid.UUID,
    category_id: uuid.UUID | None,
    parent_id: uuid.UUID | None,
) -> None:
    """The parent is this shop's, and not the category itself or one of its descendants."""
    if parent_id is None:
        return
    parents = await repo.parents(shop_id)
    if parent_id not in parents:
        raise InvalidReference(f"parent_id: no category {parent_id} in this shop")
    seen: set[uuid.UUID] = set()
    node: uuid.UUID | None = parent_id
    while node is not None and node not in seen:
        if node == category_id:
            raise CategoryCycle()
        seen.add(node)
        node = parents.get(node)


async def create_category(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    data: CategoryCreate,
    actor: Actor,
    now: datetime,
) -> CategoryRead:
    repo = TaxonomyRepository(session)
    await _check_parent(repo, shop_id, None, data.parent_id)
    category = Category(
        shop_id=shop_id,
        name=data.name,
        slug=await _slug(repo, shop_id, data.slug, data.name),
        parent_id=data.parent_id,
        position=data.position,
        created_at=now,
        updated_at=now,
    )
    repo.add(category)
    await flush(session)
    read = CategoryRead.model_validate(category)
    await audit.record(
        session,
        actor=actor,
        shop_id=shop_id,
        action="category.created",
        target_type="category",
        target_id=category.id,
        after=read.model_dump(),
        now=now,
    )
    return read


async def update_category(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    category_id: uuid.UUID,
    data: CategoryUpdate,
    actor: Actor,
    now: datetime,
) -> CategoryRead:
    repo = TaxonomyRepository(session)
    category = await repo.get_category(shop_id, category_id)
    if category is None:
        raise CategoryNotFound()
    changes = data.changes()
    if "parent_id" in changes:
        await _check_parent(repo, shop_id, category.id, changes["parent_id"])
    slug = changes.get("slug")
    if slug is not None and await repo.category_slug_taken(shop_id, slug, exclude=category.id):
        raise SlugTaken(slug)
    return await update_audited(
        session, category, changes, read=CategoryRead, action="category.updated",
        target_type="category", shop_id=shop_id, actor=actor, now=now,
    )  # fmt: skip


async def delete_category(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    category_id: uuid.UUID,
    actor: Actor,
    now: datetime,
) -> None:
    """Its products become uncategorised; a category with subcategories is refused."""
    repo = TaxonomyRepository(session)
    category = await repo.get_category(shop_id, category_id)
    if category is None:
        raise CategoryNotFound()
    if await repo.has_children(category.id):
        raise CategoryHasChildren()
    before = CategoryRead.model_validate(category).model_dump()
    await repo.detach_products(shop_id, category.id)
    await repo.delete(category)
    await flush(session)
    await audit.record(
        session,
        actor=actor,
        shop_id=shop_id,
        action="category.deleted",
        target_type="category",
        target_id=category_id,
        before=before,
        now=now,
    )
