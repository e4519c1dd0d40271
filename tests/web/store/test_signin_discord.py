"""Signing in with Discord on the storefront, against the fake Discord API: the state is
checked (missing, forged, reused, expired, another browser's: 400), PKCE S256 (the fake
checks the verifier), the customer linked (Discord + verified email), the tokens kept
encrypted, and a grant that waited for Discord completes when the buyer links it."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from httpx import AsyncClient, Response
from sqlalchemy import select

from shopkeeper import identity
from shopkeeper.bootstrap import Container
from shopkeeper.bots.discord.models import DiscordAccount
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.web.store.models import StoreSession
from tests.bots.discord.conftest import ShopOwner, World, connect_body
from tests.bots.discord.helpers import grants, map_role, settle
from tests.builders.subscriptions import create_plan
from tests.fakes.smtp import Mailbox
from tests.web.store.support import Lumen, buy, location, press_pay, query, sign_in

CALLBACK = "http://testserver/s/lumen/auth/discord/callback"
ADD_MEMBER = "PUT /guilds/{guild_id}/members/{user_id}"


@pytest.fixture
async def connected(client: AsyncClient, lumen: Lumen, world: World) -> Lumen:
    response = await client.post(f"/api/v1/shops/{lumen.shop.slug}/discord",
                                 json=connect_body(world), headers=lumen.owner.headers)  # fmt: skip
    assert response.status_code == 201, response.text
    return lumen


async def _start(client: AsyncClient, lumen: Lumen, next_path: str = "") -> str:
    """Press "Continue with Discord": the consent page's URL."""
    started = await client.get(f"{lumen.base}/auth/discord", params={"next": next_path})
    return location(started)


async def _callback(client: AsyncClient, lumen: Lumen, **params: str) -> Response:
    return await client.get(f"{lumen.base}/auth/discord/callback", params=params)


async def _customer_of(container: Container, lumen: Lumen, kind: str,
                       value: str) -> identity.CustomerRead:  # fmt: skip
    async with unit_of_work(container.sessions) as session:
        return await identity.find_or_create_customer(
            session, shop_id=lumen.shop.id, kind=kind, value=value, now=container.clock.now()
        )


async def _sessions(container: Container) -> list[StoreSession]:
    async with container.sessions() as session:
        return list(await session.scalars(select(StoreSession)))


async def test_discord_sign_in_links_the_customer_and_keeps_the_tokens(
    client: AsyncClient, connected: Lumen, world: World, container: Container
) -> None:
    ola = world.fake.add_user("ola", global_name="Ola", email="Ola@Example.com")
    signin = await client.get(f"{connected.base}/signin")
    assert 'id="discord-signin"' in signin.text

    url = await _start(client, connected, "/s/lumen/p/pro")

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{world.fake.url}/oauth2/authorize"
    asked = query(url)
    assert asked["client_id"] == world.app.id and asked["redirect_uri"] == CALLBACK
    assert asked["scope"] == "identify email guilds.join" and asked["response_type"] == "code"
    assert asked["code_challenge_method"] == "S256" and len(asked["code_challenge"]) == 43
    assert len(asked["state"]) >= 40 and client.cookies.get("sk_store_oauth") == asked["state"]
    code = world.fake.approve(url, ola)

    done = await _callback(client, connected, code=code, state=asked["state"])

    assert location(done) == "/s/lumen/p/pro"
    customer = await _customer_of(container, connected, "discord", ola.id)
    assert {(i.kind, i.value) for i in customer.identities} == {
        ("discord", ola.id),
        ("email", "ola@example.com"),
    }
    assert customer.display_name == "Ola" and customer.language == "pl"
    async with container.sessions() as session:
        [account] = list(await session.scalars(select(DiscordAccount)))
    assert (account.customer_id, account.username) == (customer.id, "ola")
    assert account.scopes.split() == ["identify", "email", "guilds.join"]
    token = container.secrets.decrypt(account.access_token_encrypted)
    assert token in world.fake.access_tokens and token not in account.access_token_encrypted
    assert container.secrets.decrypt(account.refresh_token_encrypted) in world.fake.refresh_grants
    [stored] = await _sessions(container)
    assert (stored.customer_id, stored.method) == (customer.id, "discord")
    page = await client.get(f"{connected.base}/account")
    linked = page.text.split('id="linked-discord"', 1)[1].split("</dd>", 1)[0]
    assert "Ola" in linked and "@ola" in linked


