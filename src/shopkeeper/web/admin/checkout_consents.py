"""/admin/s/{slug}/checkout/consents: the consents a shop asks for at checkout — the list,
creating one, editing its texts (en, pl, ru: a changed text is saved as a new version that
shoppers must accept again, earlier versions stay as they were), deactivating it after a
confirmation, activating it again.

Everything goes through the functions the JSON API calls (checkout.customer), with its
permissions: checkout.read to look, checkout.write for every change (audited there). The
schema's errors come back beside their fields and nothing of a refused form is kept.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from shopkeeper.checkout import customer
from shopkeeper.deps import ContainerDep, SessionDep
from shopkeeper.web.admin.broadcast_form import error_text
from shopkeeper.web.admin.deps import CsrfDep, Shell, ShopShellDep
from shopkeeper.web.admin.errors import AdminRoute
from shopkeeper.web.security import ADMIN_PATH, set_flash
from shopkeeper.web.templating import gettext_for, render, request_language

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
BASE = "/s/{slug}/checkout/consents"
# The JSON API's permissions (checkout/customer/router.py), the same on every page.
READ, WRITE = "checkout.read", "checkout.write"
Gettext = Callable[..., str]


@dataclass
class ConsentForm:
    values: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)

    def texts(self) -> dict[str, str]:
        return {code: self.values[f"text_{code}"] for code in customer.LANGUAGES}

    def take(self, exc: ValidationError, _: Gettext) -> None:
        for error in exc.errors():
            loc = error["loc"]
            key = "form"
            if loc and loc[0] in ("code", "position", "required"):
                key = str(loc[0])
            elif loc and loc[0] == "texts":
                key = f"text_{loc[1]}" if len(loc) > 1 and loc[1] in customer.LANGUAGES else "texts"
            self.add(key, _message(error, _))


def _message(error: Mapping[str, Any], _: Gettext) -> str:
    """The schema's error in the reader's language (our own rules by their type)."""
    own = {
        "consent_code": _("Use 1–64 lowercase letters, digits, _ or -, e.g. terms."),
        "texts": _("Write the text in at least one language."),
        "text": _("Remove the control characters."),
    }
    return own.get(str(error.get("type", ""))) or error_text(error, _)


def _one(data: FormData, name: str, limit: int) -> str:
    value = data.get(name)
    return value[:limit] if isinstance(value, str) else ""


def parse_form(data: FormData) -> ConsentForm:
    values = {
        "code": _one(data, "code", 200).strip(),
        "position": _one(data, "position", 20).strip() or "0",
        "required": "on" if _one(data, "required", 8) else "",
    }
    for code in customer.LANGUAGES:
        text = _one(data, f"text_{code}", customer.MAX_TEXT + 100)
        values[f"text_{code}"] = text.replace("\r\n", "\n").replace("\r", "\n")
    return ConsentForm(values=values)


def form_of(consent: customer.ConsentRead) -> ConsentForm:
    values = {"code": consent.code, "position": str(consent.position),
              "required": "on" if consent.required else ""}  # fmt: skip
    for code in customer.LANGUAGES:
        values[f"text_{code}"] = consent.current.texts.get(code, "")
    return ConsentForm(values=values)


def empty_form() -> ConsentForm:
    return ConsentForm(values={"code": "", "position": "0", "required": "on"} | {
        f"text_{code}": "" for code in customer.LANGUAGES})  # fmt: skip


def base_url(shell: Shell) -> str:
    return f"{ADMIN_PATH}/s/{shell.shop_access.shop.slug}/checkout/consents"


def _redirect(url: str, flash: str, container: Any) -> Response:
    response = RedirectResponse(url, status_code=303)
    set_flash(response, flash, container.settings)
    return response


def excerpt(consent: customer.ConsentRead, language: str, fallback: str) -> tuple[str, str]:
    """(language, the start of the current text) for the list, in the reader's language."""
    shown, text = customer.text_in(consent.current.texts, language, fallback=fallback)
    return shown, (text if len(text) <= 160 else text[:159].rstrip() + "…")


@router.get(BASE, name="admin_checkout_consents")
async def index(request: Request, shell: ShopShellDep, session: SessionDep) -> Response:
    """Every consent of the shop in its order, active or not, with its current text."""
    shell.require(READ)
    shop = shell.shop_access.shop
    found = await customer.list_consents(session, shop_id=shop.id)
    language = request_language(request)
    rows = [{"c": c, "excerpt": excerpt(c, language, shop.default_language)} for c in found]
    context = shell.context(rows=rows, base=base_url(shell))
    return render(request, "admin/checkout/consents_list.html", context)


