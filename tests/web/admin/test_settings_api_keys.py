"""Settings → API keys: a key created with a name and some of the creator's permissions, its
secret shown once on the page answering the form (never in a cookie, an address or the list),
the key working against the API, revoked after a confirmation and refused from then on."""

from __future__ import annotations

import re
import uuid

from httpx import AsyncClient, Response

from shopkeeper.bootstrap import Container
from tests.builders import shop_with_owner, staff_member
from tests.web.admin.support import HOSTILE, csrf_of
from tests.web.seed import sign_in


def _url(slug: str, path: str = "") -> str:
    return f"/admin/s/{slug}/settings/api-keys{path}"


def _form_fields(page: str) -> dict[str, str]:
    """The hidden fields of the "new key" form: its CSRF token and its one-press key (a
    fresh one where the form is not shown, to post as if it had been)."""
    press = re.search(r'name="request_key" value="([0-9a-f-]{36})"', page)
    return {"csrf_token": csrf_of(page), "request_key": press[1] if press else str(uuid.uuid4())}


async def _create(client: AsyncClient, slug: str, **fields: object) -> Response:
    form = await client.get(_url(slug, "/new"))
    page = form.text if form.status_code == 200 else (await client.get(f"/admin/s/{slug}")).text
    hidden = _form_fields(page)
    data = {"name": "Warehouse sync", "permissions": ["orders.read"], **hidden, **fields}
    return await client.post(_url(slug, "/new"), data=data)


async def test_a_form_sent_again_makes_no_second_key(
    container: Container, client: AsyncClient
) -> None:
    """Reloading the page that shows a new secret sends its form again: one key, and a word."""
    shop, owner = await shop_with_owner(container, client)
    await sign_in(client, owner.user.email)
    sent = {**_form_fields((await client.get(_url(shop.slug, "/new"))).text),
            "name": "Once", "permissions": ["orders.read"]}  # fmt: skip
    first = await client.post(_url(shop.slug, "/new"), data=sent)
    again = await client.post(_url(shop.slug, "/new"), data=sent)
    assert first.status_code == 201 and again.status_code == 303
    listed = await client.get(again.headers["location"])
    assert "That form has created its key already" in listed.text
    assert listed.text.count('id="key-') == 1
    no_key = await client.post(_url(shop.slug, "/new"), data={**sent, "request_key": "x"})
    assert no_key.status_code == 303
    assert (await client.get(_url(shop.slug))).text.count('id="key-') == 1


