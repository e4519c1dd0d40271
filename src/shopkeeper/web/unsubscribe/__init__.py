"""The email unsubscribe link: /u/{token} (GET: a confirmation page; POST: opt out).

The signed token is the only credential, so the POST needs no CSRF token: RFC 8058's
one-click unsubscribe posts `List-Unsubscribe=One-Click` from the mail provider, without
cookies. A forged or altered token gets a 400 page and changes nothing.
"""

from shopkeeper.web.unsubscribe.router import router

__all__ = ["router"]
