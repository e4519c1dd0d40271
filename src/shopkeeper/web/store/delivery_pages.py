"""The delivery step: methods priced for the cart (unavailable ones with their reasons), the
address (validated, errors beside their fields), the calendar's days for a dated method (or
why they cannot be shown) and add-ons such as Sunday delivery."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Any

from babel import Locale
from babel.dates import format_date
from fastapi import APIRouter, Form, Response
from pydantic import ValidationError

from shopkeeper.checkout import session as checkout
from shopkeeper.checkout import shipping
from shopkeeper.checkout.session.schemas import DeliveryDateSet, ShippingSelect
from shopkeeper.deps import ClockDep, ContainerDep, SessionDep
from shopkeeper.errors import AppError
from shopkeeper.web.store.checkout_reads import Reader
from shopkeeper.web.store.errors import StoreRoute
from shopkeeper.web.store.problems import address_errors, error_text, shipping_reasons
from shopkeeper.web.store.shopper import ShopperCsrf, ShopperDep

router = APIRouter(prefix="/s/{shop}", route_class=StoreRoute, include_in_schema=False)
ADDRESS_FIELDS = ("name", "street", "city", "country", "postal_code", "phone")
_NOT_COUNTRIES = frozenset("AC CP CQ DG EA EU EZ IC QO TA UN XA XB ZZ".split())
DEFAULT_COUNTRY = {"pl": "PL", "ru": "RU"}


@cache
def countries(language: str) -> list[tuple[str, str]]:
    """Countries as (ISO code, name in `language`), by name."""
    names = Locale.parse(language).territories
    found = [(str(c), str(n)) for c, n in names.items()
             if len(str(c)) == 2 and str(c).isalpha() and str(c) not in _NOT_COUNTRIES]  # fmt: skip
    return sorted(found, key=lambda pair: pair[1])


def day_label(language: str) -> Callable[[date], str]:
    """A delivery day as people say it: "Monday, 5 January" in `language`."""
    locale = Locale.parse(language)
    return lambda day: str(format_date(day, "EEEE, d MMMM", locale=locale))


async def delivery_page(reader: Reader, *, status_code: int = 200, **values: Any) -> Response:
    shopper = reader.shopper
    store = shopper.store
    view = await reader.view()
    if view.cart_id is None:
        return shopper.redirect("/cart")
    options = await checkout.shipping_options(
        reader.session, shop_id=reader.shop_id, owner=shopper.owner, currency=reader.currency,
        store=reader.views, calendar=reader.calendar,
        now=reader.now,
    )  # fmt: skip
    chosen = await reader.chosen(view.cart_id)
    method = next((m for m in options.methods if chosen and m.code == chosen.shipping_method_code),
                  None)  # fmt: skip
    address = chosen.address.model_dump() if chosen and chosen.address else {}
    days, days_note = await _days(reader, method, chosen)
    language = store.language
    context = {
        "step": "delivery", "options": options, "chosen": chosen, "method": method,
        "days": days, "days_note": days_note, "summary": await reader.summary(),
        "address": {"country": DEFAULT_COUNTRY.get(store.shop.default_language, ""),
                    **{k: v or "" for k, v in address.items()}},
        "address_errors": {}, "method_error": None, "date_error": None,
        "countries": countries(language),
        "reasons": lambda m: shipping_reasons(store.gettext, m.reasons),
        "date_label": day_label(language),
        **values,
    }  # fmt: skip
    return shopper.render("store/checkout_delivery.html", context, status_code=status_code)


async def _days(
    reader: Reader, method: shipping.MethodOffer | None, chosen: checkout.SessionRead | None
) -> tuple[list[shipping.DayOffer], str | None]:
    """The calendar's days for the chosen dated method at the address, or why none."""
    _ = reader.shopper.store.gettext
    if method is None or not method.requires_delivery_date or chosen is None:
        return [], None
    if chosen.address is None:
        return [], _("Give the delivery address to see the delivery days.")
    try:
        found = await shipping.delivery_days(
            reader.session, shop_id=reader.shop_id, method_code=method.code,
            country=chosen.address.country, postal_code=chosen.address.postal_code,
            calendar=reader.calendar, now=reader.now,
        )  # fmt: skip
    except AppError as exc:
        return [], error_text(_, exc)
    if isinstance(found, shipping.DatesUnavailable):
        return [], _("The delivery calendar is unavailable right now, so the days cannot be "
                     "shown. You can keep this method and pick the day in a moment.")  # fmt: skip
    if not found.days:
        return [], _("There are no delivery days for this address at the moment.")
    return found.days, None


