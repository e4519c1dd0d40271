"""Product images: validated uploads kept in the media storage, listed on the product."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.audit import Actor
from shopkeeper.catalog.errors import ImageNotFound
from shopkeeper.catalog.media import MediaStorage, check_image
from shopkeeper.catalog.models import Image
from shopkeeper.catalog.repository import ProductRepository
from shopkeeper.catalog.schemas import ImageRead
from shopkeeper.catalog.service.common import flush
from shopkeeper.catalog.service.products import live_product, record_product_change
from shopkeeper.catalog.views import image_read
from shopkeeper.kit.ids import new_id


async def add_image(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    product_id: uuid.UUID,
    data: bytes,
    content_type: str | None,
    alt: str,
    storage: MediaStorage,
    actor: Actor,
    now: datetime,
) -> ImageRead:
    """Check the bytes (type, size, magic), store them, then record the image."""
    # File before row: a failed transaction leaves an unused file, never a dead link.
    kind = check_image(data, content_type)
    await live_product(session, shop_id, product_id)
    repo = ProductRepository(session)
    image_id = new_id()
    key = f"catalog/{shop_id.hex}/{product_id.hex}/{image_id.hex}.{kind.extension}"
    await storage.save(key, data, kind.content_type)
    image = Image(
        id=image_id,
        shop_id=shop_id,
        product_id=product_id,
        storage_key=key,
        content_type=kind.content_type,
        size_bytes=len(data),
        alt=alt.strip()[:300],
        position=await repo.next_position(product_id, image=True),
        created_at=now,
    )
    repo.add(image)
    await flush(session)
    read = image_read(image, storage.url)
    await record_product_change(
        session, actor, shop_id, product_id, "image.added", now, after=read.model_dump()
    )
    return read


async def remove_image(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    product_id: uuid.UUID,
    image_id: uuid.UUID,
    storage: MediaStorage,
    actor: Actor,
    now: datetime,
) -> str:
    """Delete the row; the caller removes the returned storage key once this commits."""
    repo = ProductRepository(session)
    image = await repo.get_image(shop_id, product_id, image_id)
    if image is None:
        raise ImageNotFound()
    before = image_read(image, storage.url).model_dump()
    key = image.storage_key
    await repo.delete(image)
    await flush(session)
    await record_product_change(
        session, actor, shop_id, product_id, "image.removed", now, before=before
    )
    return key
