"""The admin's orders: the list (filters, number search, sorting, pages, the HTMX part), one
order's page, its refund after a confirmation (part, the rest, a form sent twice refunds
once), fulfil, cancel, the invoice (PDF, sent again by email), and who may do what."""

from __future__ import annotations

from httpx import AsyncClient

from shopkeeper import audit, payments
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from tests.builders import shop_with_owner, staff_member
from tests.builders.orders import create_sellable, mark_paid, place_order
from tests.builders.payments import get_order
from tests.web.admin.orders_support import (
    hidden_fields,
    order_url,
    post_form,
    sandbox_paid,
)
from tests.web.admin.support import HOSTILE
from tests.web.seed import sign_in


async def test_the_list_filters_by_state_finds_a_number_sorts_and_serves_the_htmx_part(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client, currency="EUR")
    cheap, dear, mid = [
        await create_sellable(container, shop=shop, price=price) for price in (1_000, 3_000, 2_000)
    ]
    first = await place_order(container, shop=shop, items=[(cheap, 1)])
    second = await mark_paid(container, await place_order(container, shop=shop, items=[(dear, 1)]))
    third = await place_order(container, shop=shop, items=[(mid, 1)])
    await sign_in(client, owner.user.email)
    base = f"/admin/s/{shop.slug}/orders"

    page = await client.get(base)
    assert page.status_code == 200 and f'href="{base}" aria-current="page"' in page.text
    assert "Showing 1–3 of 3 orders" in page.text
    numbers = [o.number for o in (third, second, first)]
    positions = [page.text.index(n) for n in numbers]
    assert positions == sorted(positions)  # newest first
    assert "€30.00" in page.text and "Paid" in page.text

    paid = await client.get(base, params={"state": "paid"})
    assert second.number in paid.text and first.number not in paid.text
    assert third.number not in paid.text

    digits = str(int(second.number.rsplit("-", 1)[1]))
    for typed in (digits, f"#{digits}", second.number.lower()):
        found = await client.get(base, params={"number": typed})
        assert "Showing 1–1 of 1 orders" in found.text, typed
        assert second.number in found.text and first.number not in found.text
    nothing = await client.get(base, params={"number": "no such order"})
    assert "No orders match these filters." in nothing.text

    by_total = await client.get(base, params={"sort": "total_desc"})
    positions = [by_total.text.index(o.number) for o in (second, third, first)]
    assert positions == sorted(positions)

    odd = await client.get(base, params={"state": "bogus", "sort": "bogus", "page": "x"})
    assert odd.status_code == 200 and "Showing 1–3 of 3 orders" in odd.text

    part = await client.get(
        base, params={"state": "paid"},
        headers={"HX-Request": "true", "HX-Target": "order-results"},
    )  # fmt: skip
    assert part.status_code == 200 and "<html" not in part.text
    assert part.headers["HX-Push-Url"] == f"{base}?state=paid"


