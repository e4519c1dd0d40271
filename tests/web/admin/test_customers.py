"""The admin's customers: found by a name part or any identity as people type it, one
customer's page with their orders, tags and notes, who may change what, merges followed,
free text rendered inert, and the same search and notes over the JSON API."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient

from shopkeeper import audit, identity
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.shops import ShopRead
from tests.builders import shop_with_owner, staff_member
from tests.builders.orders import create_sellable, place_order
from tests.web.admin.support import HOSTILE, csrf_of
from tests.web.seed import sign_in


async def _customer(
    container: Container, shop: ShopRead, kind: str, value: str, name: str = ""
) -> identity.CustomerRead:
    async with unit_of_work(container.sessions) as session:
        return await identity.find_or_create_customer(
            session, shop_id=shop.id, kind=kind, value=value, display_name=name,
            now=container.clock.now(),
        )  # fmt: skip


async def _post(client: AsyncClient, url: str, page_url: str, **fields: Any) -> Any:
    token = csrf_of((await client.get(page_url)).text)
    return await client.post(url, data={"csrf_token": token, **fields})


async def test_staff_find_customers_by_name_part_or_any_identity_as_typed(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    ola = await _customer(container, shop, "email", "ola@example.com", "Ola Nowak")
    jan = await _customer(container, shop, "phone", "+48600100200", "Jan Kowalski")
    tg = await _customer(container, shop, "telegram", "4242", "")
    dc = await _customer(container, shop, "discord", "99887766", "Dee")
    await sign_in(client, owner.user.email)
    base = f"/admin/s/{shop.slug}/customers"

    everyone = await client.get(base)
    assert everyone.status_code == 200 and f'href="{base}" aria-current="page"' in everyone.text
    assert "Showing 1–4 of 4 customers" in everyone.text
    assert "telegram</span> 4242" in everyone.text  # the nameless one, by what reaches them

    async def found(q: str) -> set[str]:
        page = await client.get(base, params={"q": q})
        assert page.status_code == 200
        return {str(c.id) for c in (ola, jan, tg, dc) if f"{base}/{c.id}" in page.text}

    assert await found("nowak") == {str(ola.id)}
    assert await found("OLA@Example.COM") == {str(ola.id)}
    assert await found("ola@") == {str(ola.id)}
    assert await found("+48 600-100-200") == {str(jan.id)}
    assert await found("0048600100200") == {str(jan.id)}
    assert await found("4242") == {str(tg.id)}
    assert await found("99887766") == {str(dc.id)}
    assert await found("%") == set() and await found("_") == set()
    nobody = await client.get(base, params={"q": "zzz"})
    assert "Nobody matches “zzz”." in nobody.text

    hx = {"HX-Request": "true", "HX-Target": "customer-results"}
    part = await client.get(base, params={"q": "jan"}, headers=hx)
    assert "<html" not in part.text and part.headers["HX-Push-Url"] == f"{base}?q=jan"


async def test_a_customers_page_shows_their_orders_and_takes_tags_and_notes_inertly(
    container: Container, client: AsyncClient
) -> None:
    shop, _owner = await shop_with_owner(container, client)
    ola = await _customer(container, shop, "email", "ola@example.com", HOSTILE)
    lamp = await create_sellable(container, shop=shop, price=2_500)
    order = await place_order(container, shop=shop, items=[(lamp, 1)], customer_id=ola.id)
    cashier = await staff_member(container, client, shop=shop, role="cashier")
    await sign_in(client, cashier.user.email)
    url = f"/admin/s/{shop.slug}/customers/{ola.id}"

    page = await client.get(url)
    assert page.status_code == 200 and order.number in page.text and "€25.00" in page.text
    assert HOSTILE not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert f"/admin/s/{shop.slug}/orders?customer={ola.id}" in page.text

    noted = await _post(client, f"{url}/notes", url, body=f"Prefers calls. {HOSTILE}")
    assert noted.status_code == 303
    shown = await client.get(url)
    assert "The note is saved." in shown.text and "Prefers calls." in shown.text
    assert HOSTILE not in shown.text and cashier.user.email in shown.text
    empty = await _post(client, f"{url}/notes", url, body="   ")
    assert empty.status_code == 422 and 'id="note-error"' in empty.text

    assert (await _post(client, f"{url}/tags", url, tag=" VIP ")).status_code == 303
    bad = await _post(client, f"{url}/tags", url, tag=HOSTILE)
    assert bad.status_code == 422 and "A tag is 1 to 40 letters" in bad.text
    assert HOSTILE not in bad.text
    tagged = await client.get(url)
    assert '<li class="badge">vip' in tagged.text
    removed = await _post(client, f"{url}/tags/vip/remove", url)
    assert removed.status_code == 303
    gone = await _post(client, f"{url}/tags/vip/remove", url)
    assert gone.status_code == 404

    orders_of = await client.get(f"/admin/s/{shop.slug}/orders", params={"customer": str(ola.id)})
    assert order.number in orders_of.text and "Orders of one customer." in orders_of.text
    async with unit_of_work(container.sessions) as session:
        log = await audit.list_entries(session, shop_id=shop.id, limit=50)
    actions = sorted(e.action for e in log.items if e.target_type == "customer")
    assert actions == ["customer.note_added", "customer.tag_added", "customer.tag_removed"]


async def test_a_viewer_reads_but_changes_nothing_and_strangers_get_nothing(
    container: Container, client: AsyncClient
) -> None:
    shop, _owner = await shop_with_owner(container, client)
    other, _other_owner = await shop_with_owner(container, client)
    ola = await _customer(container, shop, "email", "ola@example.com", "Ola")
    theirs = await _customer(container, other, "email", "eve@example.com", "Eve")
    viewer = await staff_member(container, client, shop=shop, role="viewer")
    await sign_in(client, viewer.user.email)
    url = f"/admin/s/{shop.slug}/customers/{ola.id}"

    page = await client.get(url)
    assert page.status_code == 200 and 'id="note-body"' not in page.text
    assert 'id="tag-new"' not in page.text
    for action, fields in (("notes", {"body": "x"}), ("tags", {"tag": "vip"})):
        assert (await _post(client, f"{url}/{action}", url, **fields)).status_code == 403
    assert (await client.post(f"{url}/notes", data={"body": "x"})).status_code == 403  # no CSRF
    assert (await client.get(f"/admin/s/{shop.slug}/customers/{theirs.id}")).status_code == 404
    assert (await client.get(f"/admin/s/{other.slug}/customers")).status_code == 404
    async with unit_of_work(container.sessions) as session:
        assert await identity.list_notes(session, shop_id=shop.id, customer_id=ola.id) == []


async def test_a_merged_away_customer_leads_to_the_survivor_with_their_notes(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    older = await _customer(container, shop, "email", "ola@example.com", "Ola")
    newer = await _customer(container, shop, "telegram", "4242", "Ola TG")
    async with unit_of_work(container.sessions) as session:
        await identity.add_note(session, shop_id=shop.id, customer_id=newer.id, body="from tg",
                                actor=audit.Actor.system(), now=container.clock.now())  # fmt: skip
        await identity.link_identity(
            session, shop_id=shop.id, customer_id=older.id, kind="telegram", value="4242",
            now=container.clock.now(),
        )  # fmt: skip
    await sign_in(client, owner.user.email)
    moved = await client.get(f"/admin/s/{shop.slug}/customers/{newer.id}")
    assert moved.status_code == 303
    assert moved.headers["location"] == f"/admin/s/{shop.slug}/customers/{older.id}"
    survivor = await client.get(moved.headers["location"])
    assert "from tg" in survivor.text and "telegram</span> 4242" in survivor.text
    listed = await client.get(f"/admin/s/{shop.slug}/customers")
    assert "Showing 1–1 of 1 customers" in listed.text


async def test_the_api_searches_customers_and_keeps_notes(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    ola = await _customer(container, shop, "email", "ola@example.com", "Ola Nowak")
    viewer = await staff_member(container, client, shop=shop, role="viewer")
    base = f"/api/v1/shops/{shop.slug}/customers"

    found = await client.get(base, params={"q": "nowak"}, headers=viewer.headers)
    assert found.status_code == 200 and [c["id"] for c in found.json()["items"]] == [str(ola.id)]
    assert found.json()["items"][0]["identities"][0]["value"] == "ola@example.com"
    one = await client.get(f"{base}/{ola.id}", headers=viewer.headers)
    assert one.status_code == 200 and one.json()["display_name"] == "Ola Nowak"
    note = await client.post(f"{base}/{ola.id}/notes", json={"body": "VIP"},
                             headers=owner.headers)  # fmt: skip
    assert note.status_code == 201 and note.json()["author_label"] == owner.user.email
    refused = await client.post(f"{base}/{ola.id}/notes", json={"body": "x"},
                                headers=viewer.headers)  # fmt: skip
    assert refused.status_code == 403
    empty = await client.post(f"{base}/{ola.id}/notes", json={"body": ""}, headers=owner.headers)
    assert empty.status_code == 422
    notes = await client.get(f"{base}/{ola.id}/notes", headers=viewer.headers)
    assert [n["body"] for n in notes.json()] == ["VIP"]


async def test_migrated_note_table_and_list_indexes_match_the_models(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy.ext.asyncio import create_async_engine

    from shopkeeper.models import Base

    def differences(connection: Any) -> Any:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        diff = await connection.run_sync(differences)
    await engine.dispose()
    watched = ("identity_customer_note", "ix_identity_customer_shop_created",
               "ix_orders_order_shop_state_created", "ix_orders_order_shop_total",
               "ix_orders_order_shop_created", "ix_orders_order_shop_customer",
               "orders_sales_bucket", "ix_identity_customer_identity_prefix")  # fmt: skip
    assert [d for d in diff if any(name in repr(d) for name in watched)] == []
