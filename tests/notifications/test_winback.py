"""Win-back chains: configured per shop, scheduled when a subscription expires, each step sent
once when due (a promo code that works in step 2), stopped as soon as the customer pays."""

from __future__ import annotations

import asyncio
import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import promotions, scheduler
from shopkeeper.bootstrap import Container
from shopkeeper.catalog import ProductRead
from shopkeeper.db import unit_of_work
from shopkeeper.notifications import Delivery, OutboundMessage, register_messenger
from shopkeeper.notifications.winback import list_sends
from shopkeeper.notifications.winback.service import claim_due, send_step
from shopkeeper.notifications.winback.tasks import send_due
from shopkeeper.shops import ShopRead
from tests.builders import Staff, shop_with_owner
from tests.builders.staff import login
from tests.builders.subscriptions import buy, create_plan, drain, run_expire

CHAIN = {
    "steps": [
        {"day": 1, "purpose": "winback.step"},
        {"day": 7, "purpose": "winback.offer",
         "promo": {"percent_off_bp": 2000, "valid_days": 5}},
    ]
}  # fmt: skip


@dataclass
class StandIn:
    """The Telegram channel, keeping what it was asked to send."""

    channel: str = "telegram"
    sent: list[OutboundMessage] = field(default_factory=list)

    async def send(self, session: AsyncSession, message: OutboundMessage) -> Delivery:
        await asyncio.sleep(0.01)  # a network call: lets a concurrent run interleave
        self.sent.append(message)
        return Delivery(status="sent")


@dataclass
class World:
    shop: ShopRead
    owner: Staff
    plan: ProductRead
    customer_id: uuid.UUID
    telegram: StandIn


def _url(shop: ShopRead) -> str:
    return f"/api/v1/shops/{shop.slug}/winback"


async def _world(container: Container, client: AsyncClient, chain: dict[str, Any]) -> World:
    shop, owner = await shop_with_owner(container, client, name="Lumen Club")
    return await _world_in(container, client, shop, owner, chain)


async def _world_in(container: Container, client: AsyncClient, shop: ShopRead, owner: Staff,
                    chain: dict[str, Any]) -> World:  # fmt: skip
    """The shop's chain saved, a customer whose 1-day plan has just expired (bus drained)."""
    from shopkeeper import identity

    saved = await client.put(_url(shop), json=chain, headers=owner.headers)
    assert saved.status_code == 200, saved.text
    telegram = StandIn()
    register_messenger(container, telegram)
    plan = await create_plan(container, shop=shop, name="Premium", unit="day", count=1)
    async with unit_of_work(container.sessions) as session:
        customer = await identity.find_or_create_customer(
            session, shop_id=shop.id, kind="telegram", value="4242", now=container.clock.now()
        )
    await buy(container, shop=shop, plan=plan, customer_id=customer.id)
    container.clock.advance(days=1, seconds=1)  # type: ignore[attr-defined]
    await run_expire(container)
    await drain(container)
    return World(shop, owner, plan, customer.id, telegram)


async def _advance_and_run(container: Container, days: int) -> None:
    container.clock.advance(days=days)  # type: ignore[attr-defined]
    await scheduler.run_job(container, "notifications.winback")


async def _statuses(container: Container, world: World) -> list[tuple[int, str]]:
    async with unit_of_work(container.sessions) as session:
        sends = await list_sends(session, shop_id=world.shop.id, customer_id=world.customer_id)
    return [(s.step, s.status) for s in sends]


