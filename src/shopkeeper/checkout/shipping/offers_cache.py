"""`shipping:methods:{shop}:{generation}:{cart_hash}`: the shop's active methods priced for one
cart description, kept OFFERS_TTL seconds in the process's cache store. A change of the shop's
methods moves its generation on, so no later read finds an entry priced by the old ones (a
read racing the change's commit may keep one for at most OFFERS_TTL; the checkout checks the
method again when it finalises). The calendar's state is never kept: each read applies it."""

from __future__ import annotations

import uuid

from shopkeeper.cache import KeyValueStore, bump_generation, content_hash, generation

OFFERS_TTL = 60


def offers_family(shop_id: uuid.UUID) -> str:
    """The cache family of the shop's priced shipping offers."""
    return f"shipping:{shop_id}"


async def offers_key(cache: KeyValueStore, shop_id: uuid.UUID, cart_json: object) -> str:
    current = await generation(cache, offers_family(shop_id))
    return f"shipping:methods:{shop_id}:{current}:{content_hash(cart_json)}"


async def forget_offers(cache: KeyValueStore, shop_id: uuid.UUID) -> None:
    """Every kept offer of the shop is stale (its methods changed)."""
    await bump_generation(cache, offers_family(shop_id))
