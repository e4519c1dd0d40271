"""The checkout bench's parts: its shop, seeded in-process; the SQL statement count of one
journey; the stand-in Calendar API (`python -m bench._checkout_support calendar`).

Shop "Dom" (PLN): a fridge and a lamp with plenty of stock, a 2-year warranty offered for the
fridge, a courier that needs a delivery date (and takes cash on delivery), a rule promotion
(10 % off the lamp, applied by itself), the promo code BENCH5 (5 % off, no limit), the
sandbox gateway with a known webhook secret.
"""

from __future__ import annotations

import json
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

CODE = "BENCH5"


@dataclass(frozen=True)
class Plan:
    """What a shopper's client knows of the seeded shop (and the bank's webhook secret)."""

    slug: str
    fridge: str
    lamp: str
    warranty: str
    code: str
    currency: str
    secret: str

    def webhook(self, payment_id: str, *, amount: int) -> tuple[bytes, dict[str, str]]:
        """The sandbox's signed `payment.succeeded` webhook, as its hosted page builds it."""
        from shopkeeper.payments.providers import sandbox

        signed: tuple[bytes, dict[str, str]] = sandbox.webhook(
            self.secret, kind="payment.succeeded", payment_id=uuid.UUID(payment_id),
            amount=amount, currency=self.currency, now=datetime.now(UTC),
        )  # fmt: skip
        return signed


def _container(env: dict[str, str]) -> Any:
    from shopkeeper.bootstrap import build_container
    from shopkeeper.logs import configure_logging
    from shopkeeper.settings import load_settings

    settings = load_settings(
        database_url=env["SHOPKEEPER_DATABASE_URL"],
        secret_key=env["SHOPKEEPER_SECRET_KEY"],
        encryption_keys=env["SHOPKEEPER_ENCRYPTION_KEYS"],
        delivery_calendar_url=env["SHOPKEEPER_DELIVERY_CALENDAR_URL"],
        rate_limit_per_minute=10**9,
        log_level="WARNING",
    )
    configure_logging(settings)  # the in-process app would log every request
    return build_container(settings)


async def seed(env: dict[str, str], *, stock: int) -> Plan:
    """The shop, in one transaction; `stock` units of the fridge and of the lamp."""
    from shopkeeper.db import unit_of_work

    container = _container(env)
    try:
        async with unit_of_work(container.sessions) as session:
            return await _shop(session, container, stock)
    finally:
        await container.close()


async def _shop(session: Any, container: Any, stock: int) -> Plan:
    from shopkeeper import catalog, identity, payments, promotions, shops
    from shopkeeper.audit import Actor
    from shopkeeper.cache import cache_store
    from shopkeeper.catalog import PriceIn, ProductCreate
    from shopkeeper.checkout import shipping, warranty
    from shopkeeper.payments.providers import sandbox
    from shopkeeper.promotions.rules import PromotionCreate, create_promotion

    actor, now = Actor.system("bench"), container.clock.now()
    admin = await identity.create_user(
        session, email=f"b{uuid.uuid4().hex[:6]}@example.com", password="bench-password-123",
        full_name="", is_superuser=True, now=now,
    )  # fmt: skip
    data = shops.ShopCreate(slug=f"dom-{uuid.uuid4().hex[:6]}", name="Dom", currency="PLN",
                            timezone="Europe/Warsaw")  # fmt: skip
    shop = await shops.create_shop(session, data=data, creator=admin, actor=actor, now=now)

    async def product(kind: str, name: str, price: int, units: int | None) -> Any:
        made = ProductCreate(kind=kind, name=name, published=True, stock=units,
                             prices=[PriceIn(currency="PLN", amount=price)])  # fmt: skip
        return await catalog.create_product(session, shop_id=shop.id, data=made, actor=actor,
                                            now=now)  # fmt: skip

    fridge = await product("physical", "Fridge", 250_000, stock)
    lamp = await product("physical", "Desk lamp", 10_000, stock)
    cover = await product("warranty", "Fridge warranty", 19_900, None)
    offer = warranty.WarrantyOfferCreate(product_id=fridge.id, variant_id=cover.variants[0].id,
                                         months=24, active=True)  # fmt: skip
    await warranty.create_offer(session, shop_id=shop.id, data=offer, actor=actor, now=now)
    courier = shipping.ShippingMethodCreate.model_validate({
        "code": "courier", "name": "Courier", "kind": "courier", "prices": {"PLN": 2_500},
        "requires_delivery_date": True, "calendar_code": "courier-pl", "cash_on_delivery": True,
    })  # fmt: skip
    await shipping.create_method(session, shop_id=shop.id, data=courier, actor=actor, now=now,
                                 cache=cache_store(container))  # fmt: skip
    rule = PromotionCreate.model_validate({
        "name": "Lamp week", "kind": "percent_off", "params": {"percent_bp": 1000},
        "targets": {"product_ids": [str(lamp.id)]},
    })  # fmt: skip
    await create_promotion(session, shop_id=shop.id, data=rule, actor=actor, now=now,
                           cache=cache_store(container))  # fmt: skip
    code = promotions.PromoCodeCreate(code=CODE, percent_off_bp=500)
    await promotions.create_promo_code(session, shop_id=shop.id, data=code, actor=actor, now=now)
    config = sandbox.new_config()
    await payments.configure_gateway_if_absent(
        session, shop=shop, provider="sandbox", config=config, actor=actor,
        secrets=container.secrets, settings=container.settings, now=now,
    )  # fmt: skip
    return Plan(slug=shop.slug, fridge=str(fridge.variants[0].id),
                lamp=str(lamp.variants[0].id), warranty=str(cover.variants[0].id),
                code=CODE, currency="PLN", secret=str(config["webhook_secret"]))  # fmt: skip


