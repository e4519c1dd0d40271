"""Customers and linked identities: normalised values, find-or-create, merges that keep history."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from shopkeeper import audit, identity
from shopkeeper.bootstrap import Container
from shopkeeper.bus.models import OutboxEvent
from shopkeeper.db import unit_of_work
from shopkeeper.identity import CustomerNotFound, CustomerRead, IdentityKind, InvalidIdentity
from shopkeeper.identity.models import Customer
from shopkeeper.kit.clock import FrozenClock
from tests.builders import create_shop


async def _find_or_create(
    container: Container, shop_id: uuid.UUID, kind: str, value: str, **extra: str
) -> CustomerRead:
    async with unit_of_work(container.sessions) as session:
        return await identity.find_or_create_customer(
            session, shop_id=shop_id, kind=kind, value=value, now=container.clock.now(), **extra
        )


async def _link(
    container: Container, shop_id: uuid.UUID, customer_id: uuid.UUID, kind: str, value: str
) -> CustomerRead:
    async with unit_of_work(container.sessions) as session:
        return await identity.link_identity(
            session,
            shop_id=shop_id,
            customer_id=customer_id,
            kind=kind,
            value=value,
            now=container.clock.now(),
        )


@pytest.mark.parametrize(
    ("kind", "given", "stored"),
    [
        ("email", "  Ann@Example.COM ", "ann@example.com"),
        ("phone", "+48 600-123-456", "+48600123456"),
        ("phone", "0048 (600) 123.456", "+48600123456"),
        ("telegram", " 000123456789 ", "123456789"),
        ("discord", "80351110224678912", "80351110224678912"),
    ],
)
def test_identity_values_are_normalised(kind: str, given: str, stored: str) -> None:
    assert identity.normalise_identity(kind, given) == (IdentityKind(kind), stored)


@pytest.mark.parametrize(
    ("kind", "value"),
    [("email", "not-an-email"), ("phone", "12"), ("phone", "+48 abc"), ("telegram", "@ann"),
     ("discord", "-5"), ("fax", "123")],
)  # fmt: skip
def test_bad_identity_values_are_refused(kind: str, value: str) -> None:
    with pytest.raises(InvalidIdentity):
        identity.normalise_identity(kind, value)


async def test_find_or_create_returns_the_same_customer_for_equivalent_values(
    container: Container,
) -> None:
    shop = await create_shop(container)
    first = await _find_or_create(
        container, shop.id, "phone", "+48 600 123 456", display_name="Ann"
    )
    again = await _find_or_create(container, shop.id, "phone", "0048600123456")
    other_shop = await create_shop(container)
    elsewhere = await _find_or_create(container, other_shop.id, "phone", "+48600123456")
    assert again.id == first.id and first.display_name == "Ann"
    assert [(i.kind, i.value) for i in first.identities] == [(IdentityKind.PHONE, "+48600123456")]
    assert elsewhere.id != first.id


async def test_linking_a_known_identity_merges_into_the_older_customer(
    container: Container, clock: FrozenClock
) -> None:
    shop = await create_shop(container)
    older = await _find_or_create(container, shop.id, "telegram", "1001", display_name="Ann")
    clock.advance(days=1)
    newer = await _find_or_create(container, shop.id, "email", "ann@example.com", language="pl")
    clock.advance(days=1)

    merged = await _link(container, shop.id, newer.id, "telegram", "1001")

    assert merged.id == older.id and merged.merged_into_id is None
    assert {(i.kind.value, i.value) for i in merged.identities} == {
        ("telegram", "1001"), ("email", "ann@example.com"),
    }  # fmt: skip
    assert merged.language == "pl" and merged.display_name == "Ann"
    async with container.sessions() as session:
        loser = await session.get(Customer, newer.id)
        events = (
            await session.scalars(
                select(OutboxEvent).where(OutboxEvent.name == "identity.customers_merged.v1")
            )
        ).all()
        history = await audit.list_entries(
            session, shop_id=shop.id, filters=audit.AuditFilter(action="customer.merged")
        )
    assert loser is not None and loser.merged_into_id == older.id  # kept, pointing at the survivor
    assert [e.payload for e in events] == [
        {
            "shop_id": str(shop.id),
            "from_customer_id": str(newer.id),
            "into_customer_id": str(older.id),
        }
    ]
    assert history.total == 1 and history.items[0].target_id == str(newer.id)
    assert history.items[0].before is not None
    assert history.items[0].before["merged"]["identities"] == ["email:ann@example.com"]


async def test_a_merged_away_id_leads_to_the_survivor(
    container: Container, clock: FrozenClock
) -> None:
    shop = await create_shop(container)
    older = await _find_or_create(container, shop.id, "telegram", "1001")
    clock.advance(days=1)
    newer = await _find_or_create(container, shop.id, "email", "ann@example.com")
    await _link(container, shop.id, newer.id, "telegram", "1001")
    async with container.sessions() as session:
        found = await identity.get_customer(session, shop_id=shop.id, customer_id=newer.id)
    assert found.id == older.id
    assert (await _find_or_create(container, shop.id, "email", "ANN@example.com")).id == older.id


async def test_the_survivor_is_the_older_even_when_linking_from_it(
    container: Container, clock: FrozenClock
) -> None:
    shop = await create_shop(container)
    older = await _find_or_create(container, shop.id, "discord", "42")
    clock.advance(hours=1)
    newer = await _find_or_create(container, shop.id, "phone", "+48600123456")
    merged = await _link(container, shop.id, older.id, "phone", "+48 600 123 456")
    assert merged.id == older.id
    async with container.sessions() as session:
        assert (await session.get(Customer, newer.id)).merged_into_id == older.id  # type: ignore[union-attr]


async def test_a_chain_of_merges_points_every_record_at_the_final_survivor(
    container: Container, clock: FrozenClock
) -> None:
    shop = await create_shop(container)
    a = await _find_or_create(container, shop.id, "telegram", "1")
    clock.advance(minutes=1)
    b = await _find_or_create(container, shop.id, "telegram", "2")
    clock.advance(minutes=1)
    c = await _find_or_create(container, shop.id, "telegram", "3")
    await _link(container, shop.id, c.id, "telegram", "2")  # c merges into b
    await _link(container, shop.id, b.id, "telegram", "1")  # b merges into a
    async with container.sessions() as session:
        rows = {
            r.id: r.merged_into_id
            for r in await session.scalars(select(Customer).where(Customer.shop_id == shop.id))
        }
    assert rows == {a.id: None, b.id: a.id, c.id: a.id}


async def test_linking_is_idempotent_and_scoped_to_the_shop(container: Container) -> None:
    shop = await create_shop(container)
    other = await create_shop(container)
    customer = await _find_or_create(container, shop.id, "email", "x@example.com")
    await _link(container, shop.id, customer.id, "phone", "+48600123456")
    again = await _link(container, shop.id, customer.id, "phone", "+48600123456")
    assert len(again.identities) == 2
    with pytest.raises(CustomerNotFound):
        await _link(container, other.id, customer.id, "phone", "+48600999999")
    async with container.sessions() as session:
        with pytest.raises(CustomerNotFound):
            await identity.get_customer(session, shop_id=other.id, customer_id=customer.id)
