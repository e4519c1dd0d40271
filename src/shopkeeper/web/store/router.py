"""The storefront's router: every page under /s/{shop}."""

from __future__ import annotations

from fastapi import APIRouter

from shopkeeper.web.store import account, checkout, discord_routes, pages, signin

router = APIRouter()
router.include_router(pages.router)
router.include_router(signin.router)
router.include_router(discord_routes.router)
router.include_router(checkout.router)
router.include_router(account.router)
