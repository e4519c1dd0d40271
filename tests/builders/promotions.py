"""Builders for the promotions context: promo codes made through its service."""

from __future__ import annotations

import uuid
from typing import Any

from shopkeeper import promotions
from shopkeeper.audit import Actor
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.promotions import PromoCodeCreate, PromoCodeRead
from shopkeeper.shops import ShopRead


def unique_code(prefix: str = "CODE") -> str:
    return f"{prefix}{uuid.uuid4().hex[:8].upper()}"


async def create_promo_code(
    container: Container, *, shop: ShopRead, code: str | None = None, **terms: Any
) -> PromoCodeRead:
    """A live code; 10 % off every product unless `terms` say otherwise."""
    if "percent_off_bp" not in terms and "amount_off" not in terms:
        terms["percent_off_bp"] = 1000
    data = PromoCodeCreate(code=code or unique_code(), **terms)
    async with unit_of_work(container.sessions) as session:
        return await promotions.create_promo_code(
            session, shop_id=shop.id, data=data, actor=Actor.system("tests"),
            now=container.clock.now(),
        )  # fmt: skip
