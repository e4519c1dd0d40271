"""The admin's broadcasts section: list, compose (inline errors, audience size, preview),
actions by state, live progress, permissions, CSRF, tenancy and inert HTML."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from httpx import AsyncClient, Response
from sqlalchemy import delete

from shopkeeper import audit, shops
from shopkeeper.bootstrap import Container
from shopkeeper.bots import telegram
from shopkeeper.db import unit_of_work
from shopkeeper.notifications.broadcasts import BroadcastEngine, get_broadcast
from shopkeeper.notifications.broadcasts.saved import create_saved_audience
from shopkeeper.notifications.broadcasts.schemas import SavedAudienceCreate
from shopkeeper.settings import Settings
from shopkeeper.shops.models import RolePermission
from tests.builders.subscriptions import create_plan
from tests.conftest import make_settings
from tests.fakes.server import serve
from tests.fakes.telegram import FakeTelegram
from tests.web.broadcast_support import compose, connect_bot, csrf_of, form_body, people
from tests.web.seed import World, sign_in

OWNER = "owner@example.com"
HOSTILE = '<b>Hi</b> &lt;script&gt;alert(1)&lt;/script&gt; <a href="javascript:alert(2)">x</a>'
HOSTILE_BUTTON = "<img src=x onerror=alert(3)>"


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram()
    async with serve(fake.app()) as url:
        fake.url = url  # type: ignore[attr-defined]
        yield fake


@pytest.fixture
def settings(database_url: str, fake_telegram: FakeTelegram) -> Settings:
    return make_settings(
        database_url, login_delay_seconds=0, broadcast_rate_per_second=30,
        telegram_api_url=fake_telegram.url,  # type: ignore[attr-defined]
    )  # fmt: skip


@pytest.fixture
async def north(world: World) -> shops.ShopRead:
    owner = await world.user(OWNER)
    return await world.shop("north", owner=owner, name="North Coffee")


@pytest.fixture
async def bot(
    container: Container, fake_telegram: FakeTelegram, north: shops.ShopRead
) -> telegram.BotRead:
    return await connect_bot(container, fake_telegram, north)


def base(path: str = "") -> str:
    return f"/admin/s/north/broadcasts{path}"


def id_of(response: Response) -> str:
    assert response.status_code == 303, response.text
    return response.headers["location"].rsplit("/", 1)[1]


async def post(client: AsyncClient, path: str, **data: str) -> Response:
    """A form post from the broadcast's page, with its CSRF token."""
    page = await client.get("/admin/s/north")
    token = csrf_of(page.text)
    return await client.post(base(path), data={"csrf_token": token, **data})


async def deliver(container: Container, broadcast_id: str) -> None:
    await BroadcastEngine(container, worker="test").deliver(uuid.UUID(broadcast_id))


async def status_of(container: Container, shop: shops.ShopRead, broadcast_id: str) -> str:
    async with container.readers() as session:
        found = await get_broadcast(
            session, shop_id=shop.id, broadcast_id=uuid.UUID(broadcast_id),
            now=container.clock.now(),
        )  # fmt: skip
    return found.status


async def test_the_empty_list_invites_a_first_broadcast(
    client: AsyncClient, north: shops.ShopRead
) -> None:
    await sign_in(client, OWNER)
    page = await client.get(base())
    assert page.status_code == 200
    assert "No broadcasts yet" in page.text and 'href="/admin/s/north/broadcasts/new"' in page.text
    assert re.search(r'href="/admin/s/north/broadcasts" aria-current="page">Broadcasts<', page.text)


