"""Read a JSON value through a store, or compute and keep it; generations of entry families."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from shopkeeper.cache.stores import KeyValueStore

T = TypeVar("T")
GENERATION_TTL = 30 * 24 * 3600  # far longer than any entry lives


async def cached_json(
    store: KeyValueStore, key: str, *, ttl: int, adapter: TypeAdapter[T],
    compute: Callable[[], Awaitable[T]],
) -> T:  # fmt: skip
    """The value kept at `key`, or `compute()` kept there for `ttl` seconds. An entry that no
    longer parses (written by an older release) counts as absent."""
    raw = await store.get(key)
    if raw is not None:
        try:
            return adapter.validate_json(raw)
        except ValidationError:
            pass
    value = await compute()
    await store.put(key, adapter.dump_json(value).decode(), ttl)
    return value


def content_hash(*parts: Any) -> str:
    """A short stable digest of JSON-able parts (dict keys sorted; uuids, dates as text)."""
    text = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def generation_key(family: str) -> str:
    """Where a family's generation is kept: read it with the entry it guards in one
    `get_many`, or alone through `generation`."""
    return f"generation:{family}"


async def generation(store: KeyValueStore, family: str) -> int:
    """The current generation of a family of entries (0 until first bumped); put it in their
    keys and a bump makes every older entry unreachable."""
    return int(await store.get(generation_key(family)) or 0)


async def bump_generation(store: KeyValueStore, family: str) -> None:
    await store.incr(generation_key(family), GENERATION_TTL)
