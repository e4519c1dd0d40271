"""HTTP: /api/v1/auth (login, refresh, logout, me), a shop's API keys, its customers (search,
one, notes) and their tags."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status
from pydantic import BaseModel

from shopkeeper import shops
from shopkeeper.deps import ClockDep, SessionDep, SettingsDep
from shopkeeper.errors import Unauthorized, Unprocessable
from shopkeeper.identity import tokens
from shopkeeper.identity.deps import CurrentUserDep, bearer_token
from shopkeeper.identity.errors import (
    AccountLocked,
    InvalidCredentials,
    InvalidToken,
    RefreshTokenReused,
)
from shopkeeper.identity.policy import LoginPolicy, TokenPolicy
from shopkeeper.identity.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    CustomerNoteCreate,
    CustomerNoteRead,
    CustomerRead,
    CustomerTagsRead,
    LoginRequest,
    LogoutRequest,
    RefreshRequest,
    StaffUserRead,
    TagUsage,
    TokenPair,
)
from shopkeeper.identity.service import api_keys, auth, customers, directory, notes, tags
from shopkeeper.kit.pagination import Page
from shopkeeper.shops.deps import require

router = APIRouter(tags=["auth"])
ManageKeys = Annotated[shops.ShopAccess, require("api_keys.manage")]
ReadCustomers = Annotated[shops.ShopAccess, require("customers.read")]
WriteCustomers = Annotated[shops.ShopAccess, require("customers.write")]
Tag = Annotated[str, Path(max_length=200, description="Normalised: trimmed, lowercase")]
CUSTOMERS = "/api/v1/shops/{shop}/customers"
CUSTOMER_TAGS = CUSTOMERS + "/{customer_id}/tags"


class MeRead(BaseModel):
    user: StaffUserRead
    memberships: list[shops.MembershipRead]


@router.post("/api/v1/auth/login")
async def login(
    data: LoginRequest, session: SessionDep, settings: SettingsDep, clock: ClockDep
) -> TokenPair:
    """Email + password → tokens. Failures slow down from the third, then lock (423)."""
    try:
        return await auth.login(
            session,
            email=data.email,
            password=data.password,
            now=clock.now(),
            policy=LoginPolicy.from_settings(settings),
            token_policy=TokenPolicy.from_settings(settings),
        )
    except InvalidCredentials as exc:
        await session.commit()  # the failure counts even though the request fails
        if exc.delay_seconds:
            await asyncio.sleep(exc.delay_seconds)
        raise
    except AccountLocked:
        await session.commit()
        raise


@router.post("/api/v1/auth/refresh")
async def refresh(
    data: RefreshRequest, session: SessionDep, settings: SettingsDep, clock: ClockDep
) -> TokenPair:
    """A new pair; the given token stops working. Reusing a rotated token ends the session."""
    try:
        return await auth.refresh(
            session,
            refresh_token=data.refresh_token,
            now=clock.now(),
            policy=TokenPolicy.from_settings(settings),
        )
    except RefreshTokenReused:
        await session.commit()  # keep the family revoked
        raise


@router.post("/api/v1/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    data: LogoutRequest | None = None,
) -> Response:
    """Revoke the session of the given refresh token and/or of the presented access token."""
    refresh_token = data.refresh_token if data else None
    family_id = None
    token = bearer_token(request)
    if token and not tokens.is_api_key(token):
        try:
            _, family_id = await auth.user_for_access_token(
                session, token=token, secret=settings.secret_key, now=clock.now()
            )
        except InvalidToken:
            if refresh_token is None:
                raise
    if refresh_token is None and family_id is None:
        raise Unauthorized("Give the refresh token or an access token to log out")
    await auth.logout(session, refresh_token=refresh_token, family_id=family_id, now=clock.now())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/api/v1/auth/me")
async def me(session: SessionDep, user: CurrentUserDep) -> MeRead:
    """The signed-in staff user and each shop membership with its role and permissions."""
    memberships = await shops.list_memberships(session, user_id=user.id)
    return MeRead(user=user, memberships=memberships)


@router.post(
    "/api/v1/shops/{shop}/api-keys", status_code=status.HTTP_201_CREATED, tags=["api keys"]
)
async def create_api_key(
    data: ApiKeyCreate, session: SessionDep, clock: ClockDep, access: ManageKeys
) -> ApiKeyCreated:
    """The secret `key` is in this response only; store it now."""
    unknown = set(data.permissions) - shops.ALL_PERMISSIONS
    if unknown:
        raise Unprocessable(f"Unknown permissions: {', '.join(sorted(unknown))}")
    return await api_keys.create_api_key(
        session,
        shop_id=access.shop.id,
        data=data,
        allowed=access.permissions,
        actor=access.actor,
        now=clock.now(),
    )


@router.get("/api/v1/shops/{shop}/api-keys", tags=["api keys"])
async def list_api_keys(
    session: SessionDep,
    access: ManageKeys,
    include_revoked: Annotated[bool, Query()] = False,
) -> list[ApiKeyRead]:
    return await api_keys.list_api_keys(
        session, shop_id=access.shop.id, include_revoked=include_revoked
    )


@router.delete(
    "/api/v1/shops/{shop}/api-keys/{key_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    tags=["api keys"],
)
async def revoke_api_key(
    key_id: uuid.UUID, session: SessionDep, clock: ClockDep, access: ManageKeys
) -> Response:
    await api_keys.revoke_api_key(
        session, shop_id=access.shop.id, key_id=key_id, actor=access.actor, now=clock.now()
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(CUSTOMER_TAGS, tags=["customers"])
async def customer_tags(
    customer_id: uuid.UUID, session: SessionDep, access: ReadCustomers
) -> CustomerTagsRead:
    return await tags.customer_tags(session, shop_id=access.shop.id, customer_id=customer_id)


@router.put(CUSTOMER_TAGS + "/{tag}", tags=["customers"])
async def add_customer_tag(
    customer_id: uuid.UUID, tag: Tag, session: SessionDep, clock: ClockDep, access: WriteCustomers
) -> CustomerTagsRead:
    """Tag the customer (1–40 letters, digits, `-`, `_`); a tag they already have stays as is."""
    return await tags.add_tag(
        session, shop_id=access.shop.id, customer_id=customer_id, tag=tag, actor=access.actor,
        now=clock.now(),
    )  # fmt: skip


@router.delete(CUSTOMER_TAGS + "/{tag}", status_code=status.HTTP_204_NO_CONTENT, tags=["customers"])
async def remove_customer_tag(
    customer_id: uuid.UUID, tag: Tag, session: SessionDep, clock: ClockDep, access: WriteCustomers
) -> Response:
    """404 when the customer does not have the tag."""
    await tags.remove_tag(
        session, shop_id=access.shop.id, customer_id=customer_id, tag=tag, actor=access.actor,
        now=clock.now(),
    )  # fmt: skip
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/api/v1/shops/{shop}/customer-tags", tags=["customers"])
async def tags_in_use(session: SessionDep, access: ReadCustomers) -> list[TagUsage]:
    """Every tag the shop's customers carry, with how many customers carry it."""
    return await tags.tags_in_use(session, shop_id=access.shop.id)


