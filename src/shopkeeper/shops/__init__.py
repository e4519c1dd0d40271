"""Shops: the tenants, staff memberships with roles, and the permission table behind them.

Public: `create_shop`, `list_shops`, `get_shop`, `get_shop_by_id`,
`list_memberships(session, *, user_id)`,
`get_access(session, *, user_id, shop_slug) -> ShopAccess` (ShopNotFound for non-staff),
`update_shop` (the profile: name, currency, time zone, languages; shop.update),
members `list_members`, `add_member`, `change_member_role`, `remove_member`. For the routes of
every context: `access: Annotated[ShopAccess, require("orders.write")]` resolves `{shop}` and the
caller (access JWT or `sk_` API key) in one membership+permissions query → 404 outside the
shop, 403 without the permission. Roles and permissions: `shopkeeper.shops.permissions`.
Publishes and consumes no events; mutations are written to the audit log.
HTTP: `/api/v1/shops`, `/api/v1/shops/{shop}` (GET, PATCH), `/api/v1/shops/{shop}/members`.
"""

from shopkeeper.shops.deps import ShopAccessDep, require
from shopkeeper.shops.errors import (
    AlreadyMember,
    DefaultLanguageNotOffered,
    LastOwner,
    MemberNotFound,
    OwnerRequired,
    PermissionDenied,
    ShopNotFound,
    SlugTaken,
    SuperuserRequired,
)
from shopkeeper.shops.permissions import ALL_PERMISSIONS, ROLE_PERMISSIONS, Role
from shopkeeper.shops.schemas import (
    MemberCreate,
    MemberRead,
    MembershipRead,
    MemberUpdate,
    ShopAccess,
    ShopCreate,
    ShopRead,
    ShopUpdate,
)
from shopkeeper.shops.service.members import (
    add_member,
    change_member_role,
    list_members,
    remove_member,
)
from shopkeeper.shops.service.profile import update_shop
from shopkeeper.shops.service.shops import (
    access_for_api_key,
    access_for_user,
    create_shop,
    get_access,
    get_shop,
    get_shop_by_id,
    list_memberships,
    list_shops,
)

__all__ = [
    "ALL_PERMISSIONS",
    "ROLE_PERMISSIONS",
    "AlreadyMember",
    "DefaultLanguageNotOffered",
    "LastOwner",
    "MemberCreate",
    "MemberNotFound",
    "MemberRead",
    "MemberUpdate",
    "MembershipRead",
    "OwnerRequired",
    "PermissionDenied",
    "Role",
    "ShopAccess",
    "ShopAccessDep",
    "ShopCreate",
    "ShopNotFound",
    "ShopRead",
    "ShopUpdate",
    "SlugTaken",
    "SuperuserRequired",
    "access_for_api_key",
    "access_for_user",
    "add_member",
    "change_member_role",
    "create_shop",
    "get_access",
    "get_shop",
    "get_shop_by_id",
    "list_members",
    "list_memberships",
    "list_shops",
    "remove_member",
    "require",
    "update_shop",
]
