"""Shapes of the shops context: shops, memberships, members and a caller's access."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from functools import lru_cache
from typing import Self
from zoneinfo import available_timezones

from babel.numbers import list_currencies
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shopkeeper.audit import Actor, ActorType
from shopkeeper.shops.errors import PermissionDenied
from shopkeeper.shops.permissions import ALL_PERMISSIONS, Role

SUPPORTED_LANGUAGES = ("en", "pl", "ru")
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


@lru_cache(maxsize=1)
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones())


@lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def _check_currency(value: str) -> str:
    if value.upper() not in _currencies():
        raise ValueError("not an ISO 4217 currency code")
    return value.upper()


def _check_timezone(value: str) -> str:
    if value not in _timezones():
        raise ValueError("not an IANA time zone (e.g. Europe/Warsaw)")
    return value


def _check_languages(value: list[str]) -> list[str]:
    unknown = [v for v in value if v not in SUPPORTED_LANGUAGES]
    if unknown:
        raise ValueError(f"unsupported: {', '.join(unknown)}; use {SUPPORTED_LANGUAGES}")
    return list(dict.fromkeys(value))


class ShopCreate(BaseModel):
    slug: str = Field(min_length=1, max_length=64, examples=["coffee-club"])
    name: str = Field(min_length=1, max_length=200)
    currency: str = Field(min_length=3, max_length=3, examples=["EUR"])
    timezone: str = Field(min_length=1, max_length=64, examples=["Europe/Warsaw"])
    languages: list[str] = Field(default_factory=lambda: ["en"], min_length=1, max_length=3)
    default_language: str | None = None
    owner_email: str | None = Field(default=None, max_length=320)

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _SLUG.match(value):
            raise ValueError("lowercase letters, digits and inner hyphens only")
        return value

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        return _check_currency(value)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        return _check_timezone(value)

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str]) -> list[str]:
        return _check_languages(value)

    @model_validator(mode="after")
    def _default_language(self) -> Self:
        if self.default_language is None:
            self.default_language = self.languages[0]
        elif self.default_language not in self.languages:
            raise ValueError("default_language must be one of languages")
        return self


class ShopUpdate(BaseModel):
    """A change to a shop's profile; fields left out stay as they are. The slug never changes.

    A default language must be one of the shop's languages (checked against the result)."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    currency: str | None = Field(default=None, min_length=3, max_length=3, examples=["EUR"])
    timezone: str | None = Field(default=None, min_length=1, max_length=64)
    languages: list[str] | None = Field(default=None, min_length=1, max_length=3)
    default_language: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("the name cannot be blank")
        return value.strip() if value is not None else None

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str | None) -> str | None:
        return None if value is None else _check_currency(value)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        return None if value is None else _check_timezone(value)

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _check_languages(value)


class ShopRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    slug: str
    name: str
    currency: str
    timezone: str
    languages: list[str]
    default_language: str
    created_at: datetime


class MembershipRead(BaseModel):
    """One shop a staff user belongs to, with the role and what it allows."""

    shop_id: uuid.UUID
    shop_slug: str
    shop_name: str
    role: Role
    permissions: list[str]


class MemberRead(BaseModel):
    user_id: uuid.UUID
    email: str
    full_name: str
    role: Role
    created_at: datetime


class MemberCreate(BaseModel):
    email: str = Field(min_length=3, max_length=320)
    role: Role


class MemberUpdate(BaseModel):
    role: Role


class ShopAccess(BaseModel):
    """A caller's standing in one shop: who (actor), as what role, allowed to do what."""

    model_config = ConfigDict(frozen=True)

    shop: ShopRead
    actor: Actor
    role: Role | None
    permissions: frozenset[str]
    is_superuser: bool = False

    @property
    def user_id(self) -> uuid.UUID | None:
        return self.actor.id if self.actor.type is ActorType.USER else None

    @property
    def may_manage_owners(self) -> bool:
        return self.is_superuser or self.role is Role.OWNER

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    def require(self, permission: str) -> None:
        if permission not in self.permissions:
            raise PermissionDenied(permission)

    @classmethod
    def system(cls, shop: ShopRead, *, label: str = "system") -> ShopAccess:
        """Full powers for the platform itself (demo data, CLI, tests)."""
        return cls(
            shop=shop,
            actor=Actor.system(label),
            role=None,
            permissions=ALL_PERMISSIONS,
            is_superuser=True,
        )
