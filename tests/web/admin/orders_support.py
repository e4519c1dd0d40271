"""What the admin orders tests share: a paid order through the sandbox, the order's page and
its forms as a browser fills them."""

from __future__ import annotations

import html as html_text
import re
import uuid

from httpx import AsyncClient, Response

from shopkeeper import bus, payments
from shopkeeper.bootstrap import Container
from shopkeeper.orders import OrderRead
from shopkeeper.shops import ShopRead
from tests.builders import Staff
from tests.builders.orders import create_sellable, place_order
from tests.builders.payments import start
from tests.web.admin.support import csrf_of


async def sandbox_paid(
    container: Container,
    client: AsyncClient,
    *,
    shop: ShopRead,
    owner: Staff,
    price: int = 1500,
    name: str = "Desk lamp",
    customer_id: uuid.UUID | None = None,
) -> OrderRead:
    """An order of one product paid on the sandbox page, the bus drained (invoice issued)."""
    product = await create_sellable(container, shop=shop, price=price, name=name)
    order = await place_order(container, shop=shop, items=[(product, 1)], customer_id=customer_id)
    started = await start(client, shop=shop, staff=owner, order_id=order.id)
    await payments.press_sandbox(
        container, payment_id=uuid.UUID(started["payment_id"]), outcome="pay"
    )
    await bus.drain(container)
    return order


def order_url(shop: ShopRead, order: OrderRead, path: str = "") -> str:
    return f"/admin/s/{shop.slug}/orders/{order.id}{path}"


def hidden_fields(html: str, action: str) -> dict[str, str]:
    """The hidden inputs of the form posting to `action` (as the browser would send them)."""
    form = html.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]
    found = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)
    return {name: html_text.unescape(value) for name, value in found}


async def post_form(
    client: AsyncClient, shop: ShopRead, order: OrderRead, action: str, **fields: str
) -> Response:
    """Post one of the order page's forms: its hidden fields (CSRF, keys) plus `fields`."""
    url = order_url(shop, order, f"/{action}")
    page = await client.get(order_url(shop, order))
    data = {"csrf_token": csrf_of(page.text)}
    if f'action="{url}"' in page.text:
        data.update(hidden_fields(page.text, url))
    data.update(fields)
    return await client.post(url, data=data)
