"""The webhook endpoint form: the URL, a note, the events chosen from the public catalogue and
whether it is on; turned into the integrations context's schema, or errors by field."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.datastructures import FormData

from shopkeeper import integrations
from shopkeeper.web.admin.forms import Form, Gettext, one

MAX_URL, MAX_DESCRIPTION = 2048, 500


@dataclass
class WebhookForm(Form):
    events: list[str] = field(default_factory=list)


def event_labels(_: Gettext) -> dict[str, str]:
    """Every event an endpoint may hear, in the reader's words (catalogue order)."""
    words = {
        "orders.order_placed.v1": _("An order is placed"),
        "orders.order_paid.v1": _("An order is paid"),
        "orders.order_cancelled.v1": _("An order is cancelled"),
        "orders.order_refunded.v1": _("An order is refunded"),
        "payments.payment_succeeded.v1": _("A payment succeeds"),
        "payments.payment_failed.v1": _("A payment fails"),
        "payments.refund_succeeded.v1": _("A refund succeeds"),
        "catalog.product_published.v1": _("A product is published"),
        "catalog.stock_depleted.v1": _("A product runs out of stock"),
        "access.access_granted.v1": _("Access is granted"),
        "access.action_required.v1": _("Access needs an action"),
        "access.access_revoked.v1": _("Access is revoked"),
        integrations.TEST_EVENT: _("Test event"),
    }
    return {
        name: words.get(name, name)
        for name in [*integrations.PUBLIC_EVENTS, integrations.TEST_EVENT]
    }


def empty_form() -> WebhookForm:
    return WebhookForm(values={"url": "", "description": "", "enabled": "on"})


def form_of(endpoint: integrations.EndpointRead) -> WebhookForm:
    values = {"url": endpoint.url, "description": endpoint.description,
              "enabled": "on" if endpoint.enabled else ""}  # fmt: skip
    return WebhookForm(values=values, events=list(endpoint.event_types))


def read_form(data: FormData) -> WebhookForm:
    """What was posted; event names outside the catalogue are dropped."""
    values = {"url": one(data, "url", MAX_URL + 1), "description": one(data, "description", 2000),
              "enabled": "on" if data.get("enabled") == "on" else ""}  # fmt: skip
    chosen = {str(v) for v in data.getlist("events")}
    return WebhookForm(values=values, events=[e for e in integrations.PUBLIC_EVENTS if e in chosen])


def parse_endpoint(form: WebhookForm, _: Gettext) -> integrations.EndpointCreate | None:
    """The endpoint to save, or None with `form.errors` filled by field."""
    url, description = form.values["url"], form.values["description"]
    if not url:
        form.add("url", _("Enter the address to send events to."))
    elif len(url) > MAX_URL:
        form.add("url", _("At most %(n)s characters.", n=MAX_URL))
    if len(description) > MAX_DESCRIPTION:
        form.add("description", _("At most %(n)s characters.", n=MAX_DESCRIPTION))
    if not form.events:
        form.add("events", _("Choose at least one event."))
    if form.errors:
        return None
    return integrations.EndpointCreate(
        url=url, description=description, event_types=form.events,
        enabled=form.values["enabled"] == "on",
    )  # fmt: skip


def url_refused(_: Gettext) -> str:
    return _("This address cannot receive webhooks: use https:// and a public host name.")
