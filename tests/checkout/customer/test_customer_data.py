"""Customer data over HTTP: stored normalised with a version, invoice tax ids checked (PL NIP
checksum, EU VAT formats), every bad field named in a 422 with nothing changed, the event
without personal data, and one cart's data unseen by another."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from tests.checkout.customer.support import CUSTOMER, INVOICE, Lipa, events, new_cart


async def _post(client: AsyncClient, lipa: Lipa, headers: dict[str, str], **body: Any) -> Any:
    return await client.post(lipa.url("/checkout/customer-data"), headers=headers, json=body)


async def test_customer_data_is_stored_normalised_and_versioned(
    client: AsyncClient, lipa: Lipa, container: Container
) -> None:
    headers = await new_cart(client, lipa)
    assert (await client.get(lipa.url("/checkout/customer-data"), headers=headers)).status_code \
        == 404  # fmt: skip

    first = await _post(client, lipa, headers, **CUSTOMER)
    assert first.status_code == 200, first.text
    assert {k: first.json()[k] for k in ("email", "phone", "name", "invoice", "version")} == {
        "email": "ola.nowak@example.com", "phone": "+48600100200", "name": "Ola Nowak",
        "invoice": None, "version": 1,
    }  # fmt: skip

    second = await _post(client, lipa, headers, **CUSTOMER, invoice=INVOICE)
    assert second.status_code == 200, second.text
    assert second.json()["version"] == 2
    assert second.json()["invoice"] == {
        "company": "Lipa sp. z o.o.", "country": "PL", "tax_id": "5260001246",
        "street": "Marszałkowska 1", "postal_code": "00-950", "city": "Warszawa",
    }  # fmt: skip
    read = await client.get(lipa.url("/checkout/customer-data"), headers=headers)
    assert read.json() == second.json()

    published = await events(container, "checkout.customer_data_provided.v1")
    assert [(e.topic, e.payload["version"], e.payload["invoice"], e.payload["invoice_country"])
            for e in published] == [("checkout-events", 1, False, None),
                                    ("checkout-events", 2, True, "PL")]  # fmt: skip
    assert all("ola" not in str(e.payload).lower() for e in published)  # no personal data


@pytest.mark.parametrize(
    ("country", "tax_id", "stored"),
    [
        ("PL", "526-000-12-46", "5260001246"),
        ("PL", "PL 774 000 14 54", "PL7740001454"),
        ("DE", "DE123456789", "DE123456789"),
        ("GR", "el 123456789", "EL123456789"),
        ("FR", "FR40303265045", "FR40303265045"),
        ("NL", "NL123456789B01", "NL123456789B01"),
        ("PL", "DE123456789", "DE123456789"),  # a German buyer's number on a Polish address
        ("US", "12-3456789", "123456789"),  # outside the EU: no format to check
    ],
)
async def test_good_tax_ids_are_accepted(
    client: AsyncClient, lipa: Lipa, country: str, tax_id: str, stored: str
) -> None:
    headers = await new_cart(client, lipa)
    postal = {"PL": "00-950", "DE": "10115", "US": "94105"}.get(country, "1234")
    invoice = INVOICE | {"country": country, "tax_id": tax_id, "postal_code": postal}
    response = await _post(client, lipa, headers, **CUSTOMER, invoice=invoice)
    assert response.status_code == 200, response.text
    assert response.json()["invoice"]["tax_id"] == stored


@pytest.mark.parametrize(
    ("country", "tax_id", "problem"),
    [
        ("PL", "526-000-12-45", "check digit"),  # one digit off
        ("PL", "PL5260001245", "check digit"),
        ("PL", "12345", "10 digits"),
        ("DE", "123456789", "country prefix, e.g. DE"),
        ("DE", "DE12345678", "format of a DE VAT number"),
        ("NL", "NL123456789B0", "format of a NL VAT number"),
        ("GR", "123456789", "e.g. EL"),
    ],
)
async def test_bad_tax_ids_are_refused_and_nothing_changes(
    client: AsyncClient, lipa: Lipa, country: str, tax_id: str, problem: str
) -> None:
    headers = await new_cart(client, lipa)
    assert (await _post(client, lipa, headers, **CUSTOMER)).status_code == 200
    postal = "00-950" if country == "PL" else "10115"
    invoice = INVOICE | {"country": country, "tax_id": tax_id, "postal_code": postal}

    refused = await _post(client, lipa, headers, **CUSTOMER, invoice=invoice)

    assert refused.status_code == 422, refused.text
    fields = {f["field"]: f["message"] for f in refused.json()["fields"]}
    assert list(fields) == ["body.invoice.tax_id"] and problem in fields["body.invoice.tax_id"]
    kept = await client.get(lipa.url("/checkout/customer-data"), headers=headers)
    assert kept.json()["version"] == 1 and kept.json()["invoice"] is None


async def test_each_bad_field_is_named(client: AsyncClient, lipa: Lipa) -> None:
    headers = await new_cart(client, lipa)
    refused = await _post(
        client, lipa, headers, email="not-an-email", phone="600 100", name="  ",
        invoice=INVOICE | {"postal_code": "123", "country": "XX", "company": ""},
    )  # fmt: skip
    assert refused.status_code == 422
    fields = {f["field"] for f in refused.json()["fields"]}
    assert fields == {"body.email", "body.phone", "body.name", "body.invoice.company",
                      "body.invoice.country"}  # fmt: skip
    unknown = await _post(client, lipa, headers, **CUSTOMER, nickname="Ola")
    assert unknown.status_code == 422
    assert (await client.get(lipa.url("/checkout/customer-data"), headers=headers)).status_code \
        == 404  # fmt: skip


async def test_without_a_cart_nothing_is_stored_and_carts_do_not_see_each_other(
    client: AsyncClient, lipa: Lipa
) -> None:
    no_cart = await _post(client, lipa, {}, **CUSTOMER)
    assert no_cart.status_code == 404 and no_cart.json()["error"] == "CustomerCartNotFound"
    stale = await _post(client, lipa, {"X-Cart-Token": "nope"}, **CUSTOMER)
    assert stale.status_code == 404 and stale.json()["error"] == "CartNotFound"

    mine, theirs = await new_cart(client, lipa), await new_cart(client, lipa)
    assert (await _post(client, lipa, mine, **CUSTOMER)).status_code == 200
    unseen = await client.get(lipa.url("/checkout/customer-data"), headers=theirs)
    assert unseen.status_code == 404
