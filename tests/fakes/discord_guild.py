"""The in-memory world behind the fake Discord API: users, applications, guilds with roles,
members and their permissions, computed the way Discord computes them (role hierarchy)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from nacl.signing import SigningKey

CREATE_INSTANT_INVITE = 1 << 0
KICK_MEMBERS = 1 << 1
ADMINISTRATOR = 1 << 3
MANAGE_ROLES = 1 << 28
DEFAULT_EVERYONE = (1 << 10) | (1 << 11) | CREATE_INSTANT_INVITE  # view, send, invite

_snowflakes = itertools.count(1_100_000_000_000_000_000)


def snowflake() -> str:
    return str(next(_snowflakes))


@dataclass
class User:
    id: str
    username: str
    global_name: str | None = None
    email: str | None = None
    verified: bool = True
    locale: str = "en-US"
    bot: bool = False
    dms_open: bool = True

    def wire(self, *, email: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "username": self.username,
            "global_name": self.global_name,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "locale": self.locale,
        }
        if email:
            data.update(email=self.email, verified=self.verified)
        return data


@dataclass
class Application:
    id: str
    name: str
    bot: User
    token: str
    client_secret: str
    signing_key: SigningKey = field(default_factory=SigningKey.generate)
    commands: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # guild → commands

    @property
    def public_key(self) -> str:
        return self.signing_key.verify_key.encode().hex()

    def wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "icon": None,
            "description": "",
            "bot_public": False,
            "bot_require_code_grant": False,
            "verify_key": self.public_key,
            "bot": self.bot.wire(),
            "flags": 0,
        }


@dataclass
class Role:
    id: str
    name: str
    position: int
    permissions: int = 0
    managed: bool = False

    def wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "color": 0,
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": False,
            "flags": 0,
        }


@dataclass
class Member:
    user: User
    roles: list[str] = field(default_factory=list)

    def wire(self) -> dict[str, Any]:
        return {
            "user": self.user.wire(),
            "nick": None,
            "avatar": None,
            "roles": list(self.roles),
            "joined_at": "2026-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
        }


@dataclass
class Guild:
    id: str
    name: str
    owner_id: str = ""
    roles: dict[str, Role] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.roles.setdefault(self.id, Role(self.id, "@everyone", 0, DEFAULT_EVERYONE))

    def add_role(
        self, name: str, *, position: int | None = None, permissions: int = 0, managed: bool = False
    ) -> Role:
        if position is None:
            position = max(r.position for r in self.roles.values()) + 1
        role = Role(snowflake(), name, position, permissions, managed)
        self.roles[role.id] = role
        return role

    def role_named(self, name: str) -> Role:
        return next(r for r in self.roles.values() if r.name == name)

    def wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "icon": None,
            "owner_id": self.owner_id,
            "roles": [r.wire() for r in self.roles.values()],
            "features": [],
            "preferred_locale": "en-US",
        }

    # -- Discord's permission arithmetic ---------------------------------------------------
    def permissions_of(self, user_id: str) -> int:
        if user_id == self.owner_id:
            return ~0
        member = self.members[user_id]
        value = self.roles[self.id].permissions
        for role_id in member.roles:
            value |= self.roles[role_id].permissions
        return ~0 if value & ADMINISTRATOR else value

    def highest_position(self, user_id: str) -> int:
        member = self.members[user_id]
        return max([0, *(self.roles[r].position for r in member.roles)])

    def can_manage_role(self, actor_id: str, role: Role) -> bool:
        """MANAGE_ROLES and the role strictly below the actor's highest role (owner: any)."""
        if actor_id == self.owner_id:
            return True
        has = bool(self.permissions_of(actor_id) & MANAGE_ROLES)
        return has and role.position < self.highest_position(actor_id)

    def can_kick(self, actor_id: str, target_id: str) -> bool:
        if target_id == self.owner_id:
            return False
        has = bool(self.permissions_of(actor_id) & KICK_MEMBERS)
        return has and self.highest_position(target_id) < self.highest_position(actor_id)
