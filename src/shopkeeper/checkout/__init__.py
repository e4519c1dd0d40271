"""Checkout: everything between a filled cart and a placed order, as sub-contexts.

`cart` (items, anonymous carts merged at sign-in, the stored view), `shipping` (methods,
availability, address, delivery calendar, add-ons), `services` and `warranty` (extra cart
items), `session` (the shopper's shipping, promotion and payment choices, the summary),
`customer` (customer data, versioned consents), `payment` (methods per shipping method and
gateway, attempts, outcomes) and `finalize` (the order, stock reserved with it, then the
payment). Each sub-context is its own package with its own public `__init__`; they talk
through events (topics cart-, shipping-, promotions-, payment-, warranty-, checkout-events)
and each other's public functions, never over HTTP.
"""
