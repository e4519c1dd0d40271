"""The public event types a shop may subscribe an endpoint to, and their Event classes."""

from __future__ import annotations

from shopkeeper.access.events import AccessActionRequired, AccessGranted, AccessRevoked
from shopkeeper.bus import Event
from shopkeeper.catalog.events import ProductPublished, StockDepleted
from shopkeeper.orders.events import OrderCancelled, OrderPaid, OrderPlaced, OrderRefunded
from shopkeeper.payments.events import PaymentFailed, PaymentSucceeded, RefundSucceeded

_SOURCES: tuple[type[Event], ...] = (
    OrderPlaced,
    OrderPaid,
    OrderCancelled,
    OrderRefunded,
    PaymentSucceeded,
    PaymentFailed,
    RefundSucceeded,
    ProductPublished,
    StockDepleted,
    AccessGranted,
    AccessActionRequired,
    AccessRevoked,
)
PUBLIC_EVENTS: dict[str, type[Event]] = {cls.name: cls for cls in _SOURCES}
TEST_EVENT = "webhook.test"
