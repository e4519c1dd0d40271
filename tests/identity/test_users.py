"""create_user (CLI create-admin, demo data): normalised unique emails, real argon2id hashes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shopkeeper import identity
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.errors import Unprocessable
from shopkeeper.identity.models import StaffUser
from tests.builders import create_user


async def test_emails_are_stored_lowercase_and_unique(container: Container) -> None:
    user = await create_user(container, email="  Eve@Example.COM ")
    assert user.email == "eve@example.com" and not user.is_superuser
    with pytest.raises(identity.EmailTaken):
        await create_user(container, email="EVE@example.com")


async def test_passwords_are_stored_as_argon2id_hashes(container: Container) -> None:
    user = await create_user(container, password="s3cret-password")
    async with container.sessions() as session:
        stored = await session.scalar(
            select(StaffUser.password_hash).where(StaffUser.id == user.id)
        )
    assert stored is not None and stored.startswith("$argon2id$") and "s3cret" not in stored


@pytest.mark.parametrize(
    ("email", "password", "error"),
    [
        ("ok@example.com", "short", identity.WeakPassword),
        ("not-an-email", "long enough password", Unprocessable),
        ("two@@example.com", "long enough password", Unprocessable),
    ],
)
async def test_bad_users_are_refused(
    container: Container, email: str, password: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        async with unit_of_work(container.sessions) as session:
            await identity.create_user(
                session, email=email, password=password, now=container.clock.now()
            )
