"""The checkout payment tests use the checkout session's fixtures: the fake Calendar API,
the frozen-clock container (2026-01-01 12:00 UTC) and the Dom store."""

from __future__ import annotations

from tests.builders.fixtures import container
from tests.checkout.session.conftest import fake_calendar, settings, store

__all__ = ["container", "fake_calendar", "settings", "store"]
