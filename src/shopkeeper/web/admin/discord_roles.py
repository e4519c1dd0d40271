"""/admin/s/{slug}/bots/discord: the shop's Discord server and which role each plan or product
grants. Map a role (refused, with what to change, when the bot's role is not above it), move
a mapping to another role, stop a mapping after a confirmation, check the hierarchy again.
bots.read to see, bots.write to change (as the JSON API); the context audits the changes.
A route that reaches Discord first ends the request's transaction."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from shopkeeper import catalog
from shopkeeper.bots import discord
from shopkeeper.container import Container
from shopkeeper.deps import ContainerDep, SessionDep
from shopkeeper.errors import AppError, NotFound
from shopkeeper.web.admin.bot_texts import discord_error, role_problem
from shopkeeper.web.admin.deps import CsrfDep, Shell, ShopShellDep
from shopkeeper.web.admin.errors import AdminRoute
from shopkeeper.web.admin.forms import Form, Gettext, one
from shopkeeper.web.security import ADMIN_PATH, redirect_with_flash
from shopkeeper.web.templating import gettext_for, render

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
BASE = "/s/{slug}/bots/discord"
READ, WRITE = "bots.read", "bots.write"
PRODUCT_CHOICES = 200


def discord_url(shell: Shell) -> str:
    return f"{ADMIN_PATH}/s/{shell.shop_access.shop.slug}/bots/discord"


@router.get(BASE, name="admin_discord_roles")
async def roles_page(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep
) -> Response:
    shell.require(READ)
    await session.commit()  # Discord is asked below, outside any transaction
    return await discord_page(request, shell, container, Form())


@router.post(BASE + "/roles", dependencies=[CsrfDep])
async def map_role(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep
) -> Response:
    """Buying the product grants the role from now on, if the bot can manage it."""
    shell.require(WRITE)
    await session.commit()
    data = await request.form()
    form = Form(values={"role_id": one(data, "role_id"), "product_id": one(data, "product_id")})
    failure = await _map(request, shell, container, form)
    if failure is not None:
        return await discord_page(request, shell, container, form, status_code=failure)
    return redirect_with_flash(discord_url(shell), "role_mapped", container.settings)


@router.post(BASE + "/roles/{role_id}/products/{product_id}/change", dependencies=[CsrfDep])
async def change(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    role_id: str, product_id: uuid.UUID,
) -> Response:  # fmt: skip
    """The product grants another role: the new one is mapped (hierarchy checked), then the
    old one stops; access already given stays as it is."""
    shell.require(WRITE)
    await session.commit()
    await _mapping(container, shell, role_id, product_id)  # 404 for a mapping not there
    form = Form(values={"role_id": one(await request.form(), "role_id"),
                        "product_id": str(product_id)})  # fmt: skip
    if form.values["role_id"] != role_id:
        failure = await _map(request, shell, container, form, key="change_role_id")
        if failure is not None:
            return await discord_page(request, shell, container, form, status_code=failure,
                               changing=(role_id, product_id))  # fmt: skip
        await discord.unmap_role(container, shop_id=shell.shop_access.shop.id, role_id=role_id,
                                 product_id=product_id, actor=shell.shop_access.actor)  # fmt: skip
    return redirect_with_flash(discord_url(shell), "role_changed", container.settings)


@router.post(BASE + "/roles/{role_id}/products/{product_id}/unmap", dependencies=[CsrfDep])
async def unmap(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    role_id: str, product_id: uuid.UUID,
) -> Response:  # fmt: skip
    """The confirmation first; then buying the product no longer gives the role."""
    shell.require(WRITE)
    await session.commit()
    mapping = await _mapping(container, shell, role_id, product_id)
    if (await request.form()).get("confirmed") != "yes":
        async with container.readers() as reader:
            product = await catalog.get_product(reader, shop_id=shell.shop_access.shop.id,
                                                product_id=product_id)  # fmt: skip
        context = shell.context(mapping=mapping, product=product, base=discord_url(shell))
        return render(request, "admin/bot_role_unmap.html", context)
    await discord.unmap_role(container, shop_id=shell.shop_access.shop.id, role_id=role_id,
                             product_id=product_id, actor=shell.shop_access.actor)  # fmt: skip
    return redirect_with_flash(discord_url(shell), "role_unmapped", container.settings)


@router.post(BASE + "/check", dependencies=[CsrfDep])
async def check(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep
) -> Response:
    """Ask Discord again whether the bot can still give each mapped role."""
    shell.require(WRITE)
    await session.commit()
    try:
        checks = await discord.check_roles(container, shop_id=shell.shop_access.shop.id)
    except AppError as exc:
        error = discord_error(exc, gettext_for(request))
        return await discord_page(request, shell, container, Form(), error=error,
                           status_code=exc.status_code)  # fmt: skip
    key = "roles_ok" if all(c.ok for c in checks) else "roles_problem"
    return redirect_with_flash(discord_url(shell), key, container.settings)


async def _map(
    request: Request, shell: Shell, container: Container, form: Form, key: str = "role_id"
) -> int | None:
    """Map the form's role to its product; None when done, else the status with the error
    placed under the field it concerns."""
    _ = gettext_for(request)
    try:
        data = discord.RoleMap.model_validate(form.values)
    except ValidationError as exc:
        for problem in exc.errors():
            where = str(problem["loc"][0]) if problem.get("loc") else "role_id"
            if where == "product_id":
                form.add("product_id", _("Choose a plan or product."))
            else:
                form.add(key, _("Choose a role of the server."))
        return 422
    try:
        await discord.map_role(container, shop_id=shell.shop_access.shop.id, data=data,
                               actor=shell.shop_access.actor)  # fmt: skip
    except catalog.ProductNotFound:
        form.add("product_id", _("Choose a plan or product."))
        return 422
    except AppError as exc:
        form.add(key, _mapping_error(exc, _))
        return exc.status_code
    return None


def _mapping_error(exc: AppError, _: Gettext) -> str:
    if type(exc).__name__ == "RoleNotFound":
        return _("The server has no such role any more; reload the page.")
    return discord_error(exc, _)


async def _mapping(
    container: Container, shell: Shell, role_id: str, product_id: uuid.UUID
) -> discord.RoleMappingRead:
    mappings = await discord.list_mappings(container, shop_id=shell.shop_access.shop.id)
    for mapping in mappings:
        if mapping.role_id == role_id and mapping.active and product_id in mapping.product_ids:
            return mapping
    raise NotFound("No role mapping for this product")


async def discord_page(
    request: Request, shell: Shell, container: Container, form: Form, *,
    error: str | None = None, status_code: int = 200,
    changing: tuple[str, uuid.UUID] | None = None,
) -> Response:  # fmt: skip
    """The page: the connection (or the form to make one), the mappings, the choices."""
    shop_id = shell.shop_access.shop.id
    _ = gettext_for(request)
    context: dict[str, Any] = {"form": form, "error": error, "base": discord_url(shell),
                               "changing": changing, "connection": None, "mappings": [],
                               "guild_roles": [], "roles_error": None}  # fmt: skip
    try:
        context["connection"] = await discord.get_connection(container, shop_id=shop_id)
    except discord.DiscordNotConnected:
        return render(request, "admin/bot_discord.html", shell.context(**context),
                      status_code=status_code)  # fmt: skip
    mappings = [m for m in await discord.list_mappings(container, shop_id=shop_id) if m.active]
    if shell.can(WRITE):
        try:
            context["guild_roles"] = await discord.guild_roles(container, shop_id=shop_id)
        except AppError as exc:
            context["roles_error"] = discord_error(exc, _)
    async with container.readers() as session:
        linked = {p for m in mappings for p in m.product_ids}
        named = await catalog.get_products(session, shop_id=shop_id, product_ids=linked)
        offered = await catalog.list_products(session, shop_id=shop_id, limit=PRODUCT_CHOICES)
    rows = [(m, p, named.get(p)) for m in mappings for p in m.product_ids]
    context.update(mappings=mappings, rows=rows, offered=offered.items,
                   problem=lambda text: role_problem(text, _))  # fmt: skip
    return render(
        request, "admin/bot_discord.html", shell.context(**context), status_code=status_code
    )
