"""/admin/playground: chat with the shop's bot in the browser, as a Telegram user would.

The page shows the staff member's chat with the shop's playground bot (its messages, inline
buttons, invoices, invite links) and the playground's channel. Every action posts what a
Telegram app would send into the same Dispatcher, then the chat is rendered again; the page
also polls (HTMX, every 1.5 s, 204 while nothing changed) for what the bot sends later.
bots.read may look and chat; bots.write may create the bot and pay (a simulated charge).
An action first ends the request's transaction: the bot's handlers open their own.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bots.telegram import playground
from shopkeeper.bots.telegram.playground import Outcome, Tester
from shopkeeper.deps import ContainerDep, SessionDep
from shopkeeper.errors import NotFound
from shopkeeper.web.admin import playground_texts as words
from shopkeeper.web.admin.deps import CsrfDep, Shell, ShellDep, ShopShellDep
from shopkeeper.web.admin.errors import AdminRoute, is_htmx
from shopkeeper.web.security import ADMIN_PATH
from shopkeeper.web.templating import gettext_for, render, request_language

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
PAGE = "/s/{slug}/playground"
QUICK_COMMANDS = ("/start", "/buy", "/status", "/channels", "/help", "/language")


@router.get("/playground", name="admin_playground_pick")
async def pick(request: Request, shell: ShellDep) -> Response:
    """Straight to the playground of the only shop; a list when there are several."""
    allowed = [m for m in shell.memberships if "bots.read" in m.permissions]
    if len(allowed) == 1:
        return RedirectResponse(f"{ADMIN_PATH}/s/{allowed[0].shop_slug}/playground", 303)
    return render(request, "admin/playground_pick.html", shell.context(allowed=allowed))


async def _acting(shell: Shell, session: AsyncSession, permission: str) -> None:
    """Check the permission, then end the request's transaction: the bot's handlers open
    their own, and on SQLite they would otherwise wait for this one's write lock."""
    shell.require(permission)
    await session.commit()


def _tester(request: Request, shell: Shell) -> Tester:
    user = shell.web.user
    name = user.full_name or user.email.split("@", 1)[0]
    return Tester(staff_user_id=user.id, name=name, language=request_language(request))


async def _view(request: Request, shell: Shell, container: Any) -> playground.ChatView | None:
    tester = _tester(request, shell)
    async with container.readers() as session:
        return await playground.chat_view(
            session,
            shop_id=shell.shop_access.shop.id,
            staff_user_id=tester.staff_user_id,
            staff_name=tester.name,
            language=tester.language,
            now=container.clock.now(),
        )


def _context(request: Request, shell: Shell, view: playground.ChatView | None) -> dict[str, Any]:
    _, language = gettext_for(request), request_language(request)
    return shell.context(
        view=view,
        base=f"{ADMIN_PATH}/s/{shell.shop_access.shop.slug}/playground",
        quick_commands=QUICK_COMMANDS,
        amount=lambda v, c: words.amount(v, c, language),
        note_text=lambda m: words.note_text(_, m, language),
        member_status=lambda s: words.member_status(_, s),
    )


@router.get(PAGE, name="admin_playground")
async def page(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep
) -> Response:
    await _acting(shell, session, "bots.read")
    view = await _view(request, shell, container)
    return render(request, "admin/playground.html", _context(request, shell, view))


@router.get(PAGE + "/live", name="admin_playground_live")
async def live(
    request: Request,
    shell: ShopShellDep,
    session: SessionDep,
    container: ContainerDep,
    v: str = "",
) -> Response:
    """The chat and the channel panel; 204 while nothing changed since state `v`."""
    shell.require("bots.read")
    shop_id = shell.shop_access.shop.id
    found = await playground.get_playground(session, shop_id=shop_id)
    if found is None:
        raise NotFound("This shop has no playground bot yet")
    tester = _tester(request, shell)
    known = await playground.tester_of(
        session,
        found,
        staff_user_id=tester.staff_user_id,
        staff_name=tester.name,
        language=tester.language,
    )
    if v and v == await playground.live_state(session, found, known):
        return Response(status_code=204)
    await session.commit()
    return _live(request, shell, await _view(request, shell, container))


def _live(
    request: Request, shell: Shell, view: playground.ChatView | None, outcome: Outcome | None = None
) -> Response:
    context = _context(request, shell, view) | {"oob": True}
    headers = {"Vary": "HX-Request"}
    if outcome is not None and (
        text := words.outcome_text(gettext_for(request), outcome, request_language(request))
    ):
        toast = {"level": outcome.level, "message": text}
        headers["HX-Trigger"] = json.dumps({"toast": toast})
    return render(request, "admin/_playground_live.html", context, headers=headers)


