"""Typed async builders for test data: staff users, shops, members, logged-in callers.

Each builder opens its own unit of work on the test `container` and commits, so what it makes
is visible to the app under test. Passwords are hashed with cheap argon2 parameters here
(hashing strength is not what these tests are about; tests/identity checks the real profile).
"""

from tests.builders.staff import (
    DEFAULT_PASSWORD,
    Staff,
    Tokens,
    add_member,
    create_shop,
    create_user,
    login,
    shop_with_owner,
    staff_member,
    unique_email,
)

__all__ = [
    "DEFAULT_PASSWORD",
    "Staff",
    "Tokens",
    "add_member",
    "create_shop",
    "create_user",
    "login",
    "shop_with_owner",
    "staff_member",
    "unique_email",
]
