"""Event bus: transactional outbox, relay, at-least-once delivery, idempotent handlers.

Public: `publish(session, event)` writes an outbox row in the caller's transaction; `Event` is
the base of every event (frozen, `name = "<context>.<event>.v<N>"`). The relay (see
`shopkeeper.bus.relay`) delivers each committed event to every handler registered in a
context's `HANDLERS` table, in-process or through a broker; handlers run in their own
transaction, the inbox makes redelivery harmless, failures retry with backoff and park as dead.
"""

from shopkeeper.bus.events import Event
from shopkeeper.bus.publisher import publish

__all__ = ["Event", "publish"]