async def test_a_draft_is_composed_listed_newest_first_and_edited(
    client: AsyncClient, container: Container, north: shops.ShopRead, bot: telegram.BotRead
) -> None:
    await sign_in(client, OWNER)
    plan = await create_plan(container, shop=north, price=1500, name="Gold")
    first = id_of(await compose(client, "north", text="First <i>one</i>"))
    second = id_of(
        await compose(
            client, "north", text="Second", audience_kind="plan_subscribers", bot_id=str(bot.id),
            **{"plan_subscribers.product_id": str(plan.id)},
            button_text=["Shop", ""], button_url=["https://north.example/shop", ""],
        )
    )  # fmt: skip

    detail = await client.get(base(f"/{second}"))  # where the form's redirect leads
    assert "The draft is saved." in detail.text and ">Draft<" in detail.text
    assert "North (@north_bot)" in detail.text and "Shop" in detail.text

    listing = await client.get(base())
    assert listing.text.index(f"/broadcasts/{second}") < listing.text.index(f"/broadcasts/{first}")
    assert "Subscribers of Gold" in listing.text and "Everyone who started the bot" in listing.text
    assert "First one" in listing.text  # the excerpt drops the markup
    assert "The draft is saved." not in listing.text  # said once

    edit = await client.get(base(f"/{first}/edit"))
    assert edit.status_code == 200 and "First &lt;i&gt;one&lt;/i&gt;</textarea>" in edit.text
    saved = await client.post(
        base(f"/{first}"),
        data=form_body(csrf_token=csrf_of(edit.text), text="Now <b>bold</b>",
                       audience_kind="expired_within", **{"expired_within.days": "7"}),
    )  # fmt: skip
    assert saved.status_code == 303
    detail = await client.get(base(f"/{first}"))
    assert "Now <b>bold</b>" in detail.text  # Telegram's formatting, in the preview
    assert "Subscription ended in the last 7 days" in detail.text
    async with container.readers() as session:
        entries = await audit.list_entries(session, shop_id=north.id)
    actions = [e.action for e in entries.items]
    assert actions.count("notifications.broadcast_created") == 2
    assert "notifications.broadcast_updated" in actions


async def test_tagged_and_saved_audiences_are_offered_and_summarised(
    client: AsyncClient, container: Container, north: shops.ShopRead
) -> None:
    await sign_in(client, OWNER)
    async with unit_of_work(container.sessions) as session:
        saved = await create_saved_audience(
            session, shop_id=north.id, actor=audit.Actor.system("test"), now=container.clock.now(),
            data=SavedAudienceCreate.model_validate(
                {"name": "Lapsed VIPs", "audience": {"kind": "tagged", "tags": ["vip"]}}
            ),
        )  # fmt: skip
    form = await client.get(base("/new"))
    assert 'value="tagged"' in form.text and f'value="{saved.id}"' in form.text
    assert "Lapsed VIPs" in form.text

    tagged = id_of(
        await compose(
            client, "north", text="For tags", audience_kind="tagged",
            **{"tagged.tags": " vip, Gold ", "tagged.match": "all"},
        )
    )  # fmt: skip
    chosen = id_of(
        await compose(
            client, "north", text="For the saved one", audience_kind="saved",
            **{"saved.audience_id": str(saved.id)},
        )
    )  # fmt: skip
    listing = await client.get(base())
    assert "Customers with all of the tags: vip, gold" in listing.text
    assert "Saved audience: Lapsed VIPs" in listing.text
    async with container.readers() as session:
        stored = await get_broadcast(
            session, shop_id=north.id, broadcast_id=uuid.UUID(tagged), now=container.clock.now()
        )
        other = await get_broadcast(
            session, shop_id=north.id, broadcast_id=uuid.UUID(chosen), now=container.clock.now()
        )
    assert stored.audience == {"kind": "tagged", "tags": ["vip", "gold"], "match": "all"}
    assert other.audience == {"kind": "saved", "audience_id": str(saved.id)}


async def test_the_services_errors_show_beside_their_fields_and_nothing_is_saved(
    client: AsyncClient, north: shops.ShopRead, bot: telegram.BotRead
) -> None:
    await sign_in(client, OWNER)
    refused = await compose(
        client, "north", text="<b>Sale", audience_kind="plan_subscribers",
        button_text=["Open", ""], button_url=["not a link", ""],
    )  # fmt: skip
    assert refused.status_code == 422
    html = refused.text
    assert re.search(r'id="f-text-error">[^<]*&lt;b&gt; is never closed', html)
    assert 'aria-invalid="true"' in html and 'aria-describedby="f-text-help f-text-error"' in html
    assert re.search(r'id="f-button-1-error">Enter a full web address', html)
    assert re.search(r'id="aud-plan_subscribers-product_id-error">Fill this in', html)
    assert "&lt;b&gt;Sale</textarea>" in html and 'value="not a link"' in html  # kept

    caption = await compose(client, "north", text="x" * 1100, image_url="https://img.example/a.png")
    assert caption.status_code == 422
    assert re.search(r'id="f-text-error">With an image the text is a caption', caption.text)

    days = await compose(client, "north", audience_kind="expired_within",
                         **{"expired_within.days": "0"})  # fmt: skip
    assert re.search(r'id="aud-expired_within-days-error">Enter at least 1', days.text)
    assert "No broadcasts yet" in (await client.get(base())).text


