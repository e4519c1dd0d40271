"""What each permission lets a person (or an API key) do, in the reader's words, by area:
the staff page's table of roles and the API key form's choices share it."""

from __future__ import annotations

from dataclasses import dataclass

from shopkeeper import shops
from shopkeeper.web.admin.forms import Gettext


@dataclass(frozen=True)
class PermissionRow:
    name: str
    label: str
    roles: tuple[bool, ...]  # one per role of ROLES, in that order


@dataclass(frozen=True)
class PermissionGroup:
    title: str
    rows: list[PermissionRow]


ROLES = (shops.Role.OWNER, shops.Role.ADMIN, shops.Role.MANAGER, shops.Role.CASHIER,
         shops.Role.VIEWER)  # fmt: skip


def _areas(_: Gettext) -> list[tuple[str, list[tuple[str, str]]]]:
    return [
        (_("Shop and staff"), [
            ("shop.read", _("See the shop and its profile")),
            ("shop.update", _("Change the shop's profile")),
            ("shop.delete", _("Delete the shop")),
            ("members.read", _("See the staff and their roles")),
            ("members.manage", _("Add staff, change roles, remove staff")),
            ("api_keys.manage", _("Create and revoke API keys")),
            ("settings.manage", _("Change payment gateways, webhooks and integrations")),
            ("audit.read", _("Read the audit log")),
            ("analytics.read", _("See the dashboard's figures")),
        ]),
        (_("Sales"), [
            ("catalog.read", _("See products and prices")),
            ("catalog.write", _("Change products and prices")),
            ("orders.read", _("See orders and promo codes")),
            ("orders.write", _("Create and change orders")),
            ("orders.refund", _("Refund orders")),
            ("payments.read", _("See payments")),
            ("promotions.write", _("Create and change promo codes")),
            ("checkout.read", _("See the checkout settings")),
            ("checkout.write", _("Change the checkout settings")),
        ]),
        (_("Customers"), [
            ("customers.read", _("See customers")),
            ("customers.write", _("Change customers, their notes and tags")),
            ("subscriptions.read", _("See subscriptions")),
            ("subscriptions.write", _("Change subscriptions")),
            ("access.read", _("See what customers have access to")),
            ("access.write", _("Grant and revoke access")),
        ]),
        (_("Messages and bots"), [
            ("notifications.read", _("See messages and templates")),
            ("notifications.write", _("Change message templates")),
            ("broadcasts.send", _("Send broadcasts")),
            ("bots.read", _("See bots and channels")),
            ("bots.write", _("Change bots and channels")),
            ("bots.manage", _("Connect bots and manage their tokens")),
        ]),
    ]  # fmt: skip


def permission_groups(_: Gettext, *, only: frozenset[str] | None = None) -> list[PermissionGroup]:
    """Every permission by area (those in `only`, when given), with the roles that have it."""
    known = shops.ALL_PERMISSIONS if only is None else shops.ALL_PERMISSIONS & only
    groups = []
    listed: set[str] = set()
    for title, entries in _areas(_):
        rows = [_row(name, label) for name, label in entries if name in known]
        listed.update(name for name, _label in entries)
        if rows:
            groups.append(PermissionGroup(title=title, rows=rows))
    if rest := sorted(known - listed):  # a permission added later still shows, by its name
        groups.append(PermissionGroup(title=_("Other"), rows=[_row(n, n) for n in rest]))
    return groups


def _row(name: str, label: str) -> PermissionRow:
    return PermissionRow(
        name=name, label=label, roles=tuple(name in shops.ROLE_PERMISSIONS[r] for r in ROLES)
    )


def permission_labels(_: Gettext) -> dict[str, str]:
    return {row.name: row.label for group in permission_groups(_) for row in group.rows}
