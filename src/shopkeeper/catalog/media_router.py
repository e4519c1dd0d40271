"""HTTP: product image upload/removal, and the public /media/{key} that serves the bytes."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, BackgroundTasks, Request, Response, status
from fastapi.responses import FileResponse
from starlette.datastructures import UploadFile

from shopkeeper.catalog.deps import CatalogWrite, MediaDep
from shopkeeper.catalog.errors import ImageTooLarge, InvalidImage
from shopkeeper.catalog.media import MAX_IMAGE_BYTES, content_type_of, is_valid_key
from shopkeeper.catalog.schemas import ImageRead
from shopkeeper.catalog.service import images
from shopkeeper.deps import ClockDep, SessionDep
from shopkeeper.errors import AppError, NotFound

# Room for the multipart boundaries and the alt field around a full-size image.
MULTIPART_OVERHEAD = 64 * 1024
CACHE_FOREVER = "public, max-age=31536000, immutable"  # keys are never reused

images_router = APIRouter()
media_router = APIRouter(tags=["media"])

_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "alt": {"type": "string", "maxLength": 300},
                    },
                }
            }
        },
    }
}


class LengthRequired(AppError):
    status_code = 411


async def _upload(request: Request) -> tuple[bytes, str | None, str]:
    """The file's bytes, declared type and alt text; too-large bodies are refused unread."""
    length = request.headers.get("content-length")
    if length is None or not length.isdigit():
        raise LengthRequired("Send the upload with a Content-Length header")
    if int(length) > MAX_IMAGE_BYTES + MULTIPART_OVERHEAD:
        raise ImageTooLarge(MAX_IMAGE_BYTES)
    form = await request.form(max_files=1, max_fields=4)
    try:
        upload, alt = form.get("file"), form.get("alt")
        if not isinstance(upload, UploadFile):
            raise InvalidImage("Send the image as the multipart field 'file'")
        data = await upload.read(MAX_IMAGE_BYTES + 1)
        return data, upload.content_type, alt if isinstance(alt, str) else ""
    finally:
        await form.close()


@images_router.post(
    "/products/{product_id}/images", status_code=status.HTTP_201_CREATED, openapi_extra=_UPLOAD_BODY
)
async def upload_image(
    product_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    access: CatalogWrite,
    media: MediaDep,
) -> ImageRead:
    """multipart/form-data: `file` (PNG, JPEG or WebP, at most 5 MB) and optional `alt`."""
    data, content_type, alt = await _upload(request)
    return await images.add_image(
        session,
        shop_id=access.shop.id,
        product_id=product_id,
        data=data,
        content_type=content_type,
        alt=alt,
        storage=media,
        actor=access.actor,
        now=clock.now(),
    )


@images_router.delete(
    "/products/{product_id}/images/{image_id}", status_code=status.HTTP_204_NO_CONTENT
)
async def remove_image(
    product_id: uuid.UUID,
    image_id: uuid.UUID,
    session: SessionDep,
    clock: ClockDep,
    access: CatalogWrite,
    media: MediaDep,
    background: BackgroundTasks,
) -> Response:
    """The file is deleted after the response, i.e. once the removal is committed."""
    key = await images.remove_image(
        session,
        shop_id=access.shop.id,
        product_id=product_id,
        image_id=image_id,
        storage=media,
        actor=access.actor,
        now=clock.now(),
    )
    background.add_task(media.remove, key)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@media_router.get("/media/{key:path}", include_in_schema=False)
async def serve_media(key: str, media: MediaDep) -> Response:
    """Public bytes of an uploaded image (keys are unguessable ids, never reused)."""
    if not is_valid_key(key):
        raise NotFound("Media not found")
    headers = {"Cache-Control": CACHE_FOREVER, "X-Content-Type-Options": "nosniff"}
    path = media.local_path(key)
    if path is not None:
        return FileResponse(path, media_type=content_type_of(key), headers=headers)
    stored = await media.load(key)
    if stored is None:
        raise NotFound("Media not found")
    return Response(stored.data, media_type=content_type_of(key), headers=headers)
