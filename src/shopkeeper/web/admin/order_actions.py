"""What staff do with an order from its page: refund all or part (orders.refund, after a
confirmation that names the amount), send the invoice again, mark it fulfilled, cancel an
unpaid one (orders.write). A refusal shows on the order's page with nothing changed."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Form, Request, Response

from shopkeeper import notifications, orders, payments
from shopkeeper.container import Container
from shopkeeper.deps import ContainerDep, SessionDep
from shopkeeper.errors import AppError
from shopkeeper.notifications import registered_messengers
from shopkeeper.web.admin.deps import CsrfDep, Shell, ShopShellDep
from shopkeeper.web.admin.errors import AdminRoute
from shopkeeper.web.admin.forms import EntryError, Gettext, money, parse_amount, show_amount
from shopkeeper.web.admin.orders import BASE, REFUND, WRITE, base_url, detail_page
from shopkeeper.web.security import ADMIN_PATH, redirect_with_flash
from shopkeeper.web.templating import gettext_for, render, request_language

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
ONE = BASE + "/{order_id}"
REASON_LIMIT = 500


def _back(shell: Shell, order_id: uuid.UUID, flash: str, container: Container) -> Response:
    """To its page, which says once what just happened."""
    return redirect_with_flash(f"{base_url(shell)}/{order_id}", flash, container.settings)


@router.post(ONE + "/refund", dependencies=[CsrfDep])
async def refund(
    request: Request,
    shell: ShopShellDep,
    session: SessionDep,
    container: ContainerDep,
    order_id: uuid.UUID,
    amount: str = Form("", max_length=40),
    reason: str = Form("", max_length=REASON_LIMIT),
    expected: int | None = Form(None, ge=0),
    confirmed: str = Form(""),
) -> Response:
    """First the confirmation naming the amount; confirmed, the refund through the gateway.
    The amount left refundable when the page was shown travels along: a refund made since
    (this form sent twice, a colleague) refuses this one instead of refunding twice."""
    shell.require(REFUND)
    _ = gettext_for(request)
    shop_id = shell.shop_access.shop.id
    order = await orders.get_order(session, shop_id=shop_id, order_id=order_id)
    language = request_language(request)
    remaining = await payments.refundable_amount(session, shop_id=shop_id, order_id=order_id)
    expected = remaining if expected is None else expected
    values = {"amount": amount.strip(), "reason": reason.strip()}
    cents, problems = _checked(values, order.currency, expected, language, _)
    if problems:
        return await detail_page(request, shell, session, order_id, status_code=422,
                                 refund_values=values, refund_errors=problems)  # fmt: skip
    if confirmed != "yes":
        context = shell.context(
            order=order, url=f"{base_url(shell)}/{order.id}", amount=cents, expected=expected,
            amount_text=show_amount(cents, order.currency, language), reason=values["reason"],
            full=cents == expected,
        )  # fmt: skip
        return render(request, "admin/order_refund.html", context)
    await session.commit()  # the flow runs its own transactions around the gateway's call
    try:
        await payments.refund_order(
            container, shop_id=shop_id, order_id=order_id, amount=cents, reason=values["reason"],
            actor=shell.shop_access.actor, expected_remaining=expected,
        )  # fmt: skip
    except AppError as exc:
        return await detail_page(request, shell, session, order_id, status_code=exc.status_code,
                                 refund_failure=exc.detail)  # fmt: skip
    return _back(shell, order_id, "order_refunded", container)


def _checked(
    values: dict[str, str], currency: str, expected: int, language: str, _: Gettext
) -> tuple[int, dict[str, str]]:
    """The amount in minor units (blank: all that remains) and what is wrong, per field."""
    problems: dict[str, str] = {}
    cents = expected
    if expected <= 0:
        problems["amount"] = _("Nothing of this order is left to refund.")
    elif values["amount"]:
        try:
            cents = parse_amount(values["amount"], currency, language, _)
        except EntryError as exc:
            problems["amount"] = str(exc)
        else:
            if cents <= 0:
                problems["amount"] = _("Enter an amount above zero.")
            elif cents > expected:
                limit = money(expected, currency, language)
                problems["amount"] = _("At most %(amount)s can be refunded.", amount=limit)
    if not values["reason"]:
        problems["reason"] = _("Say why: the customer sees it in the refund's record.")
    return cents, problems


@router.post(ONE + "/invoice/send", dependencies=[CsrfDep])
async def send_invoice(
    request: Request,
    shell: ShopShellDep,
    session: SessionDep,
    container: ContainerDep,
    order_id: uuid.UUID,
    request_key: uuid.UUID = Form(...),
) -> Response:
    """The invoice's link to the customer over their channel; once per page shown."""
    shell.require(WRITE)
    _ = gettext_for(request)
    try:
        message = await notifications.send_invoice(
            session, registered_messengers(container), container.settings,
            shop_id=shell.shop_access.shop.id, order_id=order_id, request_key=request_key,
            actor=shell.shop_access.actor, now=container.clock.now(),
        )  # fmt: skip
    except AppError as exc:
        await session.rollback()
        return await detail_page(request, shell, session, order_id, status_code=exc.status_code,
                                 invoice_error=exc.detail)  # fmt: skip
    if message.status != "sent":  # logged, but nobody got it: say why
        await session.commit()
        error = _("The invoice was not delivered (%(status)s): %(reason)s",
                  status=message.status, reason=message.error or "—")  # fmt: skip
        return await detail_page(request, shell, session, order_id, invoice_error=error)
    return _back(shell, order_id, "invoice_sent", container)


@router.post(ONE + "/fulfil", dependencies=[CsrfDep])
async def fulfil(
    request: Request,
    shell: ShopShellDep,
    session: SessionDep,
    container: ContainerDep,
    order_id: uuid.UUID,
) -> Response:
    """A paid order delivered or handed over."""
    shell.require(WRITE)
    try:
        await orders.fulfil_order(
            session, shop_id=shell.shop_access.shop.id, order_id=order_id,
            now=container.clock.now(), actor=shell.shop_access.actor,
        )  # fmt: skip
    except orders.OrderNotFound:
        raise
    except AppError as exc:
        await session.rollback()
        return await detail_page(request, shell, session, order_id, status_code=exc.status_code,
                                 state_error=exc.detail)  # fmt: skip
    return _back(shell, order_id, "order_fulfilled", container)


@router.post(ONE + "/cancel", dependencies=[CsrfDep])
async def cancel(
    request: Request,
    shell: ShopShellDep,
    session: SessionDep,
    container: ContainerDep,
    order_id: uuid.UUID,
    reason: str = Form("", max_length=200),
    confirmed: str = Form(""),
) -> Response:
    """An unpaid order given up: first the confirmation, then its stock and code come back."""
    shell.require(WRITE)
    shop_id = shell.shop_access.shop.id
    order = await orders.get_order(session, shop_id=shop_id, order_id=order_id)
    if confirmed != "yes":
        context = shell.context(order=order, url=f"{base_url(shell)}/{order.id}",
                                reason=reason.strip())  # fmt: skip
        return render(request, "admin/order_cancel.html", context)
    try:
        await orders.cancel_order(
            session, shop_id=shop_id, order_id=order_id,
            reason=reason.strip() or "cancelled by staff", now=container.clock.now(),
            actor=shell.shop_access.actor,
        )  # fmt: skip
    except AppError as exc:
        await session.rollback()
        return await detail_page(request, shell, session, order_id, status_code=exc.status_code,
                                 state_error=exc.detail)  # fmt: skip
    return _back(shell, order_id, "order_cancelled", container)
