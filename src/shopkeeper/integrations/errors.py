"""Errors of the integrations context."""

from __future__ import annotations

from shopkeeper.errors import NotFound, Unprocessable


class EndpointNotFound(NotFound):
    """No such webhook endpoint in this shop."""


class DeliveryNotFound(NotFound):
    """No such delivery for this endpoint."""


class EndpointUrlRejected(Unprocessable):
    """The URL is not an https URL (or an allowed local http one)."""


class UnknownEventType(Unprocessable):
    """An event type outside the public catalogue."""
