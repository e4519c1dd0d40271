"""The slash commands a shop's guild gets: `/premium status` and `/premium buy`.

Registered with a bulk overwrite of the guild's commands (PUT …/guilds/{guild}/commands)
whenever a shop connects or changes token or guild; names and descriptions in en, pl, ru.
"""

from __future__ import annotations

from typing import Any

from shopkeeper.bots.discord.rest import DiscordRest

SUB_COMMAND = 1
CHAT_INPUT = 1

COMMANDS: list[dict[str, Any]] = [
    {
        "name": "premium",
        "type": CHAT_INPUT,
        "description": "Your premium membership",
        "description_localizations": {
            "pl": "Twoje członkostwo premium",
            "ru": "Ваш премиум-доступ",
        },
        "contexts": [0],
        "options": [
            {
                "type": SUB_COMMAND,
                "name": "status",
                "description": "Your subscriptions and the days they have left",
                "description_localizations": {
                    "pl": "Twoje subskrypcje i ile dni im zostało",
                    "ru": "Ваши подписки и сколько дней осталось",
                },
            },
            {
                "type": SUB_COMMAND,
                "name": "buy",
                "description": "Where to buy or extend premium",
                "description_localizations": {
                    "pl": "Gdzie kupić lub przedłużyć premium",
                    "ru": "Где купить или продлить премиум",
                },
            },
        ],
    },
]


async def register(rest: DiscordRest, application_id: str, guild_id: str) -> list[dict[str, Any]]:
    """Overwrite the guild's commands of the application with ours."""
    return await rest.put_guild_commands(application_id, guild_id, COMMANDS)