async def test_the_audience_size_and_the_preview_answer_the_form_as_it_is(
    client: AsyncClient, container: Container, north: shops.ShopRead, bot: telegram.BotRead
) -> None:
    await sign_in(client, OWNER)
    await people(container, north, bot, 3)
    token = csrf_of((await client.get(base("/new"))).text)

    size = await client.post(base("/audience-size"), data=form_body(csrf_token=token))
    assert size.status_code == 200 and '<strong class="stat">3</strong>' in size.text
    never = form_body(csrf_token=token, audience_kind="never_paid")
    assert '<strong class="stat">3</strong>' in (await client.post(base("/audience-size"),
                                                                   data=never)).text  # fmt: skip
    no_plan = form_body(csrf_token=token, audience_kind="plan_subscribers")
    answer = await client.post(base("/audience-size"), data=no_plan)
    assert answer.status_code == 200 and "Fill this in." in answer.text

    preview = await client.post(
        base("/preview"),
        data=form_body(csrf_token=token, text=HOSTILE, image_url="javascript:alert(4)",
                       button_text=[HOSTILE_BUTTON],
                       button_url=["https://north.example"]),
    )  # fmt: skip
    assert preview.status_code == 200
    assert "<b>Hi</b>" in preview.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in preview.text
    assert "<script" not in preview.text and not re.search(r"href=\S*javascript:", preview.text)
    assert "javascript:alert(4)" in preview.text  # the typed image URL, shown as text only
    assert "<img" not in preview.text and "&lt;img src=x onerror=alert(3)&gt;" in preview.text
    broken = await client.post(base("/preview"), data=form_body(csrf_token=token, text="<b>x"))
    assert "Telegram would not accept this message yet" in broken.text


async def test_html_in_a_broadcast_stays_inert_in_the_list_and_the_detail(
    client: AsyncClient, north: shops.ShopRead, bot: telegram.BotRead
) -> None:
    await sign_in(client, OWNER)
    broadcast = id_of(
        await compose(client, "north", text=HOSTILE, button_text=[HOSTILE_BUTTON],
                      button_url=["https://north.example"])
    )  # fmt: skip
    for page in (await client.get(base()), await client.get(base(f"/{broadcast}"))):
        assert page.status_code == 200
        assert "<script" not in page.text.replace('<script src="/static/', "")
        assert "javascript:" not in page.text and "onerror=alert(3)>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in (await client.get(base())).text


async def test_test_send_then_live_progress_to_the_end(
    client: AsyncClient, container: Container, fake_telegram: FakeTelegram,
    north: shops.ShopRead, bot: telegram.BotRead,
) -> None:  # fmt: skip
    await sign_in(client, OWNER)
    crowd = await people(container, north, bot, 4)
    broadcast = id_of(await compose(client, "north"))

    unlinked = await post(client, f"/{broadcast}/test")
    assert unlinked.status_code == 409 and "You have no Telegram chat" in unlinked.text
    [me] = await people(container, north, bot, 1, email=OWNER)
    tested = await post(client, f"/{broadcast}/test")
    assert tested.status_code == 303
    assert "The test was sent." in (await client.get(tested.headers["location"])).text
    assert [p["chat_id"] for p in fake_telegram.sent()] == [me]
    other = await post(client, f"/{broadcast}/test", telegram_user_id=str(crowd[0]))
    assert other.status_code == 303 and fake_telegram.sent()[-1]["chat_id"] == crowd[0]

    started = await post(client, f"/{broadcast}/send")
    assert started.status_code == 303
    live = await client.get(base(f"/{broadcast}/progress?status=sending"))
    assert 'hx-trigger="every 1s"' in live.text and 'data-figure="remaining">5<' in live.text
    assert "hx-swap-oob" not in live.text  # same state: the actions stay as they are

    await deliver(container, broadcast)
    done = await client.get(base(f"/{broadcast}/progress?status=sending"))
    assert 'data-figure="sent">5<' in done.text and "100 %" in done.text
    assert "hx-trigger" not in done.text  # finished: polling stops
    assert 'id="broadcast-status" hx-swap-oob="true">Completed<' in done.text
    assert "Nothing more can be done with this broadcast." in done.text
    assert sorted(p["chat_id"] for p in fake_telegram.sent()[2:]) == sorted([*crowd, me])


