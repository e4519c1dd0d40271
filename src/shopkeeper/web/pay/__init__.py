"""The sandbox gateway's hosted pay page: /pay/{payment_id} with Pay and Fail buttons.

The buttons post back with a CSRF token bound to the payment (a signed double-submit
cookie); the press becomes a signed webhook handled by `payments.press_sandbox`, then the
customer goes to the payment's return URL or to /pay/{payment_id}/done.
"""

from shopkeeper.web.pay.router import router

__all__ = ["router"]
