"""Routes of the sandbox pay page (public: whoever holds the payment link may pay)."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from shopkeeper import payments
from shopkeeper.deps import ContainerDep, SessionDep
from shopkeeper.errors import AppError
from shopkeeper.kit.crypto import constant_time_equal, random_token, sign
from shopkeeper.kit.money import format_money
from shopkeeper.web.security import SECURITY_HEADERS
from shopkeeper.web.templating import gettext_for, render, request_language

router = APIRouter(include_in_schema=False)
CSRF_COOKIE = "sk_pay_csrf"
_PURPOSE = "sandbox-pay:"


def new_csrf(secret: str, payment_id: uuid.UUID) -> str:
    """A random nonce and its HMAC bound to this payment: no other page can mint one."""
    nonce = random_token(18)
    return f"{nonce}.{sign(secret, f'{_PURPOSE}{payment_id}:{nonce}'.encode())}"


def csrf_is_valid(
    secret: str, payment_id: uuid.UUID, *, cookie: str | None, submitted: str | None
) -> bool:
    if not cookie or not submitted or not constant_time_equal(cookie, submitted):
        return False
    nonce, _, signature = cookie.partition(".")
    expected = sign(secret, f"{_PURPOSE}{payment_id}:{nonce}".encode())
    return bool(nonce) and constant_time_equal(signature, expected)


def _secure(response: Response, return_url: str | None = None) -> Response:
    """The admin's security headers; the form may also lead to the shop's return URL."""
    for name, value in SECURITY_HEADERS.items():
        response.headers[name] = value
    if return_url:
        parts = urlsplit(return_url)
        origin = f"{parts.scheme}://{parts.netloc}"
        csp = response.headers["Content-Security-Policy"]
        response.headers["Content-Security-Policy"] = csp.replace(
            "form-action 'self'", f"form-action 'self' {origin}"
        )
    return response


def _labels(request: Request) -> dict[str, str]:
    _ = gettext_for(request)
    return {
        "pending": _("Awaiting payment"),
        "waiting_for_capture": _("Authorised"),
        "succeeded": _("Paid"),
        "failed": _("Failed"),
        "canceled": _("Cancelled"),
        "refunded": _("Refunded"),
    }


def _error(request: Request, exc: AppError) -> Response:
    _ = gettext_for(request)
    heading = _("Payment not found") if exc.status_code == 404 else _("The payment cannot go on")
    context = {"heading": heading, "detail": exc.detail, "status_code": exc.status_code}
    return _secure(render(request, "common/error.html", context, status_code=exc.status_code))


@router.get("/pay/{payment_id}")
async def pay_page(payment_id: uuid.UUID, request: Request, session: SessionDep,
                   container: ContainerDep) -> Response:  # fmt: skip
    try:
        page = await payments.pay_page(session, payment_id=payment_id)
    except AppError as exc:
        return _error(request, exc)
    csrf = new_csrf(container.settings.secret_key, payment_id)
    amount = format_money(page.amount, page.currency, request_language(request))
    context = {"page": page, "amount": amount, "csrf": csrf,
               "status_label": _labels(request)[page.status.value]}  # fmt: skip
    response = _secure(render(request, "pay/pay.html", context), page.return_url)
    response.set_cookie(
        CSRF_COOKIE, csrf, max_age=3600, path=f"/pay/{payment_id}", httponly=True,
        samesite="strict", secure=container.settings.secure_cookies,
    )  # fmt: skip
    return response


@router.post("/pay/{payment_id}")
async def press(
    payment_id: uuid.UUID, request: Request, container: ContainerDep,
    outcome: Annotated[str, Form(pattern="^(pay|fail)$")],
    csrf_token: Annotated[str | None, Form()] = None,
) -> Response:  # fmt: skip
    """Pay or Fail: a signed webhook through our own webhook path, then back to the shop."""
    cookie = request.cookies.get(CSRF_COOKIE)
    if not csrf_is_valid(
        container.settings.secret_key, payment_id, cookie=cookie, submitted=csrf_token
    ):
        _ = gettext_for(request)
        return _error(request, _Forbidden(_("The page expired; open the payment link again.")))
    try:
        await payments.press_sandbox(
            container, payment_id=payment_id, outcome="pay" if outcome == "pay" else "fail"
        )
        async with container.sessions() as session:
            page = await payments.pay_page(session, payment_id=payment_id)
    except AppError as exc:
        return _error(request, exc)
    target = page.return_url or f"/pay/{payment_id}/done"
    return _secure(RedirectResponse(target, status_code=303), page.return_url)


@router.get("/pay/{payment_id}/done")
async def done(payment_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
    try:
        page = await payments.pay_page(session, payment_id=payment_id)
    except AppError as exc:
        return _error(request, exc)
    _ = gettext_for(request)
    headings = {
        "succeeded": _("Payment received"),
        "failed": _("The payment failed"),
        "canceled": _("The payment was cancelled"),
        "refunded": _("The payment was refunded"),
    }
    heading = headings.get(page.status.value, _("Awaiting payment"))
    amount = format_money(page.amount, page.currency, request_language(request))
    return _secure(
        render(request, "pay/done.html", {"page": page, "amount": amount, "heading": heading})
    )


class _Forbidden(AppError):
    status_code = 403