@pytest.mark.parametrize("case", ["missing", "forged", "other_browser", "no_cookie_state"])
async def test_a_bad_state_is_refused_with_a_clear_page(
    client: AsyncClient, connected: Lumen, world: World, container: Container, case: str
) -> None:
    ola = world.fake.add_user("ola")
    url = await _start(client, connected)
    state, code = query(url)["state"], world.fake.approve(url, ola)
    if case == "missing":
        params = {"code": code}
    elif case == "forged":
        params = {"code": code, "state": state[:-4] + "AAAA"}
    elif case == "other_browser":  # the right state, sent from a browser that did not start it
        client.cookies.delete("sk_store_oauth", path="/s/lumen/auth/discord")
        params = {"code": code, "state": state}
    else:  # a state this server never issued, matching a cookie set by the attacker
        client.cookies.set("sk_store_oauth", "x" * 43, path="/s/lumen/auth/discord")
        params = {"code": code, "state": "x" * 43}

    refused = await _callback(client, connected, **params)

    assert refused.status_code == 400 and "text/html" in refused.headers["content-type"]
    assert "Ten link logowania jest nieprawidłowy lub wygasł" in refused.text
    assert await _sessions(container) == [] and "sk_store" not in client.cookies
    assert world.fake.calls_to("POST /oauth2/token") == []  # the code was never exchanged


async def test_a_state_is_single_use_and_lives_ten_minutes(
    client: AsyncClient, connected: Lumen, world: World, clock: FrozenClock
) -> None:
    ola = world.fake.add_user("ola")
    url = await _start(client, connected)
    state = query(url)["state"]
    first = await _callback(client, connected, code=world.fake.approve(url, ola), state=state)
    assert location(first) == "/s/lumen/account"
    client.cookies.set("sk_store_oauth", state, path="/s/lumen/auth/discord")  # replayed

    reused = await _callback(client, connected, code=world.fake.approve(url, ola), state=state)
    assert reused.status_code == 400

    late_url = await _start(client, connected)
    clock.advance(minutes=10, seconds=1)
    late = await _callback(client, connected, code=world.fake.approve(late_url, ola),
                           state=query(late_url)["state"])  # fmt: skip
    assert late.status_code == 400


async def test_the_fake_checks_the_pkce_verifier(
    client: AsyncClient, connected: Lumen, world: World, container: Container
) -> None:
    ola = world.fake.add_user("ola")
    url = await _start(client, connected)
    tampered = url.replace(query(url)["code_challenge"], "A" * 43)  # a challenge we did not make
    code = world.fake.approve(tampered, ola)

    refused = await _callback(client, connected, code=code, state=query(url)["state"])

    assert refused.status_code == 400
    [exchange] = [c for c in world.fake.calls if c.route == "/oauth2/token"]
    assert exchange.status == 400 and exchange.body["code_verifier"]
    assert await _sessions(container) == []


async def test_cancelling_at_discord_goes_back_to_the_sign_in_page(
    client: AsyncClient, connected: Lumen
) -> None:
    url = await _start(client, connected)

    declined = await _callback(client, connected, error="access_denied", state=query(url)["state"])

    assert location(declined) == "/s/lumen/signin?declined=1"
    page = await client.get(location(declined))
    assert "Logowanie przez Discord zostało anulowane" in page.text


async def test_without_a_discord_connection_there_is_no_discord_button(
    client: AsyncClient, lumen: Lumen
) -> None:
    page = await client.get(f"{lumen.base}/signin")
    assert 'id="discord-signin"' not in page.text
    assert (await client.get(f"{lumen.base}/auth/discord")).status_code == 404


async def test_linking_discord_completes_the_grant_that_waited_for_it(
    client: AsyncClient, connected: Lumen, world: World, container: Container, mailbox: Mailbox
) -> None:
    owner = ShopOwner(connected.shop, connected.owner)
    plan = await create_plan(container, shop=connected.shop, name="Premium", price=3900,
                             currency="PLN")  # fmt: skip
    await map_role(client, owner, plan, world.premium.id)
    await sign_in(client, connected, mailbox, "ola@example.com")  # by email: no Discord yet
    back = location(await press_pay(client, location(await buy(client, connected, plan))))
    await settle(container)
    buyer = await _customer_of(container, connected, "email", "ola@example.com")
    [grant] = await grants(container, owner, buyer.id)
    assert grant.state == "action_required"
    account = await client.get(f"{connected.base}/account")
    assert 'id="link-discord"' in account.text
    newcomer = world.fake.add_user("newcomer", email="other@example.com")

    url = await _start(client, connected, "/s/lumen/account")
    linked = await _callback(client, connected, code=world.fake.approve(url, newcomer),
                             state=query(url)["state"])  # fmt: skip

    assert location(linked) == "/s/lumen/account"
    [grant] = await grants(container, owner, buyer.id)
    assert grant.state == "granted"
    [join] = world.fake.calls_to(ADD_MEMBER)
    assert join.body["roles"] == [world.premium.id]
    assert world.guild.members[newcomer.id].roles == [world.premium.id]
    customer = await _customer_of(container, connected, "discord", newcomer.id)
    assert customer.id == buyer.id  # the same person: the email account gained Discord
    assert {i.kind for i in customer.identities} == {"email", "discord"}
    status = await client.get(back)
    assert "Premium aktywne" in status.text
