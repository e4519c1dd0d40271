"""Password hashing with argon2id; hashes made with older parameters are upgraded on login."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()  # RFC 9106 low-memory profile (argon2id, t=3, m=64 MiB, p=4)
# Verified when the email is unknown, so both failures cost the same argon2 work.
_dummy_hash = _hasher.hash("no-such-user-dummy-password")


def configure(*, time_cost: int, memory_kib: int, parallelism: int) -> None:
    """Change the argon2 parameters; existing hashes are rehashed at their next login."""
    global _hasher, _dummy_hash
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)
    _dummy_hash = _hasher.hash("no-such-user-dummy-password")


async def hash_password(password: str) -> str:
    """Hash off the event loop (argon2 is deliberately slow and releases the GIL)."""
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password_hash: str, password: str) -> bool:
    return await asyncio.to_thread(_verify, password_hash, password)


async def verify_dummy(password: str) -> None:
    """Spend the same time as a real verification, for an unknown email."""
    await asyncio.to_thread(_verify, _dummy_hash, password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True
