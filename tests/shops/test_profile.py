"""PATCH /api/v1/shops/{shop}: admins change the profile; validated, audited, others refused."""

from __future__ import annotations

from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from tests.builders import shop_with_owner, staff_member


async def test_an_admin_changes_the_profile_and_the_audit_log_says_what_changed(
    client: AsyncClient, container: Container
) -> None:
    shop, owner = await shop_with_owner(container, client, languages=("en", "pl"))
    admin = await staff_member(container, client, shop=shop, role="admin")
    url = f"/api/v1/shops/{shop.slug}"

    changed = await client.patch(
        url, json={"name": "  Corner Shop ", "currency": "pln", "timezone": "Europe/Moscow",
                   "languages": ["ru", "en"]}, headers=admin.headers,
    )  # fmt: skip

    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["name"], body["currency"], body["timezone"]) == (
        "Corner Shop",
        "PLN",
        "Europe/Moscow",
    )
    assert body["languages"] == ["ru", "en"] and body["default_language"] == "en"
    assert body["slug"] == shop.slug
    assert (await client.get(url, headers=owner.headers)).json()["name"] == "Corner Shop"
    log = (await client.get(f"{url}/audit", headers=owner.headers)).json()["items"]
    entry = next(e for e in log if e["action"] == "shop.updated")
    assert entry["actor_label"] == admin.user.email
    assert entry["before"] == {"name": shop.name, "currency": "EUR", "timezone": "Europe/Warsaw",
                               "languages": ["en", "pl"]}  # fmt: skip
    assert entry["after"]["languages"] == ["ru", "en"] and "slug" not in entry["after"]

    dropped = await client.patch(url, json={"languages": ["pl"]}, headers=owner.headers)
    assert dropped.json()["default_language"] == "pl"  # the old default is no longer offered
    again = await client.patch(url, json={"name": "Corner Shop"}, headers=owner.headers)
    assert again.status_code == 200
    log = (await client.get(f"{url}/audit", headers=owner.headers)).json()["items"]
    assert sum(e["action"] == "shop.updated" for e in log) == 2  # no change, no entry


async def test_bad_values_are_refused_and_nothing_changes(
    client: AsyncClient, container: Container
) -> None:
    shop, owner = await shop_with_owner(container, client)
    url = f"/api/v1/shops/{shop.slug}"
    bodies: list[dict[str, object]] = [{"name": "   "}, {"currency": "XYZ"},
        {"timezone": "Mars/Olympus"}, {"languages": ["de"]}, {"languages": []}]  # fmt: skip
    for body in bodies:
        refused = await client.patch(url, json=body, headers=owner.headers)
        assert refused.status_code == 422, body
    offered = await client.patch(
        url, json={"languages": ["en"], "default_language": "pl"}, headers=owner.headers
    )
    assert offered.status_code == 422
    assert offered.json()["error"] == "DefaultLanguageNotOffered"
    assert (await client.get(url, headers=owner.headers)).json() == shop.model_dump(mode="json")


async def test_managers_and_viewers_may_not_change_the_profile(
    client: AsyncClient, container: Container
) -> None:
    shop, _owner = await shop_with_owner(container, client)
    for role in ("manager", "cashier", "viewer"):
        member = await staff_member(container, client, shop=shop, role=role)
        refused = await client.patch(
            f"/api/v1/shops/{shop.slug}", json={"name": "Mine"}, headers=member.headers
        )
        assert refused.status_code == 403
        assert refused.json()["detail"] == "Missing permission: shop.update"
    other, stranger = await shop_with_owner(container, client)
    hidden = await client.patch(
        f"/api/v1/shops/{shop.slug}", json={"name": "Mine"}, headers=stranger.headers
    )
    assert hidden.status_code == 404 and other.slug != shop.slug
