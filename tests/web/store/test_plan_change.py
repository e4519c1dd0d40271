"""Upgrade and downgrade from the account page, by the shop's default rules: an upgrade now,
paying the prorated difference at the gateway; a downgrade at the end of the period, undoable."""

from __future__ import annotations

import re

from httpx import AsyncClient

from shopkeeper import bus, subscriptions
from shopkeeper.bootstrap import Container
from shopkeeper.catalog import ProductRead
from shopkeeper.db import unit_of_work
from tests.fakes.smtp import Mailbox
from tests.web.store.support import Lumen, buy, hidden, location, press_pay, sign_in


async def _subscribed(
    client: AsyncClient, lumen: Lumen, mailbox: Mailbox, container: Container, plan: ProductRead
) -> subscriptions.SubscriptionRead:
    await sign_in(client, lumen, mailbox, "ola@example.com")
    await press_pay(client, location(await buy(client, lumen, plan)))
    await bus.drain(container)
    [sub] = await _subscriptions(container, lumen)
    return sub


async def _subscriptions(
    container: Container, lumen: Lumen
) -> list[subscriptions.SubscriptionRead]:
    async with unit_of_work(container.sessions) as session:
        page = await subscriptions.list_subscriptions(session, shop_id=lumen.shop.id,
                                                      now=container.clock.now())  # fmt: skip
    return [s for s in page.items if s.status == "active"]


async def test_an_upgrade_is_paid_now_and_switches_the_plan(
    client: AsyncClient, lumen: Lumen, mailbox: Mailbox, container: Container
) -> None:
    sub = await _subscribed(client, lumen, mailbox, container, lumen.basic)
    account = await client.get(f"{lumen.base}/account")
    assert "Przejdź wyżej na Pro" in account.text and "zapłać teraz 20,00\xa0zł" in account.text
    link = re.search(r'href="([^"]+)" data-change="' + lumen.pro.slug, account.text)
    assert link is not None

    preview = await client.get(link.group(1).replace("&amp;", "&"))

    assert preview.status_code == 200
    assert re.search(r'id="change-charge">20,00\xa0zł<', preview.text)
    form = {"csrf_token": hidden(preview.text), "to": hidden(preview.text, "to")}
    changed = await client.post(f"{lumen.base}/account/subscriptions/{sub.id}/change", data=form)
    pay_url = location(changed)
    assert pay_url.startswith("/pay/")
    await press_pay(client, pay_url)
    await bus.drain(container)

    [after] = await _subscriptions(container, lumen)
    assert (after.id, after.product_id, after.period_end) == (sub.id, lumen.pro.id, sub.period_end)
    page = await client.get(f"{lumen.base}/account")
    assert "<strong>Pro</strong>" in page.text


async def test_a_downgrade_waits_for_the_period_end_and_can_be_undone(
    client: AsyncClient, lumen: Lumen, mailbox: Mailbox, container: Container
) -> None:
    sub = await _subscribed(client, lumen, mailbox, container, lumen.pro)
    account = await client.get(f"{lumen.base}/account")
    assert "Przejdź niżej na Basic" in account.text and "od 1 lutego 2026" in account.text
    preview = await client.get(
        f"{lumen.base}/account/subscriptions/{sub.id}/change?to={lumen.basic.id}"
    )
    form = {"csrf_token": hidden(preview.text), "to": str(lumen.basic.id)}

    changed = await client.post(f"{lumen.base}/account/subscriptions/{sub.id}/change", data=form)

    assert location(changed) == "/s/lumen/account?done=changed"
    page = await client.get(location(changed))
    assert "Przejście na Basic 1 lutego 2026." in page.text
    [still] = await _subscriptions(container, lumen)
    assert still.product_id == lumen.pro.id
    undone = await client.post(f"{lumen.base}/account/subscriptions/{sub.id}/change/undo",
                               data={"csrf_token": form["csrf_token"]})  # fmt: skip
    assert location(undone) == "/s/lumen/account?done=change_undone"
    again = await client.get(location(undone))
    assert "Przejście na Basic" not in again.text and "Przejdź niżej na Basic" in again.text
