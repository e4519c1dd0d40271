"""Access tokens (JWT, HS256) and opaque random tokens stored as SHA-256 hashes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import jwt

from shopkeeper.identity.errors import InvalidToken
from shopkeeper.kit.crypto import random_token, sha256_hex
from shopkeeper.kit.ids import new_id

ALGORITHM = "HS256"
API_KEY_PREFIX = "sk_"


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: uuid.UUID
    family_id: uuid.UUID | None
    token_id: str


def issue_access_token(
    *, user_id: uuid.UUID, family_id: uuid.UUID | None, secret: str, minutes: int, now: datetime
) -> str:
    payload = {
        "sub": str(user_id),
        "jti": new_id().hex,
        "typ": "access",
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=minutes)).timestamp()),
    }
    if family_id is not None:
        payload["fam"] = str(family_id)
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


@lru_cache(maxsize=4096)
def _verified_payload(token: str, secret: str) -> dict[str, Any] | None:
    """The payload of a token whose signature checks out (memoised: a pure function of both).

    A client sends the same access token with every request for 15 minutes; verifying its
    HMAC once instead of twice per request (rate limiter, then caller) is what this buys.
    Expiry is not checked here, so a cached entry never outlives its token's validity.
    """
    try:
        payload = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            options={"verify_exp": False, "require": ["sub", "exp", "jti", "typ"]},
        )
    except jwt.PyJWTError:
        return None
    return payload if isinstance(payload, dict) else None


def decode_access_token(token: str, *, secret: str, now: datetime) -> AccessClaims:
    """Verify signature, type and expiry (against `now`, so tests can move the clock)."""
    payload = _verified_payload(token, secret)
    if payload is None:
        raise InvalidToken()
    try:
        if payload["typ"] != "access" or int(payload["exp"]) <= now.timestamp():
            raise InvalidToken()
        family = payload.get("fam")
        return AccessClaims(
            user_id=uuid.UUID(payload["sub"]),
            family_id=uuid.UUID(family) if family else None,
            token_id=str(payload["jti"]),
        )
    except (ValueError, TypeError, KeyError) as exc:
        raise InvalidToken() from exc


def peek_subject(token: str, *, secret: str) -> str | None:
    """The verified `sub` of an access token, or None; cheap enough for every request."""
    payload = _verified_payload(token, secret)
    subject = payload.get("sub") if payload else None
    return subject if isinstance(subject, str) else None


def new_opaque_token() -> tuple[str, str]:
    """A random token and the SHA-256 hash we store instead of it."""
    token = random_token(32)
    return token, sha256_hex(token)


def new_api_key() -> tuple[str, str, str]:
    """`sk_<random>`, its visible prefix, and its stored hash."""
    key = API_KEY_PREFIX + random_token(32)
    return key, key[:12], sha256_hex(key)


def is_api_key(token: str) -> bool:
    return token.startswith(API_KEY_PREFIX)
