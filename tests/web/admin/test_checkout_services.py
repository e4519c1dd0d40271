"""The admin's services rules: what they offer, saving a new text, problems with their line
shown beside the editor (nothing saved), a save that lost a race, checking without saving."""

from __future__ import annotations

from httpx import AsyncClient

from shopkeeper import shops
from shopkeeper.bootstrap import Container
from shopkeeper.checkout import services
from tests.builders.services import create_sku_product, save_services_rules
from tests.web.admin.support import HOSTILE, OWNER, services_url, token
from tests.web.seed import sign_in

RULES = """services:
  - sku: SVC-WRAP
    kind: standalone
    max_quantity: 3
    label: {en: Gift wrapping, pl: Pakowanie na prezent}
  - sku: SVC-ASSEMBLY
    kind: item
    categories: []
    conditions: {min_weight_g: 20000}
    pricing: per_line
    label: {en: Assembly}
"""


async def rules_of(container: Container, shop: shops.ShopRead) -> services.ServicesRulesRead:
    async with container.readers() as session:
        return await services.get_rules(session, shop_id=shop.id)


async def catalog_services(container: Container, shop: shops.ShopRead) -> None:
    for sku in ("SVC-WRAP", "SVC-ASSEMBLY"):
        await create_sku_product(container, shop=shop, kind="service", sku=sku, prices={"PLN": 900})


async def test_the_default_rules_are_shown_with_what_the_catalog_keeps_out(
    client: AsyncClient, north: shops.ShopRead
) -> None:
    await sign_in(client, OWNER)
    page = await client.get(services_url())
    assert page.status_code == 200
    assert "The default rules: the shop has not saved its own yet." in page.text
    assert "SVC-CARRY-IN" in page.text and "Carrying in" in page.text
    assert 'id="rules-warnings"' in page.text  # the shop has none of these SKUs
    assert 'name="version" value="0"' in page.text and "services:" in page.text
    assert 'hx-post="/admin/s/north/checkout/services/check"' in page.text


async def test_a_new_text_is_saved_and_shown(
    client: AsyncClient, container: Container, north: shops.ShopRead
) -> None:
    await catalog_services(container, north)
    await sign_in(client, OWNER)
    csrf = await token(client, services_url())

    saved = await client.post(
        services_url(), data={"csrf_token": csrf, "yaml": RULES, "version": "0"}
    )

    assert saved.status_code == 303 and saved.headers["location"] == services_url()
    rules = await rules_of(container, north)
    assert (rules.source, rules.version) == ("shop", 1)
    assert [s.sku for s in rules.services] == ["SVC-WRAP", "SVC-ASSEMBLY"]
    page = await client.get(services_url(), headers={"Accept-Language": "pl"})
    assert "Pakowanie na prezent" in page.text and "Zasady sklepu, wersja 1" in page.text
    assert "od 20 kg" in page.text and "raz na pozycję" in page.text
    assert 'name="version" value="1"' in page.text


async def test_problems_come_back_beside_the_text_and_nothing_is_saved(
    client: AsyncClient, container: Container, north: shops.ShopRead
) -> None:
    await catalog_services(container, north)
    await save_services_rules(container, shop=north, yaml=RULES)
    await sign_in(client, OWNER)
    csrf = await token(client, services_url())
    cases = [
        ("services:\n  - sku: SVC-WRAP\n    kind: standalone\n    colour: red\n", "line 4"),
        ("services:\n  - sku: SVC-NOPE\n    kind: standalone\n", "SVC-NOPE"),
        ("services: [unclosed\n", "line"),
    ]
    for text, expected in cases:
        page = await client.post(
            services_url(), data={"csrf_token": csrf, "yaml": text, "version": "1"}
        )
        assert page.status_code == 422, text
        assert "The rules were not saved: correct these problems." in page.text
        problems = page.text.split('id="rules-problems"', 1)[1].split("</div>", 1)[0]
        assert expected in problems, (text, problems)
        assert 'aria-invalid="true"' in page.text
        assert text.split("\n", 1)[0] in page.text  # the editor keeps what was typed
    too_long = await client.post(
        services_url(), data={"csrf_token": csrf, "yaml": "#" * 70_000, "version": "1"}
    )
    assert too_long.status_code == 422
    rules = await rules_of(container, north)
    assert rules.version == 1 and rules.yaml == RULES


async def test_a_save_started_from_an_old_version_is_refused_and_keeps_the_text(
    client: AsyncClient, container: Container, north: shops.ShopRead
) -> None:
    await catalog_services(container, north)
    await sign_in(client, OWNER)
    csrf = await token(client, services_url())
    await save_services_rules(container, shop=north, yaml=RULES)  # someone else, meanwhile
    mine = RULES.replace("max_quantity: 3", "max_quantity: 5")

    page = await client.post(
        services_url(), data={"csrf_token": csrf, "yaml": mine, "version": "0"}
    )

    assert page.status_code == 409
    assert "Someone saved the rules since you opened them" in page.text
    assert "max_quantity: 5" in page.text
    assert (await rules_of(container, north)).yaml == RULES


async def test_checking_says_what_a_save_would_and_saves_nothing(
    client: AsyncClient, container: Container, north: shops.ShopRead
) -> None:
    await catalog_services(container, north)
    await sign_in(client, OWNER)
    csrf = await token(client, services_url())
    headers = {"HX-Request": "true", "X-CSRF-Token": csrf}

    fine = await client.post(
        services_url("/check"), data={"yaml": RULES, "version": "0"}, headers=headers
    )
    wrong = await client.post(
        services_url("/check"), data={"yaml": "services: 3\n", "version": "0"}, headers=headers
    )

    assert fine.status_code == 200 and "No problems found" in fine.text
    assert "<html" not in fine.text  # a fragment for the editor
    assert wrong.status_code == 200 and "A save would be refused:" in wrong.text
    rules = await rules_of(container, north)
    assert (rules.source, rules.version) == ("default", 0)


async def test_labels_and_problems_are_shown_as_text(
    client: AsyncClient, container: Container, north: shops.ShopRead
) -> None:
    await catalog_services(container, north)
    hostile = RULES.replace("Gift wrapping", '"' + HOSTILE.replace('"', "'") + '"')
    await save_services_rules(container, shop=north, yaml=hostile)
    await sign_in(client, OWNER)
    csrf = await token(client, services_url())
    page = await client.get(services_url())
    refused = await client.post(
        services_url(),
        data={"csrf_token": csrf, "version": "1", "yaml": f"services:\n  - sku: '{HOSTILE}'\n"},
    )
    for shown in (page, refused):
        assert "<script>alert(1)" not in shown.text and "<img src=x" not in shown.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
