"""Checkout: everything between a filled cart and a placed order, as sub-contexts.

`cart` (items, anonymous carts merged at sign-in), `shipping` (methods, availability,
address, delivery calendar, add-ons), `payment` (methods per shipping method and gateway),
`services` and `warranty` (extra cart items), `session` (customer data, consents, summary,
finalise). Each sub-context is its own package with its own public `__init__`; `cart`,
`shipping`, `services`, `warranty` and `session` (selections and summary) exist so far;
`payment` and the session's finalisation come next.
"""
