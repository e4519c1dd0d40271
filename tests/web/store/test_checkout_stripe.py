"""Buying a premium tier on the storefront when the shop's gateway is Stripe, against the fake
Stripe and the fake Discord: Buy redirects to the Checkout Session's URL, the signed
checkout.session.completed webhook pays the order, and the customer (signed in with Discord,
already a member of the guild) gets the tier's role. A forged signature changes nothing."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from shopkeeper import orders, subscriptions
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.settings import Settings
from tests.bots.discord.conftest import ShopOwner, World, connect_body
from tests.bots.discord.helpers import map_role, settle
from tests.builders.payments import configure, deliver
from tests.conftest import make_settings
from tests.fakes.discord import FakeDiscord, User
from tests.fakes.smtp import Mailbox
from tests.fakes.stripe import SECRET_KEY, WEBHOOK_SECRET, Delivery, sign
from tests.payments.conftest import Gateways, gateways
from tests.web.store.support import Lumen, buy, location, query

__all__ = ["gateways"]
CONFIG = {"secret_key": SECRET_KEY, "webhook_secret": WEBHOOK_SECRET}
ADD_ROLE = "PUT /guilds/{guild_id}/members/{user_id}/roles/{role_id}"
ADD_MEMBER = "PUT /guilds/{guild_id}/members/{user_id}"


@pytest.fixture
def settings(database_url: str, mailbox: Mailbox, discord: FakeDiscord,
             gateways: Gateways) -> Settings:  # fmt: skip
    return make_settings(database_url, login_delay_seconds=0, discord_api_url=discord.url,
                         stripe_api_url=gateways.stripe_url, **mailbox.settings())  # fmt: skip


@pytest.fixture
async def stripe_shop(client: AsyncClient, lumen: Lumen, world: World) -> Lumen:
    """Lumen with its Discord guild connected, Pro mapped to the Premium role, and Stripe on
    (which the storefront prefers to the sandbox)."""
    owner = lumen.owner
    connected = await client.post(
        f"/api/v1/shops/{lumen.shop.slug}/discord", json=connect_body(world), headers=owner.headers
    )
    assert connected.status_code == 201, connected.text
    await map_role(client, ShopOwner(lumen.shop, owner), lumen.pro, world.premium.id)
    await configure(client, shop=lumen.shop, staff=lumen.owner, provider="stripe", config=CONFIG)
    return lumen


async def _sign_in_with_discord(client: AsyncClient, lumen: Lumen, world: World) -> User:
    """A guild member presses "Continue with Discord" and approves on the fake's consent page."""
    ola = world.fake.add_user("ola", global_name="Ola", email="ola@example.com")
    world.fake.join(world.guild, ola)
    consent = location(await client.get(f"{lumen.base}/auth/discord"))
    code = world.fake.approve(consent, ola)
    done = await client.get(f"{lumen.base}/auth/discord/callback",
                            params={"code": code, "state": query(consent)["state"]})  # fmt: skip
    assert location(done) == "/s/lumen/account"
    return ola


async def _checkout(client: AsyncClient, lumen: Lumen, gateways: Gateways,
                    container: Container) -> tuple[orders.OrderRead, str]:  # fmt: skip
    """Press Buy on Pro: the pending order and the Checkout Session the browser is sent to."""
    redirect = location(await buy(client, lumen, lumen.pro))
    async with unit_of_work(container.sessions) as session:
        [order] = (await orders.list_orders(session, shop_id=lumen.shop.id)).items
    session_id = redirect.rsplit("/", 1)[1]
    assert redirect == f"https://checkout.stripe.com/c/pay/{session_id}"
    return order, session_id


def _completed(gateways: Gateways, session_id: str) -> Delivery:
    """The customer pays on Stripe's page: the checkout.session.completed event Stripe sends."""
    [completed] = [d for d in gateways.stripe.complete(session_id)
                   if d.type == "checkout.session.completed"]  # fmt: skip
    return completed


async def _subscriptions(
    container: Container, lumen: Lumen
) -> list[subscriptions.SubscriptionRead]:
    async with unit_of_work(container.sessions) as session:
        page = await subscriptions.list_subscriptions(session, shop_id=lumen.shop.id,
                                                      now=container.clock.now())  # fmt: skip
    return page.items


