"""/admin/s/{slug}/checkout/services: the shop's services rules (services_rules.yaml) — what
they offer, what the catalog keeps out of the offer now, and the editor: save, or check the
text without saving (HTMX); each problem, with its line and rule, comes back beside the text.

Through the functions the JSON API calls (checkout.services `get_rules` / `save_rules`):
checkout.read to look, checkout.write to save or check. A check is a save rolled back, so it
says exactly what a save would.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.checkout import services
from shopkeeper.deps import ContainerDep, SessionDep
from shopkeeper.web.admin.checkout_shipping import READ, WRITE, shop_locale
from shopkeeper.web.admin.deps import CsrfDep, Shell, ShopShellDep
from shopkeeper.web.admin.errors import AdminRoute
from shopkeeper.web.admin.forms import show_scaled
from shopkeeper.web.security import ADMIN_PATH, set_flash
from shopkeeper.web.templating import gettext_for, render, request_language

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
BASE = "/s/{slug}/checkout/services"
MAX_TEXT = 65_536


def base_url(shell: Shell) -> str:
    return f"{ADMIN_PATH}/s/{shell.shop_access.shop.slug}/checkout/services"


def _conditions(rule: services.ServiceRule, locale: str, _: Any) -> list[str]:
    c = rule.conditions
    said = []
    if c.min_weight_g is not None:
        said.append(_("from %(kg)s kg", kg=show_scaled(c.min_weight_g, 1000, locale)))
    if c.max_weight_g is not None:
        said.append(_("up to %(kg)s kg", kg=show_scaled(c.max_weight_g, 1000, locale)))
    if c.min_longest_side_mm is not None:
        said.append(_("longest side from %(cm)s cm",
                      cm=show_scaled(c.min_longest_side_mm, 10, locale)))  # fmt: skip
    return said


def _rows(rules: services.ServicesRulesRead, request: Request, locale: str) -> list[dict[str, Any]]:
    _, language = gettext_for(request), request_language(request)
    pricing = {"per_unit": _("per unit"), "per_line": _("once per line")}
    return [
        {
            "rule": rule,
            "name": rule.name_in(language, rule.sku),
            "kind": _("For an item") if rule.kind == "item" else _("For the order"),
            "pricing": pricing[rule.pricing.value if rule.pricing else "per_unit"]
            if rule.kind == "item" else "",
            "conditions": _conditions(rule, locale, _),
        }
        for rule in rules.services
    ]  # fmt: skip


async def _page(
    request: Request,
    shell: Shell,
    session: AsyncSession,
    *,
    text: str | None = None,
    version: int | None = None,
    problems: list[str] | None = None,
    conflict: str = "",
    status_code: int = 200,
) -> Response:
    """The rules as saved; after a refused save, the editor keeps what was typed."""
    shop = shell.shop_access.shop
    rules = await services.get_rules(session, shop_id=shop.id)
    context = shell.context(
        rules=rules, rows=_rows(rules, request, shop_locale(shop)), base=base_url(shell),
        text=rules.yaml if text is None else text,
        version=rules.version if version is None else version,
        problems=problems or [], conflict=conflict, editable=shell.can(WRITE),
    )  # fmt: skip
    return render(request, "admin/checkout/services.html", context, status_code=status_code)


@router.get(BASE, name="admin_checkout_services")
async def show(request: Request, shell: ShopShellDep, session: SessionDep) -> Response:
    shell.require(READ)
    return await _page(request, shell, session)


async def _posted(request: Request) -> tuple[str, int | None]:
    data = await request.form()
    raw = data.get("yaml")
    text = raw[: MAX_TEXT + 1].replace("\r\n", "\n") if isinstance(raw, str) else ""
    typed = data.get("version")
    version = int(typed) if isinstance(typed, str) and typed.isdigit() and len(typed) < 10 else None
    return text, version


async def _try_save(
    shell: Shell, session: AsyncSession, container: Any, text: str, version: int | None
) -> tuple[list[str], str]:
    """Save (the caller rolls back for a check): the problems, or why it conflicts."""
    try:
        data = services.ServicesRulesUpdate(yaml=text, version=version)
        await services.save_rules(
            session, shop_id=shell.shop_access.shop.id, data=data,
            actor=shell.shop_access.actor, now=container.clock.now(),
        )  # fmt: skip
    except ValidationError:
        return [f"services_rules.yaml: at most {MAX_TEXT} characters"], ""
    except services.ServicesRulesInvalid as exc:
        return exc.problems, ""
    except services.ServicesRulesChanged as exc:
        return [], exc.detail
    return [], ""


@router.post(BASE, dependencies=[CsrfDep])
async def save(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep
) -> Response:
    """Replace the rules; a refused text comes back in the editor with every problem."""
    shell.require(WRITE)
    text, version = await _posted(request)
    problems, conflict = await _try_save(shell, session, container, text, version)
    if problems or conflict:
        await session.rollback()
        return await _page(
            request, shell, session, text=text, version=version, problems=problems,
            conflict=conflict, status_code=409 if conflict else 422,
        )  # fmt: skip
    response = RedirectResponse(base_url(shell), status_code=303)
    set_flash(response, "services_saved", container.settings)
    return response


@router.post(BASE + "/check", dependencies=[CsrfDep])
async def check(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep
) -> Response:
    """What a save of the text would say, without saving it (the fragment under the editor)."""
    shell.require(WRITE)
    text, version = await _posted(request)
    problems, conflict = await _try_save(shell, session, container, text, version)
    await session.rollback()  # a check never keeps anything
    context = shell.context(problems=problems, conflict=conflict, checked=True)
    return render(request, "admin/checkout/_services_check.html", context)
