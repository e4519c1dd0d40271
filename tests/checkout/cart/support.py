"""The cart tests' shop and the steps a shopper's client takes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from httpx import AsyncClient, Response
from sqlalchemy import select

from shopkeeper import identity
from shopkeeper.bootstrap import Container
from shopkeeper.bus.models import OutboxEvent
from shopkeeper.catalog import ProductRead
from shopkeeper.db import unit_of_work
from shopkeeper.identity import CustomerRead
from shopkeeper.shops import ShopRead
from shopkeeper.web.store.sessions import start_session
from tests.builders.catalog import create_product
from tests.builders.services import create_sku_product, create_warranty_offer, save_services_rules
from tests.builders.staff import Staff, shop_with_owner


@dataclass
class Shelf:
    """Lumen (PLN): a lamp (5 in stock), a chair (stock not counted), an ebook, a plan, a
    course, a warranty offered for the lamp, an installation service for any item, gift
    wrapping for the whole order, and a mug priced in EUR only."""

    shop: ShopRead
    owner: Staff
    lamp: ProductRead
    chair: ProductRead
    ebook: ProductRead
    plan: ProductRead
    course: ProductRead
    warranty: ProductRead
    install: ProductRead
    mug: ProductRead
    gift_wrap: ProductRead

    @property
    def base(self) -> str:
        return f"/s/{self.shop.slug}"


async def stock_shelf(container: Container, client: AsyncClient) -> Shelf:
    shop, owner = await shop_with_owner(
        container, client, slug="lumen", name="Lumen", currency="PLN", languages=("en",)
    )

    async def product(kind: str, name: str, price: int, **fields: Any) -> ProductRead:
        return await create_product(container, shop=shop, kind=kind, name=name,
                                    prices={"PLN": price}, **fields)  # fmt: skip

    shelf = Shelf(
        shop=shop, owner=owner,
        lamp=await product("physical", "Desk lamp", 10_000, stock=5),
        chair=await product("physical", "Chair", 25_000),
        ebook=await product("digital", "Night sky guide", 2_000),
        plan=await product("plan", "Club", 2_900),
        course=await product("course", "Drawing", 9_900),
        warranty=await product("warranty", "2-year warranty", 3_000),
        install=await create_sku_product(container, shop=shop, kind="service", sku="SVC-INSTALL",
                                         name="Installation", prices={"PLN": 5_000}),
        mug=await create_product(container, shop=shop, name="Mug", prices={"EUR": 900}),
        gift_wrap=await create_sku_product(container, shop=shop, kind="service",
                                           sku="SVC-GIFT-WRAP", name="Gift wrap",
                                           prices={"PLN": 5_000}),
    )  # fmt: skip
    await save_services_rules(container, shop=shop, yaml=SERVICES_RULES)
    await create_warranty_offer(container, shop=shop, product_id=shelf.lamp.id,
                                variant_id=shelf.warranty.variants[0].id)  # fmt: skip
    return shelf


# The cart asks the services context whether a service may go where it is added.
SERVICES_RULES = """\
services:
  - sku: SVC-INSTALL
    kind: item
    pricing: per_line
  - sku: SVC-GIFT-WRAP
    kind: standalone
"""


def vid(product: ProductRead) -> str:
    return str(product.variants[0].id)


def cart_url(shop: ShopRead, suffix: str = "") -> str:
    return f"/api/v1/shops/{shop.slug}/cart{suffix}"


def token_headers(token: str) -> dict[str, str]:
    return {"X-Cart-Token": token}


async def add(
    client: AsyncClient, shop: ShopRead, product: ProductRead, *, type: str = "offer",
    quantity: int = 1, parent: str | None = None, headers: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    body: dict[str, Any] = {"type": type, "variant_id": vid(product), "quantity": quantity}
    if parent is not None:
        body["parent_item_id"] = parent
    return await client.post(cart_url(shop, "/items"), json=body, headers=headers or {})


async def new_cart(client: AsyncClient, shop: ShopRead, product: ProductRead,
                   quantity: int = 1) -> tuple[str, dict[str, Any]]:  # fmt: skip
    """An anonymous cart with `product` in it: its token and the add's answer."""
    response = await add(client, shop, product, quantity=quantity)
    assert response.status_code == 201, response.text
    body = response.json()
    return body["cart_token"], body


async def get_cart(client: AsyncClient, shop: ShopRead, headers: dict[str, str]) -> dict[str, Any]:
    response = await client.get(cart_url(shop), headers=headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def customer_with_session(
    container: Container, shop: ShopRead, email: str | None = None
) -> tuple[CustomerRead, dict[str, str]]:
    """A customer signed in to the storefront: their session cookie, as a header."""
    email = email or f"c-{uuid.uuid4().hex[:8]}@example.com"
    async with unit_of_work(container.sessions) as session:
        customer = await identity.find_or_create_customer(
            session, shop_id=shop.id, kind="email", value=email, now=container.clock.now()
        )
        token, _ = await start_session(session, shop_id=shop.id, customer_id=customer.id,
                                       method="email", now=container.clock.now())  # fmt: skip
    return customer, {"Cookie": f"sk_store={token}"}


async def cart_events(container: Container) -> list[OutboxEvent]:
    async with container.sessions() as session:
        stmt = select(OutboxEvent).where(OutboxEvent.topic == "cart-events")
        return list(await session.scalars(stmt.order_by(OutboxEvent.position)))


def lines(view: dict[str, Any]) -> dict[str, int]:
    """Name → quantity of a view's lines."""
    return {line["name"]: line["quantity"] for line in view["items"]}
