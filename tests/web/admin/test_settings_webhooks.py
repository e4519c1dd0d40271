"""The admin's webhook endpoints: created from the form (errors by field), the secret shown once
and again only after a confirmed rotation, a test event to a local receiver, the delivery log
(filter, the time in the shop's zone) and a failed delivery sent again, deletion after a
confirmation; settings.manage on every page and action, CSRF, other shops' ids, inert text."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator

import pytest
from httpx import AsyncClient, Response
from sqlalchemy import update

from shopkeeper import bus
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.integrations import deliver_due, sign
from shopkeeper.integrations.models import WebhookEndpoint
from shopkeeper.settings import Settings
from shopkeeper.shops import ShopRead
from tests.builders import shop_with_owner, staff_member
from tests.builders.integrations import Receiver, publish_product_published
from tests.builders.staff import Staff
from tests.fakes.server import serve
from tests.web.admin.support import HOSTILE, csrf_of, field_error
from tests.web.seed import sign_in

PAID, PUBLISHED = "orders.order_paid.v1", "catalog.product_published.v1"
SECRET = re.compile(r'id="webhook-secret"[^>]*value="(whsec_[^"]+)"')


@pytest.fixture
def settings(database_url: str) -> Settings:
    from tests.conftest import make_settings

    return make_settings(database_url, login_delay_seconds=0.001, webhooks_allow_http=True)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    async with serve(receiver) as url:
        receiver.url = url + "/hooks"
        yield receiver


def base(shop: ShopRead) -> str:
    return f"/admin/s/{shop.slug}/settings/webhooks"


async def _owner(
    container: Container, client: AsyncClient, **fields: object
) -> tuple[ShopRead, Staff]:
    shop, owner = await shop_with_owner(container, client, **fields)
    await sign_in(client, owner.user.email)
    return shop, owner


async def _create(client: AsyncClient, shop: ShopRead, **fields: object) -> Response:
    token = csrf_of((await client.get(f"{base(shop)}/new")).text)
    body: dict[str, object] = {"url": "", "description": "", "events": [PAID], "enabled": "on"}
    return await client.post(f"{base(shop)}/new", data={**body, "csrf_token": token, **fields})


def _endpoint_url(page: Response) -> str:
    match = re.search(r'href="(/admin/s/[^"]+/settings/webhooks/[0-9a-f-]{36})"', page.text)
    assert match, "the page links to the endpoint"
    return match.group(1)


async def test_an_owner_creates_an_endpoint_sees_the_secret_once_and_tests_it(
    container: Container, client: AsyncClient, receiver: Receiver
) -> None:
    shop, _owner_staff = await _owner(container, client, timezone="Europe/Warsaw")
    empty = await client.get(base(shop))
    assert empty.status_code == 200 and "No webhook endpoints yet" in empty.text

    missing = await _create(client, shop, url="", events=[])
    assert missing.status_code == 422
    assert field_error(missing, "f-url") and "Choose at least one event." in missing.text
    refused = await _create(client, shop, url="http://example.com/hooks", description="kept")
    assert refused.status_code == 422 and "use https://" in field_error(refused, "f-url")
    assert 'value="kept"' in refused.text and f'value="{PAID}" checked' in refused.text

    made = await _create(
        client, shop, url=receiver.url, description=HOSTILE, events=[PAID, PUBLISHED]
    )
    assert made.status_code == 201 and "shown only this once" in made.text
    secret = SECRET.search(made.text)
    assert secret
    url = _endpoint_url(made)
    page = await client.get(url)
    assert secret.group(1) not in page.text and "whsec_" not in page.text
    assert HOSTILE not in page.text and "&lt;script&gt;" in page.text
    listed = await client.get(base(shop))
    assert receiver.url in listed.text and "An order is paid" in listed.text
    assert "None yet" in listed.text and HOSTILE not in listed.text

    token = csrf_of(page.text)
    tested = await client.post(f"{url}/test", data={"csrf_token": token})
    assert tested.status_code == 200 and "Test event delivered" in tested.text
    [ping] = receiver.requests
    headers = ping.headers
    expected = sign(
        secret.group(1),
        message_id=headers["webhook-id"],
        timestamp=int(headers["webhook-timestamp"]),
        body=ping.body.decode(),
    )
    assert expected in headers["webhook-signature"].split(" ")
    receiver.default = 500
    failed = await client.post(f"{url}/test", data={"csrf_token": token})
    assert "Test event refused: the endpoint answered 500." in failed.text


async def test_the_delivery_log_filters_and_a_failed_delivery_is_sent_again(
    container: Container, client: AsyncClient, receiver: Receiver
) -> None:
    shop, _staff = await _owner(container, client, timezone="Asia/Tokyo")
    url = _endpoint_url(await _create(client, shop, url=receiver.url, events=[PUBLISHED]))
    receiver.default = 503
    await publish_product_published(container, shop=shop)
    await bus.drain(container)
    await deliver_due(container)

    log = await client.get(url)
    assert "A product is published" in log.text and "503" in log.text
    assert "upstream exploded" in log.text and "Times in" in log.text
    assert "Send again" in log.text
    assert (
        "Nothing matches these filters."
        in (await client.get(url, params={"status": "succeeded"})).text
    )
    pending = await client.get(url, params={"status": "pending"})
    assert "A product is published" in pending.text
    partial = await client.get(url, headers={"HX-Request": "true", "HX-Target": "delivery-results"})
    assert "<html" not in partial.text and "A product is published" in partial.text
    listed = await client.get(base(shop))
    assert "Pending" in listed.text and "503" in listed.text

    receiver.default = 200
    delivery_id = re.search(r'id="delivery-([0-9a-f-]{36})"', log.text)
    assert delivery_id
    token = csrf_of(log.text)
    sent = await client.post(
        f"{url}/deliveries/{delivery_id.group(1)}/retry", data={"csrf_token": token}
    )
    assert sent.status_code == 303
    after = await client.get(sent.headers["location"])
    assert "Sent again: the endpoint accepted it." in after.text and "Delivered" in after.text
    assert "Delivered" in (await client.get(url, params={"status": "succeeded"})).text
    stranger = await client.post(f"{url}/deliveries/{shop.id}/retry", data={"csrf_token": token})
    assert stranger.status_code == 404


async def test_an_endpoint_switched_off_after_failures_says_why_and_is_switched_on_again(
    container: Container, client: AsyncClient, receiver: Receiver
) -> None:
    shop, _staff = await _owner(container, client)
    url = _endpoint_url(await _create(client, shop, url=receiver.url, description="CRM"))
    async with unit_of_work(container.sessions) as session:
        await session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == uuid.UUID(url.rsplit("/", 1)[1]))
            .values(enabled=False, disabled_reason="the last 10 deliveries failed",
                    failed_deliveries=10)
        )  # fmt: skip

    assert "Switched off after failures" in (await client.get(base(shop))).text
    page = await client.get(url)
    assert "the last 10 deliveries failed" in page.text
    form = await client.get(f"{url}/edit")
    assert "It was switched off: the last 10 deliveries failed." in form.text
    assert 'name="enabled" value="on" >' in form.text  # not ticked
    on = await client.post(f"{url}/edit", data={"csrf_token": csrf_of(form.text),
                                                "url": receiver.url, "description": "CRM",
                                                "events": [PAID], "enabled": "on"})  # fmt: skip
    assert on.status_code == 303
    listed = (await client.get(base(shop))).text
    assert "Switched off after failures" not in listed and ">On<" in listed


async def test_edit_rotate_and_delete_ask_first_and_show_the_outcome(
    container: Container, client: AsyncClient, receiver: Receiver
) -> None:
    shop, _staff = await _owner(container, client)
    made = await _create(client, shop, url=receiver.url)
    first = SECRET.search(made.text)
    url = _endpoint_url(made)
    token = csrf_of(made.text)

    form = await client.get(f"{url}/edit")
    assert form.status_code == 200 and f'value="{receiver.url}"' in form.text
    bad = await client.post(f"{url}/edit", data={"csrf_token": token, "url": receiver.url})
    assert bad.status_code == 422 and "Choose at least one event." in bad.text
    saved = await client.post(
        f"{url}/edit",
        data={
            "csrf_token": token,
            "url": receiver.url,
            "description": "ERP",
            "events": [PUBLISHED],
        },
    )
    assert saved.status_code == 303
    page = await client.get(url)
    assert "The endpoint is saved." in page.text and "ERP" in page.text
    assert "A product is published" in page.text and "Off" in page.text  # not ticked: off

    asked = await client.post(f"{url}/rotate", data={"csrf_token": token})
    assert asked.status_code == 200 and "Rotate the signing secret?" in asked.text
    assert "whsec_" not in asked.text
    assert "Rotate the signing secret?" in (await client.get(f"{url}/rotate")).text
    rotated = await client.post(f"{url}/rotate", data={"csrf_token": token, "confirmed": "yes"})
    second = SECRET.search(rotated.text)
    assert first and second and first.group(1) != second.group(1)
    assert rotated.headers["cache-control"] == "no-store"

    asked = await client.post(f"{url}/delete", data={"csrf_token": token})
    assert "Delete this endpoint?" in asked.text
    assert "ERP" in (await client.get(base(shop))).text
    gone = await client.post(f"{url}/delete", data={"csrf_token": token, "confirmed": "yes"})
    assert gone.status_code == 303
    listed = await client.get(gone.headers["location"])
    assert "The endpoint is deleted." in listed.text and "ERP" not in listed.text
    assert (await client.get(url)).status_code == 404


@pytest.mark.parametrize("role", ["manager", "cashier", "viewer"])
async def test_only_owners_and_admins_reach_webhooks_even_by_typed_urls(
    container: Container, client: AsyncClient, receiver: Receiver, role: str
) -> None:
    shop, _staff = await _owner(container, client)
    url = _endpoint_url(await _create(client, shop, url=receiver.url))
    member = await staff_member(container, client, shop=shop, role=role)
    client.cookies.clear()
    await sign_in(client, member.user.email)
    token = csrf_of((await client.get(f"/admin/s/{shop.slug}")).text)

    for path in (
        "",
        "/new",
        url.removeprefix(base(shop)),
        f"{url.removeprefix(base(shop))}/edit",
        f"{url.removeprefix(base(shop))}/rotate",
        f"{url.removeprefix(base(shop))}/delete",
    ):
        assert (await client.get(base(shop) + path)).status_code == 403, path
    for action in ("test", "rotate", "delete", "edit"):
        refused = await client.post(
            f"{url}/{action}",
            data={"csrf_token": token, "confirmed": "yes", "url": receiver.url, "events": [PAID]},
        )
        assert refused.status_code == 403, action
    refused = await client.post(
        f"{base(shop)}/new", data={"csrf_token": token, "url": receiver.url, "events": [PAID]}
    )
    assert refused.status_code == 403
    assert "/settings/webhooks" not in (await client.get(f"/admin/s/{shop.slug}")).text
    assert receiver.requests == []


async def test_an_admin_may_and_csrf_and_other_shops_are_refused(
    container: Container, client: AsyncClient, receiver: Receiver
) -> None:
    shop, _staff = await _owner(container, client)
    url = _endpoint_url(await _create(client, shop, url=receiver.url, description="mine"))
    other, other_owner = await shop_with_owner(container, client)
    admin = await staff_member(container, client, shop=shop, role="admin")
    client.cookies.clear()
    await sign_in(client, admin.user.email)
    assert "mine" in (await client.get(base(shop))).text

    no_token = await client.post(f"{url}/delete", data={"confirmed": "yes"})
    wrong = await client.post(f"{url}/delete", data={"confirmed": "yes", "csrf_token": "x" * 40})
    assert no_token.status_code == 403 and wrong.status_code == 403
    made = await client.post(f"{base(shop)}/new", data={"url": receiver.url, "events": [PAID]})
    assert made.status_code == 403
    assert "mine" in (await client.get(base(shop))).text

    client.cookies.clear()
    await sign_in(client, other_owner.user.email)
    token = csrf_of((await client.get(base(other))).text)
    foreign = url.replace(f"/s/{shop.slug}/", f"/s/{other.slug}/")
    assert (await client.get(foreign)).status_code == 404
    gone = await client.post(f"{foreign}/delete", data={"csrf_token": token, "confirmed": "yes"})
    assert gone.status_code == 404
    assert (await client.post(f"{foreign}/test", data={"csrf_token": token})).status_code == 404
    assert (await client.get(url)).status_code == 404  # not a member of the first shop
    assert receiver.requests == []
    assert (await client.get(f"{base(other)}/not-an-id")).status_code in (400, 404, 422)
