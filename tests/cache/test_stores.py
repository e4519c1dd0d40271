"""The cache stores (memory, database table, Redis) behave alike: put, get, incr, delete,
expiry; `cached_json` computes once and reads after; a generation bump makes a family stale."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, TypeAdapter
from sqlalchemy import func, select

from shopkeeper.bootstrap import Container
from shopkeeper.cache import (
    DatabaseStore,
    KeyValueStore,
    MemoryStore,
    bump_generation,
    cached_json,
    content_hash,
    generation,
)
from shopkeeper.cache.models import CacheEntry
from tests.cache.conftest import any_store

__all__ = ["any_store"]


async def test_put_get_incr_delete(any_store: KeyValueStore) -> None:
    key = f"test:{uuid.uuid4().hex}"
    assert await any_store.get(key) is None
    await any_store.put(key, '{"a": 1}', 60)
    await any_store.put(key, '{"a": 2}', 60)
    assert await any_store.get(key) == '{"a": 2}'
    counter = key + ":n"
    assert [await any_store.incr(counter, 60) for _ in range(3)] == [1, 2, 3]
    await any_store.delete(key, counter)
    assert (await any_store.get(key), await any_store.get(counter)) == (None, None)
    assert await any_store.incr(counter, 60) == 1
    await any_store.delete(counter)


async def test_get_many_answers_in_order_with_none_for_the_absent(
    any_store: KeyValueStore,
) -> None:
    first, second = f"test:{uuid.uuid4().hex}", f"test:{uuid.uuid4().hex}"
    await any_store.put(first, "one", 60)
    await any_store.put(second, "two", 60)

    assert await any_store.get_many(second, f"test:{uuid.uuid4().hex}", first) == [
        "two", None, "one",
    ]  # fmt: skip
    assert await any_store.get_many() == []
    await any_store.delete(first, second)


async def test_expired_entries_are_gone_and_counters_restart(container: Container) -> None:
    for store in (MemoryStore(), DatabaseStore(container.engine)):
        await store.put("test:old", "x", 0)
        assert await store.get("test:old") is None
        await store.put("test:n", "7", 0)
        assert await store.incr("test:n", 60) == 1
    async with container.sessions() as session:  # the first put swept what had expired
        keys = set(await session.scalars(select(CacheEntry.key)))
        assert keys == {"test:n"}
        assert await session.scalar(select(func.count()).select_from(CacheEntry)) == 1


class Priced(BaseModel):
    name: str
    price: int


async def test_cached_json_computes_once_then_reads_and_recomputes_an_unreadable_entry(
    any_store: KeyValueStore,
) -> None:
    key, computed = f"test:{uuid.uuid4().hex}", []
    adapter = TypeAdapter(list[Priced])

    async def compute() -> list[Priced]:
        computed.append(1)
        return [Priced(name="Lamp", price=len(computed) * 100)]

    first = await cached_json(any_store, key, ttl=60, adapter=adapter, compute=compute)
    again = await cached_json(any_store, key, ttl=60, adapter=adapter, compute=compute)
    assert first == again == [Priced(name="Lamp", price=100)] and len(computed) == 1

    await any_store.put(key, '{"an": "older shape"}', 60)
    third = await cached_json(any_store, key, ttl=60, adapter=adapter, compute=compute)
    assert third == [Priced(name="Lamp", price=200)]
    assert adapter.validate_json(await any_store.get(key) or "") == third
    await any_store.delete(key)


async def test_a_generation_bump_names_a_new_family_and_hashes_are_stable(
    any_store: KeyValueStore,
) -> None:
    family = f"test:{uuid.uuid4().hex}"
    assert await generation(any_store, family) == 0
    await bump_generation(any_store, family)
    await bump_generation(any_store, family)
    assert await generation(any_store, family) == 2

    assert content_hash({"b": 1, "a": [1, 2]}) == content_hash({"a": [1, 2], "b": 1})
    assert content_hash({"a": 1}) != content_hash({"a": 2})
    assert len(content_hash(uuid.uuid4())) == 32
    await any_store.delete(f"generation:{family}")
