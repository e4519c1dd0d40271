"""SMS: without a provider each message goes to the log, clearly labelled, and the delivery log
says "logged"; a Twilio-compatible provider is spoken to over HTTP (a local fake here)."""

from __future__ import annotations

import base64
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from structlog.testing import capture_logs

from shopkeeper import bus, identity
from shopkeeper.bootstrap import Container, build_container
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.notifications import registered_messengers
from shopkeeper.notifications.models import NotificationMessage
from shopkeeper.notifications.sms import NOT_SENT_LOGGED
from shopkeeper.settings import Settings, SettingsError
from shopkeeper.shops import ShopRead
from tests.builders import shop_with_owner
from tests.builders.staff import login
from tests.builders.subscriptions import buy, create_plan, run_remind
from tests.fakes.server import serve

SID, TOKEN, SENDER = "AC0123456789", "sms-secret", "+15550001111"


@dataclass
class FakeSmsApi:
    """Twilio's Messages API as far as we use it: form body, basic auth, JSON answer."""

    received: list[dict[str, Any]] = field(default_factory=list)
    fail_with: int | None = None

    async def messages(self, request: Request) -> JSONResponse:
        expected = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
        if request.headers.get("authorization") != expected:
            return JSONResponse({"code": 20003, "message": "Authenticate"}, status_code=401)
        if request.path_params["sid"] != SID:
            return JSONResponse({"message": "Not found"}, status_code=404)
        form = dict(await request.form())
        if self.fail_with:
            return JSONResponse({"code": 21211, "message": "Invalid 'To'"}, self.fail_with)
        self.received.append(form)
        return JSONResponse({"sid": f"SM{len(self.received):032d}", "status": "queued"}, 201)

    def app(self) -> Starlette:
        path = "/2010-04-01/Accounts/{sid}/Messages.json"
        return Starlette(routes=[Route(path, self.messages, methods=["POST"])])


@pytest.fixture
async def sms_api() -> AsyncIterator[tuple[FakeSmsApi, str]]:
    fake = FakeSmsApi()
    async with serve(fake.app()) as url:
        yield fake, url


@pytest.fixture
async def twilio(
    settings: Settings, clock: FrozenClock, sms_api: tuple[FakeSmsApi, str]
) -> AsyncIterator[Container]:
    configured = {"sms_provider": "twilio", "sms_api_url": sms_api[1], "sms_account_sid": SID,
                  "sms_auth_token": TOKEN, "sms_from": SENDER}  # fmt: skip
    container = build_container(settings.model_copy(update=configured), clock=clock)
    yield container
    await container.close()


async def _phone_customer(container: Container, shop: ShopRead, phone: str) -> uuid.UUID:
    async with unit_of_work(container.sessions) as session:
        customer = await identity.find_or_create_customer(
            session, shop_id=shop.id, kind="phone", value=phone, now=container.clock.now()
        )
    return customer.id


async def _remind(container: Container, shop: ShopRead, customer_id: uuid.UUID) -> None:
    plan = await create_plan(container, shop=shop, name="Premium", unit="day", count=5)
    await buy(container, shop=shop, plan=plan, customer_id=customer_id)
    container.clock.advance(days=3)  # type: ignore[attr-defined]
    await run_remind(container)
    await bus.drain(container)


async def _reminders(container: Container) -> list[NotificationMessage]:
    async with unit_of_work(container.sessions) as session:
        query = select(NotificationMessage).where(
            NotificationMessage.purpose == "subscription.reminder"
        )
        return list(await session.scalars(query))


async def test_without_a_provider_an_sms_is_logged_as_not_sent(
    container: Container, client: AsyncClient
) -> None:
    assert container.settings.sms_provider == "log"
    shop, owner = await shop_with_owner(container, client)
    customer_id = await _phone_customer(container, shop, "+48 601 234 567")

    with capture_logs() as logs:
        await _remind(container, shop, customer_id)

    [entry] = [e for e in logs if e["event"] == NOT_SENT_LOGGED]
    assert entry["to"] == "+48601234567" and "Premium" in entry["text"]
    assert "ends in 2 day(s)" in entry["text"]
    [row] = await _reminders(container)
    assert (row.channel, row.status, row.sent_at) == ("sms", "logged", None)
    assert "no SMS provider configured" in row.error
    tokens = await login(client, email=owner.user.email)  # the clock moved past the first
    listed = await client.get(
        f"/api/v1/shops/{shop.slug}/notifications/messages",
        params={"customer_id": str(customer_id), "status": "logged"}, headers=tokens.headers,
    )  # fmt: skip
    assert listed.status_code == 200, listed.text
    assert [(m["channel"], m["status"]) for m in listed.json()["items"]] == [("sms", "logged")]


async def test_a_twilio_compatible_provider_sends_the_text(
    twilio: Container, sms_api: tuple[FakeSmsApi, str]
) -> None:
    from httpx import ASGITransport

    from shopkeeper.app import create_app

    fake = sms_api[0]
    transport = ASGITransport(app=create_app(container=twilio), client=("127.0.0.1", 50000))
    async with AsyncClient(transport=transport, base_url="http://testserver") as client:
        shop, _ = await shop_with_owner(twilio, client)
    customer_id = await _phone_customer(twilio, shop, "+48601234567")

    await _remind(twilio, shop, customer_id)

    [form] = fake.received
    assert (form["To"], form["From"]) == ("+48601234567", SENDER)
    assert "Premium" in form["Body"] and "ends in 2 day(s)" in form["Body"]
    [row] = await _reminders(twilio)
    assert (row.channel, row.status, row.error) == ("sms", "sent", "")


async def test_a_refusing_provider_is_a_failed_delivery_and_a_half_setup_stops_start_up(
    twilio: Container, sms_api: tuple[FakeSmsApi, str], settings: Settings
) -> None:
    fake = sms_api[0]
    fake.fail_with = 400
    [messenger] = [m for m in registered_messengers(twilio) if m.channel == "sms"]
    from shopkeeper.notifications import OutboundMessage

    async with unit_of_work(twilio.sessions) as session:
        delivery = await messenger.send(
            session,
            OutboundMessage(shop_id=uuid.uuid4(), customer_id=uuid.uuid4(), address="+1", text="x"),
        )
    assert delivery.status == "failed" and "HTTP 400: Invalid 'To'" in delivery.error
    with pytest.raises(SettingsError, match="SHOPKEEPER_SMS_AUTH_TOKEN"):
        half = {"sms_provider": "twilio", "sms_account_sid": SID, "sms_from": SENDER}
        build_container(settings.model_copy(update=half))


async def test_an_sms_opt_out_is_respected(container: Container, client: AsyncClient) -> None:
    shop, owner = await shop_with_owner(container, client)
    customer_id = await _phone_customer(container, shop, "+48601234568")
    put = await client.put(
        f"/api/v1/shops/{shop.slug}/customers/{customer_id}/notification-preferences",
        json={"opted_out": {"sms": True}}, headers=owner.headers,
    )  # fmt: skip
    assert put.status_code == 200, put.text

    with capture_logs() as logs:
        await _remind(container, shop, customer_id)

    assert not [e for e in logs if e["event"] == NOT_SENT_LOGGED]
    [row] = await _reminders(container)
    assert (row.status, row.error) == ("skipped", "the customer opted out of sms")