async def test_an_admin_creates_a_key_sees_it_once_uses_it_and_revokes_it(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    admin = await staff_member(container, client, shop=shop, role="admin")
    await sign_in(client, admin.user.email)
    empty = await client.get(_url(shop.slug))
    assert empty.status_code == 200 and "No API keys yet" in empty.text

    form = await client.get(_url(shop.slug, "/new"))
    assert 'value="orders.read"' in form.text and 'value="shop.delete"' not in form.text
    made = await _create(client, shop.slug, name=HOSTILE,
                         permissions=["orders.read", "catalog.read"])  # fmt: skip
    assert made.status_code == 201 and "API key created" in made.text
    secret = re.search(r'id="api-key-secret"[^>]*value="(sk_[^"]+)"', made.text)
    assert secret, "the secret is on the page"
    key = secret[1]
    assert HOSTILE not in made.text and "&lt;script&gt;" in made.text
    assert key not in str(made.headers) and key not in str(client.cookies)

    listed = await client.get(_url(shop.slug))
    assert key not in listed.text and key[:12] + "…" in listed.text
    row = listed.text.split('id="key-', 1)[1].split("</tr>", 1)[0]
    assert "2 permissions" in row and "Never" in row and admin.user.email in row
    assert HOSTILE not in listed.text

    api = await client.get(
        f"/api/v1/shops/{shop.slug}/orders", headers={"Authorization": f"Bearer {key}"}
    )
    assert api.status_code == 200
    listed = await client.get(_url(shop.slug))
    assert "Never" not in listed.text  # last used now shows when

    key_id = re.search(r'id="key-([0-9a-f-]{36})"', listed.text)
    assert key_id
    asked = await client.get(_url(shop.slug, f"/{key_id[1]}/revoke"))
    assert asked.status_code == 200 and "Revoke this API key?" in asked.text
    token = csrf_of(asked.text)
    unconfirmed = await client.post(
        _url(shop.slug, f"/{key_id[1]}/revoke"), data={"csrf_token": token}
    )
    assert unconfirmed.status_code == 200 and "Revoke this API key?" in unconfirmed.text
    still = await client.get(
        f"/api/v1/shops/{shop.slug}/orders", headers={"Authorization": f"Bearer {key}"}
    )
    assert still.status_code == 200
    done = await client.post(
        _url(shop.slug, f"/{key_id[1]}/revoke"), data={"csrf_token": token, "confirmed": "yes"}
    )
    assert done.status_code == 303
    page = await client.get(_url(shop.slug))
    assert "The key is revoked" in page.text and "No API keys yet" in page.text
    everything = await client.get(_url(shop.slug), params={"state": "all"})
    assert "Revoked" in everything.text and key[:12] in everything.text
    refused = await client.get(
        f"/api/v1/shops/{shop.slug}/orders", headers={"Authorization": f"Bearer {key}"}
    )
    assert refused.status_code == 401
    log = (await client.get(f"/api/v1/shops/{shop.slug}/audit", headers=owner.headers)).json()
    assert {"api_key.created", "api_key.revoked"} <= {e["action"] for e in log["items"]}


async def test_the_form_explains_each_mistake_and_creates_nothing(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    admin = await staff_member(container, client, shop=shop, role="admin")
    await sign_in(client, admin.user.email)

    unnamed = await _create(client, shop.slug, name="  ", permissions=["orders.read"])
    assert unnamed.status_code == 422 and 'id="f-name-error"' in unnamed.text
    assert re.search(r'value="orders.read"\s+checked', unnamed.text)  # the choice is kept
    nothing = await _create(client, shop.slug, name="Sync", permissions=[])
    assert nothing.status_code == 422 and "Choose at least one permission." in nothing.text
    assert 'value="Sync"' in nothing.text
    wider = await _create(client, shop.slug, name="Sync", permissions=["shop.delete"])
    assert wider.status_code == 422
    assert "A key can only have permissions you have yourself." in wider.text
    made_up = await _create(client, shop.slug, name="Sync", permissions=["everything"])
    assert made_up.status_code == 422
    keys = (await client.get(f"/api/v1/shops/{shop.slug}/api-keys", headers=owner.headers)).json()
    assert keys == []


async def test_only_admins_and_owners_manage_keys(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    await sign_in(client, owner.user.email)
    made = await _create(client, shop.slug, name="Kept")
    assert made.status_code == 201
    key_id = (
        await client.get(f"/api/v1/shops/{shop.slug}/api-keys", headers=owner.headers)
    ).json()[0]["id"]
    for role in ("manager", "cashier", "viewer"):
        member = await staff_member(container, client, shop=shop, role=role)
        client.cookies.clear()
        await sign_in(client, member.user.email)
        assert (await client.get(_url(shop.slug))).status_code == 403
        assert (await client.get(_url(shop.slug, "/new"))).status_code == 403
        assert (await client.get(_url(shop.slug, f"/{key_id}/revoke"))).status_code == 403
        assert (await _create(client, shop.slug)).status_code == 403
        token = csrf_of((await client.get(f"/admin/s/{shop.slug}")).text)
        revoke = await client.post(_url(shop.slug, f"/{key_id}/revoke"),
                                   data={"csrf_token": token, "confirmed": "yes"})  # fmt: skip
        assert revoke.status_code == 403
        nav = (await client.get(f"/admin/s/{shop.slug}/settings")).text
        assert "API keys" not in nav
    keys = (await client.get(f"/api/v1/shops/{shop.slug}/api-keys", headers=owner.headers)).json()
    assert [(k["name"], k["revoked_at"]) for k in keys] == [("Kept", None)]


async def test_forged_requests_and_other_shops_keys_change_nothing(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    other, stranger = await shop_with_owner(container, client)
    await sign_in(client, stranger.user.email)
    assert (await _create(client, other.slug, name="Theirs")).status_code == 201
    theirs = (
        await client.get(f"/api/v1/shops/{other.slug}/api-keys", headers=stranger.headers)
    ).json()
    client.cookies.clear()
    await sign_in(client, owner.user.email)

    new = _url(shop.slug, "/new")
    assert (
        await client.post(new, data={"name": "X", "permissions": "orders.read"})
    ).status_code == 403
    wrong = await client.post(
        new, data={"name": "X", "permissions": "orders.read", "csrf_token": "no"}
    )
    assert wrong.status_code == 403
    token = csrf_of((await client.get(_url(shop.slug))).text)
    foreign = _url(shop.slug, f"/{theirs[0]['id']}/revoke")
    assert (await client.get(foreign)).status_code == 404
    assert (
        await client.post(foreign, data={"csrf_token": token, "confirmed": "yes"})
    ).status_code == 404
    assert (await client.get(_url(other.slug))).status_code == 404
    mine = (await client.get(f"/api/v1/shops/{shop.slug}/api-keys", headers=owner.headers)).json()
    assert mine == []
    still = (
        await client.get(f"/api/v1/shops/{other.slug}/api-keys", headers=stranger.headers)
    ).json()
    assert still[0]["revoked_at"] is None
