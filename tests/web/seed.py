"""Seeding for the admin web and browser tests: the shared builders plus audit entries."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from httpx import AsyncClient, Response

from shopkeeper import audit, identity, shops
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from tests import builders

PASSWORD = builders.DEFAULT_PASSWORD


@dataclass
class World:
    """Makes staff, shops, members and audit entries, each in its own committed transaction."""

    container: Container

    async def user(self, email: str) -> identity.StaffUserRead:
        name = email.split("@")[0].replace(".", " ").title()
        return await builders.create_user(self.container, email=email, full_name=name)

    async def shop(
        self, slug: str, *, owner: identity.StaffUserRead, name: str = ""
    ) -> shops.ShopRead:
        return await builders.create_shop(
            self.container, owner=owner, slug=slug, name=name or None, currency="PLN",
            timezone="Europe/Warsaw", languages=("pl", "en"),
        )  # fmt: skip

    async def member(
        self, shop: shops.ShopRead, user: identity.StaffUserRead, role: shops.Role
    ) -> None:
        await builders.add_member(self.container, shop=shop, user=user, role=role)

    async def entry(
        self,
        shop: shops.ShopRead,
        *,
        action: str,
        actor: str,
        at: datetime,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        ip: str | None = "203.0.113.7",
    ) -> None:
        who = audit.Actor(type=audit.ActorType.USER, id=uuid.uuid4(), label=actor, ip=ip)
        async with unit_of_work(self.container.sessions) as session:
            await audit.record(
                session, actor=who, shop_id=shop.id, action=action, target_type="member",
                target_id="42", before=before, after=after, now=at,
            )  # fmt: skip


def hidden_csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the form carries a csrf_token field"
    return match.group(1)


async def sign_in(
    client: AsyncClient, email: str, password: str = PASSWORD, next_path: str | None = None
) -> Response:
    """Fill the login form as a browser would: load it (cookie + hidden token), then post."""
    page = await client.get("/admin/login")
    form = {"email": email, "password": password, "csrf_token": hidden_csrf(page.text)}
    if next_path is not None:
        form["next"] = next_path
    return await client.post("/admin/login", data=form)


async def session_csrf(client: AsyncClient, path: str) -> str:
    """The signed-in page's CSRF token (the logout form carries it)."""
    return hidden_csrf((await client.get(path)).text)
