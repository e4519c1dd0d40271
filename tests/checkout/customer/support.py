"""The customer tests' shop and the steps a shopper's and a staff member's clients take."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from httpx import AsyncClient, Response
from sqlalchemy import select

from shopkeeper.bootstrap import Container
from shopkeeper.bus.models import OutboxEvent
from shopkeeper.catalog import ProductRead
from shopkeeper.shops import ShopRead
from tests.builders.catalog import create_product
from tests.builders.staff import Staff, shop_with_owner

TERMS = {"en": "I accept the terms of sale.", "pl": "Akceptuję regulamin sprzedaży."}
NEWS = {"en": "Send me the newsletter.", "pl": "Chcę dostawać newsletter.",
        "ru": "Присылайте мне рассылку."}  # fmt: skip
CUSTOMER = {"email": "Ola.Nowak@Example.com", "phone": "+48 600-100-200", "name": " Ola  Nowak "}
INVOICE = {"company": "Lipa sp. z o.o.", "country": "pl", "tax_id": "526-000-12-46",
           "street": "Marszałkowska 1", "postal_code": "00950", "city": "Warszawa"}  # fmt: skip


@dataclass
class Lipa:
    """Lipa (PLN, languages en and pl, default en) with its owner and a lamp."""

    shop: ShopRead
    owner: Staff
    lamp: ProductRead

    def url(self, suffix: str) -> str:
        return f"/api/v1/shops/{self.shop.slug}{suffix}"


async def open_lipa(container: Container, client: AsyncClient, slug: str = "lipa") -> Lipa:
    shop, owner = await shop_with_owner(
        container, client, slug=slug, name=slug.title(), currency="PLN", languages=("en", "pl")
    )
    lamp = await create_product(container, shop=shop, name="Lamp", prices={"PLN": 10_000})
    return Lipa(shop, owner, lamp)


async def new_cart(client: AsyncClient, lipa: Lipa) -> dict[str, str]:
    """An anonymous cart with the lamp in it: the headers its owner sends."""
    body = {"type": "offer", "variant_id": str(lipa.lamp.variants[0].id), "quantity": 1}
    added = await client.post(lipa.url("/cart/items"), json=body)
    assert added.status_code == 201, added.text
    return {"X-Cart-Token": added.json()["cart_token"]}


async def create_consent(
    client: AsyncClient, lipa: Lipa, code: str, texts: dict[str, str], *,
    required: bool = False, position: int = 0,
) -> dict[str, Any]:  # fmt: skip
    response = await client.post(
        lipa.url("/consents"), headers=lipa.owner.headers,
        json={"code": code, "texts": texts, "required": required, "position": position},
    )  # fmt: skip
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def shown(client: AsyncClient, lipa: Lipa, headers: dict[str, str],
                **params: str) -> dict[str, dict[str, Any]]:  # fmt: skip
    """The shopper's consents by code."""
    response = await client.get(lipa.url("/checkout/consents"), headers=headers, params=params)
    assert response.status_code == 200, response.text
    return {c["code"]: c for c in response.json()["consents"]}


async def answer(client: AsyncClient, lipa: Lipa, headers: dict[str, str],
                 *answers: dict[str, Any]) -> Response:  # fmt: skip
    return await client.post(
        lipa.url("/checkout/consents"), headers=headers, json={"consents": list(answers)}
    )


async def events(container: Container, name: str) -> list[OutboxEvent]:
    async with container.sessions() as session:
        stmt = select(OutboxEvent).where(OutboxEvent.name == name)
        return list(await session.scalars(stmt.order_by(OutboxEvent.position)))
