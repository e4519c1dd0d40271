"""/admin/s/{slug}/bots: the shop's Telegram bots with the webhook state Telegram reports (read
live), connecting one by its token (never shown back), setting its webhook again, disconnecting
after a confirmation. Reading needs bots.read, changes bots.write (as the JSON API); the
context audits them. A route that reaches Telegram first ends the request's transaction."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from fastapi import APIRouter, Request, Response

from shopkeeper.bots import telegram
from shopkeeper.container import Container
from shopkeeper.deps import ContainerDep, SessionDep
from shopkeeper.errors import AppError, NotFound
from shopkeeper.web.admin import bot_channels, discord_connection, discord_roles
from shopkeeper.web.admin.bot_texts import telegram_error
from shopkeeper.web.admin.deps import CsrfDep, Shell, ShopShellDep
from shopkeeper.web.admin.errors import AdminRoute
from shopkeeper.web.admin.forms import Form, one
from shopkeeper.web.security import ADMIN_PATH, redirect_with_flash
from shopkeeper.web.templating import gettext_for, render

pages = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
BASE = "/s/{slug}/bots"
READ, WRITE = "bots.read", "bots.write"
TOKEN_LIMIT = 128  # BotConnect's own ceiling


def bots_url(shell: Shell) -> str:
    return f"{ADMIN_PATH}/s/{shell.shop_access.shop.slug}/bots"


@pages.get(BASE, name="admin_bots")
async def bot_list(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep
) -> Response:
    shell.require(READ)
    await session.commit()  # Telegram is asked below, outside any transaction
    return await _page(request, shell, container, Form())


@pages.post(BASE, dependencies=[CsrfDep])
async def connect(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep
) -> Response:
    """Check the token with Telegram and connect the bot; a refusal shows under the field."""
    shell.require(WRITE)
    await session.commit()
    _ = gettext_for(request)
    token = one(await request.form(), "token", limit=TOKEN_LIMIT + 1)
    form, status_code = Form(), 422
    if not token:
        form.add("token", _("Enter the token @BotFather gave you."))
    elif len(token) > TOKEN_LIMIT:
        form.add("token", _("A bot token is at most 128 characters."))
    else:
        try:
            await telegram.connect_bot(
                container, shop_id=shell.shop_access.shop.id, token=token,
                actor=shell.shop_access.actor,
            )  # fmt: skip
        except AppError as exc:
            form.add("token", telegram_error(exc, _, secret=token))
            status_code = exc.status_code
    if form.errors:
        return await _page(request, shell, container, form, status_code=status_code)
    return redirect_with_flash(bots_url(shell), "bot_connected", container.settings)


@pages.post(BASE + "/{bot_id}/webhook", dependencies=[CsrfDep])
async def reset_webhook(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    bot_id: uuid.UUID,
) -> Response:  # fmt: skip
    """setWebhook again, with a new secret; Telegram's refusal is shown on the page."""
    shell.require(WRITE)
    await session.commit()
    try:
        await telegram.reset_webhook(
            container, shop_id=shell.shop_access.shop.id, bot_id=bot_id,
            actor=shell.shop_access.actor,
        )  # fmt: skip
    except NotFound:
        raise
    except AppError as exc:
        error = telegram_error(exc, gettext_for(request))
        return await _page(request, shell, container, Form(), error=error,
                           status_code=exc.status_code)  # fmt: skip
    return redirect_with_flash(bots_url(shell), "webhook_reset", container.settings)


@pages.post(BASE + "/{bot_id}/disconnect", dependencies=[CsrfDep])
async def disconnect(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    bot_id: uuid.UUID,
) -> Response:  # fmt: skip
    """The confirmation first; then the webhook goes and the token is forgotten."""
    shell.require(WRITE)
    await session.commit()
    shop_id = shell.shop_access.shop.id
    bot = next((b for b in await telegram.list_bots(container, shop_id=shop_id) if b.id == bot_id),
               None)  # fmt: skip
    if bot is None:
        raise telegram.BotNotFound()
    if (await request.form()).get("confirmed") != "yes":
        context = shell.context(bot=bot, base=bots_url(shell))
        return render(request, "admin/bot_disconnect.html", context)
    await telegram.disconnect_bot(container, shop_id=shop_id, bot_id=bot_id,
                                  actor=shell.shop_access.actor)  # fmt: skip
    return redirect_with_flash(bots_url(shell), "bot_disconnected", container.settings)


async def _page(
    request: Request, shell: Shell, container: Container, form: Form, *,
    error: str | None = None, status_code: int = 200,
) -> Response:  # fmt: skip
    shop_id = shell.shop_access.shop.id
    bots = await telegram.list_bots(container, shop_id=shop_id)
    details = await asyncio.gather(  # each bot's webhook as Telegram reports it, at once
        *(telegram.get_bot(container, shop_id=shop_id, bot_id=b.id) for b in bots)
    )
    context: dict[str, Any] = {
        "bots": details, "form": form, "error": error, "base": bots_url(shell),
        "playground": f"{ADMIN_PATH}/s/{shell.shop_access.shop.slug}/playground",
    }  # fmt: skip
    return render(request, "admin/bots.html", shell.context(**context), status_code=status_code)


# the whole area in one router (one line in the admin's): these bots pages, channels, Discord
# (the fixed paths first: /bots/discord/disconnect is not /bots/{bot_id}/disconnect)
router = APIRouter()
router.include_router(bot_channels.router)
router.include_router(discord_roles.router)
router.include_router(discord_connection.router)
router.include_router(pages)