def _reader(shopper: ShopperDep, session: SessionDep, container: ContainerDep,
            clock: ClockDep) -> Reader:  # fmt: skip
    return Reader(shopper, session, container, clock.now())


async def _again(reader: Reader, status_code: int, **values: Any) -> Response:
    """The page again with what was refused (the change dropped)."""
    async with reader.reading() as fresh:
        return await delivery_page(fresh, status_code=status_code, **values)


@router.get("/checkout/delivery", name="store_checkout_delivery")
async def show_delivery(shopper: ShopperDep, session: SessionDep, container: ContainerDep,
                        clock: ClockDep) -> Response:  # fmt: skip
    return await delivery_page(_reader(shopper, session, container, clock))


@router.post("/checkout/delivery/method", dependencies=[ShopperCsrf])
async def choose_method(
    shopper: ShopperDep, session: SessionDep, container: ContainerDep, clock: ClockDep,
    method: str = Form("", max_length=32), addon: list[str] = Form([], max_length=20),
    addons_for: list[str] = Form([], max_length=50),
) -> Response:  # fmt: skip
    """Choose a method (and, for an undated one, its add-ons; a dated one's go with the day)."""
    reader = _reader(shopper, session, container, clock)
    _ = shopper.store.gettext
    if not method.strip():
        return await _again(reader, 422, method_error=_("Choose a delivery method."))
    # An undated method's add-ons come with it ("method:addon"); a dated one's with the day.
    picked = [a.partition(":")[2][:32] for a in addon if a.startswith(f"{method}:")]
    data = ShippingSelect(method_code=method, addons=picked if method in addons_for else None)
    try:
        await checkout.select_method(session, shop_id=reader.shop_id, owner=shopper.owner,
                                     data=data, store=reader.views, calendar=reader.calendar,
                                     now=reader.now)  # fmt: skip
    except AppError as exc:
        return await _again(reader, exc.status_code, method_error=error_text(_, exc))
    return shopper.redirect("/checkout/delivery#address")


@router.post("/checkout/delivery/address", dependencies=[ShopperCsrf])
async def give_address(
    shopper: ShopperDep, session: SessionDep, container: ContainerDep, clock: ClockDep,
    name: str = Form("", max_length=300), street: str = Form("", max_length=300),
    city: str = Form("", max_length=300), country: str = Form("", max_length=10),
    postal_code: str = Form("", max_length=30), phone: str = Form("", max_length=40),
) -> Response:  # fmt: skip
    """The address, checked field by field; errors are shown beside their fields."""
    reader = _reader(shopper, session, container, clock)
    typed = {"name": name, "street": street, "city": city, "country": country,
             "postal_code": postal_code, "phone": phone}  # fmt: skip
    try:
        address = shipping.ShippingAddress.model_validate(
            {k: v for k, v in typed.items() if k != "phone" or v.strip()}
        )
    except ValidationError as exc:
        errors = address_errors(shopper.store.gettext, exc.errors(), country)
        return await _again(reader, 422, address=typed, address_errors=errors)
    try:
        await checkout.set_address(session, shop_id=reader.shop_id, owner=shopper.owner,
                                   address=address, store=reader.views,
                                   now=reader.now)  # fmt: skip
    except AppError as exc:
        text = error_text(shopper.store.gettext, exc)
        return await _again(reader, exc.status_code, address=typed, method_error=text)
    return shopper.redirect("/checkout/delivery#date")


@router.post("/checkout/delivery/date", dependencies=[ShopperCsrf])
async def choose_date(
    shopper: ShopperDep, session: SessionDep, container: ContainerDep, clock: ClockDep,
    day: str = Form("", max_length=20), addon: list[str] = Form([], max_length=20),
) -> Response:  # fmt: skip
    """The day (and its add-ons, e.g. Sunday delivery) the calendar offers."""
    reader = _reader(shopper, session, container, clock)
    _ = shopper.store.gettext
    try:
        chosen_day = date.fromisoformat(day)
    except ValueError:
        return await _again(reader, 422, date_error=_("Choose a delivery day."))
    data = DeliveryDateSet(date=chosen_day, addons=[a[:32] for a in addon])
    try:
        await checkout.set_delivery_date(session, shop_id=reader.shop_id, owner=shopper.owner,
                                         data=data, store=reader.views,
                                         calendar=reader.calendar, now=reader.now)  # fmt: skip
    except AppError as exc:
        return await _again(reader, exc.status_code, date_error=error_text(_, exc))
    return shopper.redirect("/checkout/delivery#date")
