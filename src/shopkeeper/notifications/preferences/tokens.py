"""Unsubscribe tokens: who (shop, customer) leaves which channel, signed with the secret key.

`<payload>.<signature>`: the payload is base64url of "shop_id:customer_id:channel" and the
signature its HMAC-SHA256 under SHOPKEEPER_SECRET_KEY (with a purpose prefix, so no other
signed value of the app can pass for one). Tokens never expire: an old email's link works.
"""

from __future__ import annotations

import base64
import binascii
import uuid

from shopkeeper.errors import BadRequest
from shopkeeper.kit.crypto import constant_time_equal, sign
from shopkeeper.notifications.preferences.schemas import CHANNELS, Channel

_PURPOSE = b"notifications.unsubscribe:"


class UnsubscribeLinkInvalid(BadRequest):
    def __init__(self) -> None:
        super().__init__("This unsubscribe link is not valid")


def unsubscribe_token(
    secret: str, *, shop_id: uuid.UUID, customer_id: uuid.UUID, channel: Channel = "email"
) -> str:
    raw = f"{shop_id.hex}:{customer_id.hex}:{channel}".encode()
    payload = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return f"{payload}.{sign(secret, _PURPOSE + payload.encode())}"


def read_unsubscribe_token(secret: str, token: str) -> tuple[uuid.UUID, uuid.UUID, Channel]:
    """(shop_id, customer_id, channel) of a token this app signed; UnsubscribeLinkInvalid else."""
    payload, _, signature = token.partition(".")
    expected = sign(secret, _PURPOSE + payload.encode())
    if not payload or not constant_time_equal(signature, expected):
        raise UnsubscribeLinkInvalid()
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
        shop, customer, channel = raw.split(":")
        ids = uuid.UUID(hex=shop), uuid.UUID(hex=customer)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise UnsubscribeLinkInvalid() from None
    for known in CHANNELS:
        if channel == known:
            return ids[0], ids[1], known
    raise UnsubscribeLinkInvalid()
