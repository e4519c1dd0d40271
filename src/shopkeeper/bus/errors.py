"""Errors of the event bus's admin operations."""

from __future__ import annotations

from shopkeeper.errors import NotFound


class DeadDeliveryNotFound(NotFound):
    """No dead delivery matches the given event id (and handler)."""
