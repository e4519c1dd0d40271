"""/admin/s/{slug}/settings/api-keys: the shop's API keys (api_keys.manage, as the JSON API):
the list (live, or with the revoked ones), a new key with a name and some of the creator's own
permissions — its secret shown once, in the response to the form and nowhere else — and
revocation after a confirmation. The identity context stores only a hash and audits both."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import identity, shops
from shopkeeper.cache import cache_store
from shopkeeper.container import Container
from shopkeeper.deps import ContainerDep, SessionDep
from shopkeeper.identity.errors import ApiKeyScopeTooWide
from shopkeeper.kit.ids import new_id
from shopkeeper.web.admin.deps import CsrfDep, Shell, ShopShellDep
from shopkeeper.web.admin.errors import AdminRoute
from shopkeeper.web.admin.forms import Form, Gettext, one
from shopkeeper.web.admin.settings_permissions import permission_groups, permission_labels
from shopkeeper.web.security import ADMIN_PATH, redirect_with_flash
from shopkeeper.web.templating import gettext_for, render

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
BASE = "/s/{slug}/settings/api-keys"
MANAGE = "api_keys.manage"
NAME_LIMIT = 100
FORM_KEY_TTL = 86_400  # a day: long enough for any reload of the page showing a new secret


def base_url(shell: Shell) -> str:
    return f"{ADMIN_PATH}/s/{shell.shop_access.shop.slug}/settings/api-keys"


@router.get(BASE, name="admin_settings_api_keys")
async def key_list(request: Request, shell: ShopShellDep, session: SessionDep) -> Response:
    shell.require(MANAGE)
    revoked = request.query_params.get("state") == "all"
    keys = await identity.list_api_keys(
        session, shop_id=shell.shop_access.shop.id, include_revoked=revoked
    )
    keys.sort(key=lambda k: k.created_at, reverse=True)
    keys.sort(key=lambda k: k.revoked_at is not None)  # live ones first, newest first
    creators = await identity.get_users(
        session, user_ids=list({k.created_by_id for k in keys if k.created_by_id})
    )
    context = shell.context(
        keys=keys, revoked=revoked, base=base_url(shell),
        labels=permission_labels(gettext_for(request)),
        creators={user_id: user.email for user_id, user in creators.items()},
    )  # fmt: skip
    return render(request, "admin/settings/api_keys.html", context)


@router.get(BASE + "/new", name="admin_settings_api_key_new")
async def new_key(request: Request, shell: ShopShellDep) -> Response:
    shell.require(MANAGE)
    return _form_page(request, shell, Form(values={"name": ""}), [])


@router.post(BASE + "/new", dependencies=[CsrfDep])
async def create_key(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep
) -> Response:
    """The secret is in this response's page only: it is not stored, flashed or redirected to."""
    shell.require(MANAGE)
    data = await request.form()
    form = Form(values={"name": one(data, "name", NAME_LIMIT + 1)})
    chosen = sorted({str(p) for p in data.getlist("permissions")})
    _ = gettext_for(request)
    wanted = _parse(form, chosen, shell.shop_access.permissions, _)
    if wanted is None:
        return _form_page(request, shell, form, chosen, status_code=422)
    access = shell.shop_access
    if not await _first_use(container, access.shop.id, str(data.get("request_key", ""))):
        return redirect_with_flash(base_url(shell), "api_key_form_used", container.settings)
    try:
        created = await identity.create_api_key(
            session, shop_id=access.shop.id, data=wanted, allowed=access.permissions,
            actor=access.actor, now=container.clock.now(),
        )  # fmt: skip
    except ApiKeyScopeTooWide:
        await session.rollback()
        form.add("permissions", _("A key can only have permissions you have yourself."))
        return _form_page(request, shell, form, chosen, status_code=403)
    context = shell.context(key=created, base=base_url(shell), labels=permission_labels(_))
    return render(request, "admin/settings/api_key_created.html", context, status_code=201)


@router.get(BASE + "/{key_id}/revoke", name="admin_settings_api_key_revoke")
async def confirm_revoke(
    request: Request, shell: ShopShellDep, session: SessionDep, key_id: uuid.UUID
) -> Response:
    shell.require(MANAGE)
    key = await _key(session, shell, key_id)
    return render(request, "admin/settings/api_key_revoke.html",
                  shell.context(key=key, base=base_url(shell)))  # fmt: skip


@router.post(BASE + "/{key_id}/revoke", dependencies=[CsrfDep])
async def revoke(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    key_id: uuid.UUID,
) -> Response:  # fmt: skip
    """Requests with the key are refused from now on; only once confirmed."""
    shell.require(MANAGE)
    key = await _key(session, shell, key_id)
    if (await request.form()).get("confirmed") != "yes":
        return render(request, "admin/settings/api_key_revoke.html",
                      shell.context(key=key, base=base_url(shell)))  # fmt: skip
    access = shell.shop_access
    await identity.revoke_api_key(session, shop_id=access.shop.id, key_id=key.id,
                                  actor=access.actor, now=container.clock.now())  # fmt: skip
    return redirect_with_flash(base_url(shell), "api_key_revoked", container.settings)


async def _first_use(container: Container, shop_id: uuid.UUID, request_key: str) -> bool:
    """Whether this press of "create" is the first: a form sent again (the browser's reload
    of the page showing the secret) must not make a second key. Each form carries its own
    key; one that is missing or not a UUID counts as used."""
    try:
        key = uuid.UUID(request_key)
    except ValueError:
        return False
    store = cache_store(container)
    return await store.incr(f"admin:api-key-form:{shop_id}:{key}", ttl=FORM_KEY_TTL) == 1


async def _key(session: AsyncSession, shell: Shell, key_id: uuid.UUID) -> identity.ApiKeyRead:
    """The shop's key (revoked ones too); another shop's or an unknown id is not found."""
    keys = await identity.list_api_keys(
        session, shop_id=shell.shop_access.shop.id, include_revoked=True
    )
    for key in keys:
        if key.id == key_id:
            return key
    raise identity.ApiKeyNotFound()


def _parse(
    form: Form, chosen: list[str], allowed: frozenset[str], _: Gettext
) -> identity.ApiKeyCreate | None:
    name = form.values["name"]
    if not name:
        form.add("name", _("Name the key after what uses it, e.g. “Warehouse sync”."))
    elif len(name) > NAME_LIMIT:
        form.add("name", _("At most %(count)s characters.", count=NAME_LIMIT))
    if not chosen:
        form.add("permissions", _("Choose at least one permission."))
    elif set(chosen) - (shops.ALL_PERMISSIONS & allowed):
        form.add("permissions", _("A key can only have permissions you have yourself."))
    if form.errors:
        return None
    try:
        return identity.ApiKeyCreate(name=name, permissions=chosen)
    except ValidationError:  # e.g. more permissions than a key holds
        form.add("permissions", _("Choose at least one permission."))
        return None


def _form_page(
    request: Request, shell: Shell, form: Form, chosen: list[str], *, status_code: int = 200
) -> Response:
    groups = permission_groups(gettext_for(request), only=shell.shop_access.permissions)
    context: dict[str, Any] = {"form": form, "chosen": chosen, "groups": groups,
                               "base": base_url(shell), "request_key": new_id()}  # fmt: skip
    return render(request, "admin/settings/api_key_form.html", shell.context(**context),
                  status_code=status_code)  # fmt: skip
