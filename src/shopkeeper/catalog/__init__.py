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
Events published: `catalog.product_published.v1`, `catalog.stock_depleted.v1`; consumes none.
HTTP: /api/v1/shops/{shop}/products (…/variants, …/prices, …/stock, …/images, publish),
/categories, /tax-classes, /catalog/settings (catalog.read / catalog.write; audited);
images are served at /media/{key} from the local directory or S3-compatible storage.
"""

from shopkeeper.catalog.errors import (
    OutOfStock,
    PriceNotFound,
    ProductNotFound,
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
    SellableRead,
    VariantCreate,
    VariantRead,
)
from shopkeeper.catalog.service.categories import list_categories
from shopkeeper.catalog.service.products import (
    all_products,
    create_product,
    get_product,
    get_products,
    list_products,
    list_published,
)
from shopkeeper.catalog.service.sellable import get_sellable, get_sellables
from shopkeeper.catalog.service.stock import release_stock, reserve_stock
from shopkeeper.catalog.service.tax import get_catalog_settings

__all__ = [
    "OutOfStock",
    "PeriodUnit",
    "PlanTerms",
    "PriceIn",
    "PriceNotFound",
    "ProductCreate",
    "ProductFilter",
    "ProductKind",
    "ProductNotFound",
    "ProductPublished",
    "ProductRead",
    "SellableRead",
    "StockDepleted",
    "VariantCreate",
    "VariantNotFound",
    "VariantRead",
    "all_products",
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
    "reserve_stock",
]
