"""Events of customer data and consents (topic checkout-events, key = the cart id).

They carry no personal data (no email, phone or name): a consumer that needs it asks
`customer_snapshot`."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict

from shopkeeper.bus import Event


class CustomerDataProvided(Event):
    name = "checkout.customer_data_provided.v1"
    key_field = "cart_id"

    cart_id: uuid.UUID
    shop_id: uuid.UUID
    customer_id: uuid.UUID | None
    version: int  # the customer data's version after the change
    invoice: bool  # a company invoice is wanted
    invoice_country: str | None = None


class GivenConsent(BaseModel):
    model_config = ConfigDict(frozen=True)

    consent_id: uuid.UUID
    code: str
    version_id: uuid.UUID
    version: int
    accepted: bool


class ConsentsGiven(Event):
    """The shopper answered consents (each: accepted or refused, at which text version)."""

    name = "checkout.consents_given.v1"
    key_field = "cart_id"

    cart_id: uuid.UUID
    shop_id: uuid.UUID
    customer_id: uuid.UUID | None
    consents: list[GivenConsent]
