"""The wording of /stop and /notifications (a customer's messages from the shop), en/ru/pl."""

from __future__ import annotations

NOTIFICATIONS: dict[str, dict[str, str]] = {
    "command.notifications": {
        "en": "Reminders and news: on or off",
        "ru": "Напоминания и новости: вкл./выкл.",
        "pl": "Przypomnienia i nowości: wł./wył.",
    },
    "command.stop": {
        "en": "Stop reminders and news",
        "ru": "Отключить напоминания и новости",
        "pl": "Wyłącz przypomnienia i nowości",
    },
    "notifications.stopped": {
        "en": "Done: {shop} will send you no more reminders or news here. Receipts for your "
        "payments still come. To turn messages back on: /notifications",
        "ru": "Готово: {shop} больше не будет присылать сюда напоминания и новости. Чеки об "
        "оплате по-прежнему придут. Включить сообщения снова: /notifications",
        "pl": "Gotowe: {shop} nie będzie już wysyłać tu przypomnień ani nowości. Potwierdzenia "
        "płatności nadal przyjdą. Aby znów włączyć wiadomości: /notifications",
    },
    "notifications.on": {
        "en": "Reminders and news from {shop} come to this chat. Send /stop to turn them off.",
        "ru": "Напоминания и новости от {shop} приходят в этот чат. Отключить: /stop.",
        "pl": "Przypomnienia i nowości od {shop} przychodzą na ten czat. Wyłącz je: /stop.",
    },
    "notifications.off": {
        "en": "Reminders and news from {shop} are turned off here.",
        "ru": "Напоминания и новости от {shop} здесь отключены.",
        "pl": "Przypomnienia i nowości od {shop} są tu wyłączone.",
    },
    "notifications.turn_on": {
        "en": "🔔 Turn messages on",
        "ru": "🔔 Включить сообщения",
        "pl": "🔔 Włącz wiadomości",
    },
}
