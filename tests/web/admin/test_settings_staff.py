"""Settings → Staff and roles: members listed with their roles, someone added by email, a role
changed, someone removed after a confirmation; the shops context's rules (an owner is always
left, only an owner handles the owner role) shown as errors; who may do what; inert text."""

from __future__ import annotations

import re

from httpx import AsyncClient, Response

from shopkeeper.bootstrap import Container
from tests.builders import create_user, shop_with_owner, staff_member
from tests.web.admin.support import HOSTILE, csrf_of
from tests.web.seed import sign_in


def _url(slug: str, path: str = "") -> str:
    return f"/admin/s/{slug}/settings/staff{path}"


async def _post(client: AsyncClient, slug: str, path: str = "", **data: str) -> Response:
    token = csrf_of((await client.get(f"/admin/s/{slug}")).text)
    return await client.post(_url(slug, path), data={"csrf_token": token, **data})


def _row(html: str, marker: str) -> str:
    """The table row (<tr>…</tr>) that holds `marker`."""
    for row in re.findall(r"<tr[^>]*>.*?</tr>", html, flags=re.S):
        if marker in row:
            return row
    raise AssertionError(f"no row with {marker!r}")


async def _roles(client: AsyncClient, slug: str, headers: dict[str, str]) -> dict[str, str]:
    members = (await client.get(f"/api/v1/shops/{slug}/members", headers=headers)).json()
    return {m["email"]: m["role"] for m in members}


