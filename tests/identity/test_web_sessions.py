"""Admin web sessions and password changes, through the identity service functions."""

from __future__ import annotations

from httpx import AsyncClient

from shopkeeper import identity
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from tests.builders import create_user, login


async def test_a_web_session_lives_until_it_ends_or_expires(
    container: Container, clock: FrozenClock
) -> None:
    user = await create_user(container)
    async with unit_of_work(container.sessions) as session:
        token, started = await identity.start_web_session(session, user_id=user.id, now=clock.now())
    assert started.user.id == user.id and len(started.csrf_token) >= 32
    async with unit_of_work(container.sessions) as session:
        found = await identity.get_web_session(session, token=token, now=clock.now())
        assert found is not None and found.csrf_token == started.csrf_token
        assert await identity.get_web_session(session, token=token + "x", now=clock.now()) is None
        assert await identity.get_web_session(session, token="", now=clock.now()) is None
        late = started.expires_at
        assert await identity.get_web_session(session, token=token, now=late) is None
        await identity.end_web_session(session, token=token, now=clock.now())
    async with unit_of_work(container.sessions) as session:
        assert await identity.get_web_session(session, token=token, now=clock.now()) is None


async def test_authenticate_returns_the_user_and_counts_failures(
    container: Container, clock: FrozenClock
) -> None:
    user = await create_user(container, email="dora@example.com")
    async with unit_of_work(container.sessions) as session:
        found = await identity.authenticate(
            session,
            email="DORA@example.com",
            password="correct horse battery staple",
            now=clock.now(),
        )
    assert found.id == user.id and found.last_login_at == clock.now()


async def test_setting_a_password_unlocks_and_can_end_every_session(
    client: AsyncClient, container: Container, clock: FrozenClock
) -> None:
    user = await create_user(container)
    tokens = await login(client, email=user.email)
    for _ in range(5):
        await client.post("/api/v1/auth/login", json={"email": user.email, "password": "wrong-one"})
    async with unit_of_work(container.sessions) as session:
        await identity.set_password(
            session, user_id=user.id, password="a new long password", now=clock.now()
        )
    assert (await client.get("/api/v1/auth/me", headers=tokens.headers)).status_code == 401
    fresh = await login(client, email=user.email, password="a new long password")
    assert (await client.get("/api/v1/auth/me", headers=fresh.headers)).status_code == 200
