"""`/start` deep-link payloads: `plan_<product id or slug>`, `promo_<CODE>`, `ref_<source>`.

Several parts may be joined by `__` (`ref_blog__promo_SPRING`). Telegram allows 64
characters from A-Z, a-z, 0-9, `_` and `-` in a payload; anything else is ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_PART = re.compile(r"^(plan|promo|ref)_([A-Za-z0-9-][A-Za-z0-9_-]*)$")
SEPARATOR = "__"


@dataclass(frozen=True)
class StartPayload:
    plan: str | None = None
    promo: str | None = None
    ref: str | None = None


def parse_start_payload(payload: str | None) -> StartPayload:
    """What a `/start <payload>` carries; unknown or malformed parts are dropped."""
    if not payload or not _PAYLOAD.match(payload):
        return StartPayload()
    found: dict[str, str] = {}
    for part in payload.split(SEPARATOR):
        match = _PART.match(part)
        if match and match.group(1) not in found:
            found[match.group(1)] = match.group(2)
    promo = found.get("promo")
    return StartPayload(
        plan=found.get("plan"), promo=promo.upper() if promo else None, ref=found.get("ref")
    )


def start_link(username: str, *, plan: str | None = None, promo: str | None = None,
               ref: str | None = None) -> str:  # fmt: skip
    """`https://t.me/<bot>?start=...` carrying the given parts (ValueError when too long)."""
    parts = [f"{name}_{value}" for name, value in (("plan", plan), ("promo", promo), ("ref", ref))
             if value]  # fmt: skip
    payload = SEPARATOR.join(parts)
    if payload and not _PAYLOAD.match(payload):
        raise ValueError("a start payload is at most 64 characters of A-Z a-z 0-9 _ -")
    return f"https://t.me/{username}" + (f"?start={payload}" if payload else "")
