"""The checkout's caches (seed 004): shipping methods, promotions and services per cart, and
the materialised totals view. Each is read back while nothing it depends on changed (a change
made behind their back, straight in the database, stays unseen), and a change made the way
staff and shoppers make them shows at once."""

from __future__ import annotations

import uuid
from typing import Any

from httpx import AsyncClient
from sqlalchemy import update

from shopkeeper.audit import Actor
from shopkeeper.bootstrap import Container
from shopkeeper.bus import drain
from shopkeeper.cache import cache_store
from shopkeeper.catalog import ProductRead
from shopkeeper.catalog.models import Price
from shopkeeper.checkout.session.totals import KeptTotals, totals_key
from shopkeeper.checkout.shipping.methods import update_method
from shopkeeper.checkout.shipping.models import ShippingMethod
from shopkeeper.checkout.shipping.schemas import ShippingMethodUpdate
from shopkeeper.db import unit_of_work
from shopkeeper.promotions.rules import PromotionUpdate, update_promotion
from shopkeeper.promotions.rules.models import Promotion
from tests.builders.services import save_services_rules
from tests.checkout.session.support import ADDRESS, Store, add

STAFF = Actor.system("tests")


async def _cart(
    client: AsyncClient, store: Store, product: ProductRead | None = None
) -> dict[str, str]:
    """A new anonymous cart: two lamps, or one `product`."""
    added = await add(client, store, product or store.lamp, quantity=1 if product else 2)
    assert added.status_code == 201, added.text
    return {"X-Cart-Token": added.json()["cart_token"]}


