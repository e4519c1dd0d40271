"""/admin/s/{slug}/broadcasts: a shop's broadcasts — the list, composing and editing a draft
(live audience size and message preview over HTMX), and the detail page whose progress polls
itself (HTMX, every 1–2 s, stopping when the broadcast is over).

Everything goes through the service the JSON API uses (notifications.broadcasts), with the
same permissions: notifications.read to look, notifications.write for drafts, broadcasts.send
for the actions (in `broadcast_actions`). The schema's errors come back beside their fields.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bots import telegram
from shopkeeper.bots.telegram.playground import textfmt
from shopkeeper.deps import ContainerDep, SessionDep
from shopkeeper.errors import AppError
from shopkeeper.notifications.broadcasts import service
from shopkeeper.notifications.broadcasts.errors import (
    BroadcastInvalid,
    BroadcastNotEditable,
    BroadcastNotFound,
)
from shopkeeper.notifications.broadcasts.ports import channel_for
from shopkeeper.notifications.broadcasts.schemas import (
    AudienceQuery,
    BroadcastCreate,
    BroadcastRead,
    BroadcastUpdate,
)
from shopkeeper.web.admin import broadcast_views as views
from shopkeeper.web.admin.broadcast_audiences import Source, describe, form_options
from shopkeeper.web.admin.broadcast_form import (
    BroadcastForm,
    ButtonRow,
    empty_form,
    error_text,
    form_of,
    parse_form,
    utc_to_local,
)
from shopkeeper.web.admin.deps import CsrfDep, Shell, ShopShellDep
from shopkeeper.web.admin.errors import AdminRoute
from shopkeeper.web.security import ADMIN_PATH, set_flash
from shopkeeper.web.templating import gettext_for, render, request_language

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
BASE = "/s/{slug}/broadcasts"
# The JSON API's permissions (notifications/broadcasts/router.py): the same on every page.
READ, WRITE, SEND = "notifications.read", "notifications.write", "broadcasts.send"
PAGE_SIZE = 20


def base_url(shell: Shell) -> str:
    return f"{ADMIN_PATH}/s/{shell.shop_access.shop.slug}/broadcasts"


def detail_url(shell: Shell, broadcast_id: uuid.UUID) -> str:
    return f"{base_url(shell)}/{broadcast_id}"


def redirect(shell: Shell, broadcast_id: uuid.UUID, flash: str, container: Any) -> Response:
    """Back to the broadcast's page, which says once what just happened."""
    response = RedirectResponse(detail_url(shell, broadcast_id), status_code=303)
    set_flash(response, flash, container.settings)
    return response


def preview_of(values: dict[str, str], buttons: list[Any], bot: str) -> dict[str, Any]:
    """The message as a Telegram app shows it: formatting kept, anything else made inert."""
    return {
        "html": textfmt.render(values["text"], "html"),
        "image_url": values["image_url"],
        "buttons": [(b.text, b.url) for b in buttons if b.text or b.url],
        "bot": bot,
    }


