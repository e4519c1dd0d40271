"""Random parts of bulk codes: unguessable, easy to read aloud and to type."""

from __future__ import annotations

import secrets

# No 0/O, 1/I/L: nothing a customer can misread. 31 symbols × 10 = about 49.5 bits of entropy,
# so guessing one valid code of a 10,000-code batch takes ~10^11 tries on average.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RANDOM_LENGTH = 10


def random_part(length: int = RANDOM_LENGTH) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def bulk_codes(prefix: str, count: int, *, taken: set[str] | None = None) -> list[str]:
    """`count` distinct `<PREFIX>-<random>` codes, none of them in `taken`."""
    taken = taken or set()
    codes: dict[str, None] = {}
    while len(codes) < count:
        code = f"{prefix}-{random_part()}"
        if code not in taken:
            codes[code] = None
    return list(codes)
