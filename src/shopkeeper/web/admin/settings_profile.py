"""/admin/s/{slug}/settings: the shop's profile — name, currency, time zone, languages. Anyone
with shop.read sees it; shop.update (admin, owner) changes it through shops.update_shop, which
audits the change. Errors come back beside their fields with what was typed."""

from __future__ import annotations

from functools import cache
from typing import Any
from zoneinfo import available_timezones

from babel.numbers import list_currencies
from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from shopkeeper import shops
from shopkeeper.deps import ContainerDep, SessionDep
from shopkeeper.web.admin.deps import CsrfDep, Shell, ShopShellDep
from shopkeeper.web.admin.errors import AdminRoute
from shopkeeper.web.admin.forms import Form, Gettext, one
from shopkeeper.web.security import ADMIN_PATH, redirect_with_flash
from shopkeeper.web.templating import gettext_for, render

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
BASE = "/s/{slug}/settings"
READ, WRITE = "shop.read", "shop.update"  # as GET and PATCH /api/v1/shops/{shop}
LANGUAGES = ("en", "pl", "ru")  # what the shop's customers may be spoken to in


@cache
def timezones() -> list[str]:
    return sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))


@cache
def currencies() -> list[str]:
    return sorted(list_currencies())


def base_url(shell: Shell) -> str:
    return f"{ADMIN_PATH}/s/{shell.shop_access.shop.slug}/settings"


@router.get(BASE, name="admin_settings_profile")
async def profile(request: Request, shell: ShopShellDep) -> Response:
    shell.require(READ)
    shop = shell.shop_access.shop
    values = {"name": shop.name, "currency": shop.currency, "timezone": shop.timezone,
              "default_language": shop.default_language}  # fmt: skip
    return _page(request, shell, Form(values=values), list(shop.languages))


@router.post(BASE, dependencies=[CsrfDep])
async def save_profile(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep
) -> Response:
    shell.require(WRITE)
    data = await request.form()
    form = Form(values={name: one(data, name) for name in ("name", "currency", "timezone",
                                                           "default_language")})  # fmt: skip
    chosen = [code for code in LANGUAGES if code in data.getlist("languages")]
    _ = gettext_for(request)
    update = _parse(form, chosen, _)
    if update is None:
        return _page(request, shell, form, chosen, status_code=422)
    try:
        await shops.update_shop(
            session, access=shell.shop_access, data=update, now=container.clock.now()
        )
    except shops.DefaultLanguageNotOffered:
        form.add("default_language", _("The default language must be one of those chosen."))
        return _page(request, shell, form, chosen, status_code=422)
    return redirect_with_flash(base_url(shell), "profile_saved", container.settings)


def _parse(form: Form, chosen: list[str], _: Gettext) -> shops.ShopUpdate | None:
    """The update, or None with the form's errors by field."""
    v = form.values
    if not chosen:
        form.add("languages", _("Choose at least one language."))
    elif v["default_language"] not in chosen:
        form.add("default_language", _("The default language must be one of those chosen."))
    try:
        update = shops.ShopUpdate(name=v["name"], currency=v["currency"], timezone=v["timezone"],
                                  languages=chosen or None,
                                  default_language=v["default_language"] or None)  # fmt: skip
    except ValidationError as exc:
        for error in exc.errors():
            where = str(error["loc"][0]) if error.get("loc") else "name"
            if where in _MESSAGES:
                form.add(where, _MESSAGES[where](_))
        return None
    return None if form.errors else update


_MESSAGES = {
    "name": lambda _: _("Enter the shop's name (up to 200 characters)."),
    "currency": lambda _: _("Enter a currency code, e.g. EUR, PLN or USD."),
    "timezone": lambda _: _("Choose a time zone from the list, e.g. Europe/Warsaw."),
    "languages": lambda _: _("Choose at least one language."),
    "default_language": lambda _: _("The default language must be one of those chosen."),
}


def _page(
    request: Request, shell: Shell, form: Form, chosen: list[str], *, status_code: int = 200
) -> Response:
    context: dict[str, Any] = {
        "form": form, "chosen": chosen, "base": base_url(shell), "all_languages": LANGUAGES,
        "timezones": timezones(), "currencies": currencies(),
    }  # fmt: skip
    return render(request, "admin/settings/profile.html", shell.context(**context),
                  status_code=status_code)  # fmt: skip
