"""Notifications: the messages Shopkeeper sends to customers, and through which channel.

Public: `notify(session, messengers, Notice, *, now)` renders a system message (the shop's
override or the default, in the customer's language en/ru/pl, sandboxed Jinja) and delivers it
once per `dedupe_key` over the first registered Messenger that reaches the customer (a customer
with no reachable channel gets a `skipped` entry); `register_messenger(container, m)`,
`registered_messengers(container)`; the delivery log `list_messages`; templates
`list_templates`, `set_template` (validated when saved), `reset_template`, `validate`.
`Notice.channels` keeps a message to some channels (a payment confirmation: "email").
`send_invoice(session, messengers, settings, *, shop_id, order_id, request_key, actor, now)`:
an order's invoice link to its customer again (staff's "resend", audited, once per request key).
Staff alerts: `alert_staff(session, settings, StaffAlert, *, now)` emails the shop's owners and
admins (`notifications.email.send_email`) and logs each (`user_id` instead of a customer).
Port: `notifications.ports.Messenger` (Telegram lives in bots.telegram; SMS in `sms`).
Opt-outs (`preferences`): `opted_out`, `opted_out_customers`; notify passes over an opted-out
channel unless `Notice.required`. Win-back chains (`winback`): steps after an expiry.
Consumes `subscriptions.reminder_due.v1`, `access.access_granted.v1`, `access.access_revoked.v1`,
`access.action_required.v1`, `payments.payment_succeeded.v1` (purpose "payment_confirmation",
email only), `payments.payment_failed.v1` (purpose "staff.payment_failed"),
`orders.order_refunded.v1` and, for money an order could not take, `payments.refund_succeeded.v1`
(purpose "order.refunded", a receipt: any channel, even opted out),
`identity.customers_merged.v1` (opt-outs follow the survivor); publishes none.
HTTP: /api/v1/shops/{shop}/notifications/messages,
/notifications/templates (notifications.read / notifications.write).
"""

from shopkeeper.notifications.errors import OrderHasNoCustomer
from shopkeeper.notifications.ports import Button, Delivery, Messenger, OutboundMessage
from shopkeeper.notifications.preferences import opted_out, opted_out_customers
from shopkeeper.notifications.schemas import MessageRead, TemplateRead
from shopkeeper.notifications.service.invoices import send_invoice
from shopkeeper.notifications.service.reads import list_messages
from shopkeeper.notifications.service.sending import (
    Notice,
    notify,
    register_messenger,
    registered_messengers,
)
from shopkeeper.notifications.service.staff import StaffAlert, alert_staff
from shopkeeper.notifications.service.templating import list_templates, reset_template, set_template
from shopkeeper.notifications.templates import validate

__all__ = [
    "Button",
    "Delivery",
    "MessageRead",
    "Messenger",
    "Notice",
    "OrderHasNoCustomer",
    "OutboundMessage",
    "StaffAlert",
    "TemplateRead",
    "alert_staff",
    "list_messages",
    "list_templates",
    "notify",
    "opted_out",
    "opted_out_customers",
    "register_messenger",
    "registered_messengers",
    "reset_template",
    "send_invoice",
    "set_template",
    "validate",
]
