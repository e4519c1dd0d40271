"""/admin/s/{slug}/settings/staff: the shop's staff with their roles and what each role may do;
with members.manage (admin, owner) adding someone by email, changing a role, removing someone
after a confirmation. The rules are the shops context's (an owner is always left, only an owner
grants or takes the owner role); its errors are shown in the reader's words."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import identity, shops
from shopkeeper.deps import ContainerDep, SessionDep
from shopkeeper.errors import AppError
from shopkeeper.web.admin.deps import CsrfDep, Shell, ShopShellDep
from shopkeeper.web.admin.errors import AdminRoute
from shopkeeper.web.admin.forms import Form, Gettext, one
from shopkeeper.web.admin.settings_permissions import ROLES, permission_groups
from shopkeeper.web.security import ADMIN_PATH, redirect_with_flash
from shopkeeper.web.templating import gettext_for, render

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
BASE = "/s/{slug}/settings/staff"
READ, MANAGE = "members.read", "members.manage"  # as /api/v1/shops/{shop}/members
EMAIL_LIMIT = 320


def base_url(shell: Shell) -> str:
    return f"{ADMIN_PATH}/s/{shell.shop_access.shop.slug}/settings/staff"


@router.get(BASE, name="admin_settings_staff")
async def staff(request: Request, shell: ShopShellDep, session: SessionDep) -> Response:
    shell.require(READ)
    return await _page(request, shell, session, Form(values={"role": "viewer"}))


@router.post(BASE, dependencies=[CsrfDep])
async def add(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep
) -> Response:
    """Give someone with a staff account a role here; they sign in with their own password."""
    shell.require(MANAGE)
    data = await request.form()
    form = Form(values={"email": one(data, "email", EMAIL_LIMIT), "role": one(data, "role")})
    _ = gettext_for(request)
    role = _role(form.values["role"])
    email = form.values["email"]
    if "@" not in email or len(email) < 3:
        form.add("email", _("Enter the person's email address, e.g. ann@example.com."))
    if role is None:
        form.add("role", _("Choose a role."))
    if form.errors or role is None:
        return await _page(request, shell, session, form, status_code=422)
    try:
        await shops.add_member(session, access=shell.shop_access, email=email, role=role,
                               now=container.clock.now())  # fmt: skip
    except AppError as exc:
        await session.rollback()
        where, message = _add_error(exc, email, _)
        form.add(where, message)
        return await _page(request, shell, session, form, status_code=exc.status_code)
    return redirect_with_flash(base_url(shell), "member_added", container.settings)


@router.post(BASE + "/{user_id}/role", dependencies=[CsrfDep])
async def change_role(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    user_id: uuid.UUID,
) -> Response:  # fmt: skip
    shell.require(MANAGE)
    role = _role(one(await request.form(), "role"))
    _ = gettext_for(request)
    if role is None:
        return await _page(request, shell, session, Form(values={"role": "viewer"}),
                           error=_("Choose a role."), status_code=422)  # fmt: skip
    try:
        await shops.change_member_role(session, access=shell.shop_access, user_id=user_id,
                                       role=role, now=container.clock.now())  # fmt: skip
    except (shops.LastOwner, shops.OwnerRequired) as exc:
        await session.rollback()
        return await _page(request, shell, session, Form(values={"role": "viewer"}),
                           error=_rule(exc, _), status_code=exc.status_code)  # fmt: skip
    target = base_url(shell)
    if user_id == shell.shop_access.user_id and READ not in shops.ROLE_PERMISSIONS[role]:
        target = f"{ADMIN_PATH}/s/{shell.shop_access.shop.slug}"  # no longer sees this page
    return redirect_with_flash(target, "member_role_changed", container.settings)


@router.get(BASE + "/{user_id}/remove", name="admin_settings_staff_remove")
async def confirm_removal(
    request: Request, shell: ShopShellDep, session: SessionDep, user_id: uuid.UUID
) -> Response:
    shell.require(MANAGE)
    member = await _member(session, shell, user_id)
    return _confirm_page(request, shell, member)


@router.post(BASE + "/{user_id}/remove", dependencies=[CsrfDep])
async def remove(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    user_id: uuid.UUID,
) -> Response:  # fmt: skip
    """Only once confirmed; someone removing themselves leaves the shop's pages."""
    shell.require(MANAGE)
    member = await _member(session, shell, user_id)
    if (await request.form()).get("confirmed") != "yes":
        return _confirm_page(request, shell, member)
    try:
        await shops.remove_member(session, access=shell.shop_access, user_id=user_id,
                                  now=container.clock.now())  # fmt: skip
    except (shops.LastOwner, shops.OwnerRequired) as exc:
        await session.rollback()
        error = _rule(exc, gettext_for(request))
        return _confirm_page(request, shell, member, error=error, status_code=exc.status_code)
    if user_id == shell.shop_access.user_id:
        return redirect_with_flash(ADMIN_PATH, "member_removed", container.settings)
    return redirect_with_flash(base_url(shell), "member_removed", container.settings)


