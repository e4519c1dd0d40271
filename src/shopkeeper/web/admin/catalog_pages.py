"""The catalog's admin pages in the order their paths must be tried: the pages (list, new,
one product) before the actions, `/products/new` before `/products/{id}`."""

from __future__ import annotations

from fastapi import APIRouter

from shopkeeper.web.admin import product_actions, products, variant_actions

router = APIRouter()
router.include_router(products.router)
router.include_router(product_actions.router)
router.include_router(variant_actions.router)
