"""Builders for the shops and identity contexts."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from httpx import AsyncClient

from shopkeeper import identity, shops
from shopkeeper.audit import Actor
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.identity import StaffUserRead, passwords
from shopkeeper.shops import MemberRead, Role, ShopAccess, ShopCreate, ShopRead

DEFAULT_PASSWORD = "correct horse battery staple"
FAST_ARGON2 = {"time_cost": 1, "memory_kib": 1024, "parallelism": 1}
passwords.configure(**FAST_ARGON2)


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


@dataclass(frozen=True)
class Staff:
    """A staff user, logged in through the API."""

    user: StaffUserRead
    tokens: Tokens

    @property
    def headers(self) -> dict[str, str]:
        return self.tokens.headers


def unique_email(prefix: str = "staff") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


async def create_user(
    container: Container,
    *,
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
    full_name: str = "",
    is_superuser: bool = False,
) -> StaffUserRead:
    async with unit_of_work(container.sessions) as session:
        return await identity.create_user(
            session,
            email=email or unique_email(),
            password=password,
            full_name=full_name,
            is_superuser=is_superuser,
            now=container.clock.now(),
        )


async def create_shop(
    container: Container,
    *,
    owner: StaffUserRead | None = None,
    slug: str | None = None,
    name: str | None = None,
    currency: str = "EUR",
    timezone: str = "Europe/Warsaw",
    languages: Sequence[str] = ("en", "pl"),
) -> ShopRead:
    """A shop whose owner is `owner` (a new user when not given)."""
    owner = owner or await create_user(container, email=unique_email("owner"))
    slug = slug or f"shop-{uuid.uuid4().hex[:8]}"
    data = ShopCreate(
        slug=slug,
        name=name or slug.replace("-", " ").title(),
        currency=currency,
        timezone=timezone,
        languages=list(languages),
        owner_email=owner.email,
    )
    platform = owner.model_copy(update={"is_superuser": True})  # the builder acts as platform
    async with unit_of_work(container.sessions) as session:
        return await shops.create_shop(
            session,
            data=data,
            creator=platform,
            actor=Actor.system("tests"),
            now=container.clock.now(),
        )


async def add_member(
    container: Container, *, shop: ShopRead, user: StaffUserRead, role: Role | str
) -> MemberRead:
    async with unit_of_work(container.sessions) as session:
        return await shops.add_member(
            session,
            access=ShopAccess.system(shop, label="tests"),
            email=user.email,
            role=Role(role),
            now=container.clock.now(),
        )


async def login(client: AsyncClient, *, email: str, password: str = DEFAULT_PASSWORD) -> Tokens:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    body = response.json()
    return Tokens(access_token=body["access_token"], refresh_token=body["refresh_token"])


async def staff_member(
    container: Container, client: AsyncClient, *, shop: ShopRead, role: Role | str
) -> Staff:
    """A new user with `role` in `shop`, logged in."""
    user = await create_user(container, email=unique_email(str(Role(role).value)))
    await add_member(container, shop=shop, user=user, role=role)
    return Staff(user=user, tokens=await login(client, email=user.email))


async def shop_with_owner(
    container: Container, client: AsyncClient, **shop_fields: object
) -> tuple[ShopRead, Staff]:
    """A new shop and its owner, logged in."""
    owner = await create_user(container, email=unique_email("owner"))
    shop = await create_shop(container, owner=owner, **shop_fields)  # type: ignore[arg-type]
    return shop, Staff(user=owner, tokens=await login(client, email=owner.email))
