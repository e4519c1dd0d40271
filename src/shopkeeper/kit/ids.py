"""Public ids are UUIDs; version 7 keeps them time-ordered for index locality.

Within one process they are strictly increasing (RFC 9562 §6.2, method 1: the 12-bit
`rand_a` field counts ids made in the same millisecond), so rows created at the same instant
still sort in the order they were made.
"""

from __future__ import annotations

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last_ms = 0
_sequence = 0
_SEQUENCE_MAX = 0xFFF


def new_id() -> uuid.UUID:
    """A UUIDv7: 48-bit millisecond timestamp, a 12-bit sequence, then 62 random bits."""
    global _last_ms, _sequence
    with _lock:
        ms = time.time_ns() // 1_000_000
        if ms > _last_ms:
            _last_ms, _sequence = ms, int.from_bytes(os.urandom(2), "big") & 0x3FF
        elif _sequence < _SEQUENCE_MAX:
            _sequence += 1
        else:  # 4,096 ids in one millisecond (or the clock stepped back): borrow the next one
            _last_ms, _sequence = _last_ms + 1, 0
        ms, sequence = _last_ms, _sequence
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= sequence << 64
    value |= 0b10 << 62
    value |= int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    return uuid.UUID(int=value)
