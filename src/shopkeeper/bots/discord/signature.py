"""Discord's interaction signature: Ed25519 over X-Signature-Timestamp + the raw body."""

from __future__ import annotations

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey


def valid_signature(
    public_key: str, signature: str | None, timestamp: str | None, body: bytes
) -> bool:
    """True only for a signature of the application's key over exactly these bytes."""
    if not signature or not timestamp:
        return False
    try:
        VerifyKey(bytes.fromhex(public_key)).verify(
            timestamp.encode() + body, bytes.fromhex(signature)
        )
    except (BadSignatureError, ValueError):
        return False
    return True
