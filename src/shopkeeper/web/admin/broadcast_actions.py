"""What staff do with a broadcast from its page: a test to themselves, send now, schedule (a
time in the shop's zone), pause, resume, cancel (after a confirmation). broadcasts.send, as
in the JSON API; each calls the service's action and comes back to the page, which says what
happened — or, when the service refused, why (nothing changed)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Form, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.deps import ContainerDep, SessionDep
from shopkeeper.errors import AppError
from shopkeeper.notifications.broadcasts import actions, service
from shopkeeper.notifications.broadcasts.errors import (
    BroadcastNotFound,
    NoTestChat,
    UnknownTestCustomer,
)
from shopkeeper.notifications.broadcasts.ports import channel_for
from shopkeeper.web.admin.broadcast_form import local_to_utc
from shopkeeper.web.admin.broadcasts import BASE, SEND, base_url, detail_page, redirect
from shopkeeper.web.admin.deps import CsrfDep, Shell, ShopShellDep
from shopkeeper.web.admin.errors import AdminRoute
from shopkeeper.web.security import ADMIN_PATH
from shopkeeper.web.templating import gettext_for, render

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
ONE = BASE + "/{broadcast_id}"
Action = Callable[[], Awaitable[Any]]


def _reason(request: Request, exc: AppError) -> str:
    """The service's refusal in the reader's words where the admin words it differently."""
    _ = gettext_for(request)
    if isinstance(exc, NoTestChat):
        return _(
            "You have no Telegram chat with this shop's bot yet. Start the bot from the "
            "Telegram account of the customer who has your staff email, or enter the Telegram "
            "user id of someone who has started the bot."
        )
    if isinstance(exc, UnknownTestCustomer):
        return _("No customer of this shop has that Telegram user id.")
    return exc.detail


async def _act(
    request: Request,
    shell: Shell,
    session: AsyncSession,
    container: Any,
    broadcast_id: uuid.UUID,
    action: Action,
    flash: str,
) -> Response:
    """Run `action`; a refusal shows on the page (its status code), with nothing changed."""
    try:
        await action()
    except BroadcastNotFound:
        raise
    except AppError as exc:
        await session.rollback()
        return await detail_page(
            request, shell, session, container, broadcast_id,
            status_code=exc.status_code, error=_reason(request, exc),
        )  # fmt: skip
    return redirect(shell, broadcast_id, flash, container)


@router.post(ONE + "/test", dependencies=[CsrfDep])
async def send_test(
    request: Request,
    shell: ShopShellDep,
    session: SessionDep,
    container: ContainerDep,
    broadcast_id: uuid.UUID,
    telegram_user_id: str = Form("", max_length=32),
) -> Response:
    """To the staff member's own Telegram chat with the bot (or the user id given)."""
    shell.require(SEND)
    _ = gettext_for(request)
    given = telegram_user_id.strip()
    if given and not given.lstrip("-").isdigit():
        return await detail_page(
            request, shell, session, container, broadcast_id, status_code=422,
            test_error=_("A Telegram user id is a number."), test_value=given,
        )  # fmt: skip
    access = shell.shop_access
    outcome: list[str] = []

    async def run() -> None:
        sent = await actions.send_test(
            session, channel_for(container), shop_id=access.shop.id, broadcast_id=broadcast_id,
            user_id=None if given else access.user_id,  # a named chat wins over one's own
            telegram_user_id=int(given) if given else None,
            actor=access.actor, now=container.clock.now(),
        )  # fmt: skip
        outcome.extend([sent.outcome, sent.error])

    response = await _act(request, shell, session, container, broadcast_id, run,
                          "broadcast_test_sent")  # fmt: skip
    if outcome and outcome[0] != "sent":  # recorded (log, audit), but nobody got it
        error = _("Telegram did not deliver the test (%(outcome)s): %(error)s",
                  outcome=outcome[0], error=outcome[1] or "—")  # fmt: skip
        return await detail_page(request, shell, session, container, broadcast_id, error=error)
    return response


