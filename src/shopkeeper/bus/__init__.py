"""Event bus: transactional outbox, relay, at-least-once delivery, idempotent handlers.

Publishing: `publish(session, event)` adds an outbox row to the caller's transaction; the
event exists only if that transaction commits. `Event` is the base of every event (frozen,
`name = "<context>.<event>.v<N>"`, `key()` = the aggregate id that orders delivery).

Subscribing: a context's `handlers.py` has `HANDLERS = {EventType: [on_event, ...]}`, listed
in `bootstrap.HANDLER_MODULES`. A handler is `async def on_x(event, session, ...)` and may also
ask, by parameter name, for `clock`, `settings` or `container`. `build_registry({context:
HANDLERS})` / `load_registry(modules)` / `registry_for(container)` build the `Registry`.

Delivery: `run_bus(container)` (in `shopkeeper worker` and `serve`) relays the outbox in order
to the handlers in-process (memory://) or to the broker (redis/amqp/nats/kafka, see
`bus.brokers`), runs consumers, and retries. A publishing commit wakes the relay at once (on
PostgreSQL in every process: LISTEN/NOTIFY, see `bus.wakeup`); polling every
`relay_poll_seconds` is the fallback. `drain(container, registry=None)` delivers all
that is due now, in-process (tests, CLI). A handler's effects commit with an inbox row (event
id, handler), so a redelivered event has no second effect; handlers of a batch share a
transaction optimistically and a failing one is rolled back alone (see `bus.batch`), retried
with exponential backoff (`event_retry_base_seconds`) and parked as dead after
`event_max_attempts`. Order is kept per `Event.key()`.

Operations: `bus_stats(session, now) -> BusStats`, `list_dead(session)`, `dead_count(session,
shop_id=None)` (dead deliveries, of one shop's events), `retry_dead(session,
event_id=..., handler=None, now=...)` (raises `DeadDeliveryNotFound`).
"""

from shopkeeper.bus.admin import DeadDelivery, dead_count, list_dead, retry_dead
from shopkeeper.bus.errors import DeadDeliveryNotFound
from shopkeeper.bus.events import Event
from shopkeeper.bus.publisher import publish
from shopkeeper.bus.registry import (
    Registry,
    Subscription,
    build_registry,
    load_registry,
    registry_for,
)
from shopkeeper.bus.relay import drain
from shopkeeper.bus.runtime import run_bus
from shopkeeper.bus.stats import BusStats, bus_stats

__all__ = [
    "BusStats",
    "DeadDelivery",
    "DeadDeliveryNotFound",
    "Event",
    "Registry",
    "Subscription",
    "build_registry",
    "bus_stats",
    "dead_count",
    "drain",
    "list_dead",
    "load_registry",
    "publish",
    "registry_for",
    "retry_dead",
    "run_bus",
]
