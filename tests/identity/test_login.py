"""POST /api/v1/auth/login: tokens, one answer for every wrong credential, throttling, lockout."""

from __future__ import annotations

import jwt
import pytest
from httpx import AsyncClient
from sqlalchemy import select

from shopkeeper.bootstrap import Container
from shopkeeper.identity import LoginPolicy, passwords
from shopkeeper.identity.models import StaffUser
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.settings import Settings
from tests.builders import DEFAULT_PASSWORD, create_user, login
from tests.builders.staff import FAST_ARGON2

LOGIN = "/api/v1/auth/login"


async def test_login_returns_a_bearer_pair_whose_access_token_opens_me(
    client: AsyncClient, container: Container, settings: Settings, clock: FrozenClock
) -> None:
    user = await create_user(container, email="Ann@Example.com", full_name="Ann")
    response = await client.post(
        LOGIN, json={"email": "ann@example.com", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["refresh_token"] and body["expires_in"] == 15 * 60
    claims = jwt.decode(
        body["access_token"],
        settings.secret_key,
        algorithms=["HS256"],
        options={"verify_exp": False},
    )
    assert claims["sub"] == str(user.id) and claims["typ"] == "access" and claims["jti"]
    assert claims["exp"] == int(clock.now().timestamp()) + 15 * 60
    me = await client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert me.status_code == 200
    assert me.json()["user"]["email"] == "ann@example.com"
    assert me.json()["memberships"] == []


async def test_unknown_email_and_wrong_password_get_the_same_401(
    client: AsyncClient, container: Container
) -> None:
    await create_user(container, email="bob@example.com")
    wrong = await client.post(LOGIN, json={"email": "bob@example.com", "password": "nope-nope"})
    unknown = await client.post(LOGIN, json={"email": "who@example.com", "password": "nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert (
        wrong.json()
        == unknown.json()
        == {
            "error": "InvalidCredentials",
            "detail": "Incorrect email or password",
        }
    )
    assert wrong.headers["www-authenticate"] == "Bearer"


async def test_repeated_failures_lock_the_account_until_the_lock_expires(
    client: AsyncClient, container: Container, clock: FrozenClock
) -> None:
    user = await create_user(container, email="carol@example.com")
    bad = {"email": user.email, "password": "wrong-password"}
    statuses = [(await client.post(LOGIN, json=bad)).status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 423]
    locked = await client.post(LOGIN, json={"email": user.email, "password": DEFAULT_PASSWORD})
    assert locked.status_code == 423
    assert locked.json()["error"] == "AccountLocked"
    assert "locked" in locked.json()["detail"] and "15 min" in locked.json()["detail"]
    clock.advance(minutes=15, seconds=1)
    assert (await login(client, email=user.email)).access_token


async def test_a_successful_login_resets_the_failure_count(
    client: AsyncClient, container: Container
) -> None:
    user = await create_user(container)
    bad = {"email": user.email, "password": "wrong-password"}
    for _ in range(4):
        assert (await client.post(LOGIN, json=bad)).status_code == 401
    await login(client, email=user.email)
    for _ in range(4):
        assert (await client.post(LOGIN, json=bad)).status_code == 401
    await login(client, email=user.email)


def test_the_delay_grows_from_the_third_failure_and_is_capped() -> None:
    policy = LoginPolicy(delay_seconds=0.5, max_delay_seconds=2.0)
    assert [policy.delay_for(n) for n in range(1, 7)] == [0, 0, 0.5, 1.0, 2.0, 2.0]
    assert LoginPolicy(delay_seconds=0).delay_for(10) == 0


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"email": "a@example.com"},
        {"password": "x"},
        {"email": "a@example.com", "password": ""},
        {"email": "a" * 400 + "@example.com", "password": "x"},
        {"email": ["a"], "password": {"x": 1}},
        "not an object",
    ],
)
async def test_malformed_login_bodies_get_422(client: AsyncClient, payload: object) -> None:
    response = await client.post(LOGIN, json=payload)
    assert response.status_code == 422
    assert response.json()["error"] == "ValidationError"


async def test_a_body_that_is_not_json_is_a_client_error(client: AsyncClient) -> None:
    response = await client.post(
        LOGIN, content=b"\xff\x00{", headers={"content-type": "application/json"}
    )
    assert response.status_code in (400, 422)
    assert "error" in response.json()


async def test_a_hash_made_with_old_parameters_is_upgraded_at_login(
    client: AsyncClient, container: Container
) -> None:
    user = await create_user(container)
    stronger = {"time_cost": 2, "memory_kib": 2048, "parallelism": 1}
    passwords.configure(**stronger)
    try:
        await login(client, email=user.email)
        async with container.sessions() as session:
            stored = await session.scalar(
                select(StaffUser.password_hash).where(StaffUser.id == user.id)
            )
    finally:
        passwords.configure(**FAST_ARGON2)
    assert stored is not None and stored.startswith("$argon2id$") and "m=2048,t=2,p=1" in stored
    assert (await login(client, email=user.email)).access_token