def _form_page(
    request: Request,
    shell: Shell,
    form: ConsentForm,
    consent: customer.ConsentDetail | None,
    *,
    status_code: int = 200,
) -> Response:
    base = base_url(shell)
    context = shell.context(
        form=form, consent=consent, base=base, languages_of_texts=customer.LANGUAGES,
        action=f"{base}/{consent.id}" if consent else base,
    )  # fmt: skip
    return render(request, "admin/checkout/consent_form.html", context, status_code=status_code)


@router.get(BASE + "/new", name="admin_checkout_consent_new")
async def new(request: Request, shell: ShopShellDep) -> Response:
    shell.require(WRITE)
    return _form_page(request, shell, empty_form(), None)


@router.post(BASE, dependencies=[CsrfDep])
async def create(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep
) -> Response:
    shell.require(WRITE)
    form = parse_form(await request.form())
    _ = gettext_for(request)
    try:
        data = customer.ConsentCreate.model_validate(
            {"code": form.values["code"], "position": form.values["position"],
             "required": form.values["required"] == "on", "texts": form.texts()}
        )  # fmt: skip
        await customer.create_consent(
            session, shop_id=shell.shop_access.shop.id, data=data,
            actor=shell.shop_access.actor, now=container.clock.now(),
        )  # fmt: skip
    except ValidationError as exc:
        form.take(exc, _)
        return _form_page(request, shell, form, None, status_code=422)
    except customer.ConsentCodeTaken:
        await session.rollback()
        form.add("code", _("This shop already has a consent with this code."))
        return _form_page(request, shell, form, None, status_code=422)
    return _redirect(base_url(shell), "consent_created", container)


async def _detail(session: AsyncSession, shell: Shell, consent_id: uuid.UUID) -> Any:
    return await customer.get_consent(
        session, shop_id=shell.shop_access.shop.id, consent_id=consent_id
    )


@router.get(BASE + "/{consent_id}", name="admin_checkout_consent")
async def edit(
    request: Request, shell: ShopShellDep, session: SessionDep, consent_id: uuid.UUID
) -> Response:
    """The consent's texts (a form for those who may change them) and every earlier version."""
    shell.require(READ)
    consent = await _detail(session, shell, consent_id)
    return _form_page(request, shell, form_of(consent), consent)


@router.post(BASE + "/{consent_id}", dependencies=[CsrfDep])
async def update(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    consent_id: uuid.UUID,
) -> Response:  # fmt: skip
    """Save; a changed text becomes the next version (the code stays)."""
    shell.require(WRITE)
    consent = await _detail(session, shell, consent_id)
    form = parse_form(await request.form())
    form.values["code"] = consent.code
    try:
        data = customer.ConsentUpdate.model_validate(
            {"position": form.values["position"], "required": form.values["required"] == "on",
             "texts": form.texts()}
        )  # fmt: skip
    except ValidationError as exc:
        form.take(exc, gettext_for(request))
        return _form_page(request, shell, form, consent, status_code=422)
    saved = await customer.update_consent(
        session, shop_id=shell.shop_access.shop.id, consent_id=consent_id, data=data,
        actor=shell.shop_access.actor, now=container.clock.now(),
    )  # fmt: skip
    flash = (
        "consent_new_version" if saved.current.number > consent.current.number else "consent_saved"
    )
    return _redirect(f"{base_url(shell)}/{consent_id}", flash, container)


@router.get(BASE + "/{consent_id}/deactivate", name="admin_checkout_consent_deactivate")
async def confirm_deactivate(
    request: Request, shell: ShopShellDep, session: SessionDep, consent_id: uuid.UUID
) -> Response:
    shell.require(WRITE)
    consent = await _detail(session, shell, consent_id)
    context = shell.context(consent=consent, base=base_url(shell))
    return render(request, "admin/checkout/consent_deactivate.html", context)


@router.post(BASE + "/{consent_id}/deactivate", dependencies=[CsrfDep])
async def deactivate(
    shell: ShopShellDep, session: SessionDep, container: ContainerDep, consent_id: uuid.UUID
) -> Response:
    shell.require(WRITE)
    await customer.deactivate_consent(
        session, shop_id=shell.shop_access.shop.id, consent_id=consent_id,
        actor=shell.shop_access.actor, now=container.clock.now(),
    )  # fmt: skip
    return _redirect(base_url(shell), "consent_deactivated", container)


@router.post(BASE + "/{consent_id}/activate", dependencies=[CsrfDep])
async def activate(
    shell: ShopShellDep, session: SessionDep, container: ContainerDep, consent_id: uuid.UUID
) -> Response:
    shell.require(WRITE)
    await customer.update_consent(
        session, shop_id=shell.shop_access.shop.id, consent_id=consent_id,
        data=customer.ConsentUpdate(active=True), actor=shell.shop_access.actor,
        now=container.clock.now(),
    )  # fmt: skip
    return _redirect(f"{base_url(shell)}/{consent_id}", "consent_activated", container)