async def test_pause_resume_and_cancel_after_a_confirmation(
    client: AsyncClient, container: Container, north: shops.ShopRead, bot: telegram.BotRead
) -> None:
    await sign_in(client, OWNER)
    await people(container, north, bot, 3)
    broadcast = id_of(await compose(client, "north"))
    assert (await post(client, f"/{broadcast}/send")).status_code == 303
    detail = await client.get(base(f"/{broadcast}"))
    assert f'action="/admin/s/north/broadcasts/{broadcast}/pause"' in detail.text
    assert 'data-dialog-open="cancel-dialog"' in detail.text and "<dialog" in detail.text

    assert (await post(client, f"/{broadcast}/pause")).status_code == 303
    assert await status_of(container, north, broadcast) == "paused"
    again = await post(client, f"/{broadcast}/pause")
    assert again.status_code == 409 and "Cannot pause a broadcast that is paused" in again.text
    assert (await post(client, f"/{broadcast}/resume")).status_code == 303
    assert await status_of(container, north, broadcast) == "sending"

    confirm = await client.get(base(f"/{broadcast}/cancel"))
    assert confirm.status_code == 200 and "Cancel this broadcast?" in confirm.text
    assert (await post(client, f"/{broadcast}/cancel")).status_code == 303
    assert await status_of(container, north, broadcast) == "cancelled"
    edit = await client.get(base(f"/{broadcast}/edit"))
    assert edit.status_code == 409 and "Only a draft can be edited" in edit.text


async def test_scheduling_reads_the_time_in_the_shops_zone(
    client: AsyncClient, container: Container, north: shops.ShopRead, bot: telegram.BotRead
) -> None:
    await sign_in(client, OWNER)
    broadcast = id_of(await compose(client, "north"))
    past = await post(client, f"/{broadcast}/schedule", scheduled_at="2020-01-15T18:00")
    assert past.status_code == 422
    assert 'id="schedule-error">Choose a time in the future' in past.text
    garbage = await post(client, f"/{broadcast}/schedule", scheduled_at="soon")
    assert garbage.status_code == 422 and "Enter a date and time." in garbage.text
    assert await status_of(container, north, broadcast) == "draft"

    done = await post(client, f"/{broadcast}/schedule", scheduled_at="2099-01-15T18:00")
    assert done.status_code == 303
    async with container.readers() as session:
        found = await get_broadcast(session, shop_id=north.id, broadcast_id=uuid.UUID(broadcast),
                                    now=container.clock.now())  # fmt: skip
    assert found.status == "scheduled"
    assert found.scheduled_at == datetime(2099, 1, 15, 17, 0, tzinfo=UTC)  # 18:00 in Warsaw
    detail = await client.get(base(f"/{broadcast}"))
    assert 'value="2099-01-15T18:00"' in detail.text and "Reschedule" in detail.text


