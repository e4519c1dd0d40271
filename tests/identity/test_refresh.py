"""Refresh-token rotation, reuse detection (family revocation), logout and access-token checks."""

from __future__ import annotations

import asyncio

import pytest
from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from shopkeeper.kit.clock import FrozenClock
from tests.builders import Tokens, create_user, login

REFRESH = "/api/v1/auth/refresh"
ME = "/api/v1/auth/me"


async def _refresh(client: AsyncClient, token: str) -> tuple[int, Tokens | None]:
    response = await client.post(REFRESH, json={"refresh_token": token})
    if response.status_code != 200:
        return response.status_code, None
    body = response.json()
    return 200, Tokens(access_token=body["access_token"], refresh_token=body["refresh_token"])


async def test_refresh_rotates_and_the_old_token_stops_working(
    client: AsyncClient, container: Container
) -> None:
    user = await create_user(container)
    first = await login(client, email=user.email)
    status, second = await _refresh(client, first.refresh_token)
    assert status == 200 and second is not None
    assert second.refresh_token != first.refresh_token
    assert (await client.get(ME, headers=second.headers)).status_code == 200
    status, _ = await _refresh(client, first.refresh_token)
    assert status == 401


async def test_reusing_a_rotated_token_revokes_the_whole_family(
    client: AsyncClient, container: Container
) -> None:
    user = await create_user(container)
    first = await login(client, email=user.email)
    other_session = await login(client, email=user.email)
    _, second = await _refresh(client, first.refresh_token)
    assert second is not None
    _, third = await _refresh(client, second.refresh_token)
    assert third is not None

    reuse = await client.post(REFRESH, json={"refresh_token": first.refresh_token})
    assert reuse.status_code == 401
    assert reuse.json()["error"] == "RefreshTokenReused"
    # the newest token of the family is dead too, and so is its access token
    assert (await _refresh(client, third.refresh_token))[0] == 401
    assert (await client.get(ME, headers=third.headers)).status_code == 401
    # another login's family is untouched
    assert (await _refresh(client, other_session.refresh_token))[0] == 200


async def test_two_simultaneous_refreshes_with_one_token_have_one_winner(
    client: AsyncClient, container: Container
) -> None:
    user = await create_user(container)
    tokens = await login(client, email=user.email)
    results = await asyncio.gather(*(_refresh(client, tokens.refresh_token) for _ in range(2)))
    assert sorted(status for status, _ in results) == [200, 401]


async def test_logout_with_the_refresh_token_ends_that_session(
    client: AsyncClient, container: Container
) -> None:
    user = await create_user(container)
    tokens = await login(client, email=user.email)
    response = await client.post(
        "/api/v1/auth/logout", json={"refresh_token": tokens.refresh_token}
    )
    assert response.status_code == 204
    assert (await _refresh(client, tokens.refresh_token))[0] == 401
    assert (await client.get(ME, headers=tokens.headers)).status_code == 401


async def test_logout_with_only_the_access_token_ends_its_session(
    client: AsyncClient, container: Container
) -> None:
    user = await create_user(container)
    tokens = await login(client, email=user.email)
    response = await client.post("/api/v1/auth/logout", headers=tokens.headers)
    assert response.status_code == 204
    assert (await _refresh(client, tokens.refresh_token))[0] == 401


async def test_logout_with_an_expired_access_token_still_takes_the_refresh_token(
    client: AsyncClient, container: Container, clock: FrozenClock
) -> None:
    user = await create_user(container)
    tokens = await login(client, email=user.email)
    clock.advance(minutes=20)
    response = await client.post(
        "/api/v1/auth/logout", json={"refresh_token": tokens.refresh_token}, headers=tokens.headers
    )
    assert response.status_code == 204
    assert (await _refresh(client, tokens.refresh_token))[0] == 401
    only_expired = await client.post("/api/v1/auth/logout", headers=tokens.headers)
    assert only_expired.status_code == 401


async def test_logout_without_any_token_is_401(client: AsyncClient) -> None:
    assert (await client.post("/api/v1/auth/logout")).status_code == 401


async def test_access_tokens_expire_after_15_minutes(
    client: AsyncClient, container: Container, clock: FrozenClock
) -> None:
    user = await create_user(container)
    tokens = await login(client, email=user.email)
    clock.advance(minutes=14, seconds=59)
    assert (await client.get(ME, headers=tokens.headers)).status_code == 200
    clock.advance(seconds=1)
    expired = await client.get(ME, headers=tokens.headers)
    assert expired.status_code == 401
    assert expired.json()["error"] == "InvalidToken"
    assert (await _refresh(client, tokens.refresh_token))[0] == 200


async def test_refresh_tokens_expire(
    client: AsyncClient, container: Container, clock: FrozenClock
) -> None:
    user = await create_user(container)
    tokens = await login(client, email=user.email)
    clock.advance(days=30, seconds=1)
    assert (await _refresh(client, tokens.refresh_token))[0] == 401


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer not-a-jwt",
        "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
        "Bearer sk_not-a-real-key",
        "Bearer " + "x" * 5000,
    ],
)
async def test_bad_authorization_headers_get_401(client: AsyncClient, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    response = await client.get(ME, headers=headers)
    assert response.status_code == 401
    assert response.json()["error"] in ("Unauthorized", "InvalidToken")


async def test_a_token_signed_with_another_key_is_rejected(
    client: AsyncClient, container: Container, clock: FrozenClock
) -> None:
    from shopkeeper.identity.tokens import issue_access_token

    user = await create_user(container)
    forged = issue_access_token(
        user_id=user.id, family_id=None, secret="another-secret-" * 4, minutes=15, now=clock.now()
    )
    response = await client.get(ME, headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


@pytest.mark.parametrize("payload", [{}, {"refresh_token": ""}, {"refresh_token": 5}, [1]])
async def test_malformed_refresh_bodies_get_422(client: AsyncClient, payload: object) -> None:
    assert (await client.post(REFRESH, json=payload)).status_code == 422


async def test_an_unknown_refresh_token_gets_401(client: AsyncClient) -> None:
    assert (await _refresh(client, "no-such-token"))[0] == 401
