"""/admin/s/{slug}/bots/channels: the Telegram channels and groups the shop sells access to,
with the plans and products that grant each and the bot's admin rights there as last checked.
Register a chat (the bot's rights are checked with Telegram first), check the rights again,
link or unlink a product, stop selling a chat after a confirmation. bots.read to see,
bots.write to change (as the JSON API); the contexts audit every change."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import access, catalog
from shopkeeper.bots import telegram
from shopkeeper.bots.telegram import channels
from shopkeeper.container import Container
from shopkeeper.deps import ContainerDep, SessionDep
from shopkeeper.errors import AppError, BadRequest, NotFound
from shopkeeper.web.admin.bot_texts import problem_words, rights, telegram_error
from shopkeeper.web.admin.deps import CsrfDep, Shell, ShopShellDep
from shopkeeper.web.admin.errors import AdminRoute
from shopkeeper.web.admin.forms import Form, Gettext, one
from shopkeeper.web.admin.list_query import PAGE_SIZE, list_response, parse_list_query
from shopkeeper.web.security import ADMIN_PATH, redirect_with_flash
from shopkeeper.web.templating import gettext_for, render

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
BASE = "/s/{slug}/bots/channels"
READ, WRITE = "bots.read", "bots.write"
PRODUCT_CHOICES = 200  # a shop's plans and products offered to link, newest first


def channels_url(shell: Shell) -> str:
    return f"{ADMIN_PATH}/s/{shell.shop_access.shop.slug}/bots/channels"


@router.get(BASE, name="admin_bot_channels")
async def channel_list(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep
) -> Response:
    shell.require(READ)
    form = parse_list_query(request.query_params, {"state": ["active", "inactive"]})
    context = await _context(request, shell, session, container, form=form,
                             entry=Form(values={"mode": "invite_link"}))  # fmt: skip
    return list_response(request, context, page="admin/bot_channels.html",
                         results="admin/_bots_channel_results.html", target="channel-results",
                         query=form.query())  # fmt: skip


@router.post(BASE, dependencies=[CsrfDep])
async def register(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep
) -> Response:
    """Ask Telegram about the chat and the bot's rights there, then sell it with the products
    ticked; what Telegram refused shows under the field it concerns."""
    shell.require(WRITE)
    await session.commit()  # Telegram is asked outside any transaction
    _ = gettext_for(request)
    data = await request.form()
    entry = Form(values={name: one(data, name) for name in ("chat", "bot_id", "mode", "title")})
    entry.values["products"] = ",".join(str(p) for p in data.getlist("products"))
    parsed = _parse(entry, [str(p) for p in data.getlist("products")], _)
    status_code = 422
    if parsed is not None:
        try:
            await channels.register_channel(container, shop_id=shell.shop_access.shop.id,
                                            data=parsed, actor=shell.shop_access.actor)  # fmt: skip
        except AppError as exc:
            _place(entry, exc, _)
            status_code = exc.status_code
        else:
            return redirect_with_flash(channels_url(shell), "channel_registered",
                                       container.settings)  # fmt: skip
    form = parse_list_query({}, {"state": ["active", "inactive"]})
    async with container.readers() as reader:
        context = await _context(request, shell, reader, container, form=form, entry=entry)
    return render(request, "admin/bot_channels.html", {**context, "partial": False},
                  status_code=status_code)  # fmt: skip


@router.post(BASE + "/{channel_id}/check", dependencies=[CsrfDep])
async def check(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    channel_id: uuid.UUID,
) -> Response:  # fmt: skip
    """Ask Telegram again what the bot may do in the chat; the list then shows it."""
    shell.require(WRITE)
    await session.commit()
    try:
        checked = await channels.check_channel(container, shop_id=shell.shop_access.shop.id,
                                               channel_id=channel_id,
                                               actor=shell.shop_access.actor)  # fmt: skip
    except channels.ChannelNotFound:
        raise
    except AppError as exc:
        _ = gettext_for(request)
        error, status_code = telegram_error(exc, _), exc.status_code
        if isinstance(exc, telegram.BotNotFound):  # the chat's bot was disconnected since
            error = _("The chat's bot is disconnected: connect it again, then check the rights.")
            status_code = 409
        form = parse_list_query({}, {"state": ["active", "inactive"]})
        async with container.readers() as reader:
            context = await _context(request, shell, reader, container, form=form,
                                     entry=Form(values={"mode": "invite_link"}),
                                     error=error)  # fmt: skip
        return render(request, "admin/bot_channels.html", {**context, "partial": False},
                      status_code=status_code)  # fmt: skip
    key = "rights_ok" if checked.rights_ok else "rights_missing"
    url = f"{channels_url(shell)}#channel-{checked.id}"
    return redirect_with_flash(url, key, container.settings)


@router.post(BASE + "/{channel_id}/products", dependencies=[CsrfDep])
async def link(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    channel_id: uuid.UUID,
) -> Response:  # fmt: skip
    """Buying this plan or product grants the chat from now on."""
    shell.require(WRITE)
    shop_id = shell.shop_access.shop.id
    chat = await channels.get_channel(session, shop_id=shop_id, channel_id=channel_id)
    product_id = _uuid(one(await request.form(), "product_id"))
    await access.link_product(session, shop_id=shop_id, target_id=chat.target_id,
                              product_id=product_id, actor=shell.shop_access.actor,
                              now=container.clock.now())  # fmt: skip
    return redirect_with_flash(f"{channels_url(shell)}#channel-{chat.id}", "product_linked",
                               container.settings)  # fmt: skip


@router.post(BASE + "/{channel_id}/products/{product_id}/unlink", dependencies=[CsrfDep])
async def unlink(
    shell: ShopShellDep, session: SessionDep, container: ContainerDep, channel_id: uuid.UUID,
    product_id: uuid.UUID,
) -> Response:  # fmt: skip
    """New purchases of the product no longer grant the chat; access given stays."""
    shell.require(WRITE)
    shop_id = shell.shop_access.shop.id
    chat = await channels.get_channel(session, shop_id=shop_id, channel_id=channel_id)
    if product_id not in chat.product_ids:
        raise NotFound("This product does not grant the chat")
    await access.unlink_product(session, shop_id=shop_id, target_id=chat.target_id,
                                product_id=product_id, actor=shell.shop_access.actor,
                                now=container.clock.now())  # fmt: skip
    return redirect_with_flash(f"{channels_url(shell)}#channel-{chat.id}", "product_unlinked",
                               container.settings)  # fmt: skip


@router.post(BASE + "/{channel_id}/deactivate", dependencies=[CsrfDep])
async def deactivate(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    channel_id: uuid.UUID,
) -> Response:  # fmt: skip
    """The confirmation first; then purchases grant the chat no more (members stay)."""
    shell.require(WRITE)
    shop_id = shell.shop_access.shop.id
    chat = await channels.get_channel(session, shop_id=shop_id, channel_id=channel_id)
    if not chat.active:
        raise NotFound("This chat is no longer sold")
    if (await request.form()).get("confirmed") != "yes":
        context = shell.context(chat=chat, base=channels_url(shell))
        return render(request, "admin/bot_channel_deactivate.html", context)
    await channels.deactivate_channel(session, shop_id=shop_id, channel_id=chat.id,
                                      actor=shell.shop_access.actor,
                                      now=container.clock.now())  # fmt: skip
    return redirect_with_flash(channels_url(shell), "channel_deactivated", container.settings)


async def _context(
    request: Request, shell: Shell, session: AsyncSession, container: Container, *,
    form: Any, entry: Form, error: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The list page's values: one page of chats, the names of what they link, the choices."""
    shop_id = shell.shop_access.shop.id
    state = form.get("state")
    page = await channels.list_channels(
        session, shop_id=shop_id, active=None if state is None else state == "active",
        limit=PAGE_SIZE, offset=form.offset,
    )  # fmt: skip
    linked = {p for chat in page.items for p in chat.product_ids}
    named = await catalog.get_products(session, shop_id=shop_id, product_ids=linked)
    offered = await catalog.list_products(session, shop_id=shop_id, limit=PRODUCT_CHOICES)
    bots = await telegram.list_bots(container, shop_id=shop_id, include_inactive=True)
    _ = gettext_for(request)
    return shell.context(
        form=form, page=page, page_size=PAGE_SIZE, base=channels_url(shell), capped=False,
        count_up_to=0, entry=entry, error=error, products=named, offered=offered.items,
        bots={b.id: b for b in bots}, live_bots=[b for b in bots if b.active],
        rights=lambda problems: rights(problems, _),
        ticked=set(entry.values.get("products", "").split(",")),
        unlinked=lambda chat: [p for p in offered.items if p.id not in chat.product_ids],
    )  # fmt: skip


