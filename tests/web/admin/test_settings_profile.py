"""Settings → Profile: an admin changes the shop's name, currency, time zone and languages;
mistakes are shown by their fields with what was typed; others see it read-only or not at all."""

from __future__ import annotations

from httpx import AsyncClient, Response

from shopkeeper.bootstrap import Container
from tests.builders import shop_with_owner, staff_member
from tests.web.admin.support import HOSTILE, csrf_of, field_error
from tests.web.seed import sign_in

FORM = {"name": "Corner Shop", "currency": "PLN", "timezone": "Europe/Warsaw",
        "languages": ["en", "pl"], "default_language": "en"}  # fmt: skip


def _url(slug: str) -> str:
    return f"/admin/s/{slug}/settings"


async def _save(client: AsyncClient, slug: str, **fields: object) -> Response:
    token = csrf_of((await client.get(f"/admin/s/{slug}")).text)
    return await client.post(_url(slug), data={**FORM, "csrf_token": token, **fields})


async def test_an_admin_changes_the_profile_and_every_page_follows(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client, currency="EUR", timezone="UTC")
    admin = await staff_member(container, client, shop=shop, role="admin")
    await sign_in(client, admin.user.email)
    page = await client.get(_url(shop.slug))
    assert page.status_code == 200 and 'value="EUR"' in page.text and 'value="UTC"' in page.text
    assert f"/s/{shop.slug}" in page.text

    saved = await _save(client, shop.slug, name=HOSTILE, currency="pln", timezone="Europe/Moscow",
                        languages=["ru", "pl"], default_language="pl")  # fmt: skip
    assert saved.status_code == 303 and saved.headers["location"] == _url(shop.slug)
    page = await client.get(_url(shop.slug))
    assert "The shop's profile is saved." in page.text
    assert HOSTILE not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert 'value="PLN"' in page.text and 'value="Europe/Moscow"' in page.text
    assert 'name="languages" value="ru" checked>' in page.text
    assert 'name="languages" value="en" >' in page.text  # offered, no longer ticked
    api = (await client.get(f"/api/v1/shops/{shop.slug}", headers=owner.headers)).json()
    assert (api["name"], api["currency"], api["timezone"]) == (HOSTILE, "PLN", "Europe/Moscow")
    assert api["languages"] == ["pl", "ru"] and api["default_language"] == "pl"
    overview = await client.get(f"/admin/s/{shop.slug}")
    assert "Moscow" in overview.text and HOSTILE not in overview.text
    log = (await client.get(f"/api/v1/shops/{shop.slug}/audit", headers=owner.headers)).json()
    entry = next(e for e in log["items"] if e["action"] == "shop.updated")
    assert entry["actor_label"] == admin.user.email and entry["before"]["currency"] == "EUR"


async def test_mistakes_are_shown_by_their_fields_and_nothing_is_saved(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client, currency="EUR")
    await sign_in(client, owner.user.email)

    bad = await _save(client, shop.slug, name="  ", currency="ZZZ", timezone="Mars/Olympus")
    assert bad.status_code == 422
    assert "Enter the shop&#39;s name" in field_error(bad, "f-name")
    assert "Enter a currency code" in field_error(bad, "f-currency")
    assert "Choose a time zone from the list" in field_error(bad, "f-timezone")
    assert 'value="ZZZ"' in bad.text and 'value="Mars/Olympus"' in bad.text
    none = await _save(client, shop.slug, languages=[])
    assert none.status_code == 422 and "Choose at least one language." in none.text
    apart = await _save(client, shop.slug, languages=["pl"], default_language="ru")
    assert apart.status_code == 422
    assert "The default language must be one of those chosen." in apart.text
    api = (await client.get(f"/api/v1/shops/{shop.slug}", headers=owner.headers)).json()
    assert api == shop.model_dump(mode="json")


async def test_others_see_the_profile_without_a_form_and_cannot_change_it(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    for role in ("manager", "cashier", "viewer"):
        member = await staff_member(container, client, shop=shop, role=role)
        client.cookies.clear()
        await sign_in(client, member.user.email)
        page = await client.get(_url(shop.slug))
        assert page.status_code == 200 and shop.name in page.text
        assert "Only an owner or an admin can change the profile." in page.text
        assert "Save the profile" not in page.text
        assert (await _save(client, shop.slug, name="Mine")).status_code == 403
    token = csrf_of((await client.get(_url(shop.slug))).text)
    client.cookies.clear()
    await sign_in(client, owner.user.email)
    assert (await client.post(_url(shop.slug), data={**FORM, "name": "Forged"})).status_code == 403
    wrong = await client.post(_url(shop.slug), data={**FORM, "name": "Forged", "csrf_token": token})
    assert wrong.status_code == 403  # another session's token
    other, _stranger = await shop_with_owner(container, client)
    assert (await client.get(_url(other.slug))).status_code == 404
    own_token = csrf_of((await client.get(_url(shop.slug))).text)
    foreign = await client.post(_url(other.slug), data={**FORM, "csrf_token": own_token})
    assert foreign.status_code == 404
    api = (await client.get(f"/api/v1/shops/{shop.slug}", headers=owner.headers)).json()
    assert api["name"] == shop.name
