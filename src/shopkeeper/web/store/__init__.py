"""The storefront: a shop's public web shop at /s/{shop} (Jinja2 + HTMX, no build step).

Pages: home (plans as tiers, other published products, prices in the shop's currency),
product, checkout (order + payment at the shop's gateway; success page polls the order),
the cart and checkout of physical goods (cart, delivery, extras, payment, details and
consents, summary, finalise → the gateway → confirmation; anonymous carts behind the HttpOnly
`sk_cart` cookie; calls checkout.cart/session/shipping/services/warranty/customer/payment/
finalize directly),
account (subscriptions: days left, cancel at period end / undo, plan change; orders with
invoice PDFs; linked accounts), sign-in with Discord OAuth2 (state + PKCE) or an emailed
one-time code. Languages: the shop's among en/pl/ru from ?lang=, a cookie, Accept-Language.
Customer sessions are server-side rows (`store_session`) behind an HttpOnly cookie scoped to
/s/{shop}; every POST carries the session's CSRF token (sign-in forms and anonymous
shoppers' cart forms: a signed double-submit cookie). `router` (web.store.router) is mounted
by shopkeeper.routers. Calls identity, catalog, orders, payments, subscriptions, invoices,
notifications.email, bots.discord and the checkout sub-contexts.
"""
