"""Typed errors of warranty (each carries its HTTP status)."""

from __future__ import annotations

from shopkeeper.errors import Conflict, NotFound, Unprocessable


class WarrantyOfferNotFound(NotFound):
    """Unknown, or of another shop."""

    def __init__(self, detail: str = "Warranty offer not found") -> None:
        super().__init__(detail)


class WarrantyOfferExists(Conflict):
    def __init__(self) -> None:
        super().__init__("This warranty is already offered for this product")


class InvalidWarrantyOffer(Unprocessable):
    """The product or the warranty variant is not what an offer needs; the detail names it."""


class WarrantyNotOffered(Unprocessable):
    """The chosen warranty cannot go on that cart line; the detail says why."""


class WarrantyAlreadyChosen(Conflict):
    """The line already has a warranty: one per line (remove it to choose another)."""
