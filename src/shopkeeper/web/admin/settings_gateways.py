"""/admin/s/{slug}/settings/gateways: the payment gateways a shop takes money through — every
provider with its account if any (on or off, test or live keys, secrets masked, the webhook
address to paste at the provider), and one provider's form: its fields, secrets typed only to
change them (never shown, never sent back into the page), errors by field.

Reads and saves go through payments (`list_gateways`, `gateway_overview`, `put_gateway`: checked
by the provider's own rules, encrypted, audited); settings.manage on every page and action.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.datastructures import FormData

from shopkeeper import payments
from shopkeeper.deps import ContainerDep, SessionDep
from shopkeeper.web.admin.deps import CsrfDep, Shell, ShopShellDep
from shopkeeper.web.admin.errors import AdminRoute
from shopkeeper.web.admin.forms import Form, Gettext, one
from shopkeeper.web.security import ADMIN_PATH, redirect_with_flash
from shopkeeper.web.templating import gettext_for, render

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
BASE = "/s/{slug}/settings/gateways"
MANAGE = "settings.manage"
NAMES = {"sandbox": "Sandbox", "stripe": "Stripe", "yookassa": "YooKassa", "payu": "PayU",
         "przelewy24": "Przelewy24", "telegram_stars": "Telegram Stars"}  # fmt: skip
MAX_FIELD = 500


def base_url(shell: Shell) -> str:
    return f"{ADMIN_PATH}/s/{shell.shop_access.shop.slug}/settings/gateways"


def labels(_: Gettext) -> dict[str, str]:
    """Each account field in the reader's words (the provider's own names where it has them)."""
    return {
        "secret_key": _("Secret key"), "webhook_secret": _("Webhook signing secret"),
        "shop_id": _("Shop ID (shopId)"), "capture": _("Capture payments at once"),
        "ip_allowlist": _("Addresses notifications may come from (one a line, optional)"),
        "pos_id": _("POS ID"), "second_key": _("Second key (MD5)"),
        "client_id": _("OAuth client ID"), "client_secret": _("OAuth client secret"),
        "notify_url": _("Notification URL (optional)"), "merchant_id": _("Merchant ID"),
        "crc": _("CRC key"), "api_key": _("API key (reports key)"),
        "email": _("Merchant's email"), "language": _("Payment page language (pl, en, …)"),
        "status_url": _("Status URL (optional)"), "bot_token": _("Bot token"),
        "api_base": _("Bot API server (optional)"),
    }  # fmt: skip


def descriptions(_: Gettext) -> dict[str, str]:
    return {
        "sandbox": _("Test payments on a page of this server; no money moves."),
        "stripe": _("Cards and wallets worldwide; subscriptions renew through Stripe."),
        "yookassa": _("Cards, SBP and wallets in Russia; saved cards renew subscriptions."),
        "payu": _("Cards, BLIK and bank transfers in Poland and Central Europe."),
        "przelewy24": _("Bank transfers, BLIK and cards in Poland."),
        "telegram_stars": _("Telegram Stars (XTR), paid inside Telegram."),
    }


@router.get(BASE, name="admin_settings_gateways")
async def gateway_list(request: Request, shell: ShopShellDep, session: SessionDep,
                       container: ContainerDep) -> Response:  # fmt: skip
    """Every provider, the configured ones first."""
    shell.require(MANAGE)
    found = await payments.list_gateways(
        session, shop=shell.shop_access.shop, secrets=container.secrets,
        settings=container.settings,
    )  # fmt: skip
    found.sort(key=lambda g: (not g.configured, not g.enabled, g.provider != "sandbox"))
    _ = gettext_for(request)
    context = shell.context(gateways=found, names=NAMES, labels=labels(_),
                            descriptions=descriptions(_), base=base_url(shell))  # fmt: skip
    return render(request, "admin/settings/gateways.html", context)


@router.get(BASE + "/{provider}", name="admin_settings_gateway")
async def gateway_form(request: Request, shell: ShopShellDep, session: SessionDep,
                       container: ContainerDep, provider: str) -> Response:  # fmt: skip
    shell.require(MANAGE)
    gateway = await _overview(shell, session, container, provider)
    values = {f.name: _shown(gateway.config.get(f.name), f.kind) for f in gateway.fields
              if f.kind != "secret"}  # fmt: skip
    values["enabled"] = "on" if gateway.enabled or not gateway.configured else ""
    return _form_page(request, shell, gateway, Form(values=values))


@router.post(BASE + "/{provider}", dependencies=[CsrfDep])
async def save_gateway(request: Request, shell: ShopShellDep, session: SessionDep,
                       container: ContainerDep, provider: str) -> Response:  # fmt: skip
    """Create or replace the account; a secret left blank keeps the stored one."""
    shell.require(MANAGE)
    _ = gettext_for(request)
    gateway = await _overview(shell, session, container, provider)
    data = await request.form()
    form, config = _read(data, gateway, _)
    if config is None:
        return _form_page(request, shell, gateway, form, status_code=422)
    try:
        await payments.put_gateway(
            session, access=shell.shop_access, provider=gateway.provider,
            data=payments.GatewayUpdate(enabled=form.values["enabled"] == "on", config=config),
            secrets=container.secrets, settings=container.settings, now=container.clock.now(),
        )  # fmt: skip
    except payments.InvalidGatewayConfig as exc:
        await session.rollback()
        for name, kind in exc.fields.items():
            form.add(name if name in form.values or _is_secret(gateway, name) else "form",
                     _explain(kind, _))  # fmt: skip
        return _form_page(request, shell, gateway, form, status_code=422)
    return redirect_with_flash(base_url(shell), "gateway_saved", container.settings)


def _absolute(request: Request, gateway: payments.GatewayOverview) -> payments.GatewayOverview:
    """The webhook address as the provider must be given it: whole, even when the server has
    no public URL set (then the address this page was reached at)."""
    if gateway.webhook_url.startswith("/"):
        root = str(request.base_url).rstrip("/")
        return gateway.model_copy(update={"webhook_url": root + gateway.webhook_url})
    return gateway


async def _overview(
    shell: Shell, session: Any, container: Any, provider: str
) -> payments.GatewayOverview:
    return await payments.gateway_overview(
        session, shop=shell.shop_access.shop, provider=provider[:32], secrets=container.secrets,
        settings=container.settings,
    )  # fmt: skip


def _is_secret(gateway: payments.GatewayOverview, name: str) -> bool:
    return any(f.name == name and f.kind == "secret" for f in gateway.fields)


def _shown(value: Any, kind: str) -> str:
    """A stored value as its field shows it to edit."""
    if value is None:
        return ""
    if kind == "flag":
        return "on" if value else ""
    if kind == "lines":
        return "\n".join(str(v) for v in value)
    return str(value)


def _read(
    data: FormData, gateway: payments.GatewayOverview, _: Gettext
) -> tuple[Form, dict[str, Any] | None]:
    """The form as typed (secrets left out) and the config to send, or None with errors."""
    form = Form(values={"enabled": "on" if data.get("enabled") == "on" else ""})
    config: dict[str, Any] = {}
    for field in gateway.fields:
        raw = (
            one(data, field.name, MAX_FIELD + 1)
            if field.kind != "lines"
            else _text(data, field.name)
        )
        if field.kind == "secret":
            if raw:
                config[field.name] = raw
            elif field.required and not gateway.configured and gateway.provider != "sandbox":
                form.add(field.name, _("Fill this in."))
            continue
        form.values[field.name] = raw if field.kind != "flag" else (
            "on" if data.get(field.name) == "on" else "")  # fmt: skip
        if field.kind == "flag":
            config[field.name] = data.get(field.name) == "on"
        elif field.kind == "lines":
            config[field.name] = [line.strip() for line in raw.splitlines() if line.strip()]
        elif not raw:
            if field.required:
                form.add(field.name, _("Fill this in."))
            else:
                config[field.name] = None
        elif field.kind == "number":
            if raw.isdigit():
                config[field.name] = int(raw)
            else:
                form.add(field.name, _("Enter a whole number."))
        else:
            config[field.name] = raw
        if len(raw) > MAX_FIELD and field.kind != "lines":
            form.add(field.name, _("At most %(n)s characters.", n=MAX_FIELD))
    return form, (None if form.errors else config)


def _text(data: FormData, name: str) -> str:
    value = data.get(name)
    return value[:5000] if isinstance(value, str) else ""


def _explain(kind: str, _: Gettext) -> str:
    if kind == "missing":
        return _("Fill this in.")
    if kind.startswith("int") or kind in {"greater_than", "less_than"}:
        return _("Enter a whole number.")
    if kind == "string_pattern_mismatch":
        return _("This is not in the form the provider gives it: copy it again from its dashboard.")
    return _("This value is not accepted.")


def _form_page(
    request: Request, shell: Shell, gateway: payments.GatewayOverview, form: Form, *,
    status_code: int = 200,
) -> Response:  # fmt: skip
    _ = gettext_for(request)
    context = shell.context(
        gateway=_absolute(request, gateway), form=form, name=NAMES.get(gateway.provider),
        labels=labels(_), description=descriptions(_).get(gateway.provider), base=base_url(shell),
        action=f"{base_url(shell)}/{gateway.provider}",
    )  # fmt: skip
    return render(request, "admin/settings/gateway_form.html", context, status_code=status_code)
