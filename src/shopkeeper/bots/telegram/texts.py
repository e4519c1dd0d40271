"""Bot texts: defaults in every language, a shop's overrides, the translator handlers get.

Every key has en, ru and pl wording with the same `{placeholders}`; a shop may override any
of them per language (telegram_text). A feature adds its keys to `DEFAULTS` here.
"""

from __future__ import annotations

import string
from collections.abc import Mapping

LANGUAGES = ("en", "ru", "pl")
FALLBACK = "en"
LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "pl": "Polski"}

DEFAULTS: dict[str, dict[str, str]] = {
    "start.greeting": {
        "en": "Hello, {name}! Welcome to {shop}.",
        "ru": "Здравствуйте, {name}! Добро пожаловать в {shop}.",
        "pl": "Cześć, {name}! Witamy w {shop}.",
    },
    "start.promo_saved": {
        "en": "Promo code {code} is saved: it will be applied to your next purchase.",
        "ru": "Промокод {code} сохранён: он будет применён к вашей следующей покупке.",
        "pl": "Kod promocyjny {code} został zapisany: zostanie użyty przy następnym zakupie.",
    },
    "start.plan_selected": {
        "en": "Your chosen plan is waiting for you: tap Buy to continue.",
        "ru": "Выбранный тариф ждёт вас: нажмите «Купить», чтобы продолжить.",
        "pl": "Wybrany plan czeka: naciśnij „Kup”, aby kontynuować.",
    },
    "menu.prompt": {
        "en": "What would you like to do?",
        "ru": "Что вы хотите сделать?",
        "pl": "Co chcesz zrobić?",
    },
    "menu.buy": {"en": "🛒 Buy", "ru": "🛒 Купить", "pl": "🛒 Kup"},
    "menu.status": {
        "en": "📋 My subscriptions",
        "ru": "📋 Мои подписки",
        "pl": "📋 Moje subskrypcje",
    },
    "menu.channels": {"en": "📢 My channels", "ru": "📢 Мои каналы", "pl": "📢 Moje kanały"},
    "menu.help": {"en": "❓ Help", "ru": "❓ Помощь", "pl": "❓ Pomoc"},
    "menu.language": {"en": "🌐 Language", "ru": "🌐 Язык", "pl": "🌐 Język"},
    "menu.unavailable": {
        "en": "This is not available yet.",
        "ru": "Это пока недоступно.",
        "pl": "To nie jest jeszcze dostępne.",
    },
    "help": {
        "en": "{shop}\n\n/start — main menu\n/buy — buy a plan\n/status — my subscriptions"
        "\n/notifications — reminders and news: on or off\n/stop — stop reminders and news"
        "\n/help — this help\n/language — change the language",
        "ru": "{shop}\n\n/start — главное меню\n/buy — купить тариф\n/status — мои подписки"
        "\n/notifications — напоминания и новости: вкл. или выкл.\n/stop — отключить "
        "напоминания и новости\n/help — эта справка\n/language — сменить язык",
        "pl": "{shop}\n\n/start — menu główne\n/buy — kup plan\n/status — moje subskrypcje"
        "\n/notifications — przypomnienia i nowości: włącz lub wyłącz\n/stop — wyłącz "
        "przypomnienia i nowości\n/help — ta pomoc\n/language — zmień język",
    },
    "language.choose": {
        "en": "Choose your language:",
        "ru": "Выберите язык:",
        "pl": "Wybierz język:",
    },
    "language.saved": {
        "en": "Done: I will speak English.",
        "ru": "Готово: теперь я говорю по-русски.",
        "pl": "Gotowe: będę mówić po polsku.",
    },
    "command.start": {"en": "Main menu", "ru": "Главное меню", "pl": "Menu główne"},
    "command.help": {"en": "Help", "ru": "Помощь", "pl": "Pomoc"},
    "command.language": {
        "en": "Change the language",
        "ru": "Сменить язык",
        "pl": "Zmień język",
    },
    "error.generic": {
        "en": "Something went wrong. Please try again later.",
        "ru": "Что-то пошло не так. Попробуйте позже.",
        "pl": "Coś poszło nie tak. Spróbuj ponownie później.",
    },
    "error.rejected": {
        "en": "Sorry, that did not work: {detail}",
        "ru": "Не получилось: {detail}",
        "pl": "Niestety, to się nie udało: {detail}",
    },
}

Overrides = Mapping[tuple[str, str], str]  # (key, language) → the shop's text


def placeholders(template: str) -> set[str]:
    """Names of the `{fields}` in a template; ValueError unless each is a plain `{name}`."""
    names = set()
    for _, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(f"{{{name}}} is not a plain placeholder like {{name}}")
        names.add(name)
    return names


def pick_language(chosen: str | None, telegram_code: str | None, shop_default: str) -> str:
    """The user's choice, else their Telegram app's language, else the shop's, else English."""
    if chosen in LANGUAGES:
        return chosen
    code = (telegram_code or "").split("-", 1)[0].lower()
    if code in LANGUAGES:
        return code
    return shop_default if shop_default in LANGUAGES else FALLBACK


class _Blank(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class Texts:
    """`texts("start.greeting", name=...)` in one language, with the shop's overrides."""

    __slots__ = ("_overrides", "language")

    def __init__(self, language: str, overrides: Overrides | None = None) -> None:
        self.language = language if language in LANGUAGES else FALLBACK
        self._overrides: Overrides = overrides or {}

    def __call__(self, key: str, **values: object) -> str:
        template = self._overrides.get((key, self.language))
        if template is None:
            wording = DEFAULTS[key]
            template = wording.get(self.language) or wording[FALLBACK]
        return template.format_map(_Blank(values)) if values else template

    def using(self, language: str) -> Texts:
        """The same shop's texts in another language."""
        return Texts(language, self._overrides)


# The selling flow's wording (/buy, payments, /status) lives in its own module.
from shopkeeper.bots.telegram.texts_selling import SELLING  # noqa: E402

DEFAULTS.update(SELLING)

# /channels: a customer's chats and their invite links.
from shopkeeper.bots.telegram.texts_channels import CHANNELS  # noqa: E402

DEFAULTS.update(CHANNELS)

# /stop and /notifications: turning the shop's messages off and on.
from shopkeeper.bots.telegram.texts_notifications import NOTIFICATIONS  # noqa: E402

DEFAULTS.update(NOTIFICATIONS)
