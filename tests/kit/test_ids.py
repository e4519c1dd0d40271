"""Ids are valid UUIDv7s and strictly increasing within a process, even within a millisecond."""

from __future__ import annotations

from shopkeeper.kit.ids import new_id


def test_ids_are_version_7_and_strictly_increasing() -> None:
    ids = [new_id() for _ in range(20_000)]  # many share a millisecond; some overflow it
    assert all(i.version == 7 and i.variant == "specified in RFC 4122" for i in ids)
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
