"""The "your details" step: who buys (email, phone, name; a company invoice with its tax id
when wanted) and the shop's consents, each shown in its current text. Errors are shown
beside their fields; a consent whose text changed while the page was open is shown again."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from shopkeeper.checkout import customer
from shopkeeper.deps import ClockDep, ContainerDep, SessionDep
from shopkeeper.errors import AppError
from shopkeeper.web.store.checkout_reads import Reader
from shopkeeper.web.store.delivery_pages import DEFAULT_COUNTRY, countries
from shopkeeper.web.store.errors import StoreRoute
from shopkeeper.web.store.problems import POSTAL_EXAMPLES, Gettext, error_text
from shopkeeper.web.store.shopper import ShopperCsrf, ShopperDep

router = APIRouter(prefix="/s/{shop}", route_class=StoreRoute, include_in_schema=False)
PERSON = ("email", "phone", "name")
INVOICE = ("company", "tax_id", "street", "postal_code", "city", "country")
MAX_FIELD = 400


def field_errors(_: Gettext, errors: Sequence[Any], invoice_country: str) -> dict[str, str]:
    """pydantic's errors of CustomerDataWrite by form field (`invoice_<name>` for invoices)."""
    found: dict[str, str] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        name = "invoice_" + loc[1] if loc[:1] == ["invoice"] and len(loc) > 1 else loc[0]
        kind = str(error.get("type", ""))
        if name in found:
            continue
        if kind in ("missing", "string_too_short"):
            found[name] = _("Fill in this field.")
        elif name == "email":
            found[name] = _("Enter a valid email address.")
        elif name == "phone":
            found[name] = _("Enter the phone number with its country code, e.g. +48 600 100 200.")
        elif name == "invoice_tax_id":
            found[name] = _("This tax ID is not valid for the chosen country (for Poland: the "
                            "10-digit NIP).")  # fmt: skip
        elif name == "invoice_postal_code":
            example = POSTAL_EXAMPLES.get(invoice_country.strip().upper())
            found[name] = (_("Enter the postal code as in %(example)s.", example=example)
                           if example else _("Enter a valid postal code."))  # fmt: skip
        elif name == "invoice_country":
            found[name] = _("Choose a country.")
        else:
            found[name] = _("Check this field.")
    return found


async def details_page(reader: Reader, *, status_code: int = 200, **values: Any) -> Response:
    shopper = reader.shopper
    store = shopper.store
    if not await reader.has_cart():
        return shopper.redirect("/cart")
    given = await customer.customer_data_of(reader.session, shop_id=reader.shop_id,
                                            owner=shopper.owner)  # fmt: skip
    consents = await customer.shopper_consents(
        reader.session, shop_id=reader.shop_id, owner=shopper.owner, language=store.language,
        default_language=store.shop.default_language,
    )  # fmt: skip
    form = _form_of(given, store.visitor.email if store.visitor else None,
                    DEFAULT_COUNTRY.get(store.shop.default_language, ""))  # fmt: skip
    ticked = {c.code for c in consents.consents if c.accepted}
    context = {"step": "details", "form": form, "consents": consents.consents, "ticked": ticked,
               "errors": {}, "consent_errors": {}, "error": None,
               "countries": countries(store.language), **values}  # fmt: skip
    return shopper.render("store/checkout_details.html", context, status_code=status_code)


def _form_of(given: customer.CustomerDataRead | None, email: str | None,
             country: str) -> dict[str, str]:  # fmt: skip
    form = {name: "" for name in PERSON} | {f"invoice_{n}": "" for n in INVOICE}
    form["invoice_country"], form["email"] = country, email or ""
    if given is not None:
        form.update(email=given.email, phone=given.phone, name=given.name)
        if given.invoice is not None:
            form.update({f"invoice_{n}": str(getattr(given.invoice, n)) for n in INVOICE})
            form["want_invoice"] = "1"
    return form


@router.get("/checkout/details", name="store_checkout_details")
async def show_details(shopper: ShopperDep, session: SessionDep, container: ContainerDep,
                       clock: ClockDep) -> Response:  # fmt: skip
    return await details_page(Reader(shopper, session, container, clock.now()))


def _answers(form: Mapping[str, Any]) -> tuple[list[customer.ConsentAnswer], set[str]]:
    """The consents shown (each with the version its text was) and the ones ticked."""
    answers, ticked = [], set()
    for key, value in form.items():
        if not key.startswith("consent_version:") or not isinstance(value, str):
            continue
        code = key.partition(":")[2][:64]
        accepted = form.get(f"consent:{code}") == "yes"
        try:
            answers.append(customer.ConsentAnswer(code=code, version_id=uuid.UUID(value),
                                                  accepted=accepted))  # fmt: skip
        except (ValueError, ValidationError):
            continue
        if accepted:
            ticked.add(code)
    return answers, ticked


@router.post("/checkout/details", dependencies=[ShopperCsrf])
async def give_details(request: Request, shopper: ShopperDep, session: SessionDep,
                       container: ContainerDep, clock: ClockDep) -> Response:  # fmt: skip
    """Keep the customer data and the consent answers, or show what to correct."""
    reader = Reader(shopper, session, container, clock.now())
    store = shopper.store
    _ = store.gettext
    raw = await request.form()
    form = {k: str(v)[:MAX_FIELD] for k, v in raw.items() if isinstance(v, str)}
    typed = {n: form.get(n, "") for n in PERSON} | {
        f"invoice_{n}": form.get(f"invoice_{n}", "") for n in INVOICE
    }
    typed["want_invoice"] = "1" if form.get("want_invoice") else ""
    answers, ticked = _answers(form)
    body: dict[str, Any] = {n: typed[n] for n in PERSON}
    if typed["want_invoice"]:
        body["invoice"] = {n: typed[f"invoice_{n}"] for n in INVOICE}
    again: dict[str, Any] = {"form": typed, "ticked": ticked}
    try:
        data = customer.CustomerDataWrite.model_validate(body)
    except ValidationError as exc:
        errors = field_errors(_, exc.errors(), typed["invoice_country"])
        return await _again(reader, errors=errors, **again)
    missing = await _required_not_ticked(reader, ticked)
    if missing:
        text = _("Accept this to place the order.")
        return await _again(reader, consent_errors=dict.fromkeys(missing, text), **again)
    try:
        await customer.provide_customer_data(session, shop_id=reader.shop_id, owner=shopper.owner,
                                             data=data, now=reader.now)  # fmt: skip
        if answers:
            await customer.give_consents(
                session, shop_id=reader.shop_id, owner=shopper.owner, answers=answers,
                language=store.language, default_language=store.shop.default_language,
                now=reader.now,
            )  # fmt: skip
    except customer.ConsentVersionOutdated:
        error = _("The text of a consent has just changed. Please read it again.")
        return await _again(reader, error=error, **again)
    except AppError as exc:
        return await _again(reader, error=error_text(_, exc), **again)
    return shopper.redirect("/checkout/summary")


async def _required_not_ticked(reader: Reader, ticked: set[str]) -> list[str]:
    store = reader.shopper.store
    shown = await customer.shopper_consents(
        reader.session, shop_id=reader.shop_id, owner=reader.shopper.owner,
        language=store.language, default_language=store.shop.default_language,
    )  # fmt: skip
    return [c.code for c in shown.consents if c.required and c.code not in ticked]


async def _again(reader: Reader, **values: Any) -> Response:
    async with reader.reading() as fresh:
        return await details_page(fresh, status_code=422, **values)