async def test_the_list_pages_through_many_orders(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    lamp = await create_sellable(container, shop=shop, price=500)
    placed = [await place_order(container, shop=shop, items=[(lamp, 1)]) for _ in range(27)]
    await sign_in(client, owner.user.email)
    base = f"/admin/s/{shop.slug}/orders"

    one = await client.get(base)
    assert "Showing 1–25 of 27 orders" in one.text and "Page 1 of 2" in one.text
    assert placed[-1].number in one.text and placed[0].number not in one.text
    assert f'href="{base}?page=2"' in one.text
    two = await client.get(base, params={"page": "2"})
    assert "Showing 26–27 of 27 orders" in two.text
    assert placed[0].number in two.text and placed[-1].number not in two.text


async def test_an_admin_refunds_part_after_confirming_then_the_rest_and_a_resent_form_refunds_once(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client, currency="EUR")
    order = await sandbox_paid(container, client, shop=shop, owner=owner, price=1_500)
    admin = await staff_member(container, client, shop=shop, role="admin")
    await sign_in(client, admin.user.email)

    page = await client.get(order_url(shop, order))
    assert page.status_code == 200 and 'id="refund-form"' in page.text
    assert "Up to €15.00 can be refunded." in page.text and "Desk lamp" in page.text

    asked = await post_form(client, shop, order, "refund", amount="5.00", reason="scratched")
    assert asked.status_code == 200 and "Refund €5.00?" in asked.text
    assert "€10.00 stays refundable" in asked.text
    assert (await get_order(container, shop=shop, order_id=order.id)).amount_refunded == 0

    confirm = hidden_fields(asked.text, order_url(shop, order, "/refund"))
    assert confirm["confirmed"] == "yes" and confirm["expected"] == "1500"
    done = await client.post(order_url(shop, order, "/refund"), data=confirm)
    assert done.status_code == 303 and done.headers["location"] == order_url(shop, order)
    after = await client.get(order_url(shop, order))
    assert "The refund was sent to the payment provider." in after.text
    assert "Partly refunded" in after.text and "Up to €10.00 can be refunded." in after.text
    state = await get_order(container, shop=shop, order_id=order.id)
    assert (state.state, state.amount_refunded) == ("partially_refunded", 500)

    again = await client.post(order_url(shop, order, "/refund"), data=confirm)  # sent twice
    assert again.status_code == 409 and "changed since" in again.text
    assert (await get_order(container, shop=shop, order_id=order.id)).amount_refunded == 500

    too_much = await post_form(client, shop, order, "refund", amount="20.00", reason="x")
    assert too_much.status_code == 422 and "At most €10.00 can be refunded." in too_much.text
    not_money = await post_form(client, shop, order, "refund", amount="ten", reason="x")
    assert not_money.status_code == 422 and "Enter a number" in not_money.text
    no_reason = await post_form(client, shop, order, "refund", amount="1.00", reason=" ")
    assert no_reason.status_code == 422 and 'id="refund-reason-error"' in no_reason.text

    rest = await post_form(client, shop, order, "refund", amount="", reason="returned")
    assert "Refund €10.00?" in rest.text and "All that remains" in rest.text
    await client.post(order_url(shop, order, "/refund"),
                      data=hidden_fields(rest.text, order_url(shop, order, "/refund")))  # fmt: skip
    state = await get_order(container, shop=shop, order_id=order.id)
    assert (state.state, state.amount_refunded) == ("refunded", 1_500)
    final = await client.get(order_url(shop, order))
    assert 'id="refund-form"' not in final.text and "Refunded" in final.text
    async with unit_of_work(container.sessions) as session:
        log = await audit.list_entries(session, shop_id=shop.id, limit=50)
        refunds = await payments.list_refunds(session, shop_id=shop.id, order_id=order.id)
    requested = [e for e in log.items if e.action == "payments.refund_requested"]
    assert len(requested) == 2 and {e.actor_label for e in requested} == {admin.user.email}
    assert sorted(r.amount for r in refunds) == [500, 1_000]


async def test_a_cashier_never_reaches_a_refund_and_a_viewer_changes_nothing(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    order = await sandbox_paid(container, client, shop=shop, owner=owner)
    refund_url = order_url(shop, order, "/refund")
    for role in ("cashier", "manager"):
        member = await staff_member(container, client, shop=shop, role=role)
        client.cookies.clear()
        await sign_in(client, member.user.email)
        page = await client.get(order_url(shop, order))
        assert page.status_code == 200 and 'id="refund-form"' not in page.text, role
        for confirmed in ("", "yes"):
            refused = await post_form(client, shop, order, "refund", amount="", reason="x",
                                      expected="1500", confirmed=confirmed)  # fmt: skip
            assert refused.status_code == 403, (role, refused.text)
        assert "Mark fulfilled" in page.text  # orders.write: they may fulfil
    viewer = await staff_member(container, client, shop=shop, role="viewer")
    client.cookies.clear()
    await sign_in(client, viewer.user.email)
    page = await client.get(order_url(shop, order))
    assert page.status_code == 200 and 'id="actions-heading"' not in page.text
    assert "Send to the customer again" not in page.text
    for action in ("fulfil", "cancel", "refund"):
        assert (await post_form(client, shop, order, action, confirmed="yes")).status_code == 403
    assert (await client.get(refund_url)).status_code == 405
    state = await get_order(container, shop=shop, order_id=order.id)
    assert (state.state, state.amount_refunded) == ("paid", 0)


async def test_without_the_csrf_token_nothing_is_refunded(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    order = await sandbox_paid(container, client, shop=shop, owner=owner)
    await sign_in(client, owner.user.email)
    body = {"amount": "", "reason": "x", "expected": "1500", "confirmed": "yes"}
    refused = await client.post(order_url(shop, order, "/refund"), data=body)
    assert refused.status_code == 403
    forged = await client.post(order_url(shop, order, "/refund"), data={**body, "csrf_token": "x"})
    assert forged.status_code == 403
    assert (await get_order(container, shop=shop, order_id=order.id)).amount_refunded == 0


async def test_staff_fulfil_a_paid_order_and_cancel_a_pending_one_after_confirming(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    paid = await sandbox_paid(container, client, shop=shop, owner=owner)
    lamp = await create_sellable(container, shop=shop, price=700, name=HOSTILE)
    pending = await place_order(container, shop=shop, items=[(lamp, 1)])
    cashier = await staff_member(container, client, shop=shop, role="cashier")
    await sign_in(client, cashier.user.email)

    refused = await post_form(client, shop, pending, "fulfil")
    assert refused.status_code == 409 and 'id="action-error"' in refused.text
    fulfilled = await post_form(client, shop, paid, "fulfil")
    assert fulfilled.status_code == 303
    assert "The order is marked fulfilled." in (await client.get(order_url(shop, paid))).text
    assert (await get_order(container, shop=shop, order_id=paid.id)).state == "fulfilled"

    asked = await post_form(client, shop, pending, "cancel", reason=HOSTILE)
    assert asked.status_code == 200 and "Cancel this order?" in asked.text
    assert HOSTILE not in asked.text and "&lt;script&gt;" in asked.text
    assert (await get_order(container, shop=shop, order_id=pending.id)).state == "pending"
    confirm = hidden_fields(asked.text, order_url(shop, pending, "/cancel"))
    done = await client.post(order_url(shop, pending, "/cancel"), data=confirm)
    assert done.status_code == 303
    cancelled = await get_order(container, shop=shop, order_id=pending.id)
    assert (cancelled.state, cancelled.cancel_reason) == ("cancelled", HOSTILE)
    page = await client.get(order_url(shop, pending))
    assert HOSTILE not in page.text and "&lt;img src=x" in page.text  # the reason, the name


async def test_another_shops_order_and_an_unknown_one_are_not_found(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    other, other_owner = await shop_with_owner(container, client)
    theirs = await sandbox_paid(container, client, shop=other, owner=other_owner)
    await sign_in(client, owner.user.email)
    for path in ("", "/invoice.pdf"):
        assert (await client.get(order_url(shop, theirs, path))).status_code == 404
    unknown = f"/admin/s/{shop.slug}/orders/00000000-0000-4000-8000-000000000000"
    assert (await client.get(unknown)).status_code == 404
    assert (await client.get(f"/admin/s/{shop.slug}/orders/not-an-id")).status_code == 400
    assert (await client.get(f"/admin/s/{other.slug}/orders")).status_code == 404
