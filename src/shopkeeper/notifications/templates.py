"""System messages: default wording in en, ru and pl, shop overrides, sandboxed rendering.

A template is Jinja in a sandbox with StrictUndefined: it may use only the variables its
purpose documents (`PURPOSES`), plus `channel` (what carries it: "telegram", "discord",
"email", "sms"), and a mistake is found when the shop saves it (`validate`), by rendering it
with sample values, never when a customer should have received it.
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from shopkeeper.notifications.errors import TemplateInvalid, UnknownPurpose

LANGUAGES = ("en", "ru", "pl")
CHANNELS = ("telegram", "discord", "email", "sms")

# purpose → the variables a template of it may use, with sample values for validation.
PURPOSES: dict[str, dict[str, str | int]] = {
    "subscription.reminder": {"plan": "Premium", "days_left": 3, "period_end": "2026-12-01"},
    "subscription.expired": {"plan": "Premium"},
    "access.granted": {"title": "VIP channel", "join_url": "https://t.me/+abc"},
    "access.revoked": {"title": "VIP channel"},
    "access.action_required": {"title": "VIP channel", "reason": "link your account"},
    "payment_confirmation": {
        "shop": "Zagadka", "order_number": "ZAG-000042", "amount": "€12.00", "items": "Premium",
    },
    "staff.payment_failed": {
        "shop": "Zagadka", "order_number": "ZAG-000042", "amount": "€12.00",
        "provider": "stripe", "reason": "card declined",
    },
    "order.refunded": {
        "shop": "Zagadka", "order_number": "ZAG-000042", "amount": "€12.00", "items": "Premium",
        "fully_refunded": True,
    },
    "order.invoice": {
        "shop": "Zagadka", "order_number": "ZAG-000042", "invoice_number": "FV/2026/000042",
        "amount": "€12.00", "url": "https://shop.example/invoices/1.pdf?token=1.ab",
    },
}  # fmt: skip

DEFAULTS: dict[str, dict[str, str]] = {
    "subscription.reminder": {
        "en": "Your {{ plan }} subscription ends in {{ days_left }} day(s), on {{ period_end }}. "
        "{% if channel == 'telegram' %}Renew with /buy to keep your access."
        "{% elif channel == 'discord' %}Renew with /premium buy to keep your access."
        "{% else %}Renew it to keep your access.{% endif %}",
        "ru": "Ваша подписка «{{ plan }}» закончится через {{ days_left }} дн. ({{ period_end }}). "
        "{% if channel == 'telegram' %}Продлите её командой /buy, чтобы сохранить доступ."
        "{% elif channel == 'discord' %}Продлите её командой /premium buy, чтобы сохранить "
        "доступ.{% else %}Продлите её, чтобы сохранить доступ.{% endif %}",
        "pl": "Twoja subskrypcja {{ plan }} kończy się za {{ days_left }} dni ({{ period_end }}). "
        "{% if channel == 'telegram' %}Odnów ją komendą /buy, aby zachować dostęp."
        "{% elif channel == 'discord' %}Odnów ją komendą /premium buy, aby zachować dostęp."
        "{% else %}Odnów ją, aby zachować dostęp.{% endif %}",
    },
    "subscription.expired": {
        "en": "Your {{ plan }} subscription has ended."
        "{% if channel == 'telegram' %} Use /buy to come back any time."
        "{% elif channel == 'discord' %} Use /premium buy to come back any time.{% endif %}",
        "ru": "Ваша подписка «{{ plan }}» закончилась."
        "{% if channel == 'telegram' %} Вернуться можно в любой момент: /buy."
        "{% elif channel == 'discord' %} Вернуться можно в любой момент: /premium buy.{% endif %}",
        "pl": "Twoja subskrypcja {{ plan }} wygasła."
        "{% if channel == 'telegram' %} Wróć w każdej chwili: /buy."
        "{% elif channel == 'discord' %} Wróć w każdej chwili: /premium buy.{% endif %}",
    },
    "access.granted": {
        "en": "Access to {{ title }} is yours."
        "{% if join_url %} Join here: {{ join_url }}{% endif %}",
        "ru": "Доступ к «{{ title }}» открыт.{% if join_url %} Вход: {{ join_url }}{% endif %}",
        "pl": "Masz dostęp do {{ title }}."
        "{% if join_url %} Dołącz tutaj: {{ join_url }}{% endif %}",
    },
    "access.revoked": {
        "en": "Your access to {{ title }} has ended.",
        "ru": "Ваш доступ к «{{ title }}» закрыт.",
        "pl": "Twój dostęp do {{ title }} wygasł.",
    },
    "access.action_required": {
        "en": "One more step to get {{ title }}: {{ reason }}.",
        "ru": "Ещё один шаг, чтобы получить «{{ title }}»: {{ reason }}.",
        "pl": "Jeszcze jeden krok, aby otrzymać {{ title }}: {{ reason }}.",
    },
    # An email: its first line is the subject.
    "payment_confirmation": {
        "en": "Payment received: {{ amount }} for order {{ order_number }}\n\n"
        "Thank you! {{ shop }} has received your payment of {{ amount }} for {{ items }} "
        "(order {{ order_number }}).",
        "ru": "Оплата получена: {{ amount }} за заказ {{ order_number }}\n\n"
        "Спасибо! {{ shop }} получил вашу оплату {{ amount }} за «{{ items }}» "
        "(заказ {{ order_number }}).",
        "pl": "Płatność otrzymana: {{ amount }} za zamówienie {{ order_number }}\n\n"
        "Dziękujemy! {{ shop }} otrzymał Twoją płatność {{ amount }} za {{ items }} "
        "(zamówienie {{ order_number }}).",
    },
    # An invoice sent again by staff (its first line is an email's subject).
    "order.invoice": {
        "en": "Invoice {{ invoice_number }} for order {{ order_number }}\n\n"
        "{{ shop }} sends you the invoice for order {{ order_number }} ({{ amount }}). "
        "Download it within 30 days: {{ url }}",
        "ru": "Счёт {{ invoice_number }} по заказу {{ order_number }}\n\n"
        "{{ shop }} отправляет вам счёт по заказу {{ order_number }} ({{ amount }}). "
        "Скачайте его в течение 30 дней: {{ url }}",
        "pl": "Faktura {{ invoice_number }} do zamówienia {{ order_number }}\n\n"
        "{{ shop }} przesyła fakturę do zamówienia {{ order_number }} ({{ amount }}). "
        "Pobierz ją w ciągu 30 dni: {{ url }}",
    },
    # A receipt for money given back, over the first channel that reaches the customer (its
    # first line is an email's subject).
    "order.refunded": {
        "en": "Refund of {{ amount }} for order {{ order_number }}\n\n"
        "{{ shop }} has refunded {{ amount }} for {{ items }} (order {{ order_number }})."
        "{% if fully_refunded %} The order is now fully refunded.{% endif %}"
        " The money goes back the way you paid.",
        "ru": "Возврат {{ amount }} по заказу {{ order_number }}\n\n"
        "{{ shop }} вернул {{ amount }} за «{{ items }}» (заказ {{ order_number }})."
        "{% if fully_refunded %} Заказ возвращён полностью.{% endif %}"
        " Деньги вернутся тем же способом, которым вы платили.",
        "pl": "Zwrot {{ amount }} za zamówienie {{ order_number }}\n\n"
        "{{ shop }} zwrócił {{ amount }} za {{ items }} (zamówienie {{ order_number }})."
        "{% if fully_refunded %} Zamówienie zostało zwrócone w całości.{% endif %}"
        " Pieniądze wrócą tą samą drogą, którą płaciłeś.",
    },
    # To the shop's owners and admins.
    "staff.payment_failed": {
        "en": "Payment failed: order {{ order_number }} ({{ amount }})\n\n"
        "A {{ provider }} payment of {{ amount }} for order {{ order_number }} in {{ shop }} "
        "failed: {{ reason }}.",
        "ru": "Платёж не прошёл: заказ {{ order_number }} ({{ amount }})\n\n"
        "Платёж {{ provider }} на {{ amount }} за заказ {{ order_number }} в «{{ shop }}» "
        "не прошёл: {{ reason }}.",
        "pl": "Płatność nieudana: zamówienie {{ order_number }} ({{ amount }})\n\n"
        "Płatność {{ provider }} na {{ amount }} za zamówienie {{ order_number }} w {{ shop }} "
        "nie powiodła się: {{ reason }}.",
    },
}


@lru_cache(maxsize=1)
def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


def pick_language(wanted: str | None) -> str:
    """en, ru or pl from a language tag such as `ru-RU`; English otherwise."""
    tag = (wanted or "").split("-")[0].lower()
    return tag if tag in LANGUAGES else "en"


def default_body(purpose: str, language: str) -> str:
    if purpose not in DEFAULTS:
        raise UnknownPurpose(purpose)
    return DEFAULTS[purpose][pick_language(language)]


def render(body: str, variables: dict[str, object]) -> str:
    """The message text; raises TemplateInvalid (never expected after `validate`)."""
    try:
        return _environment().from_string(body).render(**variables).strip()
    except TemplateError as exc:
        raise TemplateInvalid(str(exc)) from exc


def validate(purpose: str, body: str) -> str:
    """Render `body` with the purpose's sample values; the preview, or TemplateInvalid."""
    if purpose not in PURPOSES:
        raise UnknownPurpose(purpose)
    if not body.strip():
        raise TemplateInvalid("The template is empty")
    return render(body, {**PURPOSES[purpose], "channel": CHANNELS[0]})


# Win-back steps (notifications.winback): their wording lives in its own module.
from shopkeeper.notifications.templates_winback import WINBACK_DEFAULTS, WINBACK_PURPOSES  # noqa: E402

PURPOSES.update(WINBACK_PURPOSES)
DEFAULTS.update(WINBACK_DEFAULTS)
