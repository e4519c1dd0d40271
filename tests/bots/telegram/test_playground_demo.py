"""The demo's bot playground end to end, as a newcomer meets it: /buy a plan of the LumenPay
shop, pay on the sandbox page, get the channel's invite link, join, see it in /status."""

from __future__ import annotations

import re
import uuid

from shopkeeper import bus, payments, shops
from shopkeeper.bootstrap import Container
from shopkeeper.bots.telegram import playground
from shopkeeper.bots.telegram.playground import ChatView, MessageView
from shopkeeper.cli.demo import create_demo_data
from shopkeeper.settings import Settings
from shopkeeper.shops import ShopRead


class Newcomer:
    """The demo admin in the lumen shop's playground."""

    def __init__(self, container: Container, shop: ShopRead) -> None:
        self.container, self.shop = container, shop
        self.me = playground.Tester(staff_user_id=uuid.uuid4(), name="Demo Admin", language="en")

    async def view(self) -> ChatView:
        async with self.container.readers() as session:
            view = await playground.chat_view(
                session,
                shop_id=self.shop.id,
                staff_user_id=self.me.staff_user_id,
                staff_name=self.me.name,
                language="en",
                now=self.container.clock.now(),
            )
        assert view is not None
        return view

    async def last(self) -> MessageView:
        return [m for m in (await self.view()).messages if m.sender == "bot"][-1]

    async def say(self, text: str) -> MessageView:
        await playground.send_text(self.container, shop_id=self.shop.id, tester=self.me, text=text)
        return await self.last()

    async def press(self, label: str) -> MessageView:
        """Press the button whose text starts with `label` under the bot's last message."""
        message = await self.last()
        [button] = [b for row in message.rows for b in row if b.text.startswith(label)]
        await playground.press_button(
            self.container,
            shop_id=self.shop.id,
            tester=self.me,
            message_id=message.message_id,
            data=button.data,
        )
        return await self.last()


async def test_a_newcomer_buys_a_plan_and_joins_the_channel(
    settings: Settings, container: Container
) -> None:
    await create_demo_data(settings, "demo-password-1")
    async with container.readers() as session:
        shop = await shops.get_shop(session, slug="lumen")
    newcomer = Newcomer(container, shop)

    assert "Welcome to LumenPay Channels" in str((await newcomer.say("/start")).html)
    await newcomer.say("/buy")
    await newcomer.press("VIP channel — 1 month")
    await newcomer.press("Continue")
    pay = await newcomer.press("🧪")
    found = re.search(r'href="[^"]*/pay/([0-9a-f-]{36})"', str(pay.html)) or re.search(
        r"/pay/([0-9a-f-]{36})", "".join(b.url for row in pay.rows for b in row)
    )
    assert found, pay.html

    await payments.press_sandbox(container, payment_id=uuid.UUID(found.group(1)), outcome="pay")
    await bus.drain(container)
    await playground.standin(container).writer.flush()

    view = await newcomer.view()
    buttons = [b for m in view.messages for b in m.links + [b for row in m.rows for b in row]]
    joins = [b.link for b in buttons if b.kind == "join"]
    [link] = joins
    assert [lv.link for lv in view.channels[0].links] == [link]
    assert view.channels[0].sold  # the demo's plans sell the playground channel
    joined = await playground.join_via_link(
        container, shop_id=shop.id, tester=newcomer.me, link=link
    )
    assert joined.key == "joined"
    await bus.drain(container)
    members = (await newcomer.view()).channels[0].members
    assert [(m.status, m.is_you) for m in members] == [("member", True)]
    status = await newcomer.say("/status")
    assert "VIP channel — 1 month" in str(status.html)
    assert re.search(r"\b(30|31) days?\b", str(status.html)), status.html