def _role(value: str) -> shops.Role | None:
    try:
        return shops.Role(value)
    except ValueError:
        return None


async def _member(session: AsyncSession, shell: Shell, user_id: uuid.UUID) -> shops.MemberRead:
    for member in await shops.list_members(session, access=shell.shop_access):
        if member.user_id == user_id:
            return member
    raise shops.MemberNotFound()


def _add_error(exc: AppError, email: str, _: Gettext) -> tuple[str, str]:
    """Which field a refusal of the context belongs to, and what to tell the reader."""
    if isinstance(exc, identity.UserNotFound):
        return "email", _(
            "Nobody has a staff account with this email yet. The person needs an account "
            "first (a platform administrator creates it); then add them here."
        )
    if isinstance(exc, shops.AlreadyMember):
        return "email", _("%(email)s is already on this shop's staff; change their role below.",
                          email=email)  # fmt: skip
    if isinstance(exc, shops.OwnerRequired):
        return "role", _rule(exc, _)
    return "email", exc.detail


def _rule(exc: AppError, _: Gettext) -> str:
    if isinstance(exc, shops.LastOwner):
        return _("A shop must keep at least one owner: make someone else an owner first.")
    if isinstance(exc, shops.OwnerRequired):
        return _("Only an owner can grant, change or remove the owner role.")
    return exc.detail


def _sorted(members: list[shops.MemberRead]) -> list[shops.MemberRead]:
    rank = {role: index for index, role in enumerate(ROLES)}
    return sorted(members, key=lambda m: (rank[m.role], (m.full_name or m.email).lower()))


async def _page(
    request: Request, shell: Shell, session: AsyncSession, form: Form, *,
    error: str | None = None, status_code: int = 200,
) -> Response:  # fmt: skip
    members = _sorted(await shops.list_members(session, access=shell.shop_access))
    access = shell.shop_access
    grantable = [r for r in ROLES if r is not shops.Role.OWNER or access.may_manage_owners]
    context: dict[str, Any] = {
        "form": form, "error": error, "members": members, "base": base_url(shell),
        "roles": ROLES, "grantable": grantable, "may_manage_owners": access.may_manage_owners,
        "groups": permission_groups(gettext_for(request)), "me": access.user_id,
    }  # fmt: skip
    return render(request, "admin/settings/staff.html", shell.context(**context),
                  status_code=status_code)  # fmt: skip


def _confirm_page(
    request: Request, shell: Shell, member: shops.MemberRead, *,
    error: str | None = None, status_code: int = 200,
) -> Response:  # fmt: skip
    context = shell.context(member=member, base=base_url(shell), error=error,
                            me=shell.shop_access.user_id)  # fmt: skip
    return render(request, "admin/settings/staff_remove.html", context, status_code=status_code)
