"""The admin's subscriptions: the list (status, plan, ending soon), one subscription extended,
cancelled at the period's end and resumed, revoked after a confirmation; a plan gifted from
a customer's page; who may do what; another shop's subscription is not found."""

from __future__ import annotations

from datetime import timedelta

from httpx import AsyncClient, Response

from shopkeeper import catalog
from shopkeeper.audit import Actor
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from tests.builders import shop_with_owner, staff_member
from tests.builders.invoices import named_customer
from tests.builders.subscriptions import buy, create_plan, only_subscription
from tests.web.admin.support import csrf_of
from tests.web.seed import sign_in


async def _post(client: AsyncClient, url: str, page: str, **fields: str) -> Response:
    token = csrf_of((await client.get(page)).text)
    return await client.post(url, data={"csrf_token": token, **fields})


async def test_a_manager_extends_cancels_resumes_and_revokes_after_confirming(
    container: Container, client: AsyncClient
) -> None:
    shop, _owner = await shop_with_owner(container, client, timezone="UTC")
    club = await create_plan(container, shop=shop, name="Club", price=2_000, unit="week", count=2)
    ola = await named_customer(container, shop=shop, name="Ola Nowak")
    await buy(container, shop=shop, plan=club, customer_id=ola.id)
    sub = await only_subscription(container, shop=shop, customer_id=ola.id)
    manager = await staff_member(container, client, shop=shop, role="manager")
    await sign_in(client, manager.user.email)
    base = f"/admin/s/{shop.slug}/subscriptions"
    url = f"{base}/{sub.id}"

    listed = await client.get(base)
    assert listed.status_code == 200 and "Ola Nowak" in listed.text and "Club" in listed.text
    assert "Ola Nowak" in (await client.get(base, params={"ending": "30"})).text
    assert "Ola Nowak" not in (await client.get(base, params={"ending": "7"})).text
    assert "Ola Nowak" not in (await client.get(base, params={"status": "expired"})).text
    assert "Ola Nowak" in (await client.get(base, params={"plan": str(club.id)})).text

    bad = await _post(client, f"{url}/extend", url, days="0")
    assert bad.status_code == 422 and "Enter a whole number of days" in bad.text
    done = await _post(client, f"{url}/extend", url, days="10")
    assert done.status_code == 303
    extended = await only_subscription(container, shop=shop, customer_id=ola.id)
    assert extended.period_end == sub.period_end + timedelta(days=10)
    page = await client.get(url)
    assert "The subscription is extended." in page.text and manager.user.email in page.text

    await _post(client, f"{url}/cancel", url)
    assert (await only_subscription(container, shop=shop, customer_id=ola.id)).cancel_at_period_end
    assert "Renew it again" in (await client.get(url)).text
    await _post(client, f"{url}/resume", url)
    assert not (
        await only_subscription(container, shop=shop, customer_id=ola.id)
    ).cancel_at_period_end

    asked = await _post(client, f"{url}/revoke", url)
    assert asked.status_code == 200 and "Revoke this subscription?" in asked.text
    assert (await only_subscription(container, shop=shop, customer_id=ola.id)).status == "active"
    revoked = await _post(client, f"{url}/revoke", url, confirmed="yes")
    assert revoked.status_code == 303
    assert (await only_subscription(container, shop=shop, customer_id=ola.id)).status == "canceled"
    assert "Revoke now" not in (await client.get(url)).text


async def test_a_plan_is_gifted_from_the_customers_page(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    club = await create_plan(container, shop=shop, name="Club")
    retired = await create_plan(container, shop=shop, name="Retired plan")
    async with unit_of_work(container.sessions) as session:
        await catalog.archive_product(
            session, shop_id=shop.id, product_id=retired.id, now=container.clock.now(),
            actor=Actor.system("test"),
        )  # fmt: skip
    jan = await named_customer(container, shop=shop, name="Jan")
    await sign_in(client, owner.user.email)
    page_url = f"/admin/s/{shop.slug}/customers/{jan.id}"

    page = await client.get(page_url)
    assert 'id="gift-plan"' in page.text and "Club" in page.text
    assert "Retired plan" not in page.text  # an archived plan is not offered
    refused = await _post(client, f"{page_url}/gift", page_url, plan=str(club.id), days="x")
    assert refused.status_code == 422 and 'id="gift-error"' in refused.text
    gifted = await _post(client, f"{page_url}/gift", page_url, plan=str(club.id), days="14")
    assert gifted.status_code == 303
    sub = await only_subscription(container, shop=shop, customer_id=jan.id)
    assert gifted.headers["location"] == f"/admin/s/{shop.slug}/subscriptions/{sub.id}"
    assert sub.period_end - sub.started_at == timedelta(days=14)
    assert "The plan is gifted." in (await client.get(gifted.headers["location"])).text


async def test_a_cashier_reads_but_never_changes_a_subscription(
    container: Container, client: AsyncClient
) -> None:
    shop, _owner = await shop_with_owner(container, client)
    other, _other_owner = await shop_with_owner(container, client)
    club = await create_plan(container, shop=shop, name="Club")
    ola = await named_customer(container, shop=shop, name="Ola")
    await buy(container, shop=shop, plan=club, customer_id=ola.id)
    sub = await only_subscription(container, shop=shop, customer_id=ola.id)
    cashier = await staff_member(container, client, shop=shop, role="cashier")
    await sign_in(client, cashier.user.email)
    url = f"/admin/s/{shop.slug}/subscriptions/{sub.id}"

    page = await client.get(url)
    assert page.status_code == 200 and 'id="actions-heading"' not in page.text
    for action, fields in (("extend", {"days": "5"}), ("cancel", {}), ("resume", {}),
                           ("revoke", {"confirmed": "yes"})):  # fmt: skip
        assert (await _post(client, f"{url}/{action}", url, **fields)).status_code == 403
    customer_page = f"/admin/s/{shop.slug}/customers/{ola.id}"
    assert 'id="gift-plan"' not in (await client.get(customer_page)).text
    gift = await _post(client, f"{customer_page}/gift", customer_page, plan=str(club.id), days="5")
    assert gift.status_code == 403
    assert (await only_subscription(container, shop=shop, customer_id=ola.id)) == sub
    assert (await client.get(f"/admin/s/{other.slug}/subscriptions/{sub.id}")).status_code == 404
