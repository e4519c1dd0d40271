"""Shopkeeper: sell through messengers, a storefront and a Mini App, for many shops at once."""

__version__ = "0.1.0"
