"""`shopkeeper demo`: one shop per reference system, staff in every role, sample customers."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import identity, shops
from shopkeeper.audit import Actor
from shopkeeper.bootstrap import Container, build_container
from shopkeeper.checkout.shipping.demo_calendar import PREFIX as DEMO_CALENDAR_PATH
from shopkeeper.cli.demo_domus import DOMUS, ensure_domus
from shopkeeper.cli.demo_domus_checkout import PROMO_CODE
from shopkeeper.cli.demo_large import SLUG as LARGE_SLUG
from shopkeeper.cli.demo_large import ensure_large
from shopkeeper.cli.demo_sales import (
    PLAYGROUND_SHOP,
    ensure_catalogue,
    ensure_paid_sale,
    ensure_playground,
)
from shopkeeper.db import unit_of_work
from shopkeeper.settings import Settings, get_settings

ADMIN_EMAIL = "admin@shopkeeper.local"


@dataclass(frozen=True)
class DemoShop:
    slug: str
    name: str
    currency: str
    timezone: str
    languages: tuple[str, ...]


DEMO_SHOPS = (
    DemoShop("lumen", "LumenPay Channels", "RUB", "Europe/Moscow", ("ru", "en")),
    DemoShop("zagadka", "Zagadka Premium", "PLN", "Europe/Warsaw", ("pl", "en")),
    DemoShop("maxloyalty", "MAX Loyalty Bistro", "RUB", "Europe/Moscow", ("ru", "en")),
    DemoShop("gongbu", "Gongbu Courses", "USD", "Asia/Seoul", ("en", "ru")),
    DemoShop("meble", "Meble Dom", "PLN", "Europe/Warsaw", ("pl", "en")),
    # The whole e-commerce checkout (seed 004): demo_domus.py.
    DemoShop(DOMUS, "Domus — AGD i meble", "PLN", "Europe/Warsaw", ("pl", "en")),
)
# Staff of the first shop, one per role below owner, so every role can be tried.
DEMO_STAFF = (
    ("manager@shopkeeper.local", "manager"),
    ("cashier@shopkeeper.local", "cashier"),
    ("viewer@shopkeeper.local", "viewer"),
)
DEMO_CUSTOMERS = (
    ("telegram", "100000001", "Anna"),
    ("discord", "200000000000000001", "Bartek"),
    ("email", "olga@example.com", "Olga"),
    ("phone", "+48 600 100 200", "Piotr"),
)


def register(app: typer.Typer) -> None:
    app.command()(demo)


def demo(
    serve: bool = typer.Option(False, "--serve", help="Serve the demo afterwards."),
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
    large: bool = typer.Option(
        False, "--large", help="Also a shop 'outlet' with a year of history at scale."
    ),
    large_orders: int = typer.Option(1_000_000, "--large-orders", min=1),
    large_customers: int = typer.Option(100_000, "--large-customers", min=1),
) -> None:
    """Migrate and fill the database with demo data (safe to run again), then maybe serve."""
    from shopkeeper.migrate import upgrade

    settings = get_settings()
    upgrade(settings.database_url)
    password = settings.admin_password or secrets.token_urlsafe(12)
    base_url = (settings.public_url or f"http://{host}:{port}").rstrip("/")
    asyncio.run(create_demo_data(settings, password, base_url=base_url))
    if large:
        asyncio.run(create_large_data(settings, orders=large_orders, customers=large_customers))
    _print_login(host, port, password, generated=not settings.admin_password)
    _print_checkout(host, port, settings.delivery_calendar_url)
    if serve:
        from shopkeeper.cli.server import serve as run_server

        run_server(host=host, port=port)


async def create_demo_data(
    settings: Settings, password: str, *, base_url: str = "http://127.0.0.1:8000"
) -> None:
    """Create (or refresh) the demo admin, shops, staff, customers and the bot playground
    (`base_url`: where the app will be served, for the playground bot's Bot API base)."""
    container = build_container(settings)
    steps = 3 + 4 * len(DEMO_SHOPS) + len(DEMO_STAFF)
    try:
        with Progress(transient=True) as progress:
            bar = progress.add_task("Creating demo data", total=steps)
            async with unit_of_work(container.sessions) as session:
                admin = await _ensure_user(session, ADMIN_EMAIL, password, "Demo Admin", container)
                progress.advance(bar)
                for shop in DEMO_SHOPS:
                    await _ensure_shop(session, shop, admin, container)
                    progress.advance(bar)
                for email, role in DEMO_STAFF:
                    user = await _ensure_user(session, email, password, role.title(), container)
                    await _ensure_member(
                        session, DEMO_SHOPS[0].slug, admin, user.email, role, container
                    )
                    progress.advance(bar)
                for shop in DEMO_SHOPS:
                    await _ensure_customers(session, shop.slug, container)
                    progress.advance(bar)
            for shop in DEMO_SHOPS:
                await ensure_catalogue(container, shop.slug)
                progress.advance(bar)
                await ensure_paid_sale(container, shop.slug)
                progress.advance(bar)
            await ensure_playground(container, PLAYGROUND_SHOP, base_url)
            progress.advance(bar)
            await ensure_domus(container)
            progress.advance(bar)
    finally:
        await container.close()


async def create_large_data(settings: Settings, *, orders: int, customers: int) -> None:
    """The `outlet` shop with `orders` orders and `customers` customers (added up to that)."""
    container = build_container(settings)
    try:
        async with unit_of_work(container.sessions) as session:
            admin = await identity.get_user_by_email(session, email=ADMIN_EMAIL)
        with Progress(transient=True) as progress:
            bar = progress.add_task("Large data", total=None)
            await ensure_large(
                container, admin, orders=orders, customers=customers,
                advance=lambda what: progress.update(bar, description=f"Large data: {what}"),
            )  # fmt: skip
        Console().print(f"Shop [bold]{LARGE_SLUG}[/]: {orders:,} orders, {customers:,} customers")
    finally:
        await container.close()


async def _ensure_user(
    session: AsyncSession, email: str, password: str, name: str, container: Container
) -> identity.StaffUserRead:
    try:
        user = await identity.get_user_by_email(session, email=email)
    except identity.UserNotFound:
        return await identity.create_user(
            session,
            email=email,
            password=password,
            full_name=name,
            is_superuser=email == ADMIN_EMAIL,
            now=container.clock.now(),
        )
    await identity.set_password(session, user_id=user.id, password=password)
    return user


async def _ensure_shop(
    session: AsyncSession, shop: DemoShop, admin: identity.StaffUserRead, container: Container
) -> None:
    try:
        await shops.get_shop(session, slug=shop.slug)
        return
    except shops.ShopNotFound:
        pass
    data = shops.ShopCreate(
        slug=shop.slug,
        name=shop.name,
        currency=shop.currency,
        timezone=shop.timezone,
        languages=list(shop.languages),
        owner_email=admin.email,
    )
    await shops.create_shop(
        session, data=data, creator=admin, actor=Actor.system("demo"), now=container.clock.now()
    )


async def _ensure_member(
    session: AsyncSession,
    slug: str,
    admin: identity.StaffUserRead,
    email: str,
    role: str,
    container: Container,
) -> None:
    access = await shops.get_access(session, user_id=admin.id, shop_slug=slug)
    try:
        await shops.add_member(
            session, access=access, email=email, role=shops.Role(role), now=container.clock.now()
        )
    except shops.AlreadyMember:
        pass


async def _ensure_customers(session: AsyncSession, slug: str, container: Container) -> None:
    shop = await shops.get_shop(session, slug=slug)
    for kind, value, name in DEMO_CUSTOMERS:
        await identity.find_or_create_customer(
            session,
            shop_id=shop.id,
            kind=kind,
            value=value,
            display_name=name,
            now=container.clock.now(),
        )


def _print_login(host: str, port: int, password: str, *, generated: bool) -> None:
    console = Console()
    table = Table(title="Shopkeeper demo", show_header=False)
    table.add_row("Admin panel", f"http://{host}:{port}/admin")
    table.add_row("API docs", f"http://{host}:{port}/api/docs")
    table.add_row("Bot playground", f"http://{host}:{port}/admin/s/{PLAYGROUND_SHOP}/playground")
    table.add_row("Email", ADMIN_EMAIL)
    source = "generated for this run" if generated else "from SHOPKEEPER_ADMIN_PASSWORD"
    table.add_row("Password", f"{password}  ({source})")
    table.add_row("Other staff", ", ".join(e for e, _ in DEMO_STAFF) + " (same password)")
    console.print(table)


def _print_checkout(host: str, port: int, calendar_url: str | None) -> None:
    table = Table(title="E-commerce checkout: the Domus store", show_header=False)
    table.add_row("Storefront", f"http://{host}:{port}/s/{DOMUS}")
    table.add_row("Promo code", f"{PROMO_CODE} (10 % off from 1000 zł)")
    if calendar_url is None:
        calendar = "none: set SHOPKEEPER_DELIVERY_CALENDAR_URL (make demo uses the built-in one)"
    elif calendar_url.rstrip("/").endswith(DEMO_CALENDAR_PATH):
        calendar = f"{calendar_url}  (the built-in demo calendar)"
    else:
        calendar = calendar_url
    table.add_row("Delivery calendar", calendar)
    Console().print(table)
