"""What staff do with a subscription: extend it by some days, cancel it at the period's end or
take that back, revoke it now (after a confirmation); and gift a plan from a customer's page.
subscriptions.write, as in the JSON API; each change is audited by the subscriptions context."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Form, Request, Response

from shopkeeper import identity, subscriptions
from shopkeeper.container import Container
from shopkeeper.deps import ContainerDep, SessionDep
from shopkeeper.errors import AppError
from shopkeeper.web.admin import customers
from shopkeeper.web.admin.deps import CsrfDep, Shell, ShopShellDep
from shopkeeper.web.admin.errors import AdminRoute
from shopkeeper.web.admin.subscriptions import BASE, WRITE, base_url, detail_page
from shopkeeper.web.security import ADMIN_PATH, redirect_with_flash
from shopkeeper.web.templating import gettext_for, render

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
ONE = BASE + "/{subscription_id}"
MAX_DAYS = 3650


def _back(shell: Shell, subscription_id: uuid.UUID, flash: str, container: Container) -> Response:
    """To its page, which says once what just happened."""
    return redirect_with_flash(f"{base_url(shell)}/{subscription_id}", flash, container.settings)


def _days(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() and 1 <= int(text) <= MAX_DAYS else None


@router.post(ONE + "/extend", dependencies=[CsrfDep])
async def extend(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    subscription_id: uuid.UUID, days: str = Form("", max_length=8),
) -> Response:  # fmt: skip
    """The end moves `days` later, counted from the current end."""
    shell.require(WRITE)
    _ = gettext_for(request)
    count = _days(days)
    if count is None:
        return await detail_page(request, shell, session, subscription_id, status_code=422,
                                 days_error=_("Enter a whole number of days from 1 to 3650."),
                                 days_value=days)  # fmt: skip

    async def run() -> Any:
        return await subscriptions.extend(
            session, shop_id=shell.shop_access.shop.id, subscription_id=subscription_id,
            days=count, now=container.clock.now(), actor=shell.shop_access.actor,
        )  # fmt: skip

    return await _act(request, shell, session, container, subscription_id, run, "sub_extended")


async def _act(
    request: Request, shell: Shell, session: Any, container: Container,
    subscription_id: uuid.UUID, action: Callable[[], Awaitable[Any]], flash: str,
) -> Response:  # fmt: skip
    """Run `action`; a refusal shows on the page with its status, nothing changed."""
    try:
        await action()
    except subscriptions.SubscriptionNotFound:
        raise
    except AppError as exc:
        await session.rollback()
        return await detail_page(request, shell, session, subscription_id,
                                 status_code=exc.status_code, error=exc.detail)  # fmt: skip
    return _back(shell, subscription_id, flash, container)


def _move(name: str, move: Callable[..., Awaitable[Any]], flash: str) -> Callable[..., Any]:
    async def endpoint(
        request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
        subscription_id: uuid.UUID, confirmed: str = Form(""),
    ) -> Response:  # fmt: skip
        shell.require(WRITE)
        if name == "revoke" and confirmed != "yes":
            return await _confirm_revoke(request, shell, session, subscription_id)

        async def run() -> Any:
            return await move(session, shop_id=shell.shop_access.shop.id,
                              subscription_id=subscription_id, now=container.clock.now(),
                              actor=shell.shop_access.actor)  # fmt: skip

        return await _act(request, shell, session, container, subscription_id, run, flash)

    endpoint.__name__ = f"{name}_subscription"
    endpoint.__doc__ = f"{name.capitalize()} the subscription (subscriptions.write)."
    return endpoint


for _name, _call, _flash in (
    ("cancel", subscriptions.cancel_at_period_end, "sub_cancel_scheduled"),
    ("resume", subscriptions.undo_cancel, "sub_resumed"),
    ("revoke", subscriptions.revoke, "sub_revoked"),
):
    router.add_api_route(f"{ONE}/{_name}", _move(_name, _call, _flash), methods=["POST"],
                         dependencies=[CsrfDep])  # fmt: skip


async def _confirm_revoke(
    request: Request, shell: Shell, session: Any, subscription_id: uuid.UUID
) -> Response:
    sub = await subscriptions.get_subscription(
        session, shop_id=shell.shop_access.shop.id, subscription_id=subscription_id
    )
    context = shell.context(sub=sub, url=f"{base_url(shell)}/{sub.id}")
    return render(request, "admin/subscription_revoke.html", context)


@router.post(customers.BASE + "/{customer_id}/gift", dependencies=[CsrfDep])
async def gift(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    customer_id: uuid.UUID, plan: uuid.UUID | None = Form(None), days: str = Form(""),
) -> Response:  # fmt: skip
    """A plan for some days without payment (starts it, or lengthens the live one)."""
    shell.require(WRITE)
    _ = gettext_for(request)
    shop_id, now = shell.shop_access.shop.id, container.clock.now()
    customer = await identity.get_customer(session, shop_id=shop_id, customer_id=customer_id)
    count = _days(days)
    problem = None
    if plan is None:
        problem = _("Choose a plan.")
    elif count is None:
        problem = _("Enter a whole number of days from 1 to 3650.")
    if plan is not None and count is not None:
        try:
            sub = await subscriptions.gift(
                session, shop_id=shop_id, product_id=plan, customer_id=customer.id, days=count,
                periods=None, now=now, actor=shell.shop_access.actor,
            )  # fmt: skip
        except AppError as exc:
            await session.rollback()
            problem = exc.detail
        else:
            return _back(shell, sub.id, "sub_gifted", container)
    return await customers.detail_page(request, shell, session, now, customer, status_code=422,
                                       gift_error=problem, gift_days=days)  # fmt: skip
