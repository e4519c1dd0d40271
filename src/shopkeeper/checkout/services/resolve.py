"""Rules against the shop's catalog: each SKU's service variant and prices, each slug's subtree.

`resolve` is pure over what `load_catalog` reads: the shop's live service products and its
category tree. A rule resolves when its SKU is a live variant of a service product; its
categories become the ids of the named categories and all their descendants. What does not
resolve is a `Problem`: blocking (`unknown SKU`, `unknown category`: a save is refused) or
not (an unpublished service: saved, but not offered until it is published).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import catalog
from shopkeeper.checkout.services.rules import Loc, ParsedRules, ServiceKind, ServiceRule


class ServiceProduct(BaseModel):
    """A live variant of a service product, as rules use it."""

    model_config = ConfigDict(frozen=True)

    variant_id: uuid.UUID
    product_id: uuid.UUID
    sku: str
    name: str
    published: bool
    prices: Mapping[str, int]


class ResolvedRule(BaseModel):
    """A rule with its catalog variant and the category ids it matches (subtrees included)."""

    model_config = ConfigDict(frozen=True)

    rule: ServiceRule
    variant_id: uuid.UUID
    product_id: uuid.UUID
    product_name: str
    prices: Mapping[str, int]
    category_ids: frozenset[uuid.UUID]

    @property
    def sku(self) -> str:
        return self.rule.sku

    @property
    def kind(self) -> ServiceKind:
        return self.rule.kind

    @property
    def any_item(self) -> bool:
        """No categories named: the rule applies to every item (its conditions permitting)."""
        return not self.rule.categories

    def name(self, language: str) -> str:
        return self.rule.name_in(language, self.product_name)


@dataclass(frozen=True)
class CategoryTree:
    ids_by_slug: Mapping[str, uuid.UUID]
    children: Mapping[uuid.UUID, Sequence[uuid.UUID]]

    def subtree(self, slug: str) -> set[uuid.UUID]:
        root = self.ids_by_slug.get(slug)
        if root is None:
            return set()
        found, todo = {root}, [root]
        while todo:
            for child in self.children.get(todo.pop(), ()):
                if child not in found:
                    found.add(child)
                    todo.append(child)
        return found


@dataclass(frozen=True)
class ShopCatalog:
    services: Mapping[str, ServiceProduct]  # by SKU
    categories: CategoryTree


@dataclass(frozen=True)
class Problem:
    loc: Loc
    message: str
    blocking: bool


async def load_catalog(session: AsyncSession, *, shop_id: uuid.UUID) -> ShopCatalog:
    """The shop's live service products (any publish state) and its category tree."""
    services: dict[str, ServiceProduct] = {}
    filters = catalog.ProductFilter(kind=catalog.ProductKind.SERVICE)
    for product in await catalog.all_products(session, shop_id=shop_id, filters=filters):
        for variant in product.variants:
            services[variant.sku] = ServiceProduct(
                variant_id=variant.id,
                product_id=product.id,
                sku=variant.sku,
                name=f"{product.name} — {variant.name}" if variant.name else product.name,
                published=product.published,
                prices={p.currency: p.amount for p in variant.prices},
            )
    rows = await catalog.list_categories(session, shop_id=shop_id)
    children: dict[uuid.UUID, list[uuid.UUID]] = {}
    for row in rows:
        if row.parent_id is not None:
            children.setdefault(row.parent_id, []).append(row.id)
    tree = CategoryTree(ids_by_slug={row.slug: row.id for row in rows}, children=children)
    return ShopCatalog(services=services, categories=tree)


def resolve(parsed: ParsedRules, shop: ShopCatalog) -> tuple[list[ResolvedRule], list[Problem]]:
    """The rules customers may be offered now, and what keeps the others (or slugs) out."""
    resolved: list[ResolvedRule] = []
    problems: list[Problem] = []
    for index, rule in enumerate(parsed.rules.services):
        for position, slug in enumerate(rule.categories):
            if slug not in shop.categories.ids_by_slug:
                loc: Loc = ("services", index, "categories", position)
                problems.append(Problem(loc, f"unknown category slug {slug!r}", blocking=True))
        product = shop.services.get(rule.sku)
        if product is None:
            problems.append(
                Problem(
                    ("services", index, "sku"),
                    f"unknown service SKU {rule.sku!r} in this shop (no live variant of a "
                    "product of kind service has it)",
                    blocking=True,
                )
            )
            continue
        if not product.published:
            problems.append(
                Problem(
                    ("services", index, "sku"),
                    f"{product.name!r} is not published: not offered until it is",
                    blocking=False,
                )
            )
            continue
        matched: set[uuid.UUID] = set()
        for slug in rule.categories:
            matched |= shop.categories.subtree(slug)
        resolved.append(
            ResolvedRule(
                rule=rule,
                variant_id=product.variant_id,
                product_id=product.product_id,
                product_name=product.name,
                prices=dict(product.prices),
                category_ids=frozenset(matched),
            )
        )
    return resolved, problems


def describe(parsed: ParsedRules, problems: Sequence[Problem]) -> list[str]:
    return [f"{parsed.where(p.loc)}: {p.message}" for p in problems]
