"""`require(permission)`: the dependency every shop route uses to resolve {shop} and caller."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Path

from shopkeeper.audit import OriginDep
from shopkeeper.deps import SessionDep
from shopkeeper.identity.deps import CallerDep
from shopkeeper.shops.schemas import ShopAccess
from shopkeeper.shops.service.shops import access_for_api_key, access_for_user

ShopSlug = Annotated[str, Path(alias="shop", min_length=1, max_length=64)]


async def shop_access(
    shop: ShopSlug, caller: CallerDep, session: SessionDep, origin: OriginDep
) -> ShopAccess:
    """The caller's access to `{shop}`: 404 unless staff there (or its API key, or superuser)."""
    if caller.api_key is not None:
        access = await access_for_api_key(session, key=caller.api_key, shop_slug=shop, ip=origin.ip)
    else:
        assert caller.user is not None
        access = await access_for_user(session, user=caller.user, shop_slug=shop, ip=origin.ip)
    if origin.correlation_id:
        actor = access.actor.model_copy(update={"correlation_id": origin.correlation_id})
        access = access.model_copy(update={"actor": actor})
    return access


ShopAccessDep = Annotated[ShopAccess, Depends(shop_access)]


def require(permission: str) -> Any:
    """`access: ShopAccess = require("orders.write")` → 404 outside the shop, 403 without it."""

    async def dependency(access: ShopAccessDep) -> ShopAccess:
        access.require(permission)
        return access

    dependency.__name__ = f"require_{permission.replace('.', '_')}"
    checker: Callable[..., Awaitable[ShopAccess]] = dependency
    return Depends(checker)
