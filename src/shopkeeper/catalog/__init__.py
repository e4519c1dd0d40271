"""Catalog: what a shop sells — products, variants (SKUs), prices, stock, categories, taxes.

Products are physical, digital, plan (period, trial, grace), course, service or warranty;
each has one or more variants with prices per currency in minor units (XTR allowed); only
physical variants may track stock. Archiving is a soft delete: past orders keep snapshots.
Public (for orders, payments, storefront): `get_sellable(session, *, shop_id, variant_id,
currency) -> SellableRead` (`get_sellables`: several in one query), `reserve_stock` /
`release_stock(session, *, shop_id, items)` (atomic conditional UPDATEs, all or nothing →
OutOfStock), `get_product` (`get_products`: several), `list_products`,
`all_products`, `list_published` (no auth: published, live products only), `get_catalog_settings`,
`list_categories` (the shop's category tree as rows with `parent_id`).
Staff changes (admin pages; each audited): `update_product`, `set_published`,
`archive_product`, `add_variant`, `update_variant`, `archive_variant`, `set_price`,
`remove_price`, `set_stock`, `adjust_stock`.
Events published: `catalog.product_published.v1`, `catalog.stock_depleted.v1`; consumes none.
HTTP: /api/v1/shops/{shop}/products (…/variants, …/prices, …/stock, …/images, publish),
/categories, /tax-classes, /catalog/settings (catalog.read / catalog.write; audited);
images are served at /media/{key} from the local directory or S3-compatible storage.
"""

from shopkeeper.catalog.errors import (
    LastVariant,
    OutOfStock,
    PriceNotFound,
    ProductArchived,
    ProductNotFound,
    SkuTaken,
    SlugTaken,
    StockNotAllowed,
    StockNotTracked,
    VariantNotFound,
)
from shopkeeper.catalog.events import ProductPublished, StockDepleted
from shopkeeper.catalog.schemas import (
    PeriodUnit,
    PlanTerms,
    PriceIn,
    ProductCreate,
    ProductFilter,
    ProductKind,
    ProductRead,
    ProductSort,
    ProductUpdate,
    SellableRead,
    VariantCreate,
    VariantRead,
    VariantUpdate,
)
from shopkeeper.catalog.service.categories import list_categories
from shopkeeper.catalog.service.products import (
    all_products,
    archive_product,
    create_product,
    get_product,
    get_products,
    list_products,
    list_published,
    set_published,
    update_product,
)
from shopkeeper.catalog.service.sellable import get_sellable, get_sellables
from shopkeeper.catalog.service.stock import adjust_stock, release_stock, reserve_stock, set_stock
from shopkeeper.catalog.service.tax import get_catalog_settings
from shopkeeper.catalog.service.variants import (
    add_variant,
    archive_variant,
    remove_price,
    set_price,
    update_variant,
)

__all__ = [
    "LastVariant",
    "OutOfStock",
    "PeriodUnit",
    "PlanTerms",
    "PriceIn",
    "PriceNotFound",
    "ProductArchived",
    "ProductCreate",
    "ProductFilter",
    "ProductKind",
    "ProductNotFound",
    "ProductPublished",
    "ProductRead",
    "ProductSort",
    "ProductUpdate",
    "SellableRead",
    "SkuTaken",
    "SlugTaken",
    "StockDepleted",
    "StockNotAllowed",
    "StockNotTracked",
    "VariantCreate",
    "VariantNotFound",
    "VariantRead",
    "VariantUpdate",
    "add_variant",
    "adjust_stock",
    "all_products",
    "archive_product",
    "archive_variant",
    "create_product",
    "get_catalog_settings",
    "get_product",
    "get_products",
    "get_sellable",
    "get_sellables",
    "list_categories",
    "list_products",
    "list_published",
    "release_stock",
    "remove_price",
    "reserve_stock",
    "set_price",
    "set_published",
    "set_stock",
    "update_product",
    "update_variant",
]