def _parse(entry: Form, products: list[str], _: Gettext) -> channels.ChannelCreate | None:
    v = entry.values
    if not v["chat"]:
        entry.add("chat", _("Enter the chat's id (-100…) or its @username."))
    if not v["bot_id"]:
        entry.add("bot_id", _("Choose the bot that is an administrator of the chat."))
    if entry.errors:
        return None
    terms = {"chat_id": v["chat"], "bot_id": v["bot_id"], "mode": v["mode"] or "invite_link",
             "title": v["title"] or None, "product_ids": products}  # fmt: skip
    try:
        return channels.ChannelCreate.model_validate(terms)
    except ValidationError as exc:
        for problem in exc.errors():
            where = str(problem["loc"][0]) if problem.get("loc") else "chat"
            entry.add(*_explain(where, _))
        return None


def _explain(where: str, _: Gettext) -> tuple[str, str]:
    return {
        "chat_id": (
            "chat",
            _("Give the chat's id (a negative number, -100…) or its public @username."),
        ),
        "bot_id": ("bot_id", _("Choose the bot that is an administrator of the chat.")),
        "mode": ("mode", _("Choose how people join.")),
        "title": ("title", _("At most 200 characters.")),
    }.get(where, ("products", _("Choose the plans and products from the list.")))


def _place(entry: Form, exc: AppError, _: Gettext) -> None:
    """Telegram's or the context's refusal, under the field it concerns."""
    if isinstance(exc, channels.BotRightsMissing):
        entry.add("chat", _("The bot cannot manage this chat yet. %(fix)s",
                            fix=problem_words(exc.detail.split("; "), _)))  # fmt: skip
    elif isinstance(exc, channels.ChatNotFound):
        entry.add("chat", _("Telegram cannot find this chat: check the id or @username and add "
                            "the bot to the chat as an administrator."))  # fmt: skip
    elif isinstance(exc, channels.ChatNotAGroup):
        entry.add("chat", _("This is a private chat: give a channel or a group."))
    elif isinstance(exc, channels.ChannelAlreadyRegistered):
        entry.add("chat", _("This chat is already sold here."))
    elif isinstance(exc, telegram.BotNotFound):
        entry.add("bot_id", _("Choose one of the shop's connected bots."))
    elif isinstance(exc, catalog.ProductNotFound):
        entry.add("products", _("Choose the plans and products from the list."))
    else:
        entry.add("chat", telegram_error(exc, _))


def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise BadRequest("Choose a plan or product from the list") from None
