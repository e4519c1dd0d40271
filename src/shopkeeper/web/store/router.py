"""The storefront's router: every page under /s/{shop}."""

from __future__ import annotations

from fastapi import APIRouter

from shopkeeper.web.store import (
    account,
    cart_pages,
    checkout,
    confirmation_pages,
    delivery_pages,
    details_pages,
    discord_routes,
    extras_pages,
    pages,
    payment_pages,
    signin,
    summary_pages,
)

router = APIRouter()
router.include_router(pages.router)
router.include_router(signin.router)
router.include_router(discord_routes.router)
router.include_router(checkout.router)
router.include_router(account.router)
router.include_router(cart_pages.router)
router.include_router(delivery_pages.router)
router.include_router(extras_pages.router)
router.include_router(payment_pages.router)
router.include_router(details_pages.router)
router.include_router(summary_pages.router)
router.include_router(confirmation_pages.router)
