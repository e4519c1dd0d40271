"""Shops reword system messages; a broken template is refused when saved, never at send time."""

from __future__ import annotations

import uuid

from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from shopkeeper.notifications import register_messenger
from tests.builders import shop_with_owner, staff_member
from tests.notifications.test_sending import RecordingMessenger, _customer, _granted, _publish


def _url(slug: str, tail: str) -> str:
    return f"/api/v1/shops/{slug}/notifications/{tail}"


async def test_an_override_is_validated_previewed_used_and_reset(
    client: AsyncClient, container: Container
) -> None:
    messenger = RecordingMessenger()
    register_messenger(container, messenger)
    shop, owner = await shop_with_owner(container, client)
    path = _url(shop.slug, "templates/access.granted/en")

    broken = await client.put(path, json={"body": "Hi {{ nickname }}"}, headers=owner.headers)
    assert broken.status_code == 422 and "nickname" in broken.json()["detail"]
    syntax = await client.put(path, json={"body": "Hi {{ title"}, headers=owner.headers)
    assert syntax.status_code == 422

    preview = await client.post(
        _url(shop.slug, "templates/preview"),
        json={"purpose": "access.granted", "body": "Welcome to {{ title }}!"},
        headers=owner.headers,
    )
    assert preview.json() == {"text": "Welcome to VIP channel!"}

    saved = await client.put(path, json={"body": "Welcome to {{ title }}!"}, headers=owner.headers)
    assert saved.status_code == 200 and saved.json()["override"] == "Welcome to {{ title }}!"
    customer = await _customer(container, shop)
    await _publish(container, _granted(shop, customer.id, None))
    assert [m.text for m in messenger.sent] == ["Welcome to VIP room!"]

    listed = await client.get(_url(shop.slug, "templates"), headers=owner.headers)
    entry = next(
        t for t in listed.json() if (t["purpose"], t["language"]) == ("access.granted", "en")
    )
    assert entry["override"] == "Welcome to {{ title }}!" and entry["variables"] == [
        "join_url",
        "title",
    ]
    assert (await client.delete(path, headers=owner.headers)).json()["override"] is None

    audit = await client.get(f"/api/v1/shops/{shop.slug}/audit", headers=owner.headers)
    actions = [e["action"] for e in audit.json()["items"]]
    assert "notifications.template_saved" in actions and "notifications.template_reset" in actions


async def test_unknown_purposes_and_languages_and_roles(
    client: AsyncClient, container: Container
) -> None:
    shop, owner = await shop_with_owner(container, client)
    body = {"body": "x"}
    unknown = await client.put(
        _url(shop.slug, "templates/nope/en"), json=body, headers=owner.headers
    )
    assert unknown.status_code == 404
    klingon = _url(shop.slug, "templates/access.granted/tlh")
    assert (await client.put(klingon, json=body, headers=owner.headers)).status_code == 404
    viewer = await staff_member(container, client, shop=shop, role="viewer")
    path = _url(shop.slug, "templates/access.granted/en")
    assert (await client.put(path, json=body, headers=viewer.headers)).status_code == 403
    assert (
        await client.get(_url(shop.slug, "templates"), headers=viewer.headers)
    ).status_code == 200
    _other, stranger = await shop_with_owner(container, client)
    log = _url(shop.slug, f"messages?customer_id={uuid.uuid4()}")
    assert (await client.get(log, headers=stranger.headers)).status_code == 404
