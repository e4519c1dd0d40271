"""create-admin and keygen: what an operator needs before the first login."""

from __future__ import annotations

import asyncio

import typer

from shopkeeper.settings import get_settings


def register(app: typer.Typer) -> None:
    app.command("create-admin")(create_admin)
    app.command()(keygen)


def keygen() -> None:
    """Print a fresh SECRET_KEY and a Fernet key for ENCRYPTION_KEYS."""
    import secrets

    from cryptography.fernet import Fernet

    typer.echo(f"SHOPKEEPER_SECRET_KEY={secrets.token_urlsafe(48)}")
    typer.echo(f"SHOPKEEPER_ENCRYPTION_KEYS={Fernet.generate_key().decode()}")


def create_admin(
    email: str = typer.Option(..., "--email", help="The administrator's email (login)."),
    password: str = typer.Option(
        ...,
        "--password",
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        help="At least 8 characters; prompted for when omitted.",
    ),
    full_name: str = typer.Option("", "--name", help="Display name."),
) -> None:
    """Create a platform superuser (who can create shops)."""
    from shopkeeper.errors import AppError

    try:
        asyncio.run(_create_admin(email, password, full_name))
    except AppError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"superuser {email} created")


async def _create_admin(email: str, password: str, full_name: str) -> None:
    from shopkeeper.bootstrap import build_container
    from shopkeeper.db import unit_of_work
    from shopkeeper.identity import create_user

    container = build_container(get_settings())
    try:
        async with unit_of_work(container.sessions) as session:
            await create_user(
                session,
                email=email,
                password=password,
                full_name=full_name,
                is_superuser=True,
                now=container.clock.now(),
            )
    finally:
        await container.close()
