"""The shop's Discord server binding from /admin/s/{slug}/bots/discord: connect the application
and server (token and secret checked with Discord, stored encrypted, never shown back), and
disconnect after a confirmation (role mappings and grants stay for a reconnection).
bots.write, as the JSON API; the context audits both."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from shopkeeper.bots import discord
from shopkeeper.deps import ContainerDep, SessionDep
from shopkeeper.errors import AppError
from shopkeeper.web.admin.bot_texts import discord_error, scrub
from shopkeeper.web.admin.deps import CsrfDep, ShopShellDep
from shopkeeper.web.admin.discord_roles import discord_page, discord_url
from shopkeeper.web.admin.errors import AdminRoute
from shopkeeper.web.admin.forms import Form, Gettext, one
from shopkeeper.web.security import ADMIN_PATH, redirect_with_flash
from shopkeeper.web.templating import gettext_for, render

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
BASE = "/s/{slug}/bots/discord"
WRITE = "bots.write"
SHOWN = ("application_id", "public_key", "guild_id", "revoke_mode")  # secrets never come back
SECRET = ("bot_token", "client_secret")


@router.post(BASE, dependencies=[CsrfDep])
async def connect(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep
) -> Response:
    """Check the token, the application and the bot's place in the server; then store."""
    shell.require(WRITE)
    await session.commit()  # Discord is asked outside any transaction
    _ = gettext_for(request)
    data = await request.form()
    form = Form(values={name: one(data, name) for name in SHOWN})
    secrets = {name: one(data, name, limit=200) for name in SECRET}
    terms = {**form.values, **secrets, "client_secret": secrets["client_secret"] or None}
    try:
        parsed = discord.ConnectionCreate.model_validate(terms)
    except ValidationError as exc:
        for problem in exc.errors():
            where = str(problem["loc"][0]) if problem.get("loc") else "bot_token"
            form.add(where, _field_error(where, _))
        return await discord_page(request, shell, container, form, status_code=422)
    try:
        await discord.connect(container, shop_id=shell.shop_access.shop.id, data=parsed,
                              actor=shell.shop_access.actor)  # fmt: skip
    except AppError as exc:
        where, words = _refusal(exc, _)
        form.add(where, scrub(scrub(words, secrets["bot_token"]), secrets["client_secret"]))
        return await discord_page(request, shell, container, form, status_code=exc.status_code)
    return redirect_with_flash(discord_url(shell), "discord_connected", container.settings)


@router.post(BASE + "/disconnect", dependencies=[CsrfDep])
async def disconnect(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep
) -> Response:
    """The confirmation first; then the token and secret are forgotten."""
    shell.require(WRITE)
    await session.commit()
    shop_id = shell.shop_access.shop.id
    connection = await discord.get_connection(container, shop_id=shop_id)  # 404 when none
    if (await request.form()).get("confirmed") != "yes":
        context = shell.context(connection=connection, base=discord_url(shell))
        return render(request, "admin/bot_discord_disconnect.html", context)
    await discord.disconnect(container, shop_id=shop_id, actor=shell.shop_access.actor)
    return redirect_with_flash(discord_url(shell), "discord_disconnected", container.settings)


def _field_error(where: str, _: Gettext) -> str:
    return {
        "application_id": _(
            "The application id: 15 to 21 digits (Developer Portal → General Information)."
        ),
        "public_key": _(
            "The public key: 64 hexadecimal characters (Developer Portal → General Information)."
        ),
        "bot_token": _("Paste the bot's token (Developer Portal → Bot → Reset Token)."),
        "client_secret": _(
            "The client secret has 8 to 128 characters; leave it empty if you "
            "do not use Discord sign-in."
        ),
        "guild_id": _("The server id: 15 to 21 digits (right-click the server → Copy Server ID)."),
        "revoke_mode": _("Choose what happens when access ends."),
    }.get(where, _("Check this field."))


def _refusal(exc: AppError, _: Gettext) -> tuple[str, str]:
    """Which field Discord's refusal concerns, and the words for it."""
    kind = type(exc).__name__
    if isinstance(exc, discord.BotTokenInvalid):
        return "bot_token", _("Discord does not accept this bot token; copy it from Developer "
                              "Portal → Bot → Reset Token.")  # fmt: skip
    if kind == "ApplicationMismatch":
        return "application_id", _("The bot token belongs to another application; use the "
                                   "token of the application whose id you entered.")  # fmt: skip
    if kind == "ApplicationTaken":
        return "application_id", _("This application is connected to another shop.")
    if kind == "BotNotInGuild":
        return "guild_id", _("The bot is not in this server. Invite it first: %(detail)s",
                             detail=exc.detail.split("; invite it with ", 1)[-1])  # fmt: skip
    if kind == "DiscordAlreadyConnected":
        return "guild_id", _("This shop is already connected to Discord; reload the page.")
    if "public key" in exc.detail:
        return "public_key", _("The public key does not match the application's; copy it from "
                               "Developer Portal → General Information.")  # fmt: skip
    return "bot_token", discord_error(exc, _)
