"""/api/v1/shops/{shop}/members: owner/admin manage, others read or are refused, owners kept."""

from __future__ import annotations

from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from tests.builders import add_member, create_user, shop_with_owner, staff_member


def _members(slug: str) -> str:
    return f"/api/v1/shops/{slug}/members"


async def test_an_owner_adds_changes_and_removes_a_member(
    client: AsyncClient, container: Container
) -> None:
    shop, owner = await shop_with_owner(container, client)
    newcomer = await create_user(container, email="Newcomer@Example.com", full_name="New Comer")
    added = await client.post(
        _members(shop.slug),
        json={"email": "newcomer@example.com", "role": "cashier"},
        headers=owner.headers,
    )
    assert added.status_code == 201
    assert added.json()["user_id"] == str(newcomer.id) and added.json()["role"] == "cashier"

    changed = await client.patch(
        f"{_members(shop.slug)}/{newcomer.id}", json={"role": "manager"}, headers=owner.headers
    )
    assert changed.status_code == 200 and changed.json()["role"] == "manager"
    listed = await client.get(_members(shop.slug), headers=owner.headers)
    assert {(m["email"], m["role"]) for m in listed.json()} == {
        (owner.user.email, "owner"),
        ("newcomer@example.com", "manager"),
    }
    removed = await client.delete(f"{_members(shop.slug)}/{newcomer.id}", headers=owner.headers)
    assert removed.status_code == 204
    assert len((await client.get(_members(shop.slug), headers=owner.headers)).json()) == 1


async def test_a_cashier_gets_403_managing_members(
    client: AsyncClient, container: Container
) -> None:
    shop, owner = await shop_with_owner(container, client)
    cashier = await staff_member(container, client, shop=shop, role="cashier")
    someone = await create_user(container)
    add = await client.post(
        _members(shop.slug),
        json={"email": someone.email, "role": "viewer"},
        headers=cashier.headers,
    )
    assert add.status_code == 403
    assert add.json() == {
        "error": "PermissionDenied",
        "detail": "Missing permission: members.manage",
    }
    patch = await client.patch(
        f"{_members(shop.slug)}/{owner.user.id}", json={"role": "viewer"}, headers=cashier.headers
    )
    delete = await client.delete(f"{_members(shop.slug)}/{owner.user.id}", headers=cashier.headers)
    read = await client.get(_members(shop.slug), headers=cashier.headers)
    assert patch.status_code == delete.status_code == read.status_code == 403


async def test_a_viewer_reads_members_but_cannot_change_them(
    client: AsyncClient, container: Container
) -> None:
    shop, owner = await shop_with_owner(container, client)
    viewer = await staff_member(container, client, shop=shop, role="viewer")
    assert (await client.get(_members(shop.slug), headers=viewer.headers)).status_code == 200
    response = await client.delete(f"{_members(shop.slug)}/{owner.user.id}", headers=viewer.headers)
    assert response.status_code == 403


async def test_staff_of_shop_a_get_404_for_shop_b_members(
    client: AsyncClient, container: Container
) -> None:
    _, owner_a = await shop_with_owner(container, client)
    shop_b, owner_b = await shop_with_owner(container, client)
    someone = await create_user(container)
    for response in (
        await client.get(_members(shop_b.slug), headers=owner_a.headers),
        await client.post(
            _members(shop_b.slug),
            json={"email": someone.email, "role": "viewer"},
            headers=owner_a.headers,
        ),
        await client.patch(
            f"{_members(shop_b.slug)}/{owner_b.user.id}",
            json={"role": "viewer"},
            headers=owner_a.headers,
        ),
        await client.delete(f"{_members(shop_b.slug)}/{owner_b.user.id}", headers=owner_a.headers),
    ):
        assert response.status_code == 404
        assert response.json() == {"error": "ShopNotFound", "detail": "Shop not found"}
    members_b = await client.get(_members(shop_b.slug), headers=owner_b.headers)
    assert [m["user_id"] for m in members_b.json()] == [str(owner_b.user.id)]


async def test_the_last_owner_can_be_neither_removed_nor_demoted(
    client: AsyncClient, container: Container
) -> None:
    shop, owner = await shop_with_owner(container, client)
    me = f"{_members(shop.slug)}/{owner.user.id}"
    removed = await client.delete(me, headers=owner.headers)
    assert removed.status_code == 409
    assert removed.json() == {"error": "LastOwner", "detail": "A shop must keep at least one owner"}
    assert (
        await client.patch(me, json={"role": "admin"}, headers=owner.headers)
    ).status_code == 409

    second = await staff_member(container, client, shop=shop, role="owner")
    assert (await client.delete(me, headers=second.headers)).status_code == 204
    last = await client.delete(f"{_members(shop.slug)}/{second.user.id}", headers=second.headers)
    assert last.status_code == 409


async def test_only_an_owner_grants_changes_or_removes_the_owner_role(
    client: AsyncClient, container: Container
) -> None:
    shop, owner = await shop_with_owner(container, client)
    admin = await staff_member(container, client, shop=shop, role="admin")
    someone = await create_user(container)
    grant = await client.post(
        _members(shop.slug), json={"email": someone.email, "role": "owner"}, headers=admin.headers
    )
    assert grant.status_code == 403 and grant.json()["error"] == "OwnerRequired"
    promote_self = await client.patch(
        f"{_members(shop.slug)}/{admin.user.id}", json={"role": "owner"}, headers=admin.headers
    )
    assert promote_self.status_code == 403
    demote_owner = await client.patch(
        f"{_members(shop.slug)}/{owner.user.id}", json={"role": "viewer"}, headers=admin.headers
    )
    assert demote_owner.status_code == 403
    assert (
        await client.delete(f"{_members(shop.slug)}/{owner.user.id}", headers=admin.headers)
    ).status_code == 403

    assert (
        await client.post(
            _members(shop.slug),
            json={"email": someone.email, "role": "viewer"},
            headers=admin.headers,
        )
    ).status_code == 201
    promoted = await client.patch(
        f"{_members(shop.slug)}/{admin.user.id}", json={"role": "owner"}, headers=owner.headers
    )
    assert promoted.status_code == 200 and promoted.json()["role"] == "owner"


async def test_member_errors_are_clear(client: AsyncClient, container: Container) -> None:
    shop, owner = await shop_with_owner(container, client)
    member = await create_user(container)
    await add_member(container, shop=shop, user=member, role="viewer")
    url = _members(shop.slug)
    cases = [
        (
            await client.post(
                url, json={"email": member.email, "role": "viewer"}, headers=owner.headers
            ),
            409,
        ),
        (
            await client.post(
                url, json={"email": "ghost@example.com", "role": "viewer"}, headers=owner.headers
            ),
            404,
        ),
        (
            await client.post(
                url, json={"email": member.email, "role": "emperor"}, headers=owner.headers
            ),
            422,
        ),
        (await client.post(url, json={"role": "viewer"}, headers=owner.headers), 422),
        (await client.patch(f"{url}/{member.id}", json={"role": 7}, headers=owner.headers), 422),
        (
            await client.patch(f"{url}/not-a-uuid", json={"role": "viewer"}, headers=owner.headers),
            422,
        ),
        (
            await client.delete(
                f"{url}/0190a0a0-0000-7000-8000-000000000000", headers=owner.headers
            ),
            404,
        ),
    ]
    assert [r.status_code for r, _ in cases] == [expected for _, expected in cases]
