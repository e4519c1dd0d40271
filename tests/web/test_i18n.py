"""Languages of the admin: chosen by Accept-Language or the user's cookie; catalogs complete."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from httpx import AsyncClient

import shopkeeper.web
from shopkeeper.web.i18n import choose_language, parse_accept_language

WEB = Path(shopkeeper.web.__file__).parent


async def test_accept_language_picks_polish(client: AsyncClient) -> None:
    page = await client.get("/admin/login", headers={"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5"})
    assert '<html lang="pl">' in page.text
    assert "Zaloguj się do panelu" in page.text and "Hasło" in page.text
    assert page.headers["content-language"] == "pl"


async def test_the_chosen_language_wins_over_the_browser(client: AsyncClient) -> None:
    choice = await client.get("/admin/language?lang=ru&next=/admin/login")
    assert choice.status_code == 303 and choice.headers["location"] == "/admin/login"

    page = await client.get("/admin/login", headers={"Accept-Language": "pl"})

    assert "Вход в панель управления" in page.text and "Пароль" in page.text


async def test_error_messages_are_translated(client: AsyncClient) -> None:
    await client.get("/admin/language?lang=pl&next=/admin/login")
    page = await client.get("/admin/login")
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]

    response = await client.post(
        "/admin/login", data={"email": "x@example.com", "password": "nope", "csrf_token": token}
    )

    assert response.status_code == 401
    assert "Nieprawidłowy e-mail lub hasło." in response.text


def test_accept_language_parsing() -> None:
    assert parse_accept_language("en;q=0.5, ru-RU, pl;q=0.8, de;q=0") == ["ru-ru", "pl", "en"]
    assert choose_language(cookie=None, accept_language="de, ru;q=0.3") == "ru"
    assert choose_language(cookie="xx", accept_language="fr") == "en"
    assert choose_language(cookie="pl", accept_language="ru") == "pl"


def _messages() -> set[str | tuple[str, ...]]:
    found = extract_from_dir(
        str(WEB),
        method_map=[("**.py", "python"), ("**/templates/**.html", "jinja2")],
        options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
        keywords={"_": None, "gettext": None, "ngettext": (1, 2)},
    )
    return {message for _file, _line, message, _comments, _context in found}


@pytest.mark.parametrize("language", ["pl", "ru"])
def test_every_message_is_translated(language: str) -> None:
    with (WEB / "locale" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    messages = _messages()
    assert len(messages) > 50
    missing = []
    for message in messages:
        key = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(key)
        strings = entry.string if entry is not None else ""
        if not (all(strings) if isinstance(strings, tuple) else strings):
            missing.append(key)
    assert not missing, f"untranslated in {language}: {missing}"
