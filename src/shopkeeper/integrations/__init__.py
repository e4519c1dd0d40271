"""Integrations: outbound webhooks a shop registers to hear about its orders, payments, catalog.

Endpoints (https; local http only with SHOPKEEPER_WEBHOOKS_ALLOW_HTTP) choose event types from
the public catalogue (`PUBLIC_EVENTS`); each has a `whsec_` signing secret, encrypted at rest
and shown on create and rotate only. Consumes the public events of orders, payments and catalog
(handlers: one `integrations_delivery` per subscribed endpoint and event); the scheduled task
`integrations.deliver` POSTs them signed per Standard Webhooks (`webhook-id`,
`webhook-timestamp`, `webhook-signature`), retries over about three days, logs every attempt,
and disables an endpoint after sustained failure (publishes `EndpointDisabled`).
Public: `deliver_due(container)`, `sign(secret, message_id=, timestamp=, body=)`.
HTTP: `/api/v1/shops/{shop}/webhooks` (+ `/rotate-secret`, `/test`, `/deliveries`, retry).
"""

from shopkeeper.integrations.catalogue import PUBLIC_EVENTS, TEST_EVENT
from shopkeeper.integrations.delivery import deliver_due
from shopkeeper.integrations.events import EndpointDisabled
from shopkeeper.integrations.signing import sign

__all__ = ["PUBLIC_EVENTS", "TEST_EVENT", "EndpointDisabled", "deliver_due", "sign"]