async def test_a_tier_paid_through_stripe_checkout_grants_the_discord_role(
    client: AsyncClient, stripe_shop: Lumen, world: World, gateways: Gateways,
    container: Container,
) -> None:  # fmt: skip
    lumen = stripe_shop
    ola = await _sign_in_with_discord(client, lumen, world)

    order, session_id = await _checkout(client, lumen, gateways, container)

    assert (order.state, order.source, order.total, order.currency) == ("pending", "storefront",
                                                                        4900, "PLN")  # fmt: skip
    [(method, path, params, headers)] = gateways.stripe.requests
    assert (method, path) == ("POST", "/v1/checkout/sessions")
    assert headers["authorization"] == f"Bearer {SECRET_KEY}"
    sent = gateways.stripe.sessions[session_id]
    assert (sent["mode"], sent["amount_total"], sent["currency"]) == ("subscription", 4900, "pln")
    back = f"http://testserver/s/lumen/checkout/%s?order={order.id}"
    assert (sent["success_url"], sent["cancel_url"]) == (back % "success", back % "cancel")
    assert sent["metadata"]["order_id"] == str(order.id)
    assert params["line_items"]["0"]["price_data"]["recurring"]["interval"] == "month"
    waiting = await client.get(back % "success")
    assert "Czekamy na płatność" in waiting.text
    assert world.fake.calls_to(ADD_ROLE) == []

    completed = _completed(gateways, session_id)
    answer = await deliver(client, shop=lumen.shop, provider="stripe", body=completed.body,
                           headers=completed.headers)  # fmt: skip
    await settle(container)

    assert answer.status_code == 200, answer.text
    assert answer.json() == {"status": "processed", "duplicate": False}
    success = await client.get(back % "success")
    assert success.status_code == 200 and "Premium aktywne" in success.text
    assert "Pro" in success.text and "hx-trigger" not in success.text
    [sub] = await _subscriptions(container, lumen)
    assert (sub.status, sub.product_id, sub.customer_id) == ("active", lumen.pro.id,
                                                             order.customer_id)  # fmt: skip
    account = await client.get(f"{lumen.base}/account")
    assert account.status_code == 200 and f'id="cancel-{sub.id}"' in account.text
    assert "<strong>Pro</strong>" in account.text and "Aktywna" in account.text
    [role_call] = world.fake.calls_to(ADD_ROLE)
    assert role_call.path == f"/guilds/{world.guild.id}/members/{ola.id}/roles/{world.premium.id}"
    assert role_call.auth == f"Bot {world.app.token}"
    assert world.guild.members[ola.id].roles == [world.premium.id]
    assert world.fake.calls_to(ADD_MEMBER) == []  # already a member: only the role is added


async def test_a_forged_stripe_signature_changes_nothing(
    client: AsyncClient, stripe_shop: Lumen, world: World, gateways: Gateways,
    container: Container, clock: FrozenClock,
) -> None:  # fmt: skip
    lumen = stripe_shop
    ola = await _sign_in_with_discord(client, lumen, world)
    order, session_id = await _checkout(client, lumen, gateways, container)
    genuine = _completed(gateways, session_id)
    t = int(clock.now().timestamp())
    attacker = {**genuine.headers, "Stripe-Signature": sign("whsec_attacker0123456", t,
                                                            genuine.body)}  # fmt: skip
    forged = [Delivery(genuine.body, attacker, genuine.type), genuine.tampered()]

    answers = [
        await deliver(client, shop=lumen.shop, provider="stripe", body=d.body, headers=d.headers)
        for d in forged
    ]
    await settle(container)

    assert [a.status_code for a in answers] == [401, 401], [a.text for a in answers]
    assert all(a.json()["error"] for a in answers)
    async with unit_of_work(container.sessions) as session:
        after = await orders.get_order(session, shop_id=lumen.shop.id, order_id=order.id)
    assert (after.state, after.paid_at) == ("pending", None)
    assert await _subscriptions(container, lumen) == []
    assert world.fake.calls_to(ADD_ROLE) == [] and world.fake.calls_to(ADD_MEMBER) == []
    assert world.guild.members[ola.id].roles == []
    page = await client.get(f"{lumen.base}/checkout/success?order={order.id}")
    assert "Premium aktywne" not in page.text and "Czekamy na płatność" in page.text