async def test_a_role_gets_what_the_json_api_gives_it_and_403_for_the_rest(
    client: AsyncClient, container: Container, world: World, north: shops.ShopRead,
    bot: telegram.BotRead,
) -> None:  # fmt: skip
    await sign_in(client, OWNER)
    broadcast = id_of(await compose(client, "north"))
    token = csrf_of((await client.get(base(f"/{broadcast}"))).text)
    viewer = await world.user("viewer@example.com")
    await world.member(north, viewer, shops.Role.VIEWER)
    await client.post("/admin/logout", data={"csrf_token": token})
    await sign_in(client, viewer.email)
    page = await client.get(base(f"/{broadcast}"))
    assert page.status_code == 200 and "may look at broadcasts but not send" in page.text
    assert "/send" not in page.text and "/edit" not in page.text
    listing = await client.get(base())
    assert listing.status_code == 200 and "/broadcasts/new" not in listing.text
    token = csrf_of(page.text)
    for path in ("/new", f"/{broadcast}/edit", f"/{broadcast}/cancel"):
        assert (await client.get(base(path))).status_code == 403, path
    for path in ("", f"/{broadcast}", *(f"/{broadcast}/{a}" for a in
                 ("test", "send", "schedule", "pause", "resume", "cancel"))):  # fmt: skip
        response = await client.post(base(path), data=form_body(csrf_token=token))
        assert response.status_code == 403, path
    assert await status_of(container, north, broadcast) == "draft"

    # A deployment may narrow a role (permissions are rows): without notifications.read,
    # every page and action is refused and the section leaves the navigation.
    async with unit_of_work(container.sessions) as session:
        await session.execute(
            delete(RolePermission).where(
                RolePermission.role == "viewer", RolePermission.permission == "notifications.read"
            )
        )
    overview = await client.get("/admin/s/north")
    assert overview.status_code == 200 and "/broadcasts" not in overview.text
    for path in ("", f"/{broadcast}", f"/{broadcast}/progress"):
        assert (await client.get(base(path))).status_code == 403, path
    for path in ("/audience-size", "/preview"):
        response = await client.post(base(path), data=form_body(csrf_token=token))
        assert response.status_code == 403, path


async def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
    client: AsyncClient, container: Container, north: shops.ShopRead, bot: telegram.BotRead
) -> None:
    await sign_in(client, OWNER)
    broadcast = id_of(await compose(client, "north"))
    for path, data in (("", form_body()), (f"/{broadcast}/send", {}),
                       (f"/{broadcast}/cancel", {"csrf_token": "forged"})):  # fmt: skip
        response = await client.post(base(path), data=data)
        assert response.status_code == 403, path
    assert await status_of(container, north, broadcast) == "draft"
    assert (await client.get(base())).text.count(f"/broadcasts/{broadcast}") == 1


async def test_unknown_and_other_shops_broadcasts_are_not_found(
    client: AsyncClient, container: Container, world: World, north: shops.ShopRead,
    bot: telegram.BotRead,
) -> None:  # fmt: skip
    await sign_in(client, OWNER)
    mine = id_of(await compose(client, "north"))
    stranger = str(uuid.uuid4())
    for path in (f"/{stranger}", f"/{stranger}/edit", f"/{stranger}/progress",
                 f"/{stranger}/cancel"):  # fmt: skip
        assert (await client.get(base(path))).status_code == 404, path
    assert (await post(client, f"/{stranger}/send")).status_code == 404
    assert (await client.get(base("/not-an-id"))).status_code == 400

    south = await world.shop("south", owner=await world.user("sam@example.com"))
    # north's owner is no member of south: none of its pages exist for them
    assert (await client.get("/admin/s/south/broadcasts")).status_code == 404
    token = csrf_of((await client.get(base())).text)
    await client.post("/admin/logout", data={"csrf_token": token})
    await sign_in(client, "sam@example.com")
    other = f"/admin/s/south/broadcasts/{mine}"  # north's broadcast under south's address
    assert (await client.get(other)).status_code == 404
    token = csrf_of((await client.get("/admin/s/south/broadcasts")).text)
    for action in ("send", "cancel", "pause"):
        response = await client.post(f"{other}/{action}", data={"csrf_token": token})
        assert response.status_code == 404, action
    assert await status_of(container, north, mine) == "draft"
    assert south.id != north.id


async def test_the_section_speaks_polish(
    client: AsyncClient, north: shops.ShopRead, bot: telegram.BotRead
) -> None:
    await sign_in(client, OWNER)
    await client.get("/admin/language?lang=pl&next=/admin")
    page = await client.get(base("/new"))
    assert page.status_code == 200 and '<html lang="pl">' in page.text
    assert "Nowa wysyłka" in page.text and "Zapisz szkic" in page.text
