"""Bot texts: every key in en, ru and pl; a shop's overrides through the API."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from shopkeeper.bots.telegram.texts import DEFAULTS, LANGUAGES, Texts, pick_language, placeholders
from tests.bots.telegram.conftest import ShopOwner
from tests.builders import staff_member


def test_every_key_has_every_language_with_the_same_placeholders() -> None:
    for key, wording in DEFAULTS.items():
        assert set(wording) == set(LANGUAGES), key
        assert len({frozenset(placeholders(text)) for text in wording.values()}) == 1, key


def test_the_language_falls_back_from_choice_to_telegram_to_shop_to_english() -> None:
    assert pick_language("pl", "ru", "en") == "pl"
    assert pick_language(None, "ru-RU", "en") == "ru"
    assert pick_language(None, "de", "pl") == "pl"
    assert pick_language(None, None, "de") == "en"


def test_an_override_wins_in_its_language_only() -> None:
    texts = Texts("ru", {("menu.buy", "ru"): "Оформить"})
    assert texts("menu.buy") == "Оформить"
    assert texts.using("en")("menu.buy") == "🛒 Buy"
    assert texts("start.greeting", name="{shop}", shop="X").startswith("Здравствуйте, {shop}!")


async def test_texts_are_listed_with_defaults_and_overrides(
    client: AsyncClient, shop_owner: ShopOwner
) -> None:
    url, headers = shop_owner.url("/texts"), shop_owner.owner.headers
    await client.put(url, headers=headers, json={"key": "menu.buy", "language": "pl",
                                                  "text": "  Kupuję  "})  # fmt: skip

    listed = await client.get(url, headers=headers)

    assert listed.status_code == 200
    by_key = {t["key"]: t for t in listed.json()}
    assert set(by_key) == set(DEFAULTS)
    assert by_key["menu.buy"]["overrides"] == {"pl": "Kupuję"}
    assert by_key["menu.buy"]["defaults"]["ru"] == "🛒 Купить"
    assert by_key["start.greeting"]["placeholders"] == ["name", "shop"]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"key": "no.such.key", "language": "en", "text": "x"}, "UnknownTextKey"),
        ({"key": "start.greeting", "language": "en", "text": "Hi {nmae}"}, "TextTemplateInvalid"),
        ({"key": "start.greeting", "language": "en", "text": "Hi {name"}, "TextTemplateInvalid"),
        ({"key": "start.greeting", "language": "en", "text": "{name.__class__}"},
         "TextTemplateInvalid"),
        ({"key": "menu.buy", "language": "de", "text": "Kaufen"}, "ValidationError"),
    ],
)  # fmt: skip
async def test_a_bad_override_is_422(
    client: AsyncClient, shop_owner: ShopOwner, body: dict[str, str], error: str
) -> None:
    response = await client.put(
        shop_owner.url("/texts"), json=body, headers=shop_owner.owner.headers
    )

    assert response.status_code == 422 and response.json()["error"] == error


async def test_an_empty_text_goes_back_to_the_default_and_both_are_audited(
    client: AsyncClient, shop_owner: ShopOwner
) -> None:
    url, headers = shop_owner.url("/texts"), shop_owner.owner.headers
    await client.put(url, headers=headers, json={"key": "help", "language": "en",
                                                  "text": "Ask {shop}"})  # fmt: skip

    reset = await client.put(url, headers=headers, json={"key": "help", "language": "en",
                                                          "text": None})  # fmt: skip

    assert reset.status_code == 200 and reset.json()["overrides"] == {}
    audit = await client.get(f"/api/v1/shops/{shop_owner.shop.slug}/audit", headers=headers)
    entries = [e for e in audit.json()["items"] if e["action"] == "telegram_text.updated"]
    assert [e["after"]["text"] for e in entries] == [None, "Ask {shop}"]


async def test_only_admins_change_texts(
    client: AsyncClient, container: Container, shop_owner: ShopOwner
) -> None:
    manager = await staff_member(container, client, shop=shop_owner.shop, role="manager")
    body = {"key": "help", "language": "en", "text": "Ask us"}

    assert (await client.get(shop_owner.url("/texts"), headers=manager.headers)).status_code == 200
    put = await client.put(shop_owner.url("/texts"), json=body, headers=manager.headers)
    assert put.status_code == 403
