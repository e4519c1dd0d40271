"""The delivery calendar against a fake Calendar API: days, cache, circuit breaker, dates.

The clock stands at 2026-01-01 12:00 UTC (a Thursday; Warsaw's date is the same). The fake
closes on Saturdays (3rd, 10th) and has an evening slot Monday to Friday.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from httpx import AsyncClient, Response

from shopkeeper.bootstrap import Container
from shopkeeper.checkout import shipping
from shopkeeper.checkout.shipping import (
    AddonNotOffered,
    CalendarUnavailable,
    CartDescription,
    DeliveryDateNotNeeded,
    DeliveryDateNotOffered,
    MethodOffer,
    ShippingMethodNotFound,
)
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.shops import ShopRead
from tests.builders import Staff
from tests.builders.shipping import create_shipping_method
from tests.checkout.shipping.conftest import install_calendar
from tests.fakes.delivery_calendar import FakeCalendar

ADDONS = [
    {"code": "sunday", "name": "Sunday delivery", "prices": {"PLN": 2500}, "rule": "sunday"},
    {
        "code": "evening",
        "name": "Evening",
        "prices": {"PLN": 900},
        "rule": "slot",
        "slot": "evening",
    },
]


@pytest.fixture
async def shop(container: Container, owned_shop: tuple[ShopRead, Staff]) -> ShopRead:
    """The owner's shop with a dated courier ("dated", calendar code DPD-STD) and a locker."""
    found, _ = owned_shop
    await create_shipping_method(
        container, shop=found, code="dated", name="Courier", requires_delivery_date=True,
        calendar_code="DPD-STD", addons=ADDONS,
    )  # fmt: skip
    await create_shipping_method(container, shop=found, code="locker", kind="parcel_locker")
    return found


async def days(
    client: AsyncClient, shop: ShopRead, postal_code: str = "00950", **more: str
) -> Response:
    params = {"method": "dated", "country": "PL", "postal_code": postal_code, **more}
    return await client.get(f"/api/v1/shops/{shop.slug}/shipping/calendar", params=params)


async def offers(container: Container, shop: ShopRead) -> dict[str, MethodOffer]:
    basket = CartDescription(currency="PLN", total=10_000, lines=[])
    async with unit_of_work(container.readers) as session:
        found = await shipping.available_methods(
            session, shop_id=shop.id, cart=basket, now=container.clock.now(),
            calendar=shipping.calendar_client(container),
        )  # fmt: skip
    return {offer.code: offer for offer in found}


async def choose(container: Container, shop: ShopRead, day: date, *addons: str, **more: Any) -> Any:
    values: dict[str, Any] = {"method_code": "dated", "country": "PL", "postal_code": "00-950"}
    values.update(more)
    async with unit_of_work(container.sessions) as session:
        return await shipping.validate_delivery_date(
            session, shop_id=shop.id, chosen=day, addons=addons,
            calendar=shipping.calendar_client(container), now=container.clock.now(), **values,
        )  # fmt: skip


async def test_days_come_from_the_calendar_then_from_the_cache(
    client: AsyncClient, clock: FrozenClock, shop: ShopRead, fake_calendar: FakeCalendar
) -> None:
    first = await days(client, shop)
    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["status"], body["postal_code"]) == ("ok", "00-950")
    offered = {d["date"]: d for d in body["days"]}
    assert len(offered) == 12 and "2026-01-03" not in offered and "2026-01-10" not in offered
    assert offered["2026-01-04"] == {
        "date": "2026-01-04", "sunday": True, "slots": ["morning"], "addons": ["sunday"],
    }  # fmt: skip
    assert offered["2026-01-05"]["addons"] == ["evening"]
    assert fake_calendar.calls == [
        {"method": "DPD-STD", "country": "PL", "postal_code": "00-950",
         "from": "2026-01-01", "to": "2026-01-14"},
    ]  # fmt: skip

    again = await days(client, shop, postal_code="00-950")
    assert again.json() == body and len(fake_calendar.calls) == 1  # calendar:DPD-STD:PL-00-950
    await days(client, shop, postal_code="31-147")
    assert len(fake_calendar.calls) == 2  # another postal code, another key
    clock.advance(seconds=601)  # past the cache's ten minutes
    await days(client, shop)
    assert len(fake_calendar.calls) == 3


