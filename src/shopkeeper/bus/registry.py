"""Which handler runs for which event: built from each context's `HANDLERS` table."""

from __future__ import annotations

import importlib
import inspect
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bus.events import Event
from shopkeeper.bus.ports import BusContainer

Handler = Callable[..., Awaitable[None]]
HandlerTable = Mapping[type[Event], Sequence[Handler]]
_Provider = Callable[[AsyncSession, BusContainer, uuid.UUID], Any]

# What a handler may ask for, by parameter name, after the event.
PROVIDERS: dict[str, _Provider] = {
    "session": lambda session, _container, _event_id: session,
    "clock": lambda _session, container, _event_id: container.clock,
    "settings": lambda _session, container, _event_id: container.settings,
    "container": lambda _session, container, _event_id: container,
    # The outbox id of this event: the same on every redelivery (a dedupe key downstream).
    "event_id": lambda _session, _container, event_id: event_id,
}


@dataclass(frozen=True)
class Subscription:
    """One handler subscribed to one event type, with its arguments resolved once."""

    event_type: type[Event]
    handler: Handler
    identity: str  # "module:qualname": the inbox and delivery key
    context: str  # the consuming context: its consumer group on a broker
    params: tuple[tuple[str, _Provider], ...] = field(repr=False)

    def parse(self, payload: dict[str, Any]) -> Event:
        return self.event_type.model_validate(payload)

    async def run(
        self, event: Event, session: AsyncSession, container: BusContainer, event_id: uuid.UUID
    ) -> None:
        kwargs = {name: provide(session, container, event_id) for name, provide in self.params}
        await self.handler(event, **kwargs)


class Registry:
    """Every subscription, looked up by event name, handler identity or consuming context."""

    def __init__(self, subscriptions: Iterable[Subscription]) -> None:
        self._all = tuple(subscriptions)
        self._by_name: dict[str, tuple[Subscription, ...]] = {}
        self._by_identity: dict[tuple[str, str], Subscription] = {}
        for sub in self._all:
            key = (sub.event_type.name, sub.identity)
            if key in self._by_identity:
                raise TypeError(f"{sub.identity} is subscribed to {key[0]} twice")
            self._by_identity[key] = sub
            self._by_name[sub.event_type.name] = (*self._by_name.get(key[0], ()), sub)

    def __len__(self) -> int:
        return len(self._all)

    def for_event(self, name: str, context: str | None = None) -> tuple[Subscription, ...]:
        """Subscriptions to event `name`, optionally only those of one consuming context."""
        subs = self._by_name.get(name, ())
        return subs if context is None else tuple(s for s in subs if s.context == context)

    def find(self, name: str, identity: str) -> Subscription | None:
        return self._by_identity.get((name, identity))

    def groups(self) -> dict[str, list[str]]:
        """Consuming context → the topics (publishing contexts) it listens to, sorted."""
        topics: dict[str, set[str]] = {}
        for sub in self._all:
            topics.setdefault(sub.context, set()).add(sub.event_type.topic())
        return {context: sorted(names) for context, names in sorted(topics.items())}


def subscription(event_type: type[Event], handler: Handler, *, context: str) -> Subscription:
    """Check a handler's shape and resolve what it asks for, once."""
    if not getattr(event_type, "name", None):
        raise TypeError(f"{event_type!r} is not a named Event")
    if not inspect.iscoroutinefunction(handler):
        raise TypeError(f"handler {handler!r} must be an async function")
    params = list(inspect.signature(handler).parameters.values())
    if not params:
        raise TypeError(f"handler {handler.__qualname__} must take the event first")
    unknown = [p.name for p in params[1:] if p.name not in PROVIDERS]
    if unknown:
        raise TypeError(
            f"handler {handler.__qualname__} asks for {', '.join(unknown)}; "
            f"a handler may ask for {', '.join(PROVIDERS)}"
        )
    return Subscription(
        event_type=event_type,
        handler=handler,
        identity=f"{handler.__module__}:{handler.__qualname__}",
        context=context,
        params=tuple((p.name, PROVIDERS[p.name]) for p in params[1:]),
    )


def build_registry(tables: Mapping[str, HandlerTable]) -> Registry:
    """A registry from `{consuming context: HANDLERS table}` (tests build their own this way)."""
    return Registry(
        subscription(event_type, handler, context=context)
        for context, table in tables.items()
        for event_type, handlers in table.items()
        for handler in handlers
    )


def context_of(module: str) -> str:
    """`shopkeeper.orders.handlers` → `orders`: the package that owns the handlers."""
    parts = module.split(".")
    return parts[1] if parts[0] == "shopkeeper" and len(parts) > 2 else parts[0]


def load_registry(modules: Iterable[str]) -> Registry:
    """Import each module and subscribe its `HANDLERS` table under the module's context."""
    tables: dict[str, dict[type[Event], list[Handler]]] = {}
    for name in modules:
        table: HandlerTable = getattr(importlib.import_module(name), "HANDLERS", None) or {}
        merged = tables.setdefault(context_of(name), {})
        for event_type, handlers in table.items():
            merged.setdefault(event_type, []).extend(handlers)
    return build_registry(tables)


def registry_for(container: BusContainer) -> Registry:
    """The registry of `container.handler_modules`, built once per container."""
    registry = container.extras.get("bus.registry")
    if registry is None:
        registry = container.extras["bus.registry"] = load_registry(container.handler_modules)
    return registry
