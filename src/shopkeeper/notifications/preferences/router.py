"""HTTP: a customer's notification preferences, read and changed by staff or an API key."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter

from shopkeeper.deps import ClockDep, SessionDep
from shopkeeper.notifications.preferences.schemas import PreferencesRead, PreferencesWrite
from shopkeeper.notifications.preferences.service import get_preferences, set_preferences
from shopkeeper.shops import ShopAccess
from shopkeeper.shops.deps import require

router = APIRouter(prefix="/api/v1/shops/{shop}/customers", tags=["notifications"])
Reader = Annotated[ShopAccess, require("notifications.read")]
Writer = Annotated[ShopAccess, require("notifications.write")]


@router.get("/{customer_id}/notification-preferences")
async def read(customer_id: uuid.UUID, session: SessionDep, access: Reader) -> PreferencesRead:
    return await get_preferences(session, shop_id=access.shop.id, customer_id=customer_id)


@router.put("/{customer_id}/notification-preferences")
async def write(
    customer_id: uuid.UUID,
    data: PreferencesWrite,
    session: SessionDep,
    clock: ClockDep,
    access: Writer,
) -> PreferencesRead:
    """Opt the customer out of channels (`true`) or back in (`false`); audited."""
    return await set_preferences(
        session, shop_id=access.shop.id, customer_id=customer_id, data=data,
        actor=access.actor, now=clock.now(),
    )  # fmt: skip
