"""The wording of /channels (a customer's chats and invite links), in en, ru and pl."""

from __future__ import annotations

CHANNELS: dict[str, dict[str, str]] = {
    "command.channels": {
        "en": "My channels and invite links",
        "ru": "Мои каналы и ссылки-приглашения",
        "pl": "Moje kanały i zaproszenia",
    },
    "channels.none": {
        "en": "You have no channels yet. Get access with /buy.",
        "ru": "У вас пока нет каналов. Получить доступ: /buy.",
        "pl": "Nie masz jeszcze kanałów. Uzyskaj dostęp: /buy.",
    },
    "channels.header": {
        "en": "Your channels:",
        "ru": "Ваши каналы:",
        "pl": "Twoje kanały:",
    },
    "channels.member": {
        "en": "✅ {title}: you are a member.",
        "ru": "✅ {title}: вы участник.",
        "pl": "✅ {title}: jesteś członkiem.",
    },
    "channels.join": {
        "en": "🔑 {title}: tap the button below to join (the link works once).",
        "ru": "🔑 {title}: нажмите кнопку ниже, чтобы войти (ссылка одноразовая).",
        "pl": "🔑 {title}: naciśnij przycisk poniżej, aby dołączyć (link działa raz).",
    },
    "channels.join_request": {
        "en": "🔑 {title}: tap the button below and send a join request; it is approved at once.",
        "ru": "🔑 {title}: нажмите кнопку ниже и отправьте заявку — она будет сразу одобрена.",
        "pl": "🔑 {title}: naciśnij przycisk poniżej i wyślij prośbę — zostanie od razu przyjęta.",
    },
    "channels.join_button": {
        "en": "Join {title}",
        "ru": "Войти в {title}",
        "pl": "Dołącz do {title}",
    },
    "channels.action_required": {
        "en": "⚠️ {title}: one more step — {reason}.",
        "ru": "⚠️ {title}: остался один шаг — {reason}.",
        "pl": "⚠️ {title}: jeszcze jeden krok — {reason}.",
    },
    "channels.pending": {
        "en": "⏳ {title}: your access is being prepared, try again in a minute.",
        "ru": "⏳ {title}: доступ готовится, попробуйте через минуту.",
        "pl": "⏳ {title}: dostęp jest przygotowywany, spróbuj za minutę.",
    },
    "channels.unavailable": {
        "en": "⚠️ {title}: an invite link cannot be made right now, please try again later.",
        "ru": "⚠️ {title}: сейчас не удаётся создать ссылку, попробуйте позже.",
        "pl": "⚠️ {title}: nie można teraz utworzyć linku, spróbuj później.",
    },
}