@router.get(CUSTOMERS, tags=["customers"])
async def search_customers(
    session: SessionDep,
    access: ReadCustomers,
    q: Annotated[
        str | None, Query(max_length=320, description="name, email, phone, user id")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 25,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Page[CustomerRead]:
    """Newest first; `q` finds a name part, an identity's start or an identity in any form.
    `total` stops counting past 10,000."""
    return await directory.search_customers(
        session, shop_id=access.shop.id, query=q, limit=limit, offset=offset
    )


@router.get(CUSTOMERS + "/{customer_id}", tags=["customers"])
async def get_customer(
    customer_id: uuid.UUID, session: SessionDep, access: ReadCustomers
) -> CustomerRead:
    """The customer (a merged-away id answers with the survivor)."""
    return await customers.get_customer(session, shop_id=access.shop.id, customer_id=customer_id)


@router.get(CUSTOMERS + "/{customer_id}/notes", tags=["customers"])
async def customer_notes(
    customer_id: uuid.UUID, session: SessionDep, access: ReadCustomers
) -> list[CustomerNoteRead]:
    customer = await customers.get_customer(
        session, shop_id=access.shop.id, customer_id=customer_id
    )
    return await notes.list_notes(session, shop_id=access.shop.id, customer_id=customer.id)


@router.post(CUSTOMERS + "/{customer_id}/notes", status_code=status.HTTP_201_CREATED,
             tags=["customers"])  # fmt: skip
async def add_customer_note(
    customer_id: uuid.UUID, data: CustomerNoteCreate, session: SessionDep, clock: ClockDep,
    access: WriteCustomers,
) -> CustomerNoteRead:  # fmt: skip
    """A note only staff see, signed with who wrote it (audited)."""
    return await notes.add_note(
        session, shop_id=access.shop.id, customer_id=customer_id, body=data.body,
        actor=access.actor, now=clock.now(),
    )  # fmt: skip