async def _get(client: AsyncClient, store: Store, path: str, headers: dict[str, str]) -> Any:
    response = await client.get(store.url(path), headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def _behind_the_back(container: Container, statement: Any) -> None:
    async with unit_of_work(container.sessions) as session:
        await session.execute(statement)


def _locker_price(methods: dict[str, Any]) -> int:
    return next(m["price"] for m in methods["methods"] if m["code"] == "locker")  # type: ignore[no-any-return]


async def test_shipping_methods_are_kept_per_cart_and_a_staff_change_shows_at_once(
    client: AsyncClient, store: Store, container: Container
) -> None:
    headers = await _cart(client, store)
    assert _locker_price(await _get(client, store, "/shipping/available", headers)) == 999

    await _behind_the_back(container, update(ShippingMethod)
                           .where(ShippingMethod.id == store.locker.id)
                           .values(prices={"PLN": 1_111}))  # fmt: skip
    assert _locker_price(await _get(client, store, "/shipping/available", headers)) == 999

    async with unit_of_work(container.sessions) as session:
        await update_method(
            session, shop_id=store.shop.id, method_id=store.locker.id,
            data=ShippingMethodUpdate(prices={"PLN": 1_299}), actor=STAFF,
            now=container.clock.now(), cache=cache_store(container),
        )  # fmt: skip
    assert _locker_price(await _get(client, store, "/shipping/available", headers)) == 1_299
    more = await _cart_change(client, store, headers)  # another cart: priced again
    assert _locker_price(await _get(client, store, "/shipping/available", more)) == 1_299


async def _cart_change(
    client: AsyncClient, store: Store, headers: dict[str, str]
) -> dict[str, str]:
    added = await add(client, store, store.lamp, quantity=1, token=headers["X-Cart-Token"])
    assert added.status_code in (200, 201), added.text  # 200: merged into the lamp line
    return headers


async def test_the_totals_view_is_kept_until_the_cart_the_session_or_the_promotions_change(
    client: AsyncClient, store: Store, container: Container
) -> None:
    headers = await _cart(client, store)
    first = await _get(client, store, "/checkout/summary", headers)
    assert first["totals"]["discounts"] == 2_000  # lamp week: 10 % of 200.00
    offered = await _get(client, store, "/promotions/available", headers)
    assert offered["promotions"][0]["discount"] == 2_000

    await _behind_the_back(container, update(Promotion)
                           .where(Promotion.id == store.lamp_week.id)
                           .values(params={"percent_bp": 5_000}))  # fmt: skip
    kept = await _get(client, store, "/checkout/summary", headers)
    assert kept["totals"] == first["totals"]
    assert await _get(client, store, "/promotions/available", headers) == offered

    await _cart_change(client, store, headers)  # three lamps now: a new cart version
    changed = await _get(client, store, "/checkout/summary", headers)
    assert changed["totals"]["subtotal"] == 30_000
    assert changed["totals"]["discounts"] == 15_000  # the rule as stored now: 50 %

    async with unit_of_work(container.sessions) as session:
        await update_promotion(
            session, shop_id=store.shop.id, promotion_id=store.lamp_week.id,
            data=PromotionUpdate(params={"percent_bp": 2_000}), actor=STAFF,
            now=container.clock.now(), cache=cache_store(container),
        )  # fmt: skip
    staffed = await _get(client, store, "/checkout/summary", headers)
    assert staffed["totals"]["discounts"] == 6_000
    offered = await _get(client, store, "/promotions/available", headers)
    assert offered["promotions"][0]["discount"] == 6_000


async def test_consumers_keep_a_kept_totals_view_up_with_the_shoppers_choices(
    client: AsyncClient, store: Store, container: Container
) -> None:
    headers = await _cart(client, store)
    summary = await _get(client, store, "/checkout/summary", headers)
    cart_id = uuid.UUID(summary["cart_id"])
    assert summary["shipping"]["method_code"] is None
    await drain(container)

    chosen = await client.post(store.url("/shipping/select"), json={"method_code": "locker"},
                               headers=headers)  # fmt: skip
    assert chosen.status_code == 200, chosen.text
    address = await client.post(store.url("/shipping/address"), json=ADDRESS, headers=headers)
    assert address.status_code == 200, address.text
    await drain(container)  # shipping-events: "update totals"

    raw = await cache_store(container).get(totals_key(cart_id))
    assert raw is not None
    kept = KeptTotals.model_validate_json(raw).summary
    assert kept.shipping.method_code == "locker" and kept.totals.shipping == 999
    assert kept.session_version == address.json()["version"]
    served = await _get(client, store, "/checkout/summary", headers)
    assert (
        served["totals"] == kept.totals.model_dump() and "shipping_method" not in served["missing"]
    )


async def test_a_cart_never_at_checkout_keeps_no_totals_view(
    client: AsyncClient, store: Store, container: Container
) -> None:
    headers = await _cart(client, store)
    await _cart_change(client, store, headers)
    await drain(container)

    view = await _get(client, store, "/cart", headers)
    assert await cache_store(container).get(totals_key(uuid.UUID(view["cart_id"]))) is None


async def test_services_are_kept_per_cart_until_the_rules_are_saved_again(
    client: AsyncClient, store: Store, container: Container
) -> None:
    headers = await _cart(client, store, store.fridge)
    offered = await _get(client, store, "/services/available", headers)
    assert [s["name"] for s in offered["standalone"]] == ["Gift wrap"]

    await _behind_the_back(container, update(Price)
                           .where(Price.variant_id == store.gift_wrap.variants[0].id)
                           .values(amount=1_900))  # fmt: skip
    kept = await _get(client, store, "/services/available", headers)
    assert kept["standalone"][0]["unit_price"] == offered["standalone"][0]["unit_price"] == 900

    await save_services_rules(container, shop=store.shop, yaml=ONLY_CARRYING_IN)
    saved = await _get(client, store, "/services/available", headers)
    assert saved["standalone"] == []
    assert [s["name"] for s in saved["items"][0]["services"]] == ["Carrying in"]


ONLY_CARRYING_IN = """\
services:
  - sku: SVC-CARRY-IN
    kind: item
    categories: [large-appliances]
"""
