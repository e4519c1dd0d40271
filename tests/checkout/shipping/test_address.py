"""Delivery addresses: postal codes per country, countries, phones; errors name the field."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient
from pydantic import ValidationError

from shopkeeper.bootstrap import Container
from shopkeeper.checkout.shipping import ShippingAddress
from shopkeeper.shops import ShopRead
from tests.builders import Staff
from tests.builders.shipping import create_shipping_method


def address(**fields: Any) -> ShippingAddress:
    values: dict[str, Any] = {"name": "Anna Nowak", "street": "ul. Długa 5/3", "city": "Kraków"}
    values.update(fields)
    return ShippingAddress.model_validate(values)


def errors(**fields: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        address(**fields)
    return {".".join(map(str, e["loc"])): e["msg"] for e in caught.value.errors()}


@pytest.mark.parametrize(
    ("country", "given", "kept"),
    [
        ("PL", "31-147", "31-147"),
        ("pl", "31147", "31-147"),
        ("RU", "101000", "101000"),
        ("DE", "10115", "10115"),
        ("US", "94105", "94105"),
        ("US", "94105-1234", "94105-1234"),
        ("GB", "sw1a  1aa", "SW1A 1AA"),
        ("NL", "1012 AB", "1012 AB"),
    ],
)
def test_postal_codes_in_the_country_s_format(country: str, given: str, kept: str) -> None:
    valid = address(country=country, postal_code=given)
    assert (valid.country, valid.postal_code) == (country.upper(), kept)


@pytest.mark.parametrize(
    ("country", "given", "expected"),
    [
        ("PL", "311-47", "NN-NNN"),
        ("PL", "3114", "NN-NNN"),
        ("RU", "10100", "six digits"),
        ("DE", "101150", "five digits"),
        ("US", "9410", "five-four"),
        ("US", "94105-12", "five-four"),
        ("GB", "ABC", "with a digit"),
        ("FR", "7500112345678", "2–10"),
    ],
)
def test_wrong_postal_codes_are_refused_naming_the_field_and_the_format(
    country: str, given: str, expected: str
) -> None:
    found = errors(country=country, postal_code=given)
    assert list(found) == ["postal_code"]
    assert expected in found["postal_code"] and repr(given) in found["postal_code"]


def test_countries_phones_and_lines() -> None:
    assert errors(country="XX", postal_code="1") == {
        "country": "'XX' is not an ISO 3166-1 alpha-2 country code (e.g. PL, DE, US)"
    }
    assert "country" in errors(country="EU", postal_code="10115")  # a union, not a country
    phone = address(country="PL", postal_code="00-950", phone="+48 (600) 100-200")
    assert phone.phone == "+48600100200"
    assert (
        address(country="DE", postal_code="10115", phone="0049 30 1234567").phone == "+49301234567"
    )
    assert address(country="DE", postal_code="10115").phone is None
    bad = errors(country="PL", postal_code="00-950", phone="600 100 200", name="  ", city="a\x00b")
    assert set(bad) == {"phone", "name", "city"}
    assert "+ country code" in bad["phone"]


async def test_the_calendar_endpoint_checks_the_postal_code_first(
    client: AsyncClient, container: Container, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, _ = owned_shop
    await create_shipping_method(
        container, shop=shop, code="dated", requires_delivery_date=True, calendar_code="DPD"
    )
    response = await client.get(
        f"/api/v1/shops/{shop.slug}/shipping/calendar",
        params={"method": "dated", "country": "PL", "postal_code": "123-45"},
    )
    assert response.status_code == 422
    assert response.json() == {
        "error": "InvalidDeliveryAddress",
        "detail": "postal_code: a PL postal code is NN-NNN, e.g. 00-950 (got '123-45')",
    }
