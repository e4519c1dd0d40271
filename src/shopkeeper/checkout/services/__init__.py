"""Services: extra work a cart may carry — on an item (carrying in, assembly, installation,
tied to its line by `parent_item_id`) or for the whole order (SMS notification, gift wrap,
extended support).

Which service goes where is in services_rules.yaml (schema in rules.py): the default shipped
here, or the shop's own, stored as table checkout_services_rules and replaced through
PUT /api/v1/shops/{shop}/services-rules (checkout.read / checkout.write; checked line by line
against the shop's catalog; audited). A service is a catalog product of kind `service`; its
variant's price in the cart currency is the price (none there: not offered).
Public: pure `services_for_item(rules, item, *, currency)`, `standalone_services(rules, ...)`,
`offer_services`, `validate_service_choice(rules, *, cart, currency, variant_id,
parent_item_id, quantity) -> ServiceChoice`; over the database `resolved_rules`,
`available_services(session, *, shop_id, cart: ServicesCart, currency) -> CartServices`,
`check_service_choice`, `get_rules`, `save_rules`. Events: none (the cart publishes its
items' events); consumes none. HTTP also: public GET /api/v1/shops/{shop}/services/standalone.
"""

from shopkeeper.checkout.services.availability import (
    CartServices,
    ItemServices,
    ServiceChoice,
    ServiceOffer,
    ServicesCart,
    ServicesLine,
    offer_services,
    services_for_item,
    standalone_services,
    validate_service_choice,
)
from shopkeeper.checkout.services.errors import (
    ServiceNotAvailable,
    ServiceQuantityNotAllowed,
    ServicesRulesChanged,
    ServicesRulesInvalid,
)
from shopkeeper.checkout.services.resolve import ResolvedRule
from shopkeeper.checkout.services.rules import (
    Pricing,
    ServiceKind,
    ServiceRule,
    ServicesRules,
    parse_rules,
)
from shopkeeper.checkout.services.schemas import ServicesRulesRead, ServicesRulesUpdate
from shopkeeper.checkout.services.service import (
    available_services,
    available_standalone,
    check_service_choice,
    get_rules,
    resolved_rules,
    save_rules,
)

__all__ = [
    "CartServices",
    "ItemServices",
    "Pricing",
    "ResolvedRule",
    "ServiceChoice",
    "ServiceKind",
    "ServiceNotAvailable",
    "ServiceOffer",
    "ServiceQuantityNotAllowed",
    "ServiceRule",
    "ServicesCart",
    "ServicesLine",
    "ServicesRules",
    "ServicesRulesChanged",
    "ServicesRulesInvalid",
    "ServicesRulesRead",
    "ServicesRulesUpdate",
    "available_services",
    "available_standalone",
    "check_service_choice",
    "get_rules",
    "offer_services",
    "parse_rules",
    "resolved_rules",
    "save_rules",
    "services_for_item",
    "standalone_services",
    "validate_service_choice",
]
