"""Warranty: extended warranties a customer may add to a product line of the cart.

An offer (table checkout_warranty_offer) says that a variant of a catalog product of kind
warranty, lasting `months`, is sold with one physical product; its price is that variant's
catalog price in the cart currency. A chosen warranty becomes a cart item of type warranty
tied to its line (`parent_item_id`), one per line, covering each of the line's units.
Public: `warranty_offers_for(session, *, shop_id, product_ids, currency) -> {product_id:
[WarrantyOption]}`, pure `validate_warranty_choice(options, *, cart: WarrantyCart,
parent_item_id, variant_id) -> WarrantyChoice`, `check_warranty_choice` (both at once),
`create_offer`, `list_offers`, `get_offer`, `update_offer`, `delete_offer`.
Events: `warranty.warranty_selected.v1` (`WarrantySelected`, topic warranty-events), published
by the cart when a warranty item is added; consumes none.
HTTP: /api/v1/shops/{shop}/warranty-offers (checkout.read / checkout.write; audited).
"""

from shopkeeper.checkout.warranty.errors import (
    InvalidWarrantyOffer,
    WarrantyAlreadyChosen,
    WarrantyNotOffered,
    WarrantyOfferExists,
    WarrantyOfferNotFound,
)
from shopkeeper.checkout.warranty.offers import (
    check_warranty_choice,
    validate_warranty_choice,
    warranty_offers_for,
)
from shopkeeper.checkout.warranty.schemas import (
    WarrantyCart,
    WarrantyChoice,
    WarrantyLine,
    WarrantyOfferCreate,
    WarrantyOfferRead,
    WarrantyOfferUpdate,
    WarrantyOption,
)
from shopkeeper.checkout.warranty.service import (
    create_offer,
    delete_offer,
    get_offer,
    list_offers,
    update_offer,
)

__all__ = [
    "InvalidWarrantyOffer",
    "WarrantyAlreadyChosen",
    "WarrantyCart",
    "WarrantyChoice",
    "WarrantyLine",
    "WarrantyNotOffered",
    "WarrantyOfferCreate",
    "WarrantyOfferExists",
    "WarrantyOfferNotFound",
    "WarrantyOfferRead",
    "WarrantyOfferUpdate",
    "WarrantyOption",
    "check_warranty_choice",
    "create_offer",
    "delete_offer",
    "get_offer",
    "list_offers",
    "update_offer",
    "validate_warranty_choice",
    "warranty_offers_for",
]
