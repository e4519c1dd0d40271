"""Checkout customer: who buys (customer data) and the consents the shop asks for.

Customer data (table checkout_customer_data, one row per cart): email, international phone,
name and, for a company invoice, company, tax id (PL NIP with its checksum, EU VAT numbers
by format) and address. Consents (checkout_consent, `code` unique per shop) have texts in
en/pl/ru as versions (checkout_consent_version): editing a text makes a new version, so an
answer (checkout_consent_acceptance, one per cart and consent) to an earlier text no longer
counts. Public: `finalize_blockers` ("customer_data", "consent:<code>"), `customer_snapshot`
(what the order keeps), `customer_readiness` (both from one read, for finalising),
`get_customer_data`, `provide_customer_data`, `shopper_consents`, `give_consents`,
`list_consents`, `get_consent`, `create_consent`, `update_consent`, `deactivate_consent`,
`choose_language` / `text_in` (a text in the shopper's language).
Publishes `checkout.customer_data_provided.v1`, `checkout.consents_given.v1` (topic
checkout-events); consumes none.
HTTP under /api/v1/shops/{shop}: /checkout/consents, /checkout/customer-data (the cart's
owner) and /consents (staff: checkout.read / checkout.write, audited).
"""

from shopkeeper.checkout.customer.acceptance import give_consents, shopper_consents
from shopkeeper.checkout.customer.consents import (
    create_consent,
    deactivate_consent,
    get_consent,
    list_consents,
    update_consent,
)
from shopkeeper.checkout.customer.customer_data import (
    customer_data_of,
    get_customer_data,
    provide_customer_data,
)
from shopkeeper.checkout.customer.errors import (
    ConsentCodeTaken,
    ConsentNotFound,
    ConsentUnknown,
    ConsentVersionInvalid,
    ConsentVersionOutdated,
    CustomerCartNotFound,
    CustomerDataMissing,
    CustomerDataNotFound,
)
from shopkeeper.checkout.customer.events import ConsentsGiven, CustomerDataProvided, GivenConsent
from shopkeeper.checkout.customer.language import choose_language, text_in
from shopkeeper.checkout.customer.readiness import (
    customer_readiness,
    customer_snapshot,
    finalize_blockers,
)
from shopkeeper.checkout.customer.schemas import (
    LANGUAGES,
    MAX_TEXT,
    ConsentAnswer,
    ConsentCreate,
    ConsentDetail,
    ConsentRead,
    ConsentTexts,
    ConsentUpdate,
    ConsentVersionRead,
    CustomerDataRead,
    CustomerDataWrite,
    CustomerSnapshot,
    InvoiceData,
    ShopperConsent,
    ShopperConsents,
    SnapshotConsent,
)

__all__ = [
    "LANGUAGES",
    "MAX_TEXT",
    "ConsentAnswer",
    "ConsentCodeTaken",
    "ConsentCreate",
    "ConsentDetail",
    "ConsentNotFound",
    "ConsentRead",
    "ConsentTexts",
    "ConsentUnknown",
    "ConsentUpdate",
    "ConsentVersionInvalid",
    "ConsentVersionOutdated",
    "ConsentVersionRead",
    "ConsentsGiven",
    "CustomerCartNotFound",
    "CustomerDataMissing",
    "CustomerDataNotFound",
    "CustomerDataProvided",
    "CustomerDataRead",
    "CustomerDataWrite",
    "CustomerSnapshot",
    "GivenConsent",
    "InvoiceData",
    "ShopperConsent",
    "ShopperConsents",
    "SnapshotConsent",
    "choose_language",
    "create_consent",
    "customer_data_of",
    "customer_readiness",
    "customer_snapshot",
    "deactivate_consent",
    "finalize_blockers",
    "get_consent",
    "get_customer_data",
    "give_consents",
    "list_consents",
    "provide_customer_data",
    "shopper_consents",
    "text_in",
    "update_consent",
]