async def test_an_expiry_starts_the_chain_and_step_two_brings_a_working_promo_code(
    container: Container, client: AsyncClient
) -> None:
    world = await _world(container, client, CHAIN)
    assert await _statuses(container, world) == [(1, "pending"), (2, "pending")]

    await _advance_and_run(container, 0)
    assert world.telegram.sent == []  # not due yet
    await _advance_and_run(container, 1)
    [first] = world.telegram.sent
    assert first.text.startswith("We miss you at Lumen Club! Your Premium subscription ended 1")
    assert "Code" not in first.text and first.address == "4242"
    await _advance_and_run(container, 6)

    second = world.telegram.sent[1]
    match = re.search(r"code (BACK-[0-9A-F]{8}) gives 20% off Premium until (\S+)\.", second.text)
    assert match, second.text
    expected_until = (container.clock.now() + timedelta(days=5)).date()
    assert match.group(2) == expected_until.isoformat()
    async with unit_of_work(container.sessions) as session:
        quote = await promotions.quote_promo_code(
            session, shop_id=world.shop.id, code=match.group(1), customer_id=world.customer_id,
            currency="EUR", lines=[promotions.PromoLine(product_id=world.plan.id, amount=1000)],
            now=container.clock.now(),
        )  # fmt: skip
        promo = await promotions.get_promo_code(
            session, shop_id=world.shop.id, promo_code_id=quote.promo_code_id
        )
    assert quote.discount == 200 and promo.max_uses == 1
    await _advance_and_run(container, 1)
    assert len(world.telegram.sent) == 2
    assert await _statuses(container, world) == [(1, "sent"), (2, "sent")]


async def test_a_payment_before_step_two_stops_the_chain(
    container: Container, client: AsyncClient
) -> None:
    world = await _world(container, client, CHAIN)
    await _advance_and_run(container, 1)
    assert len(world.telegram.sent) == 1

    await buy(container, shop=world.shop, plan=world.plan, customer_id=world.customer_id)
    await _advance_and_run(container, 6)
    await _advance_and_run(container, 30)

    assert len(world.telegram.sent) == 1
    assert await _statuses(container, world) == [(1, "sent"), (2, "cancelled")]
    async with unit_of_work(container.sessions) as session:
        codes = await promotions.list_promo_codes(session, shop_id=world.shop.id)
    assert codes.items == []


async def test_two_concurrent_runs_send_each_step_once(
    container: Container, client: AsyncClient
) -> None:
    world = await _world(container, client, CHAIN)
    container.clock.advance(days=8)  # type: ignore[attr-defined]
    now = container.clock.now()

    counts = await asyncio.gather(send_due(container, now), send_due(container, now))

    assert sorted(counts) in ([0, 2], [1, 1])
    steps = sorted(m.text.split("!")[0] for m in world.telegram.sent)
    assert len(world.telegram.sent) == 2 and len(set(steps)) == 2
    assert await send_due(container, now) == 0
    assert await _statuses(container, world) == [(1, "sent"), (2, "sent")]


async def test_a_claim_in_flight_is_not_claimed_again(
    container: Container, client: AsyncClient
) -> None:
    """Two workers' claims overlapping in time: the second waits for the first (a row lock on
    PostgreSQL, the writer gate on SQLite), then finds nothing left to claim."""
    await _world(container, client, CHAIN)
    container.clock.advance(days=8)  # type: ignore[attr-defined]
    now, lease = container.clock.now(), timedelta(minutes=10)
    async with container.sessions() as first, container.sessions() as second:
        claimed_first = await claim_due(first, now=now, lease=lease)
        racing = asyncio.create_task(claim_due(second, now=now, lease=lease))
        await asyncio.sleep(0.3)  # the second claim is under way, blocked by the first
        await first.commit()
        claimed_second = await racing
        await second.commit()
    assert len(claimed_first) == 2 and claimed_second == []


async def test_a_worker_whose_claim_expired_sends_nothing(
    container: Container, client: AsyncClient
) -> None:
    world = await _world(container, client, {"steps": [{"day": 1}]})
    container.clock.advance(days=1)  # type: ignore[attr-defined]
    async with unit_of_work(container.sessions) as session:
        [slow] = await claim_due(session, now=container.clock.now(), lease=timedelta(minutes=1))
    container.clock.advance(minutes=2)  # type: ignore[attr-defined]  # the slow worker's lease ran out
    async with unit_of_work(container.sessions) as session:
        [fresh] = await claim_due(session, now=container.clock.now(), lease=timedelta(minutes=1))
    messengers = [world.telegram]
    async with unit_of_work(container.sessions) as session:
        assert await send_step(session, messengers, slow, now=container.clock.now()) is False
    async with unit_of_work(container.sessions) as session:
        assert await send_step(session, messengers, fresh, now=container.clock.now()) is True
    assert len(world.telegram.sent) == 1
    assert await _statuses(container, world) == [(1, "sent")]


