"""Request dependencies of the catalog routes: the media storage and the two permissions."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from shopkeeper.catalog.media import MediaStorage, media_storage
from shopkeeper.deps import ContainerDep
from shopkeeper.shops import ShopAccess, require

MEDIA_EXTRA = "catalog.media"

CatalogRead = Annotated[ShopAccess, require("catalog.read")]
CatalogWrite = Annotated[ShopAccess, require("catalog.write")]


def get_media_storage(container: ContainerDep) -> MediaStorage:
    """One storage per container, built from settings on first use (tests may preset it)."""
    storage = container.extras.get(MEDIA_EXTRA)
    if storage is None:
        storage = media_storage(container.settings)
        container.extras[MEDIA_EXTRA] = storage
    return storage


MediaDep = Annotated[MediaStorage, Depends(get_media_storage)]