@router.get(BASE, name="admin_broadcasts")
async def index(
    request: Request,
    shell: ShopShellDep,
    session: SessionDep,
    container: ContainerDep,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    """The shop's broadcasts, newest first."""
    shell.require(READ)
    shop = shell.shop_access.shop
    listing = await service.list_broadcasts(
        session, shop_id=shop.id, status=None, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE,
        now=container.clock.now(),
    )  # fmt: skip
    known = await views.names(session, container, shop.id)
    _, language = gettext_for(request), request_language(request)
    rows = [
        {
            "b": b,
            "excerpt": views.excerpt(b.text),
            "audience": describe(b.audience, _, known.plan),
            "figures": views.figures(b, language),
        }
        for b in listing.items
    ]
    pages = max(1, -(-listing.total // PAGE_SIZE))
    context = shell.context(rows=rows, total=listing.total, page=page, pages=pages,
                            base=base_url(shell))  # fmt: skip
    return render(request, "admin/broadcasts.html", context)


async def _form_page(
    request: Request,
    shell: Shell,
    session: AsyncSession,
    container: Any,
    form: BroadcastForm,
    broadcast: BroadcastRead | None,
    *,
    status_code: int = 200,
) -> Response:
    shop_id = shell.shop_access.shop.id
    known = await views.names(session, container, shop_id)
    source = Source(
        session=session, container=container, shop_id=shop_id, plans=known.plans, saved=known.saved
    )
    options = await form_options(gettext_for(request), source)
    bot_id = form.values["bot_id"]
    bot = known.bot(uuid.UUID(bot_id)) if _is_uuid(bot_id) else ""
    context = shell.context(
        form=form, broadcast=broadcast, known=known, options=options, base=base_url(shell),
        action=detail_url(shell, broadcast.id) if broadcast else base_url(shell),
        preview=preview_of(form.values, form.rows, bot), problems=[],
    )  # fmt: skip
    return render(request, "admin/broadcast_form.html", context, status_code=status_code)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


@router.get(BASE + "/new", name="admin_broadcast_new")
async def new(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep
) -> Response:
    shell.require(WRITE)
    bots = await telegram.list_bots(container, shop_id=shell.shop_access.shop.id)
    only = str(bots[0].id) if len(bots) == 1 else ""
    return await _form_page(request, shell, session, container, empty_form(only), None)


@router.post(BASE, dependencies=[CsrfDep])
async def create(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep
) -> Response:
    """Save a draft (nothing is sent); its errors come back beside the fields."""
    shell.require(WRITE)
    form = parse_form(await request.form())
    try:
        data = BroadcastCreate.model_validate(form.payload())
        saved = await service.create_broadcast(
            session, shop_id=shell.shop_access.shop.id, data=data,
            actor=shell.shop_access.actor, now=container.clock.now(),
        )  # fmt: skip
    except (ValidationError, AppError) as exc:
        return await _refused(request, shell, session, container, form, exc, None)
    return redirect(shell, saved.id, "broadcast_saved", container)


async def _refused(
    request: Request,
    shell: Shell,
    session: AsyncSession,
    container: Any,
    form: BroadcastForm,
    exc: Exception,
    broadcast: BroadcastRead | None,
) -> Response:
    """The form again with what the service refused; nothing of it is kept."""
    await session.rollback()
    if isinstance(exc, ValidationError):
        form.take(exc, gettext_for(request))
    elif isinstance(exc, BroadcastInvalid):  # the service's own check: a too long caption
        form.add("text", exc.detail)
    elif isinstance(exc, AppError):  # e.g. an audience the shop does not have
        form.add("form", exc.detail)
    return await _form_page(request, shell, session, container, form, broadcast, status_code=422)


@router.post(BASE + "/audience-size", dependencies=[CsrfDep])
async def audience_size(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep
) -> Response:
    """How many people the form's audience is now (the fragment under the audience)."""
    shell.require(READ)
    payload = parse_form(await request.form()).payload()
    size, problem = None, ""
    try:
        query = AudienceQuery.model_validate(
            {"audience": payload["audience"], "bot_id": payload["bot_id"]}
        )
        size = await service.audience_size(
            session, channel_for(container), shop_id=shell.shop_access.shop.id, query=query,
            now=container.clock.now(),
        )  # fmt: skip
    except ValidationError as exc:
        problem = error_text(exc.errors()[0], gettext_for(request))
    except AppError as exc:
        problem = exc.detail
    context = shell.context(size=size.size if size else None, problem=problem)
    return render(request, "admin/_broadcast_audience_size.html", context)


@router.post(BASE + "/preview", dependencies=[CsrfDep])
async def preview(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep
) -> Response:
    """The message as it will look, with what Telegram would refuse in it."""
    shell.require(READ)
    form = parse_form(await request.form())
    try:
        BroadcastCreate.model_validate(form.payload())
    except ValidationError as exc:
        form.take(exc, gettext_for(request))
    problems = [
        f"{label}: {message}"
        for key, messages in form.errors.items()
        if (label := _message_field(key, gettext_for(request)))
        for message in messages
    ]
    known = await views.names(session, container, shell.shop_access.shop.id)
    bot_id = form.values["bot_id"]
    bot = known.bot(uuid.UUID(bot_id)) if _is_uuid(bot_id) else ""
    context = shell.context(preview=preview_of(form.values, form.buttons, bot), problems=problems)
    return render(request, "admin/_broadcast_preview.html", context)


def _message_field(key: str, _: Any) -> str:
    """The name of a field of the message itself ("" for the audience, the bot, ...)."""
    if key.startswith("button_"):
        return str(_("Button %(n)s", n=int(key.removeprefix("button_")) + 1))
    names = {"text": _("Message"), "image_url": _("Image URL"), "buttons": _("Link buttons")}
    return str(names.get(key, ""))


async def detail_context(
    request: Request,
    shell: Shell,
    session: AsyncSession,
    container: Any,
    broadcast_id: uuid.UUID,
    **values: Any,
) -> dict[str, Any]:
    """Everything the detail page and its live fragments show."""
    shop = shell.shop_access.shop
    now = container.clock.now()
    b = await service.get_broadcast(session, shop_id=shop.id, broadcast_id=broadcast_id, now=now)
    known = await views.names(session, container, shop.id)
    _ = gettext_for(request)
    offered = views.ACTIONS.get(b.status, ())
    allowed = {"edit": shell.can(WRITE)} | {a: shell.can(SEND) for a in offered if a != "edit"}
    return shell.context(
        b=b, figures=views.figures(b, request_language(request)), base=base_url(shell),
        url=detail_url(shell, b.id), audience=describe(b.audience, _, known.plan),
        bot=known.bot(b.bot_id), actions=[a for a in offered if allowed.get(a)], offered=offered,
        preview=preview_of({"text": b.text, "image_url": b.image_url or ""},
                           [ButtonRow(x.get("text", ""), x.get("url", "")) for x in b.buttons],
                           known.bot(b.bot_id)),
        problems=[], schedule_at=utc_to_local(b.scheduled_at, shop.timezone),
        schedule_min=utc_to_local(now, shop.timezone), **values,
    )  # fmt: skip


async def detail_page(
    request: Request,
    shell: Shell,
    session: AsyncSession,
    container: Any,
    broadcast_id: uuid.UUID,
    *,
    status_code: int = 200,
    **values: Any,
) -> Response:
    context = await detail_context(request, shell, session, container, broadcast_id, **values)
    return render(request, "admin/broadcast.html", context, status_code=status_code)


@router.get(BASE + "/{broadcast_id}", name="admin_broadcast")
async def detail(
    request: Request,
    shell: ShopShellDep,
    session: SessionDep,
    container: ContainerDep,
    broadcast_id: uuid.UUID,
) -> Response:
    shell.require(READ)
    return await detail_page(request, shell, session, container, broadcast_id)


@router.get(BASE + "/{broadcast_id}/progress", name="admin_broadcast_progress")
async def progress(
    request: Request,
    shell: ShopShellDep,
    session: SessionDep,
    container: ContainerDep,
    broadcast_id: uuid.UUID,
    shown: Annotated[str, Query(alias="status", max_length=16)] = "",
) -> Response:
    """The polled fragment; when the state changed, the status and the actions come along."""
    shell.require(READ)
    b = await service.get_broadcast(
        session, shop_id=shell.shop_access.shop.id, broadcast_id=broadcast_id,
        now=container.clock.now(),
    )  # fmt: skip
    if shown == b.status:  # the usual poll: the figures only
        context = shell.context(b=b, figures=views.figures(b, request_language(request)),
                                url=detail_url(shell, b.id), oob=False)  # fmt: skip
    else:
        context = await detail_context(request, shell, session, container, broadcast_id, oob=True)
    return render(request, "admin/_broadcast_progress.html", context)


@router.get(BASE + "/{broadcast_id}/edit", name="admin_broadcast_edit")
async def edit(
    request: Request,
    shell: ShopShellDep,
    session: SessionDep,
    container: ContainerDep,
    broadcast_id: uuid.UUID,
) -> Response:
    shell.require(WRITE)
    shop = shell.shop_access.shop
    b = await service.get_broadcast(
        session, shop_id=shop.id, broadcast_id=broadcast_id, now=container.clock.now()
    )
    if b.status != "draft":
        raise BroadcastNotEditable(b.status)
    return await _form_page(request, shell, session, container, form_of(b), b)


@router.post(BASE + "/{broadcast_id}", dependencies=[CsrfDep])
async def update(
    request: Request,
    shell: ShopShellDep,
    session: SessionDep,
    container: ContainerDep,
    broadcast_id: uuid.UUID,
) -> Response:
    """Save the draft's new content (only a draft can change: else 409)."""
    shell.require(WRITE)
    shop = shell.shop_access.shop
    form = parse_form(await request.form())
    now = container.clock.now()
    try:
        data = BroadcastUpdate.model_validate(form.payload())
        await service.update_broadcast(
            session, shop_id=shop.id, broadcast_id=broadcast_id, data=data,
            actor=shell.shop_access.actor, now=now,
        )  # fmt: skip
    except (BroadcastNotFound, BroadcastNotEditable):
        raise
    except (ValidationError, AppError) as exc:
        await session.rollback()
        b = await service.get_broadcast(session, shop_id=shop.id, broadcast_id=broadcast_id,
                                        now=now)  # fmt: skip
        if b.status != "draft":
            raise BroadcastNotEditable(b.status) from None
        return await _refused(request, shell, session, container, form, exc, b)
    return redirect(shell, broadcast_id, "broadcast_saved", container)
