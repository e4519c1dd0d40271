"""Cart: a shopper's lines (offers, accessories, and services / warranties tied to a line).

A cart belongs to the signed-in storefront customer or, anonymously, to a random token
(shown once, stored hashed, sent back as `X-Cart-Token`); at sign-in `merge_carts` moves the
anonymous cart into the customer's. Public: `add_item`, `change_quantity`, `remove_item`
(children go with their parent), `merge_carts`, `read_cart_view` (the materialised view:
catalog prices in the cart's currency, stock, `promotions.evaluate_cart` discounts, gifts,
totals), `rebuild_view`, `get_cart`, `find_cart`; after checkout `owned_cart`, `owns`,
`convert_cart`, `reopen_cart` (a failed payment opens the cart again);
`bind_customer_resolver` (the port the storefront binds). Publishes `cart.item_added.v1`,
`cart.item_removed.v1`, `cart.item_quantity_changed.v1` (topic cart-events, key = cart id);
consumes its own (view rebuild) and `identity.customers_merged.v1`. Views: Redis
`cart:view:{cart_id}` and `cart:counter:{cart_id}` when configured, else `checkout_cart_view`.
HTTP: /api/v1/shops/{shop}/cart, /cart/items[/{id}], /cart/merge.
"""

from shopkeeper.checkout.cart.carts import find_cart
from shopkeeper.checkout.cart.deps import (
    CART_TOKEN_HEADER,
    CustomerResolver,
    bind_customer_resolver,
)
from shopkeeper.checkout.cart.errors import (
    CartFull,
    CartItemInvalid,
    CartItemNotFound,
    CartNotFound,
    CartQuantityTooLarge,
    CartSignInRequired,
    CartStockExceeded,
    CartTokenRequired,
)
from shopkeeper.checkout.cart.events import (
    CartItemAdded,
    CartItemQuantityChanged,
    CartItemRemoved,
)
from shopkeeper.checkout.cart.items import add_item, change_quantity, remove_item
from shopkeeper.checkout.cart.lifecycle import convert_cart, owned_cart, owns, reopen_cart
from shopkeeper.checkout.cart.merge import merge_carts, merge_customer_carts
from shopkeeper.checkout.cart.reads import get_cart, read_cart_view, rebuild_view
from shopkeeper.checkout.cart.schemas import (
    MAX_LINES,
    MAX_QUANTITY,
    CartItemCreate,
    CartItemRead,
    CartItemUpdate,
    CartOwner,
    CartRead,
    CartsMerged,
    CartState,
    CartView,
    CartViewGift,
    CartViewLine,
    CartViewPromotion,
    ItemAdded,
    ItemChanged,
    ItemsRemoved,
    ItemType,
)
from shopkeeper.checkout.cart.view_store import CartViewStore, view_store

__all__ = [
    "CART_TOKEN_HEADER",
    "MAX_LINES",
    "MAX_QUANTITY",
    "CartFull",
    "CartItemAdded",
    "CartItemCreate",
    "CartItemInvalid",
    "CartItemNotFound",
    "CartItemQuantityChanged",
    "CartItemRead",
    "CartItemRemoved",
    "CartItemUpdate",
    "CartNotFound",
    "CartOwner",
    "CartQuantityTooLarge",
    "CartRead",
    "CartSignInRequired",
    "CartState",
    "CartStockExceeded",
    "CartTokenRequired",
    "CartView",
    "CartViewGift",
    "CartViewLine",
    "CartViewPromotion",
    "CartViewStore",
    "CartsMerged",
    "CustomerResolver",
    "ItemAdded",
    "ItemChanged",
    "ItemType",
    "ItemsRemoved",
    "add_item",
    "bind_customer_resolver",
    "change_quantity",
    "convert_cart",
    "find_cart",
    "get_cart",
    "merge_carts",
    "merge_customer_carts",
    "owned_cart",
    "owns",
    "read_cart_view",
    "rebuild_view",
    "remove_item",
    "reopen_cart",
    "view_store",
]
