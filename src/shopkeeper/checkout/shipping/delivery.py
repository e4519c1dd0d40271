"""Delivery dates: the days a dated method offers at a postal code, and checking a choice.

`delivery_days` answers the calendar's days (with the add-ons each day allows) or a typed
`DatesUnavailable` (the method stays on offer; `.error()` is the 503 to show);
`validate_delivery_date` re-checks a customer's date and add-ons against the calendar (a
cached answer younger than its TTL counts as the calendar's word) and raises a typed error
when the choice does not hold. "Today" is the shop's local date.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from pydantic_core import PydanticCustomError
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import shops
from shopkeeper.checkout.shipping.address import normalise_country, normalise_postal_code
from shopkeeper.checkout.shipping.calendar_client import (
    CalendarAnswer,
    CalendarClient,
    CalendarOutage,
    DeliveryDay,
    OutageReason,
)
from shopkeeper.checkout.shipping.errors import (
    AddonNotOffered,
    CalendarUnavailable,
    DeliveryDateNotNeeded,
    DeliveryDateNotOffered,
    InvalidDeliveryAddress,
)
from shopkeeper.checkout.shipping.methods import get_method_by_code
from shopkeeper.checkout.shipping.schemas import Addon, AddonRule, ShippingMethodRead


class DayOffer(BaseModel):
    date: date
    sunday: bool
    slots: list[str]
    addons: list[str]


class DeliveryDays(BaseModel):
    status: Literal["ok"] = "ok"
    method_code: str
    country: str
    postal_code: str
    days: list[DayOffer]


class DatesUnavailable(BaseModel):
    """The calendar cannot say now; the method stays on offer. `detail` is for people."""

    status: Literal["unavailable"] = "unavailable"
    method_code: str
    reason: OutageReason
    detail: str
    retry_after: int | None = None

    def error(self) -> CalendarUnavailable:
        """The 503 a surface answers with."""
        return CalendarUnavailable(self.detail, retry_after=self.retry_after)


class DeliveryChoice(BaseModel):
    """A date the calendar offers, with the add-ons allowed on it (prices per currency)."""

    method_code: str
    date: date
    addons: list[Addon]


async def delivery_days(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    method_code: str,
    country: str,
    postal_code: str,
    calendar: CalendarClient,
    now: datetime,
) -> DeliveryDays | DatesUnavailable:
    """The days `method_code` delivers to the postal code, or why the calendar cannot say."""
    method, country, postal_code = await _dated_method(
        session, shop_id, method_code, country, postal_code
    )
    answer = await _ask(session, shop_id, method, country, postal_code, calendar, now)
    if isinstance(answer, CalendarOutage):
        return unavailable(method, answer)
    return DeliveryDays(
        method_code=method.code,
        country=country,
        postal_code=postal_code,
        days=[
            DayOffer(
                date=day.date,
                sunday=day.sunday,
                slots=day.slots,
                addons=[a.code for a in method.addons if _allowed(a, day)],
            )
            for day in answer.days
        ],
    )


async def validate_delivery_date(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    method_code: str,
    country: str,
    postal_code: str,
    chosen: date,
    addons: Sequence[str] = (),
    calendar: CalendarClient,
    now: datetime,
) -> DeliveryChoice:
    """The choice if the calendar offers `chosen` and each add-on is allowed on it.

    Raises DeliveryDateNotOffered, AddonNotOffered, DeliveryDateNotNeeded, or
    CalendarUnavailable (503) when the calendar cannot confirm the date now.
    """
    method, country, postal_code = await _dated_method(
        session, shop_id, method_code, country, postal_code
    )
    answer = await _ask(session, shop_id, method, country, postal_code, calendar, now)
    if isinstance(answer, CalendarOutage):
        raise unavailable(method, answer).error()
    day = next((d for d in answer.days if d.date == chosen), None)
    if day is None:
        raise DeliveryDateNotOffered(
            f"{method.name} does not deliver to {postal_code} on {chosen.isoformat()}; "
            "choose one of the calendar's days"
        )
    by_code = {a.code: a for a in method.addons}
    picked: list[Addon] = []
    for code in dict.fromkeys(addons):
        addon = by_code.get(code)
        if addon is None:
            raise AddonNotOffered(f"{method.name} has no add-on {code!r}")
        if not _allowed(addon, day):
            raise AddonNotOffered(_not_that_day(addon, day))
        picked.append(addon)
    return DeliveryChoice(method_code=method.code, date=day.date, addons=picked)


def unavailable(method: ShippingMethodRead, outage: CalendarOutage) -> DatesUnavailable:
    return DatesUnavailable(
        method_code=method.code,
        reason=outage.reason,
        detail=f"Delivery dates for {method.name} are unavailable right now: {outage.detail}. "
        f"{method.name} can still be chosen; pick the date again in a moment.",
        retry_after=outage.retry_after,
    )


async def _dated_method(
    session: AsyncSession, shop_id: uuid.UUID, code: str, country: str, postal_code: str
) -> tuple[ShippingMethodRead, str, str]:
    try:
        country = normalise_country(country)
    except PydanticCustomError as exc:
        raise InvalidDeliveryAddress(f"country: {exc.message()}") from None
    try:
        postal_code = normalise_postal_code(country, postal_code)
    except ValueError as exc:
        raise InvalidDeliveryAddress(f"postal_code: {exc}") from None
    method = await get_method_by_code(session, shop_id=shop_id, code=code)
    if not method.requires_delivery_date or method.calendar_code is None:
        raise DeliveryDateNotNeeded(method.name)
    return method, country, postal_code


async def _ask(
    session: AsyncSession,
    shop_id: uuid.UUID,
    method: ShippingMethodRead,
    country: str,
    postal_code: str,
    calendar: CalendarClient,
    now: datetime,
) -> CalendarAnswer | CalendarOutage:
    shop = await shops.get_shop_by_id(session, shop_id=shop_id)
    today = now.astimezone(ZoneInfo(shop.timezone)).date()
    assert method.calendar_code is not None
    return await calendar.calendar(
        calendar_code=method.calendar_code,
        country=country,
        postal_code=postal_code,
        today=today,
        now=now,
    )


def _allowed(addon: Addon, day: DeliveryDay) -> bool:
    if addon.rule is AddonRule.SUNDAY:
        return day.sunday
    if addon.rule is AddonRule.SLOT:
        return addon.slot in day.slots
    return True


def _not_that_day(addon: Addon, day: DeliveryDay) -> str:
    when = f"{day.date.isoformat()} ({day.date.strftime('%A')})"
    if addon.rule is AddonRule.SUNDAY:
        return f"{addon.name} is only for Sundays; {when} is not one"
    return f"{addon.name} needs the {addon.slot!r} slot, which {when} does not have"
