"""Staff read and replace a shop's services rules over HTTP: the default, validation against
the catalog with line numbers, versions, permissions, tenancy, audit; the public standalone
list; the migration."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import create_async_engine

from shopkeeper.bootstrap import Container
from shopkeeper.checkout.services.rules import default_text
from shopkeeper.models import Base
from shopkeeper.shops import ShopRead
from tests.builders import Staff, shop_with_owner, staff_member
from tests.builders.catalog import create_category
from tests.builders.services import create_sku_product

RULES = """\
services:
  - sku: SVC-ASSEMBLY
    kind: item
    categories: [furniture]
    label: {pl: Montaż}
  - sku: SVC-SMS
    kind: standalone
"""


def url(shop: ShopRead) -> str:
    return f"/api/v1/shops/{shop.slug}/services-rules"


async def furnished_shop(container: Container, client: AsyncClient) -> tuple[ShopRead, Staff]:
    shop, owner = await shop_with_owner(container, client, currency="PLN")
    await create_category(container, shop=shop, name="Furniture")
    for sku in ("SVC-ASSEMBLY", "SVC-SMS"):
        await create_sku_product(container, shop=shop, kind="service", sku=sku, prices={"PLN": 500})
    return shop, owner


async def test_the_default_until_the_shop_saves_its_own_then_versions_and_audit(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await furnished_shop(container, client)
    default = await client.get(url(shop), headers=owner.headers)
    assert default.status_code == 200, default.text
    body = default.json()
    assert (body["source"], body["version"], body["updated_by"]) == ("default", 0, None)
    assert body["yaml"] == default_text() and len(body["services"]) == 7
    # The default names SKUs and categories this shop lacks: shown, not fatal.
    assert any(
        "rule 1 (SVC-CARRY-IN): unknown service SKU 'SVC-CARRY-IN'" in p for p in body["problems"]
    )
    assert any("unknown category slug 'large-appliances'" in p for p in body["problems"])

    saved = await client.put(url(shop), json={"yaml": RULES, "version": 0}, headers=owner.headers)
    assert saved.status_code == 200, saved.text
    first = saved.json()
    assert (first["source"], first["version"], first["problems"]) == ("shop", 1, [])
    assert first["updated_by"] == owner.user.email
    assert [s["sku"] for s in first["services"]] == ["SVC-ASSEMBLY", "SVC-SMS"]
    again = await client.put(
        url(shop), json={"yaml": RULES.replace("Montaż", "Składanie")}, headers=owner.headers
    )
    assert again.json()["version"] == 2
    stale = await client.put(url(shop), json={"yaml": RULES, "version": 1}, headers=owner.headers)
    assert stale.status_code == 409 and stale.json()["error"] == "ServicesRulesChanged"
    read = (await client.get(url(shop), headers=owner.headers)).json()
    assert (read["version"], read["services"][0]["label"]["pl"]) == (2, "Składanie")

    audit = await client.get(
        f"/api/v1/shops/{shop.slug}/audit",
        params={"target_type": "services_rules"},
        headers=owner.headers,
    )
    entries = sorted(audit.json()["items"], key=lambda e: e["after"]["version"])
    assert [e["action"] for e in entries] == ["services_rules.updated"] * 2
    assert entries[0]["before"]["source"] == "default" and entries[0]["after"]["yaml"] == RULES
    assert entries[1]["before"]["version"] == 1 and "Składanie" in entries[1]["after"]["yaml"]


async def test_bad_rules_are_refused_naming_line_and_rule_and_nothing_changes(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await furnished_shop(container, client)
    other, _ = await shop_with_owner(container, client)
    await create_sku_product(
        container, shop=other, kind="service", sku="SVC-THEIRS", prices={"PLN": 100}
    )
    await create_sku_product(
        container, shop=shop, kind="physical", sku="SOFA-1", prices={"PLN": 100}
    )
    assert (await client.put(url(shop), json={"yaml": RULES}, headers=owner.headers)).is_success
    cases: list[tuple[str, list[str]]] = [
        (
            RULES + "  - {sku: SVC-THEIRS, kind: standalone}\n",
            ["line 8, rule 3 (SVC-THEIRS): unknown service SKU 'SVC-THEIRS' in this shop"],
        ),
        (
            RULES + "  - {sku: SOFA-1, kind: standalone}\n",
            ["line 8, rule 3 (SOFA-1): unknown service SKU 'SOFA-1' in this shop"],
        ),
        (
            RULES.replace("[furniture]", "[furniture, sofas, tables]"),
            [
                "line 4, rule 1 (SVC-ASSEMBLY): unknown category slug 'sofas'",
                "line 4, rule 1 (SVC-ASSEMBLY): unknown category slug 'tables'",
            ],
        ),
        (
            RULES.replace("    label:", "    conditions: {min_weight_g: heavy}\n    label:"),
            [
                "line 5, rule 1 (SVC-ASSEMBLY): conditions.min_weight_g: Input should be a valid "
                "integer"
            ],
        ),
        (
            RULES.replace("kind: standalone", "kind: standalone\n    max_quantity: 0"),
            ["line 8, rule 2 (SVC-SMS): max_quantity: Input should be greater than or equal to 1"],
        ),
        ("services:\n  - sku: [", ["line 2, column 11: not valid YAML"]),
    ]
    for text, expected in cases:
        refused = await client.put(url(shop), json={"yaml": text}, headers=owner.headers)
        assert refused.status_code == 422, refused.text
        body = refused.json()
        assert body["error"] == "ServicesRulesInvalid"
        details = body["detail"].removeprefix("services_rules.yaml: ").split("; ")
        assert len(details) == len(expected), details
        for detail, start in zip(details, expected, strict=True):
            assert detail.startswith(start), details
    kept = (await client.get(url(shop), headers=owner.headers)).json()
    assert (kept["version"], kept["yaml"]) == (1, RULES)
    too_long = await client.put(url(shop), json={"yaml": "#" * 70_000}, headers=owner.headers)
    assert too_long.status_code == 422


async def test_readers_read_writers_write_other_shops_see_nothing(
    container: Container, client: AsyncClient
) -> None:
    shop, _ = await furnished_shop(container, client)
    for role in ("viewer", "cashier"):
        reader = await staff_member(container, client, shop=shop, role=role)
        assert (await client.get(url(shop), headers=reader.headers)).status_code == 200
        refused = await client.put(url(shop), json={"yaml": RULES}, headers=reader.headers)
        assert refused.status_code == 403
    manager = await staff_member(container, client, shop=shop, role="manager")
    saved = await client.put(url(shop), json={"yaml": RULES}, headers=manager.headers)
    assert saved.status_code == 200 and saved.json()["updated_by"] == manager.user.email
    assert (await client.get(url(shop))).status_code == 401
    other, stranger = await shop_with_owner(container, client)
    assert (await client.get(url(shop), headers=stranger.headers)).status_code == 404
    put = await client.put(url(shop), json={"yaml": "services: []"}, headers=stranger.headers)
    assert put.status_code == 404
    # The stranger's own shop is untouched by the first shop's save.
    theirs = (await client.get(url(other), headers=stranger.headers)).json()
    assert (theirs["source"], theirs["version"]) == ("default", 0)


async def test_anyone_lists_the_standalone_services_in_a_currency_and_language(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await furnished_shop(container, client)
    await create_sku_product(
        container,
        shop=shop,
        kind="service",
        sku="SVC-GIFT-WRAP",
        name="Gift wrap",
        prices={"PLN": 900, "EUR": 200},
    )
    public = f"/api/v1/shops/{shop.slug}/services/standalone"
    listed = await client.get(public)  # the default rules, the shop's currency (PLN)
    assert listed.status_code == 200, listed.text
    assert [(s["sku"], s["name"], s["amount"]) for s in listed.json()] == [
        ("SVC-SMS", "SMS delivery notifications", 500),
        ("SVC-GIFT-WRAP", "Gift wrapping", 900),
    ]
    polish = (await client.get(public, params={"language": "pl", "currency": "eur"})).json()
    assert [(s["name"], s["currency"], s["unit_price"]) for s in polish] == [
        ("Opakowanie prezentowe", "EUR", 200)
    ]
    await client.put(url(shop), json={"yaml": RULES}, headers=owner.headers)
    assert [s["name"] for s in (await client.get(public)).json()] == ["Svc-Sms"]  # no label
    assert (await client.get(public, params={"currency": "PL"})).status_code == 422
    assert (await client.get("/api/v1/shops/no-such-shop/services/standalone")).status_code == 404


async def test_migrated_services_and_warranty_tables_match_the_code(database_url: str) -> None:
    engine = create_async_engine(database_url)

    def differences(connection: Any) -> Any:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with engine.connect() as connection:
        diff = await connection.run_sync(differences)
    await engine.dispose()
    ours = [d for d in diff if "checkout_services" in repr(d) or "checkout_warranty" in repr(d)]
    assert ours == []


async def test_an_unpublished_service_is_saved_with_a_warning_and_concurrent_saves_do_not_both_win(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await furnished_shop(container, client)
    await create_sku_product(
        container, shop=shop, kind="service", sku="SVC-HIDDEN", prices={"PLN": 1}, published=False
    )
    text = RULES + "  - {sku: SVC-HIDDEN, kind: standalone}\n"
    first, second = await asyncio.gather(
        client.put(url(shop), json={"yaml": text, "version": 0}, headers=owner.headers),
        client.put(url(shop), json={"yaml": RULES, "version": 0}, headers=owner.headers),
    )
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    winner = first if first.status_code == 200 else second
    stored = (await client.get(url(shop), headers=owner.headers)).json()
    assert (stored["version"], stored["yaml"]) == (1, winner.json()["yaml"])
    saved = await client.put(url(shop), json={"yaml": text}, headers=owner.headers)
    assert saved.status_code == 200, saved.text
    assert saved.json()["problems"] == [
        "line 8, rule 3 (SVC-HIDDEN): 'Svc-Hidden' is not published: not offered until it is"
    ]
    public = await client.get(f"/api/v1/shops/{shop.slug}/services/standalone")
    assert [s["sku"] for s in public.json()] == ["SVC-SMS"]
