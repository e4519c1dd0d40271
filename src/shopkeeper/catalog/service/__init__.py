"""The catalog's use cases, one module per aggregate (products, variants, stock, ...)."""
