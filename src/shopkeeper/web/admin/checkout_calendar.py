"""/admin/s/{slug}/checkout/calendar: the delivery Calendar API as the shop's checkout sees it —
whether the server has one and whether it is answering (the circuit breaker: answering, paused
after failures, trying again), how its answers are kept, the shop's dated shipping methods with
their calendar codes, and a check of the days a method offers at a postal code, as a customer
would be offered them.

The calendar's address and limits are the server's settings (SHOPKEEPER_DELIVERY_CALENDAR_URL),
not the shop's: there is nothing per shop to change here; a method's calendar code is changed on
its shipping form (checkout.write). Reading needs checkout.read, as the JSON API.
"""

from __future__ import annotations

from typing import Any

from babel.dates import format_date
from fastapi import APIRouter, Request, Response

from shopkeeper.checkout.shipping import (
    DatesUnavailable,
    DeliveryDateNotNeeded,
    InvalidDeliveryAddress,
    calendar_client,
    delivery_days,
    list_methods,
)
from shopkeeper.deps import ContainerDep, SessionDep
from shopkeeper.errors import AppError
from shopkeeper.web.admin.deps import ShopShellDep
from shopkeeper.web.admin.errors import AdminRoute
from shopkeeper.web.admin.forms import Form
from shopkeeper.web.security import ADMIN_PATH
from shopkeeper.web.templating import gettext_for, render, request_language

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
BASE = "/s/{slug}/checkout/calendar"
READ, WRITE = "checkout.read", "checkout.write"


def _reason(reason: str, _: Any) -> str:
    return {
        "not_configured": _("No delivery calendar is configured on this server."),
        "circuit_open": _("The calendar has not been answering, so asking it is paused."),
        "timeout": _("The calendar did not answer in time."),
        "error": _("The calendar answered with an error."),
        "rejected": _("The calendar has no dates for this method and postal code."),
    }.get(reason, reason)


def _refused(exc: AppError, _: Any) -> tuple[str, str]:
    """A refused check by the field it concerns, in the reader's words."""
    if isinstance(exc, InvalidDeliveryAddress):
        if exc.detail.startswith("country"):
            return "country", _("Enter a country as two letters, e.g. PL.")
        return "postal_code", _("This is not a postal code of that country.")
    if isinstance(exc, DeliveryDateNotNeeded):
        return "method", _("This method has no delivery date to choose.")
    return "method", _("No such shipping method in this shop.")


@router.get(BASE, name="admin_checkout_calendar")
async def calendar_page(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep
) -> Response:
    """The calendar's state, the dated methods, and (when asked) the days one offers."""
    shell.require(READ)
    _ = gettext_for(request)
    shop = shell.shop_access.shop
    client = calendar_client(container)
    now = container.clock.now()
    dated = [m for m in await list_methods(session, shop_id=shop.id) if m.requires_delivery_date]
    dated.sort(key=lambda m: (not m.active, m.position, m.name.lower()))
    params = request.query_params
    form = Form(values={"method": (params.get("method") or "")[:32],
                        "country": (params.get("country") or "PL")[:2],
                        "postal_code": (params.get("postal_code") or "")[:20]})  # fmt: skip
    days: list[dict[str, Any]] | None = None
    outage = None
    if "check" in params:
        days, outage = await _check(request, session, shop.id, client, form, now)
    context = shell.context(
        state=await client.state(now), client=client, dated=dated, form=form, days=days,
        outage=outage, base=f"{ADMIN_PATH}/s/{shop.slug}/checkout",
        reason_text=_reason(outage.reason, _) if outage else "",
    )  # fmt: skip
    return render(request, "admin/checkout/calendar.html", context)


async def _check(
    request: Request, session: Any, shop_id: Any, client: Any, form: Form, now: Any
) -> tuple[list[dict[str, Any]] | None, DatesUnavailable | None]:
    _ = gettext_for(request)
    values = form.values
    for name, message in (("method", _("Choose a method.")),
                          ("postal_code", _("Enter a postal code."))):  # fmt: skip
        if not values[name]:
            form.add(name, message)
    if form.errors:
        return None, None
    try:
        answer = await delivery_days(
            session, shop_id=shop_id, method_code=values["method"], country=values["country"],
            postal_code=values["postal_code"], calendar=client, now=now,
        )  # fmt: skip
    except AppError as exc:
        form.add(*_refused(exc, _))
        return None, None
    if isinstance(answer, DatesUnavailable):
        return None, answer
    language = request_language(request)
    shown = [{"date": format_date(d.date, format="EEEE, d MMMM", locale=language),
              "sunday": d.sunday, "slots": d.slots, "addons": d.addons}
             for d in answer.days]  # fmt: skip
    return shown, None
