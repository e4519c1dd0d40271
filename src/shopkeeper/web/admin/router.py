"""The admin's router: sign-in pages and the signed-in pages, all under /admin."""

from __future__ import annotations

from fastapi import APIRouter

from shopkeeper.web.admin import (
    auth,
    bots,
    broadcast_actions,
    broadcasts,
    catalog_pages,
    checkout_calendar,
    checkout_consents,
    checkout_services,
    checkout_shipping,
    checkout_warranty,
    customer_actions,
    customers,
    dashboard,
    order_actions,
    orders,
    pages,
    payments,
    playground,
    premium,
    promo_codes,
    settings_api_keys,
    settings_gateways,
    settings_profile,
    settings_staff,
    settings_webhooks,
    subscription_actions,
    subscriptions,
)

router = APIRouter()
router.include_router(auth.router)
router.include_router(pages.router)
router.include_router(dashboard.router)
router.include_router(orders.router)
router.include_router(order_actions.router)
router.include_router(customers.router)
router.include_router(customer_actions.router)
router.include_router(payments.router)
router.include_router(subscriptions.router)
router.include_router(subscription_actions.router)
router.include_router(promo_codes.router)
router.include_router(settings_profile.router)
router.include_router(settings_staff.router)
router.include_router(settings_api_keys.router)
router.include_router(settings_webhooks.router)
router.include_router(settings_gateways.router)
router.include_router(playground.router)
router.include_router(premium.router)
router.include_router(broadcasts.router)
router.include_router(broadcast_actions.router)
router.include_router(checkout_consents.router)
router.include_router(checkout_shipping.router)
router.include_router(checkout_services.router)
router.include_router(checkout_warranty.router)
router.include_router(checkout_calendar.router)
router.include_router(bots.router)
router.include_router(catalog_pages.router)
