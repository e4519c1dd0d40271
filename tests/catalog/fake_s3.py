"""A fake S3-compatible server for httpx.MockTransport: path-style buckets, SigV4 checked.

The signature check is written here independently of shopkeeper.catalog.s3 (same published
algorithm, separate code), so a mistake in one shows up as a 403 against the other.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field

import httpx

_AUTH = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/s3/"
    r"aws4_request, ?SignedHeaders=(?P<signed>[a-z0-9;-]+), ?Signature=(?P<sig>[0-9a-f]{64})$"
)


def _error(status: int, code: str) -> httpx.Response:
    body = f"<?xml version='1.0'?><Error><Code>{code}</Code></Error>"
    return httpx.Response(status, text=body, headers={"content-type": "application/xml"})


@dataclass
class FakeS3:
    bucket: str
    access_key_id: str
    secret_access_key: str
    objects: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request.method)
        if not self._authentic(request):
            return _error(403, "SignatureDoesNotMatch")
        path = request.url.raw_path.decode().split("?", 1)[0]
        prefix = f"/{self.bucket}/"
        if not path.startswith(prefix):
            return _error(404, "NoSuchBucket")
        key = path[len(prefix) :]
        if request.method == "PUT":
            content_type = request.headers.get("content-type", "binary/octet-stream")
            self.objects[key] = (request.content, content_type)
            return httpx.Response(200, headers={"etag": '"x"'})
        if request.method == "GET":
            if key not in self.objects:
                return _error(404, "NoSuchKey")
            data, content_type = self.objects[key]
            return httpx.Response(200, content=data, headers={"content-type": content_type})
        if request.method == "DELETE":
            self.objects.pop(key, None)
            return httpx.Response(204)
        return _error(405, "MethodNotAllowed")

    def _authentic(self, request: httpx.Request) -> bool:
        match = _AUTH.match(request.headers.get("authorization", ""))
        if match is None or match["key"] != self.access_key_id:
            return False
        body_hash = hashlib.sha256(request.content).hexdigest()
        if request.headers.get("x-amz-content-sha256") != body_hash:
            return False
        names = match["signed"].split(";")
        if "host" not in names or "x-amz-date" not in names:
            return False
        raw = request.url.raw_path.decode()
        path, _, query = raw.partition("?")
        lines = [request.method, path, query]
        lines += [f"{n}:{request.headers.get(n, '').strip()}" for n in names]
        canonical = "\n".join([*lines, "", match["signed"], body_hash])
        amz_date = request.headers["x-amz-date"]
        scope = f"{match['date']}/{match['region']}/s3/aws4_request"
        digest = hashlib.sha256(canonical.encode()).hexdigest()
        to_sign = f"AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{digest}"
        key = ("AWS4" + self.secret_access_key).encode()
        for part in (match["date"], match["region"], "s3", "aws4_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, match["sig"])
