"""Where cart views are kept: Redis (`cart:view:{cart_id}`, `cart:counter:{cart_id}`) when
SHOPKEEPER_REDIS_URL is set, shared by every replica; otherwise the `checkout_cart_view`
table. A save never replaces a view built at a later cart version with an earlier one.

The table is written in the caller's transaction (`writes_in_session`): an event handler's,
or for a GET (whose session only reads) a short one of its own. Redis ignores the session.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.checkout.cart.models import CartViewRow
from shopkeeper.checkout.cart.schemas import CartView
from shopkeeper.container import Container

VIEW_STORE_EXTRA = "checkout.cart.view_store"
REDIS_TTL = timedelta(days=7)  # an abandoned cart's view goes; a GET builds it again

# Replace the view only when the stored one is not of a later cart version; keep the
# counter beside it. KEYS: view, counter. ARGV: view JSON, version, ttl seconds, count.
_SAVE_SCRIPT = """
local current = redis.call('GET', KEYS[1])
if current then
  local ok, stored = pcall(cjson.decode, current)
  if ok and type(stored) == 'table' and tonumber(stored['version'])
     and tonumber(stored['version']) > tonumber(ARGV[2]) then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
redis.call('SET', KEYS[2], ARGV[4], 'EX', ARGV[3])
return 1
"""


def view_key(cart_id: uuid.UUID) -> str:
    return f"cart:view:{cart_id}"


def counter_key(cart_id: uuid.UUID) -> str:
    return f"cart:counter:{cart_id}"


class CartViewStore(Protocol):
    writes_in_session: bool

    async def load(
        self, session: AsyncSession, *, shop_id: uuid.UUID, cart_id: uuid.UUID
    ) -> CartView | None: ...

    async def save(self, session: AsyncSession, *, shop_id: uuid.UUID, view: CartView) -> None:
        """Keep `view` unless a view of a later version of its cart is kept already."""
        ...

    async def close(self) -> None: ...


class DatabaseViewStore:
    """Rows of `checkout_cart_view`, upserted in the caller's transaction."""

    writes_in_session = True

    async def load(
        self, session: AsyncSession, *, shop_id: uuid.UUID, cart_id: uuid.UUID
    ) -> CartView | None:
        stmt = select(CartViewRow.body).where(
            CartViewRow.cart_id == cart_id, CartViewRow.shop_id == shop_id
        )
        body = await session.scalar(stmt)
        return None if body is None else CartView.model_validate(body)

    async def save(self, session: AsyncSession, *, shop_id: uuid.UUID, view: CartView) -> None:
        assert view.cart_id is not None
        dialect: Any = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        values = {
            "cart_id": view.cart_id, "shop_id": shop_id, "version": view.version,
            "item_count": view.item_count, "body": view.model_dump(mode="json"),
            "built_at": view.built_at,
        }  # fmt: skip
        insert = dialect.insert(CartViewRow).values(**values)
        stmt = insert.on_conflict_do_update(
            index_elements=[CartViewRow.cart_id],
            set_={name: insert.excluded[name] for name in values if name != "cart_id"},
            where=CartViewRow.version <= insert.excluded.version,
        )
        await session.execute(stmt)

    async def close(self) -> None:
        return None


class RedisViewStore:
    """GET / a compare-by-version SET of the view JSON and its item counter."""

    writes_in_session = False

    def __init__(self, url: str, *, client: Any | None = None) -> None:
        from redis.asyncio import Redis

        self._redis = client or Redis.from_url(url)
        self._save = self._redis.register_script(_SAVE_SCRIPT)

    async def load(
        self, session: AsyncSession, *, shop_id: uuid.UUID, cart_id: uuid.UUID
    ) -> CartView | None:
        raw = await self._redis.get(view_key(cart_id))
        return None if raw is None else CartView.model_validate_json(raw)

    async def save(self, session: AsyncSession, *, shop_id: uuid.UUID, view: CartView) -> None:
        assert view.cart_id is not None
        ttl = int(REDIS_TTL.total_seconds())
        await self._save(
            keys=[view_key(view.cart_id), counter_key(view.cart_id)],
            args=[view.model_dump_json(), view.version, ttl, view.item_count],
        )

    async def item_count(self, cart_id: uuid.UUID) -> int | None:
        raw = await self._redis.get(counter_key(cart_id))
        return None if raw is None else int(raw)

    async def close(self) -> None:
        await self._redis.aclose()


def build_view_store(*, redis_url: str | None) -> CartViewStore:
    return RedisViewStore(redis_url) if redis_url else DatabaseViewStore()


def view_store(container: Container) -> CartViewStore:
    """The process's view store, built from settings on first use (tests may preset it)."""
    store = container.extras.get(VIEW_STORE_EXTRA)
    if store is None:
        store = build_view_store(redis_url=container.settings.redis_url)
        container.extras[VIEW_STORE_EXTRA] = store
        container.closers.append(store.close)
    return store
