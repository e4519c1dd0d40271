"""Default wording of win-back steps (en, ru, pl); `templates` adds them to its tables.

Both purposes get the same variables: `shop`, `plan`, `days` (since the subscription ended),
`step` (1-based), and for a step with a promo code `promo_code`, `discount` ("20%") and
`valid_until` (a date); without one those three are empty strings.
"""

from __future__ import annotations

WINBACK_PURPOSES: dict[str, dict[str, str | int]] = {
    purpose: {
        "shop": "Zagadka", "plan": "Premium", "days": 7, "step": 2, "promo_code": "BACK-7Q2M",
        "discount": "20%", "valid_until": "2026-12-14",
    }
    for purpose in ("winback.step", "winback.offer")
}  # fmt: skip

WINBACK_DEFAULTS: dict[str, dict[str, str]] = {
    "winback.step": {
        "en": "We miss you at {{ shop }}! Your {{ plan }} subscription ended {{ days }} day(s) "
        "ago. Come back any time with /buy."
        "{% if promo_code %} Code {{ promo_code }} gives you {{ discount }} off until "
        "{{ valid_until }}.{% endif %}",
        "ru": "Нам вас не хватает в «{{ shop }}»! Ваша подписка «{{ plan }}» закончилась "
        "{{ days }} дн. назад. Вернуться можно в любой момент: /buy."
        "{% if promo_code %} Промокод {{ promo_code }} даёт скидку {{ discount }} до "
        "{{ valid_until }}.{% endif %}",
        "pl": "Tęsknimy za Tobą w {{ shop }}! Twoja subskrypcja {{ plan }} wygasła {{ days }} "
        "dni temu. Wróć w każdej chwili: /buy."
        "{% if promo_code %} Kod {{ promo_code }} daje {{ discount }} zniżki do "
        "{{ valid_until }}.{% endif %}",
    },
    "winback.offer": {
        "en": "A gift to bring you back to {{ shop }}: "
        "{% if promo_code %}code {{ promo_code }} gives {{ discount }} off {{ plan }} until "
        "{{ valid_until }}.{% else %}your {{ plan }} subscription is waiting.{% endif %} /buy",
        "ru": "Подарок, чтобы вернуться в «{{ shop }}»: "
        "{% if promo_code %}промокод {{ promo_code }} даёт скидку {{ discount }} на «{{ plan }}» "
        "до {{ valid_until }}.{% else %}ваша подписка «{{ plan }}» ждёт вас.{% endif %} /buy",
        "pl": "Prezent na powrót do {{ shop }}: "
        "{% if promo_code %}kod {{ promo_code }} daje {{ discount }} zniżki na {{ plan }} do "
        "{{ valid_until }}.{% else %}Twoja subskrypcja {{ plan }} czeka.{% endif %} /buy",
    },
}
