"""Product images: what an upload must be, and the storage port (local directory or S3).

`media_storage(settings)` picks the adapter: S3-compatible when SHOPKEEPER_S3_ENDPOINT_URL is
set, otherwise the local directory SHOPKEEPER_MEDIA_DIR. Both are served at /media/{key}
(S3 may instead be served from SHOPKEEPER_S3_PUBLIC_URL).
"""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from shopkeeper.catalog.errors import ImageTooLarge, InvalidImage
from shopkeeper.settings import Settings

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MEDIA_PREFIX = "/media"
_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*(?:/[a-z0-9][a-z0-9_.-]*)*$")


@dataclass(frozen=True, slots=True)
class ImageKind:
    content_type: str
    extension: str


IMAGE_KINDS = {
    "image/png": ImageKind("image/png", "png"),
    "image/jpeg": ImageKind("image/jpeg", "jpg"),
    "image/webp": ImageKind("image/webp", "webp"),
}
_BY_EXTENSION = {kind.extension: kind.content_type for kind in IMAGE_KINDS.values()}


def sniff_image(data: bytes) -> str | None:
    """The content type the magic bytes say, for PNG, JPEG and WebP only."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_image(data: bytes, declared: str | None, *, limit: int = MAX_IMAGE_BYTES) -> ImageKind:
    """The upload is a PNG, JPEG or WebP within `limit`, and is what it says it is."""
    if len(data) > limit:
        raise ImageTooLarge(limit)
    declared_type = (declared or "").split(";", 1)[0].strip().lower()
    if declared_type not in IMAGE_KINDS:
        raise InvalidImage(f"Upload a PNG, JPEG or WebP image (got {declared_type or 'no type'})")
    actual = sniff_image(data)
    if actual is None:
        raise InvalidImage("The file is not a PNG, JPEG or WebP image")
    if actual != declared_type:
        raise InvalidImage(f"The file is {actual}, not {declared_type} as declared")
    return IMAGE_KINDS[actual]


def is_valid_key(key: str) -> bool:
    return bool(_KEY.match(key)) and ".." not in key and len(key) <= 300


def content_type_of(key: str) -> str:
    return _BY_EXTENSION.get(key.rsplit(".", 1)[-1], "application/octet-stream")


@dataclass(frozen=True, slots=True)
class StoredMedia:
    data: bytes
    content_type: str


class MediaStorage(Protocol):
    """Where image bytes live. Keys are `catalog/<shop>/<product>/<image>.<ext>`."""

    async def save(self, key: str, data: bytes, content_type: str) -> None: ...

    async def load(self, key: str) -> StoredMedia | None: ...

    async def remove(self, key: str) -> None: ...

    def url(self, key: str) -> str: ...

    def local_path(self, key: str) -> Path | None:
        """A file to stream directly, when the bytes are on this machine."""
        ...


class LocalMediaStorage:
    """A directory on this machine (the default; fine for one server or a shared volume)."""

    def __init__(self, root: Path, *, base_url: str = MEDIA_PREFIX) -> None:
        self.root = root.resolve()
        self.base_url = base_url.rstrip("/")

    def _path(self, key: str) -> Path:
        if not is_valid_key(key):
            raise ValueError(f"bad media key {key!r}")
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"bad media key {key!r}")
        return path

    async def save(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(self._write, self._path(key), data)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        """Write to a temporary file and rename, so readers never see half an image."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    async def load(self, key: str) -> StoredMedia | None:
        path = self.local_path(key)
        if path is None:
            return None
        data = await asyncio.to_thread(path.read_bytes)
        return StoredMedia(data=data, content_type=content_type_of(key))

    async def remove(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)

    def url(self, key: str) -> str:
        return f"{self.base_url}/{key}"

    def local_path(self, key: str) -> Path | None:
        try:
            path = self._path(key)
        except ValueError:
            return None
        return path if path.is_file() else None


def media_base_url(settings: Settings) -> str:
    """Where /media is reachable: absolute under the public URL when one is configured."""
    return (settings.public_url or "").rstrip("/") + MEDIA_PREFIX


def media_storage(settings: Settings) -> MediaStorage:
    """The storage the settings ask for: S3-compatible if configured, else the local dir."""
    if settings.s3_endpoint_url:
        from shopkeeper.catalog.s3 import S3Credentials, S3MediaStorage

        assert settings.s3_bucket and settings.s3_access_key_id and settings.s3_secret_access_key
        return S3MediaStorage(
            endpoint_url=settings.s3_endpoint_url,
            bucket=settings.s3_bucket,
            credentials=S3Credentials(
                access_key_id=settings.s3_access_key_id,
                secret_access_key=settings.s3_secret_access_key,
                region=settings.s3_region,
            ),
            public_url=settings.s3_public_url or media_base_url(settings),
        )
    return LocalMediaStorage(Path(settings.media_dir), base_url=media_base_url(settings))