@router.post(ONE + "/send", dependencies=[CsrfDep])
async def send_now(
    request: Request,
    shell: ShopShellDep,
    session: SessionDep,
    container: ContainerDep,
    broadcast_id: uuid.UUID,
) -> Response:
    """Now: the audience is fixed at this moment and the workers start sending."""
    shell.require(SEND)
    access = shell.shop_access

    async def run() -> None:
        await actions.send_broadcast(
            session, channel_for(container), shop_id=access.shop.id, broadcast_id=broadcast_id,
            scheduled_at=None, actor=access.actor, now=container.clock.now(),
        )  # fmt: skip

    return await _act(request, shell, session, container, broadcast_id, run, "broadcast_started")


@router.post(ONE + "/schedule", dependencies=[CsrfDep])
async def schedule(
    request: Request,
    shell: ShopShellDep,
    session: SessionDep,
    container: ContainerDep,
    broadcast_id: uuid.UUID,
    scheduled_at: str = Form("", max_length=32),
) -> Response:
    """At a time of the shop's zone; a time already past is refused (it would send at once)."""
    shell.require(SEND)
    _ = gettext_for(request)
    access = shell.shop_access
    now = container.clock.now()
    when = local_to_utc(scheduled_at, access.shop.timezone)
    problem = ""
    if when is None:
        problem = _("Enter a date and time.")
    elif when <= now:
        problem = _("Choose a time in the future.")
    if problem:
        return await detail_page(
            request, shell, session, container, broadcast_id, status_code=422,
            schedule_error=problem, schedule_value=scheduled_at,
        )  # fmt: skip

    async def run() -> None:
        await actions.send_broadcast(
            session, channel_for(container), shop_id=access.shop.id, broadcast_id=broadcast_id,
            scheduled_at=when, actor=access.actor, now=now,
        )  # fmt: skip

    return await _act(request, shell, session, container, broadcast_id, run, "broadcast_scheduled")


def _move(
    name: str,
    move: Callable[..., Awaitable[Any]],
    flash: str,
) -> Callable[..., Awaitable[Response]]:
    async def endpoint(
        request: Request,
        shell: ShopShellDep,
        session: SessionDep,
        container: ContainerDep,
        broadcast_id: uuid.UUID,
    ) -> Response:
        shell.require(SEND)
        access = shell.shop_access

        async def run() -> None:
            await move(session, shop_id=access.shop.id, broadcast_id=broadcast_id,
                       actor=access.actor, now=container.clock.now())  # fmt: skip

        return await _act(request, shell, session, container, broadcast_id, run, flash)

    endpoint.__name__ = f"{name}_broadcast"
    endpoint.__doc__ = f"{name.capitalize()} the broadcast (broadcasts.send)."
    return endpoint


for _name, _call, _flash in (
    ("pause", actions.pause_broadcast, "broadcast_paused"),
    ("resume", actions.resume_broadcast, "broadcast_resumed"),
    ("cancel", actions.cancel_broadcast, "broadcast_cancelled"),
):
    router.add_api_route(f"{ONE}/{_name}", _move(_name, _call, _flash), methods=["POST"],
                         dependencies=[CsrfDep])  # fmt: skip


@router.get(ONE + "/cancel", name="admin_broadcast_cancel")
async def confirm_cancel(
    request: Request,
    shell: ShopShellDep,
    session: SessionDep,
    container: ContainerDep,
    broadcast_id: uuid.UUID,
) -> Response:
    """The confirmation, as a page (the detail page shows it as a dialog when it can)."""
    shell.require(SEND)
    b = await service.get_broadcast(
        session, shop_id=shell.shop_access.shop.id, broadcast_id=broadcast_id,
        now=container.clock.now(),
    )  # fmt: skip
    context = shell.context(b=b, base=base_url(shell), url=f"{base_url(shell)}/{b.id}")
    return render(request, "admin/broadcast_cancel.html", context)
