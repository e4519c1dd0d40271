"""Roles of a shop membership and what each may do (seeded into shop_role_permission)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    MANAGER = "manager"
    CASHIER = "cashier"
    VIEWER = "viewer"


READ = (
    "shop.read",
    "members.read",
    "audit.read",
    "catalog.read",
    "orders.read",
    "customers.read",
    "payments.read",
    "access.read",
    "bots.read",
    "subscriptions.read",
    "notifications.read",
    "checkout.read",
    "analytics.read",
)
ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.VIEWER: frozenset(READ),
    Role.CASHIER: frozenset(
        (
            "shop.read",
            "catalog.read",
            "orders.read",
            "orders.write",
            "customers.read",
            "customers.write",
            "payments.read",
            "access.read",
            "subscriptions.read",
            "notifications.read",
            "checkout.read",
        )
    ),
    Role.MANAGER: frozenset(
        (
            *READ,
            "catalog.write",
            "orders.write",
            "customers.write",
            "promotions.write",
            "broadcasts.send",
            "access.write",
            "subscriptions.write",
            "notifications.write",
            "checkout.write",
        )
    ),
}
ROLE_PERMISSIONS[Role.ADMIN] = ROLE_PERMISSIONS[Role.MANAGER] | {
    "shop.update",
    "members.manage",
    "api_keys.manage",
    "orders.refund",
    "settings.manage",
    "bots.manage",
    "bots.write",
}
ROLE_PERMISSIONS[Role.OWNER] = ROLE_PERMISSIONS[Role.ADMIN] | {"shop.delete"}

ALL_PERMISSIONS: frozenset[str] = ROLE_PERMISSIONS[Role.OWNER]
MANAGING_ROLES = frozenset({Role.OWNER, Role.ADMIN})
