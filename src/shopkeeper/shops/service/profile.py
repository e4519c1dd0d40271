"""A shop's profile: its name, currency, time zone and languages, changed by its admins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit
from shopkeeper.shops.errors import DefaultLanguageNotOffered, ShopNotFound
from shopkeeper.shops.repository import ShopRepository
from shopkeeper.shops.schemas import ShopAccess, ShopRead, ShopUpdate


async def update_shop(
    session: AsyncSession, *, access: ShopAccess, data: ShopUpdate, now: datetime
) -> ShopRead:
    """Change what `data` sets (shop.update); audited with before and after when it changed."""
    access.require("shop.update")
    shop = await ShopRepository(session).get_by_id(access.shop.id)
    if shop is None:
        raise ShopNotFound()
    before = ShopRead.model_validate(shop)
    changes = data.model_dump(exclude_none=True)
    languages: list[str] = changes.get("languages", shop.languages)
    default = changes.get("default_language")
    if default is None:  # keep the current one while it is still offered
        default = shop.default_language if shop.default_language in languages else languages[0]
    if default not in languages:
        raise DefaultLanguageNotOffered(default)
    changes["default_language"] = default
    for name, value in changes.items():
        setattr(shop, name, value)
    await session.flush()
    after = ShopRead.model_validate(shop)
    if after != before:
        await audit.record(
            session, actor=access.actor, shop_id=shop.id, action="shop.updated",
            target_type="shop", target_id=shop.id, before=_changed(before, after),
            after=_changed(after, before), now=now,
        )  # fmt: skip
    return after


def _changed(one: ShopRead, other: ShopRead) -> dict[str, object]:
    """The fields of `one` that differ from `other` (the audit shows only what changed)."""
    mine, theirs = one.model_dump(mode="json"), other.model_dump(mode="json")
    return {key: value for key, value in mine.items() if theirs[key] != value}
