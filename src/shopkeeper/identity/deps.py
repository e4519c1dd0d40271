"""Who is calling: a staff user (access JWT) or an API key (`Authorization: Bearer sk_...`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from shopkeeper.db import unit_of_work
from shopkeeper.deps import SAFE_METHODS, ClockDep, ContainerDep, SessionDep, SettingsDep
from shopkeeper.errors import Unauthorized
from shopkeeper.identity import tokens
from shopkeeper.identity.errors import UserRequired
from shopkeeper.identity.schemas import ApiKeyPrincipal, StaffUserRead
from shopkeeper.identity.service.api_keys import authenticate_api_key, touch_api_key
from shopkeeper.identity.service.auth import user_for_access_token


@dataclass(frozen=True, slots=True)
class Caller:
    """Exactly one of `user` and `api_key` is set."""

    user: StaffUserRead | None = None
    api_key: ApiKeyPrincipal | None = None
    family_id: uuid.UUID | None = None


def bearer_token(request: Request) -> str | None:
    """The token of an `Authorization: Bearer ...` header, if any."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def get_caller(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    container: ContainerDep,
) -> Caller:
    token = bearer_token(request)
    if token is None:
        raise Unauthorized("Missing bearer token")
    if tokens.is_api_key(token):
        reading = request.method in SAFE_METHODS
        key = await authenticate_api_key(session, key=token, now=clock.now(), touch=not reading)
        if key.touch_due:  # a GET's session cannot write; the refresh gets its own
            async with unit_of_work(container.sessions) as writer:
                await touch_api_key(writer, key_id=key.id, now=clock.now())
        return Caller(api_key=key)
    user, family_id = await user_for_access_token(
        session, token=token, secret=settings.secret_key, now=clock.now()
    )
    return Caller(user=user, family_id=family_id)


CallerDep = Annotated[Caller, Depends(get_caller)]


async def current_user(caller: CallerDep) -> StaffUserRead:
    if caller.user is None:
        raise UserRequired()
    return caller.user


CurrentUserDep = Annotated[StaffUserRead, Depends(current_user)]
