"""S3-compatible media storage (AWS S3, MinIO, R2, ...) over httpx with AWS Signature V4.

Path-style addressing (`{endpoint}/{bucket}/{key}`), which every S3-compatible server accepts.
The payload is hashed and signed (no UNSIGNED-PAYLOAD), so a body changed in transit is refused.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx

from shopkeeper.catalog.errors import MediaUnavailable
from shopkeeper.catalog.media import StoredMedia, content_type_of, is_valid_key

ALGORITHM = "AWS4-HMAC-SHA256"


@dataclass(frozen=True, slots=True)
class S3Credentials:
    access_key_id: str
    secret_access_key: str
    region: str = "us-east-1"
    service: str = "s3"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def canonical_query(params: Mapping[str, str]) -> str:
    pairs = sorted((quote(k, safe="-_.~"), quote(v, safe="-_.~")) for k, v in params.items())
    return "&".join(f"{k}={v}" for k, v in pairs)


def signature_v4(
    *,
    method: str,
    path: str,
    query: str,
    headers: Mapping[str, str],
    payload_hash: str,
    credentials: S3Credentials,
    amz_date: str,
) -> tuple[str, str]:
    """(signed header names, hex signature) of a request whose `headers` are all signed."""
    # `path` is already URI-encoded once (S3 does not double-encode).
    names = sorted(name.lower() for name in headers)
    values = {name.lower(): " ".join(str(v).split()) for name, v in headers.items()}
    signed = ";".join(names)
    canonical_request = "\n".join(
        [
            method.upper(),
            path or "/",
            query,
            *(f"{n}:{values[n]}" for n in names),
            "",
            signed,
            payload_hash,
        ]
    )
    scope = f"{amz_date[:8]}/{credentials.region}/{credentials.service}/aws4_request"
    string_to_sign = "\n".join([ALGORITHM, amz_date, scope, _sha256(canonical_request.encode())])
    key = _hmac(("AWS4" + credentials.secret_access_key).encode(), amz_date[:8])
    for part in (credentials.region, credentials.service, "aws4_request"):
        key = _hmac(key, part)
    return signed, hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def sign_request(
    *,
    method: str,
    url: str,
    body: bytes,
    credentials: S3Credentials,
    headers: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> dict[str, str]:
    """The headers to send: the given ones plus host, x-amz-date, payload hash, Authorization."""
    parts = urlsplit(url)
    amz_date = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    to_sign = {
        **{k.lower(): v for k, v in (headers or {}).items()},
        "host": parts.netloc,
        "x-amz-date": amz_date,
        "x-amz-content-sha256": _sha256(body),
    }
    signed, signature = signature_v4(
        method=method,
        path=parts.path,
        query=parts.query,
        headers=to_sign,
        payload_hash=to_sign["x-amz-content-sha256"],
        credentials=credentials,
        amz_date=amz_date,
    )
    scope = f"{amz_date[:8]}/{credentials.region}/{credentials.service}/aws4_request"
    authorization = (
        f"{ALGORITHM} Credential={credentials.access_key_id}/{scope}, "
        f"SignedHeaders={signed}, Signature={signature}"
    )
    return {**to_sign, "authorization": authorization}


class S3MediaStorage:
    """Objects in one bucket; reads through /media unless a public URL serves the bucket."""

    def __init__(
        self,
        *,
        endpoint_url: str,
        bucket: str,
        credentials: S3Credentials,
        public_url: str,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 15.0,
    ) -> None:
        self.endpoint_url = endpoint_url.rstrip("/")
        self.bucket = bucket
        self.credentials = credentials
        self.public_url = public_url.rstrip("/")
        self.transport = transport
        self.timeout = timeout

    def _object_url(self, key: str) -> str:
        if not is_valid_key(key):
            raise ValueError(f"bad media key {key!r}")
        return f"{self.endpoint_url}/{quote(self.bucket)}/{quote(key, safe='/-_.~')}"

    async def _send(
        self, method: str, key: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> httpx.Response:
        url = self._object_url(key)
        signed = sign_request(
            method=method, url=url, body=body, credentials=self.credentials, headers=headers
        )
        try:
            async with httpx.AsyncClient(transport=self.transport, timeout=self.timeout) as client:
                return await client.request(method, url, content=body, headers=signed)
        except httpx.HTTPError as exc:
            raise MediaUnavailable(f"Media storage unreachable: {type(exc).__name__}") from exc

    async def save(self, key: str, data: bytes, content_type: str) -> None:
        response = await self._send("PUT", key, data, {"content-type": content_type})
        _expect(response, 200)

    async def load(self, key: str) -> StoredMedia | None:
        response = await self._send("GET", key)
        if response.status_code == 404:
            return None
        _expect(response, 200)
        content_type = response.headers.get("content-type") or content_type_of(key)
        return StoredMedia(data=response.content, content_type=content_type)

    async def remove(self, key: str) -> None:
        response = await self._send("DELETE", key)
        if response.status_code != 404:
            _expect(response, 200, 204)

    def url(self, key: str) -> str:
        return f"{self.public_url}/{key}"

    def local_path(self, key: str) -> Path | None:
        return None


def _expect(response: httpx.Response, *codes: int) -> None:
    if response.status_code not in codes:
        raise MediaUnavailable(f"Media storage answered {response.status_code}")
