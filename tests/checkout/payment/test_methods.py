"""GET /payment/available and POST /payment/select: the shop's gateways and cash on delivery
only with a shipping method that collects it; a method that is not available is refused with
nothing changed; a shipping change that rules cash on delivery out clears the choice."""

from __future__ import annotations

from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from shopkeeper.bus import drain
from tests.checkout.payment.support import (
    available,
    cod_courier,
    enable_sandbox,
    headers,
    new_cart,
    options,
    payment_events,
    payment_method_code,
    post,
)
from tests.checkout.session.support import Store


async def test_methods_follow_the_shops_gateways_and_the_shipping_method(
    client: AsyncClient, store: Store, container: Container
) -> None:
    token = await new_cart(client, store, store.lamp)
    only_cod = options(await available(client, store, token))
    assert list(only_cod) == ["cod"]  # no gateway enabled yet
    assert only_cod["cod"][0] is False and "shipping method first" in str(only_cod["cod"][1])

    await enable_sandbox(container, store.shop)
    await cod_courier(container, store)
    assert (await post(client, store, "/shipping/select", token,
                       {"method_code": "locker"})).status_code == 200  # fmt: skip
    body = await available(client, store, token)
    assert body["currency"] == "PLN" and body["selected"] is None
    assert options(body) == {
        "sandbox": (True, None),
        "cod": (False, "Parcel locker does not collect cash on delivery"),
    }
    assert [(m["code"], m["kind"]) for m in body["methods"]] == [
        ("sandbox", "online"), ("cod", "cod"),
    ]  # fmt: skip

    assert (await post(client, store, "/shipping/select", token,
                       {"method_code": "cod-courier"})).status_code == 200  # fmt: skip
    assert options(await available(client, store, token))["cod"] == (True, None)
    chosen = await post(client, store, "/payment/select", token, {"method": " COD "})
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["selected"] == "cod"
    assert await payment_method_code(container, store, chosen.json()["cart_id"]) == "cod"
    published = await payment_events(container)
    assert [name for name, _ in published] == ["payment.payment_method_selected.v1"]
    assert published[0][1]["method"] == "cod" and published[0][1]["kind"] == "cod"
    assert published[0][1]["cart_id"] == chosen.json()["cart_id"]


async def test_an_unavailable_method_is_refused_and_changes_nothing(
    client: AsyncClient, store: Store, container: Container
) -> None:
    await enable_sandbox(container, store.shop)
    token = await new_cart(client, store, store.lamp)
    assert (await post(client, store, "/shipping/select", token,
                       {"method_code": "locker"})).status_code == 200  # fmt: skip
    chosen = await post(client, store, "/payment/select", token, {"method": "sandbox"})
    assert chosen.status_code == 200, chosen.text
    cart_id = chosen.json()["cart_id"]

    for method in ("cod", "stripe", "nonsense"):
        refused = await post(client, store, "/payment/select", token, {"method": method})
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"] == "PaymentMethodUnavailable"
    cod = await post(client, store, "/payment/select", token, {"method": "cod"})
    assert "Parcel locker does not collect cash on delivery" in cod.json()["detail"]
    empty = await post(client, store, "/payment/select", token, {"method": ""})
    assert empty.status_code == 422

    assert await payment_method_code(container, store, cart_id) == "sandbox"
    assert [name for name, _ in await payment_events(container)] == [
        "payment.payment_method_selected.v1"
    ]
    stranger = await client.get(store.url("/payment/available"), headers=headers("not-a-token"))
    assert stranger.status_code == 404
    nobody = await client.post(store.url("/payment/select"), json={"method": "sandbox"})
    assert nobody.status_code == 404


async def test_a_shipping_method_without_cash_on_delivery_clears_that_choice(
    client: AsyncClient, store: Store, container: Container
) -> None:
    await cod_courier(container, store)
    token = await new_cart(client, store, store.lamp)
    assert (await post(client, store, "/shipping/select", token,
                       {"method_code": "cod-courier"})).status_code == 200  # fmt: skip
    chosen = await post(client, store, "/payment/select", token, {"method": "cod"})
    assert chosen.status_code == 200, chosen.text
    cart_id = chosen.json()["cart_id"]

    assert (await post(client, store, "/shipping/select", token,
                       {"method_code": "cod-courier"})).status_code == 200  # fmt: skip
    await drain(container)
    assert await payment_method_code(container, store, cart_id) == "cod"  # still collected

    assert (await post(client, store, "/shipping/select", token,
                       {"method_code": "locker"})).status_code == 200  # fmt: skip
    await drain(container)
    assert await payment_method_code(container, store, cart_id) is None
    summary = await client.get(store.url("/checkout/summary"), headers=headers(token))
    assert any("does not collect cash on delivery" in n for n in summary.json()["notices"])
    assert (await available(client, store, token))["selected"] is None
