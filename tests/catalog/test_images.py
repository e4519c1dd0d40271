"""Product images: upload checks, storage (local directory, S3-compatible) and serving."""

from __future__ import annotations

import struct
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from shopkeeper.catalog import ProductRead
from shopkeeper.catalog.deps import MEDIA_EXTRA
from shopkeeper.catalog.media import MAX_IMAGE_BYTES, LocalMediaStorage, media_storage
from shopkeeper.catalog.s3 import S3Credentials, S3MediaStorage, sign_request, signature_v4
from shopkeeper.settings import SettingsError
from shopkeeper.shops import ShopRead
from tests.builders import Staff, staff_member
from tests.builders.catalog import create_product
from tests.catalog.fake_s3 import FakeS3


def tiny_png() -> bytes:
    """A real 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64 + b"\xff\xd9"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 24


def images_url(shop: ShopRead, product: ProductRead) -> str:
    return f"/api/v1/shops/{shop.slug}/products/{product.id}/images"


async def upload(
    client: AsyncClient,
    shop: ShopRead,
    product: ProductRead,
    staff: Staff,
    data: bytes,
    content_type: str,
    name: str = "photo",
    alt: str = "",
):  # type: ignore[no-untyped-def]
    return await client.post(
        images_url(shop, product),
        files={"file": (name, data, content_type)},
        data={"alt": alt},
        headers=staff.headers,
    )


async def test_upload_a_png_and_get_it_back(
    client: AsyncClient, container: Container, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    product = await create_product(container, shop=shop)
    png = tiny_png()
    response = await upload(client, shop, product, owner, png, "image/png", alt="Front")
    assert response.status_code == 201, response.text
    image = response.json()
    assert (image["content_type"], image["size_bytes"], image["alt"]) == (
        "image/png",
        len(png),
        "Front",
    )
    assert image["url"].startswith("/media/catalog/") and image["url"].endswith(".png")
    served = await client.get(image["url"])
    assert served.status_code == 200 and served.content == png
    assert served.headers["content-type"] == "image/png"
    assert served.headers["x-content-type-options"] == "nosniff"

    for data, kind in ((JPEG, "image/jpeg"), (WEBP, "image/webp")):
        assert (await upload(client, shop, product, owner, data, kind)).status_code == 201
    read = await client.get(
        f"/api/v1/shops/{shop.slug}/products/{product.id}", headers=owner.headers
    )
    assert [i["content_type"] for i in read.json()["images"]] == [
        "image/png",
        "image/jpeg",
        "image/webp",
    ]


async def test_wrong_or_lying_files_are_refused(
    client: AsyncClient, container: Container, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    product = await create_product(container, shop=shop)
    cases = [
        (b"GIF89a" + b"\x00" * 20, "image/gif", "PNG, JPEG or WebP"),
        (b"<svg onload=alert(1)>", "image/png", "not a PNG"),
        (JPEG, "image/png", "is image/jpeg, not image/png"),
        (tiny_png(), "text/html", "PNG, JPEG or WebP"),
    ]
    for data, declared, message in cases:
        response = await upload(client, shop, product, owner, data, declared)
        assert response.status_code == 422, (declared, response.text)
        assert response.json()["error"] == "InvalidImage" and message in response.json()["detail"]
    no_file = await client.post(images_url(shop, product), data={"alt": "x"}, headers=owner.headers)
    assert no_file.status_code == 422


async def test_images_over_five_megabytes_are_refused(
    client: AsyncClient, container: Container, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    product = await create_product(container, shop=shop)
    png = tiny_png()
    just_over = png + b"\x00" * (MAX_IMAGE_BYTES + 1 - len(png))
    far_over = png + b"\x00" * (MAX_IMAGE_BYTES * 2)
    for data in (just_over, far_over):
        response = await upload(client, shop, product, owner, data, "image/png")
        assert response.status_code == 413 and response.json()["error"] == "ImageTooLarge"
    at_limit = png + b"\x00" * (MAX_IMAGE_BYTES - len(png))
    assert (await upload(client, shop, product, owner, at_limit, "image/png")).status_code == 201


async def test_remove_an_image_and_rights(
    client: AsyncClient, container: Container, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    product = await create_product(container, shop=shop)
    viewer = await staff_member(container, client, shop=shop, role="viewer")
    assert (await upload(client, shop, product, viewer, tiny_png(), "image/png")).status_code == 403
    image = (await upload(client, shop, product, owner, tiny_png(), "image/png")).json()
    one = f"{images_url(shop, product)}/{image['id']}"
    assert (await client.delete(one, headers=viewer.headers)).status_code == 403
    assert (await client.delete(one, headers=owner.headers)).status_code == 204
    assert (await client.get(image["url"])).status_code == 404
    assert (await client.delete(one, headers=owner.headers)).status_code == 404
    assert (await client.get("/media/../../etc/passwd")).status_code == 404
    assert (await client.get("/media/catalog/%2e%2e/x.png")).status_code == 404


async def test_s3_storage_signs_every_request(
    client: AsyncClient, container: Container, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    product = await create_product(container, shop=shop)
    fake = FakeS3(bucket="media", access_key_id="AKTEST", secret_access_key="s3cr3t/key+x")
    container.extras[MEDIA_EXTRA] = S3MediaStorage(
        endpoint_url="http://s3.test:9000",
        bucket="media",
        credentials=S3Credentials("AKTEST", "s3cr3t/key+x", region="eu-central-1"),
        public_url="/media",
        transport=fake.transport(),
    )
    png = tiny_png()
    image = (await upload(client, shop, product, owner, png, "image/png")).json()
    [(key, (stored, content_type))] = fake.objects.items()
    assert stored == png and content_type == "image/png" and image["url"] == f"/media/{key}"
    served = await client.get(image["url"])
    assert served.status_code == 200 and served.content == png
    await client.delete(f"{images_url(shop, product)}/{image['id']}", headers=owner.headers)
    assert fake.objects == {} and fake.requests == ["PUT", "GET", "DELETE"]


async def test_s3_refusal_is_a_clear_502_and_nothing_is_recorded(
    client: AsyncClient, container: Container, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    product = await create_product(container, shop=shop)
    fake = FakeS3(bucket="media", access_key_id="AKTEST", secret_access_key="right")
    container.extras[MEDIA_EXTRA] = S3MediaStorage(
        endpoint_url="http://s3.test",
        bucket="media",
        credentials=S3Credentials("AKTEST", "wrong"),
        public_url="/media",
        transport=fake.transport(),
    )
    response = await upload(client, shop, product, owner, tiny_png(), "image/png")
    assert response.status_code == 502 and response.json()["error"] == "MediaUnavailable"
    read = await client.get(
        f"/api/v1/shops/{shop.slug}/products/{product.id}", headers=owner.headers
    )
    assert read.json()["images"] == [] and fake.objects == {}


def test_signature_v4_matches_the_published_s3_example() -> None:
    """AWS's own 'GET Object' example from the S3 SigV4 documentation."""
    empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    credentials = S3Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    signed, signature = signature_v4(
        method="GET",
        path="/test.txt",
        query="",
        payload_hash=empty,
        credentials=credentials,
        amz_date="20130524T000000Z",
        headers={
            "Host": "examplebucket.s3.amazonaws.com",
            "Range": "bytes=0-9",
            "x-amz-content-sha256": empty,
            "x-amz-date": "20130524T000000Z",
        },
    )
    assert signed == "host;range;x-amz-content-sha256;x-amz-date"
    assert signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    headers = sign_request(
        method="GET",
        url="https://examplebucket.s3.amazonaws.com/test.txt",
        body=b"",
        credentials=credentials,
        headers={"Range": "bytes=0-9"},
        now=datetime(2013, 5, 24, tzinfo=UTC),
    )
    assert headers["authorization"].endswith(f"Signature={signature}")


def test_settings_choose_the_storage(tmp_path: Path) -> None:
    from tests.conftest import make_settings

    url = f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
    local = media_storage(make_settings(url, media_dir=str(tmp_path), public_url="https://a.b"))
    assert isinstance(local, LocalMediaStorage) and local.root == tmp_path.resolve()
    assert local.url("catalog/x.png") == "https://a.b/media/catalog/x.png"
    s3 = media_storage(
        make_settings(
            url,
            s3_endpoint_url="https://s3.example",
            s3_bucket="b",
            s3_access_key_id="k",
            s3_secret_access_key="s",
            s3_public_url="https://cdn.example/b",
        )
    )
    assert isinstance(s3, S3MediaStorage)
    assert s3.url("catalog/x.png") == "https://cdn.example/b/catalog/x.png"
    with pytest.raises(SettingsError, match="SHOPKEEPER_S3_BUCKET"):
        make_settings(
            url,
            s3_endpoint_url="https://s3.example",
            s3_access_key_id="k",
            s3_secret_access_key="s",
        )
