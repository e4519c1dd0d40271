"""Fixtures of the admin web tests: staff, shops and audit entries, and a signed-in client."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime

import pytest
from httpx import AsyncClient, Response

from shopkeeper import audit, identity, shops
from shopkeeper.bootstrap import Container
from shopkeeper.settings import Settings
from tests.conftest import make_settings

PASSWORD = "correct-horse-battery"


@pytest.fixture
def settings(database_url: str) -> Settings:
    """No login slow-down here: throttling is the identity tests' subject, not ours."""
    return make_settings(database_url, login_delay_seconds=0)


@dataclass
class World:
    """Seeds data through the services, each call in its own committed transaction."""

    container: Container

    async def user(self, email: str, *, superuser: bool = False) -> identity.StaffUserRead:
        async with self.container.sessions.begin() as session:
            return await identity.create_user(
                session, email=email, password=PASSWORD, full_name=email.split("@")[0].title(),
                is_superuser=superuser, now=self.container.clock.now(),
            )  # fmt: skip

    async def shop(
        self, slug: str, *, owner: str, name: str = "", timezone: str = "Europe/Warsaw"
    ) -> shops.ShopRead:
        async with self.container.sessions.begin() as session:
            root = await _platform_user(session, self.container)
            data = shops.ShopCreate(
                slug=slug, name=name or slug.replace("-", " ").title(), currency="PLN",
                timezone=timezone, languages=["pl", "en"], owner_email=owner,
            )  # fmt: skip
            return await shops.create_shop(
                session, data=data, creator=root, actor=audit.Actor.system(),
                now=self.container.clock.now(),
            )  # fmt: skip

    async def member(self, shop: shops.ShopRead, email: str, role: shops.Role) -> None:
        async with self.container.sessions.begin() as session:
            await shops.add_member(
                session, access=shops.ShopAccess.system(shop), email=email, role=role,
                now=self.container.clock.now(),
            )  # fmt: skip

    async def entry(self, shop: shops.ShopRead, *, action: str, actor: str, at: datetime,
                    before: dict | None = None, after: dict | None = None,
                    ip: str | None = "203.0.113.7") -> None:  # fmt: skip
        async with self.container.sessions.begin() as session:
            who = audit.Actor(type=audit.ActorType.USER, id=uuid.uuid4(), label=actor, ip=ip)
            await audit.record(
                session, actor=who, shop_id=shop.id, action=action, target_type="member",
                target_id="42", before=before, after=after, now=at,
            )  # fmt: skip


async def _platform_user(session, container: Container) -> identity.StaffUserRead:  # type: ignore[no-untyped-def]
    try:
        return await identity.get_user_by_email(session, email="root@platform.test")
    except identity.UserNotFound:
        return await identity.create_user(
            session, email="root@platform.test", password=PASSWORD, is_superuser=True,
            now=container.clock.now(),
        )  # fmt: skip


@pytest.fixture
def world(container: Container) -> World:
    return World(container)


def hidden_csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the form carries a csrf_token field"
    return match.group(1)


async def sign_in(client: AsyncClient, email: str, password: str = PASSWORD,
                  next_path: str | None = None) -> Response:  # fmt: skip
    """Fill the login form as a browser would: load it (cookie + hidden token), then post."""
    page = await client.get("/admin/login")
    form = {"email": email, "password": password, "csrf_token": hidden_csrf(page.text)}
    if next_path is not None:
        form["next"] = next_path
    return await client.post("/admin/login", data=form)


async def session_csrf(client: AsyncClient, path: str) -> str:
    """The signed-in page's CSRF token (the logout form carries it)."""
    page = await client.get(path)
    return hidden_csrf(page.text)