async def count_statements(env: dict[str, str], plan: Plan) -> dict[str, tuple[int, int]]:
    """Step → (statements of its request, of the relay + consumers it set off beyond an idle
    poll), counted in a second journey (the first warms the process: the calendar's cache)."""
    from httpx import ASGITransport, AsyncClient
    from sqlalchemy import event

    from bench.checkout import Shopper
    from shopkeeper.app import create_app
    from shopkeeper.bus import drain

    container = _container(env)
    executed = 0
    steps: dict[str, tuple[int, int]] = {}

    def counted(*_args: Any) -> None:
        nonlocal executed
        executed += 1

    class CountingShopper(Shopper):
        mark = idle = 0

        async def _send(
            self, method: str, path: str, headers: dict[str, str], body: bytes
        ) -> tuple[int, bytes]:
            answer = await http.request(method, path, headers=headers, content=body)
            return answer.status_code, answer.content

        async def _after(self, step: str, seconds: float) -> None:
            api = executed - self.mark
            await drain(container)  # what the worker would do next, here and now
            steps[step] = (api, executed - self.mark - api - self.idle)
            self.mark = executed

    event.listen(container.engine.sync_engine, "before_cursor_execute", counted)
    transport = ASGITransport(app=create_app(container=container), client=("127.0.0.1", 50000))
    try:
        async with AsyncClient(transport=transport, base_url="http://bench") as http:
            shopper = CountingShopper(plan)
            await shopper.journey(0)
            await drain(container)  # quiet now: what does a poll that finds nothing cost?
            shopper.mark = executed
            await drain(container)
            shopper.idle, shopper.mark = executed - shopper.mark, executed
            await shopper.journey(0)
    finally:
        await container.close()
    return steps


async def calendar_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The stand-in Calendar API: `GET /days?...&from=&to=` → every day after `from` offered."""
    if scope["type"] != "http":
        return
    query = {k: v[0] for k, v in parse_qs(scope["query_string"].decode()).items()}
    try:
        start, end = date.fromisoformat(query["from"]), date.fromisoformat(query["to"])
        count = (end - start).days + 1
        days = [{"date": (start + timedelta(days=n)).isoformat(), "available": n > 0,
                 "slots": ["morning"]} for n in range(min(count, 92))]  # fmt: skip
        status, body = 200, json.dumps({"days": days}).encode()
    except (KeyError, ValueError):
        status, body = 400, b'{"error":"method, country, postal_code, from and to"}'
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _serve_calendar(argv: list[str]) -> None:
    import uvicorn

    host, port = argv[argv.index("--host") + 1], int(argv[argv.index("--port") + 1])
    uvicorn.run("bench._checkout_support:calendar_app", host=host, port=port, log_config=None)


if __name__ == "__main__" and sys.argv[1:2] == ["calendar"]:
    _serve_calendar(sys.argv[2:])
