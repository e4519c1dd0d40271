"""The admin's bots and channels: a Telegram bot connected by its token (never shown back) with
its webhook as the fake Bot API reports it, set again, disconnected after a confirmation;
channels registered with the bot's rights checked, products linked, selling stopped; Discord
roles mapped to plans with the hierarchy check; who may do what, CSRF, other shops, inert text.
Telegram and Discord are the fakes the bots tests use, served on 127.0.0.1 (real wire format)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import pytest
from httpx import AsyncClient, Response

from shopkeeper.bootstrap import Container
from shopkeeper.settings import Settings
from shopkeeper.shops import ShopRead
from tests.bots.discord.conftest import World, connect_body
from tests.builders import shop_with_owner, staff_member
from tests.builders.staff import Staff
from tests.builders.subscriptions import create_plan
from tests.fakes.discord import FakeDiscord
from tests.fakes.telegram import FakeBot, FakeTelegram
from tests.web.admin.support import HOSTILE, csrf_of
from tests.web.seed import sign_in

PUBLIC_URL = "https://shop.example"
CHAT_ID = -1001234567890


@pytest.fixture
def settings(database_url: str, telegram: FakeTelegram, discord: FakeDiscord) -> Settings:
    from tests.conftest import make_settings

    return make_settings(
        database_url, login_delay_seconds=0.001, public_url=PUBLIC_URL, cookie_secure=False,
        telegram_api_url=telegram.url, discord_api_url=discord.url,  # type: ignore[attr-defined]
    )  # fmt: skip


@dataclass
class Shop:
    shop: ShopRead
    owner: Staff

    def url(self, path: str = "") -> str:
        return f"/admin/s/{self.shop.slug}/bots{path}"


@pytest.fixture
async def lumen(container: Container, client: AsyncClient) -> Shop:
    shop, owner = await shop_with_owner(container, client, name="Lumen Club", timezone="UTC")
    assert (await sign_in(client, owner.user.email)).status_code == 303
    return Shop(shop, owner)


async def _post(client: AsyncClient, url: str, page: str, **data: str) -> Response:
    token = csrf_of((await client.get(page)).text)
    return await client.post(url, data={"csrf_token": token, **data})


async def _connect(client: AsyncClient, lumen: Shop, bot: FakeBot) -> str:
    made = await _post(client, lumen.url(), lumen.url(), token=bot.token)
    assert made.status_code == 303, made.text
    page = await client.get(made.headers["location"])
    assert "The bot is connected." in page.text
    found = re.search(r'id="bot-([0-9a-f-]{36})"', page.text)
    assert found
    return found.group(1)


def _field_error(page: Response, name: str) -> str:
    found = re.search(rf'<p class="field-error" id="f-{name}-error">(.*?)</p>', page.text, re.S)
    return found.group(1) if found else ""


# -- Telegram bots ---------------------------------------------------------------------------
async def test_an_owner_connects_a_bot_sees_its_webhook_sets_it_again_and_disconnects(
    client: AsyncClient, lumen: Shop, telegram: FakeTelegram
) -> None:
    empty = await client.get(lumen.url())
    assert empty.status_code == 200 and "No bot connected yet" in empty.text
    assert f'href="/admin/s/{lumen.shop.slug}/playground"' in empty.text
    fake = telegram.add_bot("lumen_bot", HOSTILE)  # a bot's name is free text
    secret = fake.token.split(":")[1]

    refused = await _post(client, lumen.url(), lumen.url(),
                          token="123456:AAunknown-token-0123456789abcdefghij")  # fmt: skip
    assert refused.status_code == 422
    assert "Telegram does not accept this token" in _field_error(refused, "token")
    assert "AAunknown-token" not in refused.text  # never echoed back
    garbage = await _post(client, lumen.url(), lumen.url(), token="not a token")
    assert garbage.status_code == 422 and "This is not a bot token" in garbage.text
    blank = await _post(client, lumen.url(), lumen.url(), token=" ")
    assert blank.status_code == 422 and "Enter the token" in _field_error(blank, "token")

    bot_id = await _connect(client, lumen, fake)
    page = await client.get(lumen.url())
    assert "@lumen_bot" in page.text and "The bot is connected." not in page.text  # said once
    assert f"{PUBLIC_URL}/telegram/{bot_id}" in page.text and "Points here" in page.text
    assert secret not in page.text and fake.token not in page.text
    assert HOSTILE not in page.text and "&lt;script&gt;alert(1)" in page.text
    assert telegram.calls_to("getWebhookInfo")

    fake.webhook_error = (1_767_225_600, "Connection <b>refused</b>")
    fake.webhook_url = "https://elsewhere.example/hook"
    telegram.push_update(fake, {"update_id": 1})
    drifted = await client.get(lumen.url())
    assert (
        "Not this server" in drifted.text
        and "Connection &lt;b&gt;refused&lt;/b&gt;" in drifted.text
    )
    assert re.search(r"<dt>Updates waiting</dt><dd>1</dd>", drifted.text)

    reset = await _post(client, lumen.url(f"/{bot_id}/webhook"), lumen.url())
    assert reset.status_code == 303
    again = await client.get(reset.headers["location"])
    assert "The webhook is set again." in again.text and "Points here" in again.text
    assert fake.webhook_url == f"{PUBLIC_URL}/telegram/{bot_id}"

    asked = await _post(client, lumen.url(f"/{bot_id}/disconnect"), lumen.url())
    assert asked.status_code == 200 and "Disconnect @lumen_bot?" in asked.text
    assert 'name="confirmed" value="yes"' in asked.text and fake.webhook_url  # not yet
    gone = await _post(client, lumen.url(f"/{bot_id}/disconnect"), lumen.url(), confirmed="yes")
    assert gone.status_code == 303
    after = await client.get(lumen.url())
    assert "its token is forgotten" in after.text and "No bot connected yet" in after.text
    assert fake.webhook_url == ""


async def test_when_telegram_cannot_be_reached_the_page_says_so(
    client: AsyncClient, lumen: Shop, telegram: FakeTelegram
) -> None:
    first = telegram.add_bot("lumen_bot")
    bot_id = await _connect(client, lumen, first)
    telegram.fail("getWebhookInfo", code=500)

    page = await client.get(lumen.url())
    assert page.status_code == 200 and "@lumen_bot" in page.text
    assert "Telegram could not be reached, so the webhook state is unknown" in page.text

    telegram.fail("setWebhook", code=400, description="Bad Request: bad webhook: <i>nope</i>")
    refused = await _post(client, lumen.url(f"/{bot_id}/webhook"), lumen.url())
    assert refused.status_code == 502 and 'id="action-error"' in refused.text
    assert "bad webhook: &lt;i&gt;nope&lt;/i&gt;" in refused.text
    other = telegram.add_bot("second_bot")
    telegram.fail("getMe", code=500)
    down = await _post(client, lumen.url(), lumen.url(), token=other.token)
    assert down.status_code == 502 and "Telegram could not be reached" in down.text
    assert other.token.split(":")[1] not in down.text
    taken = await _post(client, lumen.url(), lumen.url(), token=first.token)
    assert taken.status_code == 409 and "already connected" in _field_error(taken, "token")


# -- who may do what -------------------------------------------------------------------------
async def _as(container: Container, client: AsyncClient, lumen: Shop, role: str) -> AsyncClient:
    member = await staff_member(container, client, shop=lumen.shop, role=role)
    other = AsyncClient(transport=client._transport, base_url="http://testserver")
    assert (await sign_in(other, member.user.email)).status_code == 303
    return other


async def test_viewers_look_cashiers_cannot_and_only_admins_change(
    container: Container, client: AsyncClient, lumen: Shop, telegram: FakeTelegram,
    discord: FakeDiscord,
) -> None:  # fmt: skip
    bot_id = await _connect(client, lumen, telegram.add_bot("lumen_bot"))
    channel_id = await _register(client, lumen, telegram)
    pages = [lumen.url(), lumen.url("/channels"), lumen.url("/discord")]
    actions = [
        lumen.url(), lumen.url(f"/{bot_id}/webhook"), lumen.url(f"/{bot_id}/disconnect"),
        lumen.url("/channels"), lumen.url(f"/channels/{channel_id}/check"),
        lumen.url(f"/channels/{channel_id}/deactivate"),
        lumen.url(f"/channels/{channel_id}/products"),
        lumen.url("/discord/roles"), lumen.url("/discord/check"), lumen.url("/discord"),
        lumen.url("/discord/disconnect"),
    ]  # fmt: skip
    calls = len(telegram.calls)

    viewer = await _as(container, client, lumen, "viewer")
    for url in pages:
        seen = await viewer.get(url)
        assert seen.status_code == 200, url
        assert "Connect a bot" not in seen.text and "Disconnect…" not in seen.text
        assert "Check rights" not in seen.text and "Sell access to a chat" not in seen.text
    manager = await _as(container, client, lumen, "manager")
    for role_client in (viewer, manager):
        token = csrf_of((await role_client.get(lumen.url())).text)
        for url in actions:
            data = {"csrf_token": token, "confirmed": "yes", "token": "1:x"}
            assert (await role_client.post(url, data=data)).status_code == 403, url
    cashier = await _as(container, client, lumen, "cashier")
    for url in pages:
        assert (await cashier.get(url)).status_code == 403, url
    admin = await _as(container, client, lumen, "admin")
    assert "Connect a bot" in (await admin.get(lumen.url())).text
    assert [c.method for c in telegram.calls[calls:]].count("setWebhook") == 0
    for extra in (viewer, manager, cashier, admin):
        await extra.aclose()


async def test_forms_without_this_sessions_csrf_token_are_refused(
    client: AsyncClient, lumen: Shop, telegram: FakeTelegram
) -> None:
    fake = telegram.add_bot("lumen_bot")

    urls = [lumen.url(), lumen.url("/channels"), lumen.url("/discord"),
            lumen.url("/discord/roles"), lumen.url("/discord/check"),
            lumen.url(f"/{uuid.uuid4()}/disconnect")]  # fmt: skip
    for url in urls:
        for data in ({"token": fake.token}, {"token": fake.token, "csrf_token": "forged"}):
            refused = await client.post(url, data={**data, "confirmed": "yes"})
            assert refused.status_code == 403 and "The form has expired" in refused.text, url
    assert not telegram.calls_to("getMe")
    assert "No bot connected yet" in (await client.get(lumen.url())).text


async def test_another_shops_bots_and_channels_are_not_found(
    container: Container, client: AsyncClient, lumen: Shop, telegram: FakeTelegram
) -> None:
    bot_id = await _connect(client, lumen, telegram.add_bot("lumen_bot"))
    channel_id = await _register(client, lumen, telegram)
    other, stranger = await shop_with_owner(container, client)
    outsider = AsyncClient(transport=client._transport, base_url="http://testserver")
    await sign_in(outsider, stranger.user.email)
    base = f"/admin/s/{other.slug}/bots"
    token = csrf_of((await outsider.get(base)).text)

    for url in (f"{base}/{bot_id}/webhook", f"{base}/{bot_id}/disconnect",
                f"{base}/channels/{channel_id}/check", f"{base}/channels/{channel_id}/deactivate",
                f"{base}/channels/{channel_id}/products"):  # fmt: skip
        answer = await outsider.post(url, data={"csrf_token": token, "confirmed": "yes",
                                                "product_id": str(channel_id)})  # fmt: skip
        assert answer.status_code == 404, url
    assert (await outsider.get(lumen.url())).status_code == 404  # not a member of lumen
    mine = csrf_of((await client.get(lumen.url())).text)
    malformed = await client.post(lumen.url("/not-an-id/webhook"), data={"csrf_token": mine})
    assert malformed.status_code in (400, 404)
    page = await client.get(lumen.url())
    assert "@lumen_bot" in page.text  # nothing changed
    await outsider.aclose()


# -- channels --------------------------------------------------------------------------------
async def _register(
    client: AsyncClient, lumen: Shop, telegram: FakeTelegram, *, title: str = "Lumen VIP",
    products: tuple[str, ...] = (),
) -> str:  # fmt: skip
    telegram.add_chat(CHAT_ID, title, "channel")
    telegram.set_rights(CHAT_ID, admin=True)
    page = await client.get(lumen.url("/channels"))
    bot = re.search(r'<option value="([0-9a-f-]{36})"', page.text)
    assert bot, page.text[page.text.find("<main") :]
    made = await client.post(lumen.url("/channels"), data={
        "csrf_token": csrf_of(page.text), "chat": str(CHAT_ID), "bot_id": bot.group(1),
        "mode": "invite_link", "title": "", "products": list(products)})  # fmt: skip
    assert made.status_code == 303, made.text
    listed = await client.get(lumen.url("/channels"))
    found = re.search(r'<tr id="channel-([0-9a-f-]{36})"', listed.text)
    assert found
    return found.group(1)


async def test_a_channel_is_registered_after_its_rights_check_and_sold_with_plans(
    container: Container, client: AsyncClient, lumen: Shop, telegram: FakeTelegram
) -> None:
    plan = await create_plan(container, shop=lumen.shop, name="VIP <b>month</b>")
    year = await create_plan(container, shop=lumen.shop, name="VIP year")
    empty = await client.get(lumen.url("/channels"))
    assert "Connect a bot first" in empty.text
    await _connect(client, lumen, telegram.add_bot("lumen_bot"))
    page = await client.get(lumen.url("/channels"))
    assert "No channels or groups yet." in page.text
    bot_id = re.search(r'<option value="([0-9a-f-]{36})"', page.text).group(1)  # type: ignore[union-attr]
    telegram.add_chat(CHAT_ID, HOSTILE, "channel")
    telegram.set_rights(CHAT_ID, admin=False)
    form = {"csrf_token": csrf_of(page.text), "chat": str(CHAT_ID), "bot_id": bot_id,
            "mode": "join_request", "title": "", "products": [str(plan.id)]}  # fmt: skip

    not_admin = await client.post(lumen.url("/channels"), data=form)
    assert not_admin.status_code == 422
    assert "Make the bot an administrator of the chat." in _field_error(not_admin, "chat")
    assert (
        f'value="{CHAT_ID}"' in not_admin.text and 'value="join_request" checked' in not_admin.text
    )
    bad = await client.post(lumen.url("/channels"), data={**form, "chat": "lumen"})
    assert bad.status_code == 422 and "@username" in _field_error(bad, "chat")
    unknown = await client.post(lumen.url("/channels"), data={**form, "chat": "-100999"})
    assert unknown.status_code == 422 and "Telegram cannot find this chat" in unknown.text

    telegram.set_rights(CHAT_ID, admin=True)
    made = await client.post(lumen.url("/channels"), data=form)
    assert made.status_code == 303, made.text
    listed = await client.get(made.headers["location"])
    assert "The chat is registered" in listed.text
    assert HOSTILE not in listed.text and "&lt;script&gt;" in listed.text
    assert "VIP &lt;b&gt;month&lt;/b&gt;" in listed.text and "join request" in listed.text
    assert listed.text.count('class="present"') == 3 and 'class="missing"' not in listed.text
    channel_id = re.search(r'<tr id="channel-([0-9a-f-]{36})"', listed.text).group(1)  # type: ignore[union-attr]
    again = await client.post(lumen.url("/channels"), data=form)
    assert again.status_code == 409 and "already sold here" in again.text

    telegram.set_rights(CHAT_ID, admin=True, can_restrict_members=False)
    checked = await _post(
        client, lumen.url(f"/channels/{channel_id}/check"), lumen.url("/channels")
    )
    assert checked.status_code == 303
    shown = await client.get(lumen.url("/channels"))
    assert "the bot lacks some rights" in shown.text
    assert shown.text.count('class="present"') == 2 and shown.text.count('class="missing"') == 1
    assert "Give it the right “Ban users”." in shown.text

    linked = await _post(client, lumen.url(f"/channels/{channel_id}/products"),
                         lumen.url("/channels"), product_id=str(year.id))  # fmt: skip
    assert linked.status_code == 303
    both = await client.get(lumen.url("/channels"))
    assert "VIP year" in both.text.split("<tbody>")[1]
    assert f'id="link-{channel_id}"' not in both.text  # nothing left to link
    unlinked = await _post(client, lumen.url(f"/channels/{channel_id}/products/{plan.id}/unlink"),
                           lumen.url("/channels"))  # fmt: skip
    assert unlinked.status_code == 303
    rows = (await client.get(lumen.url("/channels"))).text.split("<tbody>")[1]
    assert "VIP &lt;b&gt;month" not in rows.split("<select")[0] and "VIP year" in rows
    assert f'id="link-{channel_id}"' in rows

    asked = await _post(
        client, lumen.url(f"/channels/{channel_id}/deactivate"), lumen.url("/channels")
    )
    assert asked.status_code == 200 and "Stop selling" in asked.text
    done = await _post(client, lumen.url(f"/channels/{channel_id}/deactivate"),
                       lumen.url("/channels"), confirmed="yes")  # fmt: skip
    assert done.status_code == 303
    final = await client.get(lumen.url("/channels?state=inactive"))
    assert "no longer sold; its members stay" in final.text and "No longer sold" in final.text
    assert "Lumen VIP" not in (await client.get(lumen.url("/channels?state=active"))).text


# -- Discord ---------------------------------------------------------------------------------
def _world(discord: FakeDiscord) -> World:
    app = discord.add_app("Shopkeeper")
    owner = discord.add_user("guild_owner")
    guild = discord.add_guild("Lumen <Club>", owner, bot_of=app, bot_role_position=5)
    guild.add_role("Premium", position=2)
    guild.add_role("VIP", position=3)
    guild.add_role("Admins", position=9, permissions=1 << 3)
    return World(discord, app, guild, owner)


async def test_discord_roles_are_mapped_changed_and_stopped_with_the_hierarchy_checked(
    container: Container, client: AsyncClient, lumen: Shop, discord: FakeDiscord
) -> None:
    plan = await create_plan(container, shop=lumen.shop, name="Premium month")
    world = _world(discord)
    none = await client.get(lumen.url("/discord"))
    assert none.status_code == 200 and "No Discord server connected" in none.text
    api = f"/api/v1/shops/{lumen.shop.slug}/discord"
    connected = await client.post(api, json=connect_body(world), headers=lumen.owner.headers)
    assert connected.status_code == 201, connected.text
    page = await client.get(lumen.url("/discord"))
    assert "Lumen &lt;Club&gt;" in page.text and "No role is sold yet" in page.text
    admins, premium, vip = (world.guild.role_named(n) for n in ("Admins", "Premium", "VIP"))
    assert "@Admins — the bot cannot give it" in page.text

    above = await _post(client, lumen.url("/discord/roles"), lumen.url("/discord"),
                        role_id=admins.id, product_id=str(plan.id))  # fmt: skip
    assert above.status_code == 422
    assert "must be above “Admins”" in _field_error(above, "role_id")
    assert f'<option value="{plan.id}" selected' in above.text
    missing = await _post(client, lumen.url("/discord/roles"), lumen.url("/discord"),
                          role_id=premium.id, product_id="")  # fmt: skip
    assert missing.status_code == 422 and _field_error(missing, "product_id")

    mapped = await _post(client, lumen.url("/discord/roles"), lumen.url("/discord"),
                         role_id=premium.id, product_id=str(plan.id))  # fmt: skip
    assert mapped.status_code == 303
    shown = await client.get(lumen.url("/discord"))
    assert "The role is mapped" in shown.text and "@Premium</strong>" in shown.text
    assert f'id="mapping-{premium.id}-{plan.id}"' in shown.text

    old = lumen.url(f"/discord/roles/{premium.id}/products/{plan.id}")
    refused = await _post(client, f"{old}/change", lumen.url("/discord"), role_id=admins.id)
    assert refused.status_code == 422 and "must be above" in refused.text
    assert f'id="mapping-{premium.id}-{plan.id}"' in refused.text  # the old one stays
    changed = await _post(client, f"{old}/change", lumen.url("/discord"), role_id=vip.id)
    assert changed.status_code == 303
    now = await client.get(lumen.url("/discord"))
    assert f'id="mapping-{vip.id}-{plan.id}"' in now.text
    assert f'id="mapping-{premium.id}-{plan.id}"' not in now.text

    checked = await _post(client, lumen.url("/discord/check"), lumen.url("/discord"))
    assert checked.status_code == 303
    assert "the bot can give every mapped role" in (await client.get(lumen.url("/discord"))).text

    asked = await _post(client, lumen.url(f"/discord/roles/{vip.id}/products/{plan.id}/unmap"),
                        lumen.url("/discord"))  # fmt: skip
    assert asked.status_code == 200 and "Stop giving @VIP?" in asked.text
    stale = await _post(client, lumen.url(f"/discord/roles/{premium.id}/products/{plan.id}/unmap"),
                        lumen.url("/discord"), confirmed="yes")  # fmt: skip
    assert stale.status_code == 404
    done = await _post(client, lumen.url(f"/discord/roles/{vip.id}/products/{plan.id}/unmap"),
                       lumen.url("/discord"), confirmed="yes")  # fmt: skip
    assert done.status_code == 303
    assert "No role is sold yet" in (await client.get(lumen.url("/discord"))).text


async def test_discord_is_connected_from_its_form_and_disconnected_after_a_confirmation(
    client: AsyncClient, lumen: Shop, discord: FakeDiscord
) -> None:
    world = _world(discord)
    elsewhere = discord.add_guild("Other", world.owner)  # the bot was never invited there
    body = {k: v or "" for k, v in connect_body(world).items()}
    page = await client.get(lumen.url("/discord"))
    assert "No Discord server connected" in page.text and "Connect Discord" in page.text

    wrong = await _post(client, lumen.url("/discord"), lumen.url("/discord"),
                        **{**body, "bot_token": "MTE.wrong-token-abcdefghijklmnop"})  # fmt: skip
    assert wrong.status_code == 422
    assert "Discord does not accept this bot token" in _field_error(wrong, "bot_token")
    assert "wrong-token" not in wrong.text and world.app.client_secret not in wrong.text
    assert f'value="{world.app.id}"' in wrong.text  # what is not secret stays typed
    typo = await _post(client, lumen.url("/discord"), lumen.url("/discord"),
                       **{**body, "application_id": "12ab", "public_key": "xyz"})  # fmt: skip
    assert typo.status_code == 422 and "15 to 21 digits" in _field_error(typo, "application_id")
    assert "64 hexadecimal" in _field_error(typo, "public_key")
    absent = await _post(client, lumen.url("/discord"), lumen.url("/discord"),
                         **{**body, "guild_id": elsewhere.id})  # fmt: skip
    assert absent.status_code == 422
    assert "The bot is not in this server" in _field_error(absent, "guild_id")
    assert "discord.com/oauth2/authorize" in absent.text

    made = await _post(client, lumen.url("/discord"), lumen.url("/discord"), **body)
    assert made.status_code == 303, made.text
    shown = await client.get(made.headers["location"])
    assert "Discord is connected." in shown.text and "Lumen &lt;Club&gt;" in shown.text
    assert world.app.token not in shown.text and world.app.client_secret not in shown.text

    asked = await _post(client, lumen.url("/discord/disconnect"), lumen.url("/discord"))
    assert asked.status_code == 200 and "Disconnect Discord?" in asked.text
    gone = await _post(client, lumen.url("/discord/disconnect"), lumen.url("/discord"),
                       confirmed="yes")  # fmt: skip
    assert gone.status_code == 303
    after = await client.get(lumen.url("/discord"))
    assert "Discord is disconnected" in after.text and "No Discord server connected" in after.text
    again = await _post(client, lumen.url("/discord/disconnect"), lumen.url("/discord"))
    assert again.status_code == 404


async def test_the_playground_bot_is_listed_like_any_other(
    client: AsyncClient, lumen: Shop, telegram: FakeTelegram
) -> None:
    playground = f"/admin/s/{lumen.shop.slug}/playground"
    made = await _post(client, f"{playground}/create", playground)
    assert made.status_code == 303, made.text

    page = await client.get(lumen.url())

    assert page.status_code == 200 and "_playground_bot" in page.text
    assert "Telegram could not be reached" not in page.text  # read in process, not from Telegram
    assert not telegram.calls_to("getWebhookInfo")


async def test_checking_a_chat_whose_bot_was_disconnected_says_so(
    client: AsyncClient, lumen: Shop, telegram: FakeTelegram
) -> None:
    bot_id = await _connect(client, lumen, telegram.add_bot("lumen_bot"))
    channel_id = await _register(client, lumen, telegram)
    gone = await _post(client, lumen.url(f"/{bot_id}/disconnect"), lumen.url(), confirmed="yes")
    assert gone.status_code == 303

    checked = await _post(client, lumen.url(f"/channels/{channel_id}/check"),
                          lumen.url("/channels"))  # fmt: skip

    assert checked.status_code == 409 and 'id="action-error"' in checked.text
    assert "The chat&#39;s bot is disconnected" in checked.text
    assert "(disconnected)" in checked.text  # the row says whose bot it was
