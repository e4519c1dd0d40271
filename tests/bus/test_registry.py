"""Handler registration: shapes are checked once, identities and contexts are derived."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bus import build_registry, load_registry
from shopkeeper.bus.registry import context_of
from tests.bus.support import ThingFailed, ThingHappened, on_thing, on_thing_flaky


def test_registry_finds_handlers_by_event_and_consuming_context() -> None:
    registry = build_registry(
        {"seen": {ThingHappened: [on_thing]}, "flaky": {ThingHappened: [on_thing_flaky]}}
    )
    assert [s.identity for s in registry.for_event(ThingHappened.name)] == [
        "tests.bus.support:on_thing",
        "tests.bus.support:on_thing_flaky",
    ]
    assert [s.context for s in registry.for_event(ThingHappened.name, "flaky")] == ["flaky"]
    assert registry.for_event(ThingFailed.name) == ()
    assert registry.groups() == {"flaky": ["bustest-events"], "seen": ["bustest-events"]}


def test_a_module_registry_uses_its_handlers_table_and_package_as_context() -> None:
    registry = load_registry(["tests.bus.support"])
    [sub] = registry.for_event(ThingHappened.name)
    assert (sub.identity, sub.context) == ("tests.bus.support:on_thing_slow", "tests")
    assert context_of("shopkeeper.orders.handlers") == "orders"


def test_a_handler_asking_for_an_unknown_argument_is_refused_at_registration() -> None:
    async def on_thing_bad(event: ThingHappened, session: AsyncSession, db: object) -> None:
        return None

    with pytest.raises(TypeError, match="asks for db"):
        build_registry({"bad": {ThingHappened: [on_thing_bad]}})


def test_a_sync_handler_is_refused() -> None:
    def on_thing_sync(event: ThingHappened) -> None:
        return None

    with pytest.raises(TypeError, match="must be an async function"):
        build_registry({"bad": {ThingHappened: [on_thing_sync]}})


def test_the_same_handler_twice_for_one_event_is_refused() -> None:
    with pytest.raises(TypeError, match="twice"):
        build_registry({"a": {ThingHappened: [on_thing, on_thing]}})
