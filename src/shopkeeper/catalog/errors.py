"""Typed errors of the catalog (each carries its HTTP status)."""

from __future__ import annotations

from shopkeeper.errors import AppError, Conflict, NotFound, Unprocessable


class ProductNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Product not found")


class VariantNotFound(NotFound):
    """Unknown, of another shop, archived, or its product is not published."""

    def __init__(self, detail: str = "Variant not found") -> None:
        super().__init__(detail)


class PriceNotFound(Unprocessable):
    def __init__(self, sku: str, currency: str) -> None:
        super().__init__(f"{sku} has no price in {currency}")
        self.sku = sku
        self.currency = currency


class CategoryNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Category not found")


class TaxClassNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Tax class not found")


class ImageNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Image not found")


class SlugTaken(Conflict):
    def __init__(self, slug: str) -> None:
        super().__init__(f"Slug {slug!r} is already used in this shop")


class SkuTaken(Conflict):
    def __init__(self, sku: str) -> None:
        super().__init__(f"SKU {sku!r} is already used in this shop")


class TaxCodeTaken(Conflict):
    def __init__(self, code: str) -> None:
        super().__init__(f"Tax class code {code!r} is already used in this shop")


class OutOfStock(Conflict):
    """Not enough stock for one SKU; nothing was reserved."""

    def __init__(self, sku: str, *, available: int | None = None) -> None:
        more = "" if available is None else f" (available: {available})"
        super().__init__(f"Not enough stock for {sku}{more}")
        self.sku = sku
        self.available = available


class StockNotTracked(Conflict):
    def __init__(self, sku: str) -> None:
        super().__init__(f"{sku} does not track stock; set a stock count first")


class StockNotAllowed(Unprocessable):
    def __init__(self, kind: str) -> None:
        super().__init__(f"Only physical products track stock (this one is {kind})")


class LastVariant(Conflict):
    def __init__(self) -> None:
        super().__init__("A product keeps at least one variant; archive the product instead")


class CategoryHasChildren(Conflict):
    def __init__(self) -> None:
        super().__init__("Move or delete the subcategories first")


class CategoryCycle(Unprocessable):
    def __init__(self) -> None:
        super().__init__("A category cannot be its own ancestor")


class TaxClassInUse(Conflict):
    def __init__(self, products: int) -> None:
        super().__init__(f"{products} product(s) use this tax class; reassign them first")


class ProductArchived(Conflict):
    def __init__(self) -> None:
        super().__init__("The product is archived")


class InvalidImage(Unprocessable):
    """Not a PNG, JPEG or WebP, or the bytes do not match the declared type."""


class ImageTooLarge(AppError):
    status_code = 413

    def __init__(self, limit: int) -> None:
        super().__init__(f"Images may be at most {limit // (1024 * 1024)} MB")


class MediaUnavailable(AppError):
    status_code = 502

    def __init__(self, detail: str = "The media storage did not answer") -> None:
        super().__init__(detail)


class InvalidReference(Unprocessable):
    """The body names a category or tax class that this shop does not have."""


class AlreadyExists(Conflict):
    """A unique value was taken by a concurrent request between our check and our write."""


class InvalidPlanTerms(Unprocessable):
    def __init__(self) -> None:
        super().__init__("plan: only plan products have plan terms, and they always keep them")


class InvalidQuantity(Unprocessable):
    def __init__(self, quantity: int) -> None:
        super().__init__(f"Quantities must be positive whole numbers (got {quantity})")
