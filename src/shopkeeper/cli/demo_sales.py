"""Demo catalogue per reference system, one sale paid through the sandbox gateway, and the
LumenPay shop's bot playground with its private channel."""

from __future__ import annotations

from dataclasses import dataclass

from shopkeeper import catalog, identity, orders, payments, shops
from shopkeeper.audit import Actor
from shopkeeper.bots.telegram import channels, playground
from shopkeeper.catalog.schemas import PeriodUnit as Every
from shopkeeper.catalog.schemas import PlanTerms, PriceIn, ProductCreate
from shopkeeper.catalog.schemas import ProductKind as Kind
from shopkeeper.container import Container
from shopkeeper.db import unit_of_work
from shopkeeper.orders.schemas import OrderItemIn
from shopkeeper.payments.schemas import PaymentCreate

DEMO_ACTOR = Actor.system("demo")


@dataclass(frozen=True)
class DemoProduct:
    kind: Kind
    name: str
    amount: int  # minor units of the shop's currency
    period_unit: Every | None = None
    stock: int | None = None


DEMO_PRODUCTS: dict[str, tuple[DemoProduct, ...]] = {
    "lumen": (
        DemoProduct(Kind.PLAN, "VIP channel — 1 month", 49_000, period_unit=Every.MONTH),
        DemoProduct(Kind.PLAN, "VIP channel — 1 year", 490_000, period_unit=Every.YEAR),
    ),
    "zagadka": (
        DemoProduct(Kind.PLAN, "Premium Gold", 2_900, period_unit=Every.MONTH),
        DemoProduct(Kind.PLAN, "Premium Platinum", 5_900, period_unit=Every.MONTH),
    ),
    "maxloyalty": (DemoProduct(Kind.PLAN, "Loyalty Business", 990_000, period_unit=Every.MONTH),),
    "gongbu": (DemoProduct(Kind.COURSE, "Korean for beginners", 4_900),),
    "meble": (
        DemoProduct(Kind.PHYSICAL, "Oak dining table", 129_900, stock=12),
        DemoProduct(Kind.SERVICE, "Assembly at home", 14_900),
    ),
}


async def ensure_catalogue(container: Container, slug: str) -> None:
    """Publish the shop's demo products unless it has products already."""
    async with unit_of_work(container.sessions) as session:
        shop = await shops.get_shop(session, slug=slug)
        if (await catalog.list_products(session, shop_id=shop.id, limit=1)).total:
            return
        for product in DEMO_PRODUCTS.get(slug, ()):
            await catalog.create_product(
                session, shop_id=shop.id, data=_product(product, shop.currency),
                actor=DEMO_ACTOR, now=container.clock.now(),
            )  # fmt: skip


def _product(product: DemoProduct, currency: str) -> ProductCreate:
    plan = PlanTerms(period_unit=product.period_unit) if product.period_unit else None
    return ProductCreate(
        kind=product.kind,
        name=product.name,
        published=True,
        plan=plan,
        prices=[PriceIn(currency=currency, amount=product.amount)],
        stock=product.stock,
    )


async def ensure_paid_sale(container: Container, slug: str) -> None:
    """One order of the shop's first product, paid by pressing Pay on the sandbox page (only
    in the shops whose catalogue is DEMO_PRODUCTS: Domus keeps its stock for the checkout)."""
    if slug not in DEMO_PRODUCTS:
        return
    async with unit_of_work(container.sessions) as session:
        shop = await shops.get_shop(session, slug=slug)
        if (await orders.list_orders(session, shop_id=shop.id, limit=1)).total:
            return
        products = await catalog.list_products(session, shop_id=shop.id, limit=1)
        if not products.items:
            return
        customer = await identity.find_or_create_customer(
            session, shop_id=shop.id, kind="email", value="olga@example.com",
            display_name="Olga", now=container.clock.now(),
        )  # fmt: skip
        order = await orders.place_order(
            session, shop_id=shop.id, customer_id=customer.id, currency=shop.currency,
            items=[OrderItemIn(variant_id=products.items[0].variants[0].id)],
            source="demo", now=container.clock.now(),
        )  # fmt: skip
    started = await payments.start_payment(
        container, shop=shop, order_id=order.id, data=PaymentCreate(), actor=DEMO_ACTOR
    )
    await payments.press_sandbox(container, payment_id=started.payment_id, outcome="pay")


PLAYGROUND_SHOP = "lumen"  # the LumenPay system: plans sold through a bot, a private channel


async def ensure_playground(container: Container, slug: str, base_url: str) -> None:
    """The shop's playground bot, and its private channel sold by every plan of the shop, so
    a newcomer can buy a plan in /admin/s/<shop>/playground and get the invite link."""
    async with container.readers() as session:
        shop = await shops.get_shop(session, slug=slug)
        found = await playground.get_playground(session, shop_id=shop.id)
    if found is None:
        found = await playground.create_playground_bot(
            container, shop_id=shop.id, actor=DEMO_ACTOR, base_url=base_url
        )
    elif not found.connected:
        found = await playground.reconnect_playground_bot(
            container, shop_id=shop.id, actor=DEMO_ACTOR, base_url=base_url
        )
    await _sell_channel(container, shop, found)


async def _sell_channel(
    container: Container, shop: shops.ShopRead, found: playground.PlaygroundRead
) -> None:
    async with container.readers() as session:
        registered = await channels.list_channels(session, shop_id=shop.id, limit=100)
        products = await catalog.list_products(session, shop_id=shop.id, limit=100)
    chat_id = found.channel_ids[0]
    if any(channel.chat_id == chat_id for channel in registered.items) or found.bot_id is None:
        return
    plans = [p.id for p in products.items if p.kind == Kind.PLAN]
    data = channels.ChannelCreate(chat_id=chat_id, bot_id=found.bot_id, product_ids=plans)
    await channels.register_channel(container, shop_id=shop.id, data=data, actor=DEMO_ACTOR)