async def _after(request: Request, shell: Shell, container: Any, outcome: Outcome) -> Response:
    """HTMX gets the chat again (and a toast); a plain form goes back to the page."""
    if not is_htmx(request):
        return RedirectResponse(f"{ADMIN_PATH}/s/{shell.shop_access.shop.slug}/playground", 303)
    return _live(request, shell, await _view(request, shell, container), outcome)


@router.post(PAGE + "/create", dependencies=[CsrfDep])
async def create(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep
) -> Response:
    """Make the shop's playground bot and channel (bots.write)."""
    await _acting(shell, session, "bots.write")
    action = playground.create_playground_bot
    if await _has_playground(container, shell):
        action = playground.reconnect_playground_bot
    await action(
        container,
        shop_id=shell.shop_access.shop.id,
        actor=shell.shop_access.actor,
        base_url=_base_url(request, container),
    )
    return RedirectResponse(f"{ADMIN_PATH}/s/{shell.shop_access.shop.slug}/playground", 303)


async def _has_playground(container: Any, shell: Shell) -> bool:
    async with container.readers() as session:
        found = await playground.get_playground(session, shop_id=shell.shop_access.shop.id)
    return found is not None


def _base_url(request: Request, container: Any) -> str:
    """Where the stand-in is served: the public URL, else the address this page came from."""
    return str(container.settings.public_url or request.base_url).rstrip("/")


@router.post(PAGE + "/send", dependencies=[CsrfDep])
async def send(
    request: Request,
    shell: ShopShellDep,
    session: SessionDep,
    container: ContainerDep,
    text: str = Form("", max_length=8192),
    command: str = Form("", max_length=64),
) -> Response:
    await _acting(shell, session, "bots.read")
    outcome = await playground.send_text(
        container,
        shop_id=shell.shop_access.shop.id,
        tester=_tester(request, shell),
        text=command or text,
    )
    return await _after(request, shell, container, outcome)


@router.post(PAGE + "/press", dependencies=[CsrfDep])
async def press(
    request: Request,
    shell: ShopShellDep,
    session: SessionDep,
    container: ContainerDep,
    message_id: int = Form(...),
    data: str = Form(..., max_length=64),
) -> Response:
    await _acting(shell, session, "bots.read")
    outcome = await playground.press_button(
        container,
        shop_id=shell.shop_access.shop.id,
        tester=_tester(request, shell),
        message_id=message_id,
        data=data,
    )
    return await _after(request, shell, container, outcome)


@router.post(PAGE + "/pay", dependencies=[CsrfDep])
async def pay(
    request: Request,
    shell: ShopShellDep,
    session: SessionDep,
    container: ContainerDep,
    invoice_id: uuid.UUID = Form(...),
) -> Response:
    """A simulated payment books money in the shop: bots.write only, and audited."""
    await _acting(shell, session, "bots.write")
    outcome = await playground.pay_invoice(
        container,
        shop_id=shell.shop_access.shop.id,
        tester=_tester(request, shell),
        invoice_id=invoice_id,
        actor=shell.shop_access.actor,
    )
    return await _after(request, shell, container, outcome)


@router.post(PAGE + "/join", dependencies=[CsrfDep])
async def join(
    request: Request,
    shell: ShopShellDep,
    session: SessionDep,
    container: ContainerDep,
    link: str = Form(..., max_length=128),
) -> Response:
    await _acting(shell, session, "bots.read")
    outcome = await playground.join_via_link(
        container, shop_id=shell.shop_access.shop.id, tester=_tester(request, shell), link=link
    )
    return await _after(request, shell, container, outcome)


@router.post(PAGE + "/leave", dependencies=[CsrfDep])
async def leave(
    request: Request,
    shell: ShopShellDep,
    session: SessionDep,
    container: ContainerDep,
    chat_id: int = Form(...),
) -> Response:
    await _acting(shell, session, "bots.read")
    outcome = await playground.leave_channel(
        container,
        shop_id=shell.shop_access.shop.id,
        tester=_tester(request, shell),
        chat_id=chat_id,
    )
    return await _after(request, shell, container, outcome)


@router.post(PAGE + "/language", dependencies=[CsrfDep])
async def language(
    request: Request,
    shell: ShopShellDep,
    session: SessionDep,
    container: ContainerDep,
    code: str = Form(..., max_length=8),
) -> Response:
    await _acting(shell, session, "bots.read")
    await playground.set_language(
        container, shop_id=shell.shop_access.shop.id, tester=_tester(request, shell), language=code
    )
    return RedirectResponse(f"{ADMIN_PATH}/s/{shell.shop_access.shop.slug}/playground", 303)
