"""Shipping: a shop's shipping methods, which of them a cart can use, addresses, delivery dates.

Methods (courier, parcel locker, pickup, post) carry prices and free-from thresholds per
currency, weight / item-size / category / cart-value limits, a cash-on-delivery flag and,
for dated deliveries, a calendar code and add-ons (Sunday delivery, an evening slot).
Public: `available_methods(session, *, shop_id, cart: CartDescription, now, calendar=None)
-> list[MethodOffer]` (over the pure `offer_methods`), `create_method`, `list_methods`,
`get_method`, `get_method_by_code`, `ShippingAddress` (postal codes per country; also
`normalise_country`, `normalise_postal_code`),
`delivery_days(...) -> DeliveryDays | DatesUnavailable`, `validate_delivery_date(...) ->
DeliveryChoice`, `calendar_client(container)`: the process's Calendar API client (circuit
breaker, cache; wire format in calendar_client.py). Events: none yet (the checkout session
will publish `shipping.method_selected.v1`, ...); consumes none.
HTTP: /api/v1/shops/{shop}/shipping-methods (checkout.read / checkout.write; audited) and
the public GET /api/v1/shops/{shop}/shipping/calendar.
"""

from shopkeeper.checkout.shipping.address import (
    Phone,
    ShippingAddress,
    international_phone,
    normalise_country,
    normalise_postal_code,
)
from shopkeeper.checkout.shipping.availability import (
    AddonOffer,
    CartDescription,
    CartLine,
    MethodOffer,
    Unavailability,
    available_methods,
    offer_methods,
)
from shopkeeper.checkout.shipping.calendar_client import (
    CalendarAnswer,
    CalendarClient,
    CalendarOutage,
    DeliveryDay,
)
from shopkeeper.checkout.shipping.delivery import (
    DatesUnavailable,
    DayOffer,
    DeliveryChoice,
    DeliveryDays,
    delivery_days,
    validate_delivery_date,
)
from shopkeeper.checkout.shipping.deps import calendar_client
from shopkeeper.checkout.shipping.errors import (
    AddonNotOffered,
    CalendarUnavailable,
    DeliveryDateNotNeeded,
    DeliveryDateNotOffered,
    InvalidDeliveryAddress,
    ShippingMethodNotFound,
)
from shopkeeper.checkout.shipping.methods import (
    create_method,
    get_method,
    get_method_by_code,
    list_methods,
)
from shopkeeper.checkout.shipping.offers_cache import offers_family
from shopkeeper.checkout.shipping.schemas import (
    Addon,
    AddonRule,
    MethodKind,
    ShippingMethodCreate,
    ShippingMethodRead,
)

__all__ = [
    "Addon",
    "AddonNotOffered",
    "AddonOffer",
    "AddonRule",
    "CalendarAnswer",
    "CalendarClient",
    "CalendarOutage",
    "CalendarUnavailable",
    "CartDescription",
    "CartLine",
    "DatesUnavailable",
    "DayOffer",
    "DeliveryChoice",
    "DeliveryDateNotNeeded",
    "DeliveryDateNotOffered",
    "DeliveryDay",
    "DeliveryDays",
    "InvalidDeliveryAddress",
    "MethodKind",
    "MethodOffer",
    "Phone",
    "ShippingAddress",
    "ShippingMethodCreate",
    "ShippingMethodNotFound",
    "ShippingMethodRead",
    "Unavailability",
    "available_methods",
    "calendar_client",
    "create_method",
    "delivery_days",
    "get_method",
    "get_method_by_code",
    "international_phone",
    "list_methods",
    "normalise_country",
    "normalise_postal_code",
    "offer_methods",
    "offers_family",
    "validate_delivery_date",
]