async def test_an_owner_adds_someone_changes_their_role_and_removes_them(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    ann = await create_user(container, email="ann@example.com", full_name=HOSTILE)
    await sign_in(client, owner.user.email)

    added = await _post(client, shop.slug, email="ANN@example.com", role="manager")
    assert added.status_code == 303 and added.headers["location"] == _url(shop.slug)
    page = await client.get(_url(shop.slug))
    assert "The person is added to the staff." in page.text
    assert HOSTILE not in page.text and "&lt;script&gt;" in page.text
    row = _row(page.text, f'id="member-{ann.id}"')
    assert "ann@example.com" in row and re.search(r'value="manager"\s+selected', row)
    assert "2 staff members" in page.text
    assert (await _roles(client, shop.slug, owner.headers))["ann@example.com"] == "manager"

    changed = await _post(client, shop.slug, f"/{ann.id}/role", role="cashier")
    assert changed.status_code == 303
    page = await client.get(_url(shop.slug))
    assert "The role is changed." in page.text
    assert re.search(r'value="cashier"\s+selected', _row(page.text, f'id="member-{ann.id}"'))
    assert (await _roles(client, shop.slug, owner.headers))["ann@example.com"] == "cashier"

    asked = await client.get(_url(shop.slug, f"/{ann.id}/remove"))
    assert asked.status_code == 200 and "Remove from the staff?" in asked.text
    assert "ann@example.com" in asked.text and HOSTILE not in asked.text
    unconfirmed = await _post(client, shop.slug, f"/{ann.id}/remove")
    assert unconfirmed.status_code == 200 and "Remove from the staff?" in unconfirmed.text
    assert "ann@example.com" in await _roles(client, shop.slug, owner.headers)
    removed = await _post(client, shop.slug, f"/{ann.id}/remove", confirmed="yes")
    assert removed.status_code == 303
    page = await client.get(_url(shop.slug))
    assert (
        "The person is removed from the staff." in page.text and "ann@example.com" not in page.text
    )
    assert "ann@example.com" not in await _roles(client, shop.slug, owner.headers)
    log = (await client.get(f"/api/v1/shops/{shop.slug}/audit", headers=owner.headers)).json()
    actions = [e["action"] for e in log["items"]]
    assert {"member.added", "member.role_changed", "member.removed"} <= set(actions)


async def test_adding_someone_explains_each_refusal_and_keeps_what_was_typed(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    admin = await staff_member(container, client, shop=shop, role="admin")
    await create_user(container, email="bob@example.com")
    await sign_in(client, admin.user.email)

    unknown = await _post(client, shop.slug, email="nobody@example.com", role="viewer")
    assert unknown.status_code == 404
    assert "Nobody has a staff account with this email yet" in unknown.text
    assert 'value="nobody@example.com"' in unknown.text and 'id="f-email-error"' in unknown.text
    malformed = await _post(client, shop.slug, email="not-an-email", role="viewer")
    assert malformed.status_code == 422 and "Enter the person&#39;s email address" in malformed.text
    no_role = await _post(client, shop.slug, email="bob@example.com", role="emperor")
    assert no_role.status_code == 422 and 'id="f-role-error"' in no_role.text
    owner_role = await _post(client, shop.slug, email="bob@example.com", role="owner")
    assert owner_role.status_code == 403
    assert "Only an owner can grant, change or remove the owner role." in owner_role.text
    assert 'value="owner"' not in owner_role.text.split('id="f-role"', 1)[1].split("</select>")[0]
    already = await _post(client, shop.slug, email=owner.user.email, role="viewer")
    assert already.status_code == 409 and "is already on this shop&#39;s staff" in already.text
    roles = await _roles(client, shop.slug, owner.headers)
    assert "bob@example.com" not in roles and roles[owner.user.email] == "owner"


async def test_the_last_owner_stays_and_only_owners_touch_the_owner_role(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    admin = await staff_member(container, client, shop=shop, role="admin")
    await sign_in(client, owner.user.email)

    demoted = await _post(client, shop.slug, f"/{owner.user.id}/role", role="admin")
    assert demoted.status_code == 409
    assert "A shop must keep at least one owner" in demoted.text
    gone = await _post(client, shop.slug, f"/{owner.user.id}/remove", confirmed="yes")
    assert gone.status_code == 409 and "A shop must keep at least one owner" in gone.text
    assert (await _roles(client, shop.slug, owner.headers))[owner.user.email] == "owner"

    client.cookies.clear()
    await sign_in(client, admin.user.email)
    page = await client.get(_url(shop.slug))
    owner_row = _row(page.text, f'id="member-{owner.user.id}"')
    assert "<select" not in owner_row and "Remove" not in owner_row
    assert "<select" in _row(page.text, f'id="member-{admin.user.id}"')
    typed = await _post(client, shop.slug, f"/{owner.user.id}/role", role="viewer")
    assert typed.status_code == 403 and "Only an owner can grant" in typed.text
    raised = await _post(client, shop.slug, f"/{admin.user.id}/role", role="owner")
    assert raised.status_code == 403
    assert (await _roles(client, shop.slug, owner.headers))[admin.user.email] == "admin"


async def test_who_may_see_and_change_the_staff(container: Container, client: AsyncClient) -> None:
    shop, owner = await shop_with_owner(container, client)
    target = await staff_member(container, client, shop=shop, role="viewer")
    for role in ("manager", "viewer"):
        member = await staff_member(container, client, shop=shop, role=role)
        client.cookies.clear()
        await sign_in(client, member.user.email)
        page = await client.get(_url(shop.slug))
        assert page.status_code == 200 and target.user.email in page.text
        assert "What each role may do" in page.text
        assert "Add a staff member" not in page.text and "<select" not in page.text
        assert "Remove…" not in page.text
        assert (
            await _post(client, shop.slug, email="x@example.com", role="viewer")
        ).status_code == 403
        assert (
            await _post(client, shop.slug, f"/{target.user.id}/role", role="admin")
        ).status_code == 403
        assert (await client.get(_url(shop.slug, f"/{target.user.id}/remove"))).status_code == 403
        refused = await _post(client, shop.slug, f"/{target.user.id}/remove", confirmed="yes")
        assert refused.status_code == 403
    cashier = await staff_member(container, client, shop=shop, role="cashier")
    client.cookies.clear()
    await sign_in(client, cashier.user.email)
    assert (await client.get(_url(shop.slug))).status_code == 403
    shop_page = await client.get(f"/admin/s/{shop.slug}/settings")
    assert "Staff and roles" not in shop_page.text.split("co-subnav", 1)[1]
    assert (await _roles(client, shop.slug, owner.headers))[target.user.email] == "viewer"


async def test_the_roles_table_says_what_each_role_may_do(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    await sign_in(client, owner.user.email)
    page = (await client.get(_url(shop.slug))).text
    assert _row(page, "Add staff, change roles, remove staff").count("✓") == 2  # owner, admin
    assert _row(page, "Delete the shop").count("✓") == 1
    assert _row(page, "See the staff and their roles").count("✓") == 4  # not cashiers
    assert _row(page, "Create and change orders").count("✓") == 4  # not viewers


async def test_forged_requests_and_other_shops_change_nothing(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    member = await staff_member(container, client, shop=shop, role="viewer")
    other, stranger = await shop_with_owner(container, client)
    await sign_in(client, owner.user.email)

    url = _url(shop.slug, f"/{member.user.id}/role")
    assert (await client.post(url, data={"role": "admin"})).status_code == 403
    wrong = await client.post(url, data={"role": "admin", "csrf_token": "forged"})
    assert wrong.status_code == 403 and "did not come from this site" in wrong.text
    removal = _url(shop.slug, f"/{member.user.id}/remove")
    assert (await client.post(removal, data={"confirmed": "yes"})).status_code == 403
    assert (await _roles(client, shop.slug, owner.headers))[member.user.email] == "viewer"

    outsider = stranger.user.id  # staff of another shop, not of this one
    assert (await _post(client, shop.slug, f"/{outsider}/role", role="admin")).status_code == 404
    assert (await client.get(_url(shop.slug, f"/{outsider}/remove"))).status_code == 404
    gone = await _post(client, shop.slug, f"/{outsider}/remove", confirmed="yes")
    assert gone.status_code == 404
    assert (await client.get(_url(other.slug))).status_code == 404
    assert (await _roles(client, other.slug, stranger.headers)) == {stranger.user.email: "owner"}


async def test_someone_removing_themselves_leaves_the_shop(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    admin = await staff_member(container, client, shop=shop, role="admin")
    await sign_in(client, admin.user.email)
    asked = await client.get(_url(shop.slug, f"/{admin.user.id}/remove"))
    assert "You are removing yourself" in asked.text
    left = await _post(client, shop.slug, f"/{admin.user.id}/remove", confirmed="yes")
    assert left.status_code == 303 and left.headers["location"] == "/admin"
    assert (await client.get(_url(shop.slug))).status_code == 404
    assert admin.user.email not in await _roles(client, shop.slug, owner.headers)
