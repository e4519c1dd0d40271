"""/help names every command a customer can send, /stop and /notifications included, in their
language; the bot's command menu (setMyCommands, per language) lists them too."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from tests.bots.telegram.conftest import Connected, deliver
from tests.fakes.telegram import FakeTelegram, command_update, tg_user

HELP = {
    "en": ["/notifications — reminders and news: on or off", "/stop — stop reminders and news"],
    "ru": ["/notifications — напоминания и новости: вкл. или выкл.",
           "/stop — отключить напоминания и новости"],
    "pl": ["/notifications — przypomnienia i nowości: włącz lub wyłącz",
           "/stop — wyłącz przypomnienia i nowości"],
}  # fmt: skip
MENU = {
    "en": ("Reminders and news: on or off", "Stop reminders and news"),
    "ru": ("Напоминания и новости: вкл./выкл.", "Отключить напоминания и новости"),
    "pl": ("Przypomnienia i nowości: wł./wył.", "Wyłącz przypomnienia i nowości"),
}


@pytest.mark.parametrize("language", ["en", "ru", "pl"])
async def test_help_lists_stop_and_notifications(
    client: AsyncClient, bot: Connected, telegram: FakeTelegram, language: str
) -> None:
    user = tg_user(language_code=language)

    response = await deliver(client, bot, command_update(user, "help"))

    assert response.status_code == 200
    lines = telegram.sent(user["id"])[-1]["text"].splitlines()
    assert lines[0] == "Lumen Club"
    for line in HELP[language]:
        assert line in lines
    commands = [line.split(" — ")[0] for line in lines[2:]]
    assert commands == ["/start", "/buy", "/status", "/notifications", "/stop", "/help",
                        "/language"]  # fmt: skip


async def test_the_command_menu_has_stop_and_notifications_in_every_language(
    bot: Connected, telegram: FakeTelegram
) -> None:
    assert set(bot.fake.commands) == {"", "en", "ru", "pl"}
    for language, menu in bot.fake.commands.items():
        described = {c["command"]: c["description"] for c in menu}
        assert {"start", "help", "buy", "status", "notifications", "stop"} <= set(described)
        assert (described["notifications"], described["stop"]) == MENU[language or "en"]
        assert all(3 <= len(text) <= 256 for text in described.values())  # Bot API limits
