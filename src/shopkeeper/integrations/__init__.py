"""Integrations: outbound webhooks a shop registers to hear about its orders, payments, catalog.

Endpoints (https; local http only with SHOPKEEPER_WEBHOOKS_ALLOW_HTTP) choose event types from
the public catalogue (`PUBLIC_EVENTS`); each has a `whsec_` signing secret, encrypted at rest
and shown on create and rotate only. Consumes the public events of orders, payments and catalog
(handlers: one `integrations_delivery` per subscribed endpoint and event); the scheduled task
`integrations.deliver` POSTs them signed per Standard Webhooks (`webhook-id`,
`webhook-timestamp`, `webhook-signature`), retries over about three days, logs every attempt,
and disables an endpoint after sustained failure (publishes `EndpointDisabled`).
Public: `deliver_due(container)`, `sign(secret, message_id=, timestamp=, body=)`; staff's
`list_endpoints`, `get_endpoint`, `create_endpoint`, `update_endpoint`, `rotate_secret`,
`delete_endpoint` (audited), `send_test`, `list_deliveries`, `latest_deliveries`,
`retry_delivery`.
HTTP: `/api/v1/shops/{shop}/webhooks` (+ `/rotate-secret`, `/test`, `/deliveries`, retry).
"""

from shopkeeper.integrations.catalogue import PUBLIC_EVENTS, TEST_EVENT
from shopkeeper.integrations.delivery import deliver_due
from shopkeeper.integrations.endpoints import (
    create_endpoint,
    delete_endpoint,
    get_endpoint,
    list_endpoints,
    rotate_secret,
    update_endpoint,
)
from shopkeeper.integrations.errors import (
    DeliveryNotFound,
    EndpointNotFound,
    EndpointUrlRejected,
    UnknownEventType,
)
from shopkeeper.integrations.events import EndpointDisabled
from shopkeeper.integrations.operations import (
    DeliveryBusy,
    latest_deliveries,
    list_deliveries,
    retry_delivery,
    send_test,
)
from shopkeeper.integrations.schemas import (
    AttemptRead,
    DeliveryRead,
    DeliveryStatus,
    EndpointCreate,
    EndpointRead,
    EndpointUpdate,
    EndpointWithSecret,
    SendResult,
)
from shopkeeper.integrations.signing import sign

__all__ = [
    "PUBLIC_EVENTS",
    "TEST_EVENT",
    "AttemptRead",
    "DeliveryBusy",
    "DeliveryNotFound",
    "DeliveryRead",
    "DeliveryStatus",
    "EndpointCreate",
    "EndpointDisabled",
    "EndpointNotFound",
    "EndpointRead",
    "EndpointUpdate",
    "EndpointUrlRejected",
    "EndpointWithSecret",
    "SendResult",
    "UnknownEventType",
    "create_endpoint",
    "delete_endpoint",
    "deliver_due",
    "get_endpoint",
    "latest_deliveries",
    "list_deliveries",
    "list_endpoints",
    "retry_delivery",
    "rotate_secret",
    "send_test",
    "sign",
    "update_endpoint",
]
