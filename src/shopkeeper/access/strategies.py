"""Which strategy applies a grant on which platform: built-ins plus what adapters register."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.access.ports import AccessStrategy, GrantOutcome, GrantRequest

EXTRA_KEY = "access.strategies"

Strategies = Mapping[str, AccessStrategy]


class StrategyHost(Protocol):
    """What holds the registry: `shopkeeper.container.Container` (its `extras`)."""

    extras: dict[str, Any]


class WebhookStrategy:
    """Granted at once: the shop's subscribed endpoints receive AccessGranted/AccessRevoked
    through integrations, and fulfil the grant themselves."""

    platform = "webhook"

    async def grant(self, session: AsyncSession, request: GrantRequest) -> GrantOutcome:
        return GrantOutcome(state="granted")

    async def revoke(self, session: AsyncSession, request: GrantRequest) -> None:
        return None


class CourseStrategy:
    """Granted at once: the grant itself is the enrolment until a courses context registers
    its own strategy for "course"."""

    platform = "course"

    async def grant(self, session: AsyncSession, request: GrantRequest) -> GrantOutcome:
        return GrantOutcome(state="granted")

    async def revoke(self, session: AsyncSession, request: GrantRequest) -> None:
        return None


BUILT_IN: dict[str, AccessStrategy] = {"webhook": WebhookStrategy(), "course": CourseStrategy()}


def register_strategy(container: StrategyHost, strategy: AccessStrategy) -> None:
    """Use `strategy` for its platform from now on (replacing a built-in or an earlier one)."""
    registered: dict[str, AccessStrategy] = container.extras.setdefault(EXTRA_KEY, {})
    registered[strategy.platform] = strategy


def strategies_of(container: StrategyHost) -> Strategies:
    """Built-ins overlaid with the container's registered strategies."""
    return {**BUILT_IN, **container.extras.get(EXTRA_KEY, {})}
