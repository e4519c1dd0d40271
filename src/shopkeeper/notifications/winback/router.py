"""HTTP: a shop's win-back chain."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from shopkeeper.deps import ClockDep, SessionDep
from shopkeeper.notifications.winback.schemas import WinbackChainRead, WinbackChainWrite
from shopkeeper.notifications.winback.service import get_chain, set_chain
from shopkeeper.shops import ShopAccess
from shopkeeper.shops.deps import require

router = APIRouter(prefix="/api/v1/shops/{shop}/winback", tags=["notifications"])
Writer = Annotated[ShopAccess, require("notifications.write")]


@router.get("")
async def read(session: SessionDep, access: Writer) -> WinbackChainRead:
    return await get_chain(session, shop_id=access.shop.id)


@router.put("")
async def write(
    data: WinbackChainWrite, session: SessionDep, clock: ClockDep, access: Writer
) -> WinbackChainRead:
    """Replace the chain: steps by day after the expiry, each a template purpose
    (winback.step, winback.offer) and optionally a promo code valid N days."""
    return await set_chain(
        session, shop_id=access.shop.id, data=data, actor=access.actor, now=clock.now()
    )
