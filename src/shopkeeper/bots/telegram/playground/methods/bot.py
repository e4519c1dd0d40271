"""The bot itself: getMe, the webhook, getUpdates, the command lists."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bots.telegram.playground import wire
from shopkeeper.bots.telegram.playground.calls import Call, method
from shopkeeper.bots.telegram.playground.repository import PlaygroundRepository
from shopkeeper.bots.telegram.playground.wire import ApiError, bad_request

SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
LONGEST_POLL = 25.0  # seconds a getUpdates call may wait (updates are fed, never queued)


@method("getMe")
async def get_me(call: Call) -> Any:
    return {**call.bot.user(), **wire.CAPABILITIES}


def _set_bot(call: Call, **values: Any) -> None:
    bot_id = call.bot.id

    async def write(session: AsyncSession) -> None:
        await PlaygroundRepository(session).update_bot(bot_id, **values)

    call.write(write)


@method("setWebhook")
async def set_webhook(call: Call) -> Any:
    url = call.params.text("url") or ""
    secret = call.params.text("secret_token")
    # Telegram wants https; the playground never calls the webhook, so http is let through.
    if url and not url.startswith(("https://", "http://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if secret is not None and not SECRET.match(secret):
        raise bad_request("secret token contains unallowed characters")
    values: dict[str, Any] = {"webhook_url": url}
    if "allowed_updates" in call.params:
        values["allowed_updates"] = call.params.json("allowed_updates")
    _set_bot(call, **values)
    return True


@method("deleteWebhook")
async def delete_webhook(call: Call) -> Any:
    _set_bot(call, webhook_url="")
    return True


@method("getWebhookInfo")
async def get_webhook_info(call: Call) -> Any:
    row = await call.repo.bot(call.bot.id)
    url = row.webhook_url if row else ""
    info: dict[str, Any] = {"url": url, "has_custom_certificate": False, "pending_update_count": 0}
    if url:
        info.update(
            max_connections=40, allowed_updates=(row.allowed_updates if row else None) or []
        )
    return info


@method("getUpdates")
async def get_updates(call: Call) -> Any:
    """Nothing is ever queued (the playground feeds updates directly): wait, then say so."""
    row = await call.repo.bot(call.bot.id)
    if row is not None and row.webhook_url:
        raise ApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
    wanted = call.params.json("allowed_updates") if "allowed_updates" in call.params else None
    if row is not None and wanted is not None and wanted != row.allowed_updates:
        _set_bot(call, allowed_updates=wanted)
    await call.repo.session.commit()  # no read transaction stays open while waiting
    await asyncio.sleep(min(float(call.params.integer("timeout") or 0), LONGEST_POLL))
    return []


@method("setMyCommands")
async def set_my_commands(call: Call) -> Any:
    commands = call.params.json("commands")
    if not isinstance(commands, list) or not all(isinstance(c, dict) for c in commands):
        raise bad_request("can't parse commands JSON object")
    return await _store_commands(call, commands)


@method("deleteMyCommands")
async def delete_my_commands(call: Call) -> Any:
    return await _store_commands(call, None)


async def _store_commands(call: Call, commands: list[dict[str, Any]] | None) -> Any:
    """Replace one language's list, merged when written (calls for several languages race)."""
    bot_id, language = call.bot.id, call.params.text("language_code") or ""
    listed = (
        None
        if commands is None
        else [{"command": c.get("command"), "description": c.get("description")} for c in commands]
    )

    async def write(session: AsyncSession) -> None:
        repo = PlaygroundRepository(session)
        row = await repo.bot(bot_id)
        stored = dict(row.commands if row else {})
        if listed is None:
            stored.pop(language, None)
        else:
            stored[language] = listed
        await repo.update_bot(bot_id, commands=stored)

    call.write(write)
    return True


@method("getMyCommands")
async def get_my_commands(call: Call) -> Any:
    row = await call.repo.bot(call.bot.id)
    return (row.commands if row else {}).get(call.params.text("language_code") or "", [])