async def test_a_chain_is_validated_and_belongs_to_its_shop(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    other, other_owner = await shop_with_owner(container, client)
    empty = await client.get(_url(shop), headers=owner.headers)
    assert empty.json() == {"enabled": False, "steps": [], "updated_at": None}
    assert (await client.put(_url(shop), json=CHAIN, headers=owner.headers)).status_code == 200
    bad_chains = [
        {"steps": [{"day": -1, "purpose": "winback.step"}]},
        {"steps": [{"day": 1, "purpose": "winback.nonsense"}]},
        {"steps": [{"day": 1, "purpose": "payment_confirmation"}]},
        {"steps": [{"day": 7, "purpose": "winback.step"}, {"day": 1, "purpose": "winback.step"}]},
        {"steps": [{"day": 1, "promo": {"percent_off_bp": 0, "valid_days": 3}}]},
        {"steps": [{"day": 1, "promo": {"percent_off_bp": 1000, "valid_days": 0}}]},
        {"steps": "day 1"},
    ]
    for bad in bad_chains:
        response = await client.put(_url(shop), json=bad, headers=owner.headers)
        assert response.status_code == 422, (bad, response.text)
    kept = (await client.get(_url(shop), headers=owner.headers)).json()
    assert [s["day"] for s in kept["steps"]] == [1, 7] and kept["enabled"] is True
    assert kept["steps"][1]["promo"] == {"percent_off_bp": 2000, "valid_days": 5}
    assert (await client.get(_url(other), headers=other_owner.headers)).json()["steps"] == []
    for method in ("GET", "PUT"):
        response = await client.request(method, _url(shop), json=CHAIN, headers=other_owner.headers)
        assert response.status_code in (403, 404), response.text
    audit = await client.get(f"/api/v1/shops/{shop.slug}/audit", headers=owner.headers)
    assert [e["action"] for e in audit.json()["items"]].count("winback_chain.updated") == 1


async def test_a_revoked_subscription_and_a_disabled_chain_schedule_nothing(
    container: Container, client: AsyncClient
) -> None:
    world = await _world(container, client, {**CHAIN, "enabled": False})
    await _advance_and_run(container, 8)
    assert world.telegram.sent == [] and await _statuses(container, world) == []
    tokens = await login(client, email=world.owner.user.email)
    enabled = await client.put(_url(world.shop), json=CHAIN, headers=tokens.headers)
    assert enabled.status_code == 200
    await _advance_and_run(container, 8)  # chains start at expiries, not retroactively
    assert world.telegram.sent == []


async def test_migrated_preference_and_winback_tables_match_the_models(database_url: str) -> None:
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
    mine = ("notifications_opt_out", "notifications_winback")
    assert [d for d in diff if any(table in repr(d) for table in mine)] == []


async def test_a_shop_rewords_a_step_through_the_template_api(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client, name="Lumen Club")
    url = f"/api/v1/shops/{shop.slug}/notifications/templates/winback.step/en"
    broken = await client.put(url, json={"body": "Hi {{ nickname }}"}, headers=owner.headers)
    assert broken.status_code == 422, broken.text
    body = "{{ plan }} misses you, day {{ days }}{% if promo_code %}: {{ promo_code }}{% endif %}"
    saved = await client.put(url, json={"body": body}, headers=owner.headers)
    assert saved.status_code == 200, saved.text
    world = await _world_in(container, client, shop, owner, {"steps": [{"day": 2}]})

    await _advance_and_run(container, 2)

    assert [m.text for m in world.telegram.sent] == ["Premium misses you, day 2"]
