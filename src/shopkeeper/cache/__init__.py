"""Caches and small shared state, key → text with a TTL: Redis when configured, else the
process's memory on SQLite (the embedded shape is one process), else the `cache_entry` table.

`cache_store(container)` is the process's store (built on first use, closed with the
container); `cached_json(...)` reads a JSON value through it or computes and keeps it;
`bump_generation(...)`/`generation(...)` name a family of entries that a change of their
inputs (staff edits a shop's rules) makes stale at once. No events.
"""

from shopkeeper.cache.json import (
    bump_generation,
    cached_json,
    content_hash,
    generation,
    generation_key,
)
from shopkeeper.cache.process import cache_store
from shopkeeper.cache.stores import (
    DatabaseStore,
    KeyValueStore,
    MemoryStore,
    RedisStore,
    build_store,
)

__all__ = [
    "DatabaseStore",
    "KeyValueStore",
    "MemoryStore",
    "RedisStore",
    "build_store",
    "bump_generation",
    "cache_store",
    "cached_json",
    "content_hash",
    "generation",
    "generation_key",
]
