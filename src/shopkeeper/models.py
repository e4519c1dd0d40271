"""Every context's tables, imported so that Base.metadata is complete (Alembic, tests)."""

from shopkeeper.access import models as access_models
from shopkeeper.audit import models as audit_models
from shopkeeper.bots.discord import models as discord_models
from shopkeeper.bots.telegram import chat_models as telegram_chat_models
from shopkeeper.bots.telegram import models as telegram_models
from shopkeeper.bots.telegram.playground import models as telegram_playground_models
from shopkeeper.bus import models as bus_models
from shopkeeper.cache import models as cache_models
from shopkeeper.catalog import models as catalog_models
from shopkeeper.checkout.cart import models as cart_models
from shopkeeper.checkout.customer import models as checkout_customer_models
from shopkeeper.checkout.finalize import models as checkout_order_models
from shopkeeper.checkout.payment import models as checkout_payment_models
from shopkeeper.checkout.services import models as services_models
from shopkeeper.checkout.session import models as checkout_session_models
from shopkeeper.checkout.shipping import models as shipping_models
from shopkeeper.checkout.warranty import models as warranty_models
from shopkeeper.db import Base
from shopkeeper.identity import models as identity_models
from shopkeeper.integrations import models as integrations_models
from shopkeeper.invoices import models as invoices_models
from shopkeeper.notifications import models as notifications_models
from shopkeeper.notifications.broadcasts import models as notifications_broadcasts_models
from shopkeeper.notifications.preferences import models as notifications_preferences_models
from shopkeeper.notifications.winback import models as notifications_winback_models
from shopkeeper.orders import models as orders_models
from shopkeeper.payments import models as payments_models
from shopkeeper.promotions import models as promotions_models
from shopkeeper.promotions.rules import models as promotions_rules_models
from shopkeeper.ratelimit import models as ratelimit_models
from shopkeeper.scheduler import models as scheduler_models
from shopkeeper.shops import models as shops_models
from shopkeeper.subscriptions import models as subscriptions_models
from shopkeeper.web.store import models as store_models

__all__ = [
    "Base",
    "access_models",
    "audit_models",
    "bus_models",
    "cache_models",
    "cart_models",
    "catalog_models",
    "checkout_customer_models",
    "checkout_order_models",
    "checkout_payment_models",
    "checkout_session_models",
    "discord_models",
    "identity_models",
    "integrations_models",
    "invoices_models",
    "notifications_broadcasts_models",
    "notifications_models",
    "notifications_preferences_models",
    "notifications_winback_models",
    "orders_models",
    "payments_models",
    "promotions_models",
    "promotions_rules_models",
    "ratelimit_models",
    "scheduler_models",
    "services_models",
    "shipping_models",
    "shops_models",
    "store_models",
    "subscriptions_models",
    "telegram_chat_models",
    "telegram_models",
    "telegram_playground_models",
    "warranty_models",
]
