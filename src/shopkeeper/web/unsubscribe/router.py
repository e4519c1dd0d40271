"""Routes of the unsubscribe page (public: whoever holds the emailed link may use it)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from shopkeeper.deps import ClockDep, ContainerDep, SessionDep
from shopkeeper.errors import AppError
from shopkeeper.notifications import preferences
from shopkeeper.web.security import SECURITY_HEADERS
from shopkeeper.web.templating import gettext_for, render

router = APIRouter(include_in_schema=False)


def _secure(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers[name] = value
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the path
    return response


def _error(request: Request, exc: AppError) -> Response:
    _ = gettext_for(request)
    heading = _("This link does not work")
    context = {"heading": heading, "detail": exc.detail, "status_code": exc.status_code}
    return _secure(render(request, "common/error.html", context, status_code=exc.status_code))


@router.get("/u/{token}")
async def confirm(token: str, request: Request, session: SessionDep,
                  container: ContainerDep) -> Response:  # fmt: skip
    """Asks before unsubscribing: a mail scanner following links must not opt anyone out."""
    try:
        target = await preferences.unsubscribe_target(
            session, secret=container.settings.secret_key, token=token
        )
    except AppError as exc:
        return _error(request, exc)
    context = {"target": target, "token": token, "done": target.opted_out}
    return _secure(render(request, "unsubscribe/unsubscribe.html", context))


@router.post("/u/{token}")
async def unsubscribe(token: str, request: Request, session: SessionDep,
                      container: ContainerDep, clock: ClockDep) -> Response:  # fmt: skip
    try:
        target = await preferences.unsubscribe(
            session, secret=container.settings.secret_key, token=token, now=clock.now()
        )
    except AppError as exc:
        return _error(request, exc)
    context = {"target": target, "token": token, "done": True}
    return _secure(render(request, "unsubscribe/unsubscribe.html", context))