async def test_breaker_opens_method_stays_offered_and_a_probe_closes_it(
    client: AsyncClient,
    container: Container,
    clock: FrozenClock,
    shop: ShopRead,
    fake_calendar: FakeCalendar,
) -> None:
    fake_calendar.mode = "fail"
    for _ in range(5):  # five consecutive failures open the breaker
        failed = await days(client, shop)
        assert failed.status_code == 503
        assert failed.json()["detail"] == (
            "Delivery dates for Courier are unavailable right now: the delivery calendar "
            "answered with an error. Courier can still be chosen; pick the date again in a moment."
        )
    assert len(fake_calendar.calls) == 5
    paused = await days(client, shop, postal_code="31-147")
    assert paused.status_code == 503 and paused.json()["error"] == "CalendarUnavailable"
    assert "paused asking" in paused.json()["detail"]
    assert paused.headers["Retry-After"] == "30"
    assert len(fake_calendar.calls) == 5  # open: nobody asks

    found = await offers(container, shop)
    assert (found["dated"].available, found["dated"].calendar) == (True, "unavailable")
    assert "can still be chosen" in (found["dated"].calendar_note or "")
    assert (found["locker"].available, found["locker"].calendar) == (True, "not_needed")
    with pytest.raises(CalendarUnavailable):
        await choose(container, shop, date(2026, 1, 5))

    clock.advance(seconds=31)  # half-open: one probe, which fails and opens it again
    assert (await days(client, shop)).status_code == 503
    assert len(fake_calendar.calls) == 6
    assert (await days(client, shop)).status_code == 503
    assert len(fake_calendar.calls) == 6

    fake_calendar.mode = "ok"
    clock.advance(seconds=31)
    assert (await days(client, shop)).status_code == 200  # the probe succeeds: closed again
    assert (await days(client, shop, postal_code="31-147")).status_code == 200
    assert len(fake_calendar.calls) == 8
    assert (await offers(container, shop))["dated"].calendar == "available"


async def test_timeouts_and_bad_answers_are_failures_a_refusal_is_not(
    client: AsyncClient, container: Container, shop: ShopRead, fake_calendar: FakeCalendar
) -> None:
    install_calendar(container, timeout=0.2, failure_threshold=2)
    fake_calendar.mode = "reject"
    rejected = await days(client, shop)
    assert (
        rejected.status_code == 503 and "has no dates for this method" in rejected.json()["detail"]
    )
    fake_calendar.mode = "timeout"
    late = await days(client, shop)
    assert late.status_code == 503 and "did not answer in time" in late.json()["detail"]
    fake_calendar.mode = "garbage"
    assert "answered with an error" in (await days(client, shop)).json()["detail"]
    fake_calendar.mode = "ok"
    assert "paused asking" in (await days(client, shop)).json()["detail"]  # 2 failures: open
    assert len(fake_calendar.calls) == 3


async def test_without_a_calendar_url_dated_methods_say_so(
    client: AsyncClient, container: Container, shop: ShopRead, fake_calendar: FakeCalendar
) -> None:
    container.settings = container.settings.model_copy(update={"delivery_calendar_url": None})
    response = await days(client, shop)
    assert response.status_code == 503
    assert "no delivery calendar is configured" in response.json()["detail"]
    found = await offers(container, shop)
    assert (found["dated"].available, found["dated"].calendar) == (True, "unavailable")
    assert "no delivery calendar is configured" in (found["dated"].calendar_note or "")
    assert fake_calendar.calls == []


async def test_a_chosen_date_and_add_ons_are_checked_against_the_calendar(
    container: Container, clock: FrozenClock, shop: ShopRead, fake_calendar: FakeCalendar
) -> None:
    sunday = await choose(container, shop, date(2026, 1, 4), "sunday")
    assert (sunday.date, [a.code for a in sunday.addons]) == (date(2026, 1, 4), ["sunday"])
    monday = await choose(container, shop, date(2026, 1, 5), "evening", "evening")
    assert [(a.code, a.prices) for a in monday.addons] == [("evening", {"PLN": 900})]
    for day in (date(2026, 1, 3), date(2025, 12, 31), date(2026, 1, 15)):
        with pytest.raises(DeliveryDateNotOffered, match="does not deliver to 00-950"):
            await choose(container, shop, day)
    with pytest.raises(AddonNotOffered, match=r"only for Sundays; 2026-01-05 \(Monday\) is not"):
        await choose(container, shop, date(2026, 1, 5), "sunday")
    with pytest.raises(AddonNotOffered, match="needs the 'evening' slot"):
        await choose(container, shop, date(2026, 1, 4), "evening")
    with pytest.raises(AddonNotOffered, match="no add-on 'rocket'"):
        await choose(container, shop, date(2026, 1, 5), "rocket")
    with pytest.raises(DeliveryDateNotNeeded):
        await choose(container, shop, date(2026, 1, 5), method_code="locker")
    with pytest.raises(ShippingMethodNotFound):
        await choose(container, shop, date(2026, 1, 5), method_code="teleport")
    assert len(fake_calendar.calls) == 1  # every check above used the cached answer

    fake_calendar.closed_weekdays = {0, 5}  # the carrier stops delivering on Mondays
    clock.advance(seconds=601)
    with pytest.raises(DeliveryDateNotOffered):
        await choose(container, shop, date(2026, 1, 5))
