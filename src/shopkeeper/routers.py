"""Every HTTP router the app mounts, in one list (a context adds its router here).

A request is matched against the routes in this order, one by one, so the paths machines
call most (bot webhooks, payment webhooks, health, auth) come first and the admin's many
pages last: the order of routers whose paths do not overlap changes nothing else.
"""

from __future__ import annotations

from fastapi import APIRouter

from shopkeeper.access.router import router as access_router
from shopkeeper.analytics.router import router as analytics_router
from shopkeeper.audit.router import router as audit_router
from shopkeeper.bots.discord.router import router as discord_router
from shopkeeper.bots.discord.webhook import router as discord_webhook_router
from shopkeeper.bots.telegram.channels.router import router as telegram_channels_router
from shopkeeper.bots.telegram.playground.http import router as telegram_playground_router
from shopkeeper.bots.telegram.router import router as telegram_bots_router
from shopkeeper.bots.telegram.webhook import router as telegram_webhook_router
from shopkeeper.catalog.router import media_router as catalog_media_router
from shopkeeper.catalog.router import router as catalog_router
from shopkeeper.checkout.cart.router import router as cart_router
from shopkeeper.checkout.customer.router import router as checkout_customer_router
from shopkeeper.checkout.finalize.router import router as finalize_router
from shopkeeper.checkout.payment.router import router as checkout_payment_router
from shopkeeper.checkout.services.router import router as services_router
from shopkeeper.checkout.session.router import router as checkout_session_router
from shopkeeper.checkout.shipping.router import router as shipping_router
from shopkeeper.checkout.warranty.router import router as warranty_router
from shopkeeper.identity.router import router as identity_router
from shopkeeper.integrations.router import router as integrations_router
from shopkeeper.invoices.router import public_router as invoices_public_router
from shopkeeper.invoices.router import router as invoices_router
from shopkeeper.notifications.broadcasts.router import router as broadcasts_router
from shopkeeper.notifications.preferences.router import router as preferences_router
from shopkeeper.notifications.router import router as notifications_router
from shopkeeper.notifications.winback.router import router as winback_router
from shopkeeper.observability import health_router, metrics_router
from shopkeeper.orders.router import router as orders_router
from shopkeeper.payments.router import router as payments_router
from shopkeeper.premium.router import router as premium_router
from shopkeeper.promotions.router import router as promotions_router
from shopkeeper.promotions.rules.router import router as promotion_rules_router
from shopkeeper.shops.router import router as shops_router
from shopkeeper.subscriptions.plan_router import router as subscription_plans_router
from shopkeeper.subscriptions.router import router as subscriptions_router
from shopkeeper.web.admin.router import router as admin_router
from shopkeeper.web.pay import router as pay_page_router
from shopkeeper.web.store.router import router as store_router
from shopkeeper.web.unsubscribe import router as unsubscribe_router

ROUTERS: list[APIRouter] = [telegram_webhook_router, discord_webhook_router, health_router]
ROUTERS += [identity_router, payments_router]
ROUTERS += [shops_router, orders_router, catalog_router]
ROUTERS += [subscription_plans_router, subscriptions_router]  # plans first: fixed paths
ROUTERS += [premium_router, access_router, promotions_router, notifications_router]
ROUTERS += [promotion_rules_router]
ROUTERS += [integrations_router, invoices_router, invoices_public_router, catalog_media_router]
ROUTERS += [audit_router, telegram_bots_router, telegram_channels_router]
ROUTERS += [telegram_playground_router, discord_router]
ROUTERS += [broadcasts_router, shipping_router, cart_router]
ROUTERS += [services_router, warranty_router, checkout_session_router]
ROUTERS += [checkout_customer_router]
ROUTERS += [finalize_router]
ROUTERS += [checkout_payment_router]
ROUTERS += [preferences_router, winback_router]
ROUTERS += [metrics_router, pay_page_router, store_router, admin_router]
ROUTERS += [analytics_router]
ROUTERS += [unsubscribe_router]  # /u/{token}: the email unsubscribe link
