"""Rate limits: N requests per minute per client IP and per caller (user or API key).

Public: `RateLimitMiddleware` (pure ASGI, exempts health, metrics and static files; answers
429 `{"error": "TooManyRequests"}` with Retry-After) and `build_store(redis_url=, engine=)`,
which picks Redis when configured, memory for SQLite (embedded = one process), otherwise the
`ratelimit_counter` table (counted in the process, flushed twice a second). Stores:
`MemoryStore`, `RedisStore`, `DatabaseStore`.
Publishes and consumes no events.
"""

from shopkeeper.ratelimit.middleware import RateLimitMiddleware
from shopkeeper.ratelimit.stores import (
    DatabaseStore,
    MemoryStore,
    RateStore,
    RedisStore,
    build_store,
)

__all__ = [
    "DatabaseStore",
    "MemoryStore",
    "RateLimitMiddleware",
    "RateStore",
    "RedisStore",
    "build_store",
]
