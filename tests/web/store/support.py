"""The storefront tests' shop and the steps a customer's browser takes (sign in, buy, pay)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from httpx import AsyncClient, Response

from shopkeeper import payments
from shopkeeper.audit import Actor
from shopkeeper.bootstrap import Container
from shopkeeper.catalog import ProductRead
from shopkeeper.db import unit_of_work
from shopkeeper.shops import ShopRead
from tests.builders.orders import create_sellable
from tests.builders.staff import Staff, shop_with_owner
from tests.builders.subscriptions import create_plan
from tests.fakes.smtp import Mailbox


@dataclass
class Lumen:
    shop: ShopRead
    owner: Staff
    basic: ProductRead
    pro: ProductRead
    ebook: ProductRead

    @property
    def base(self) -> str:
        return f"/s/{self.shop.slug}"


async def seed_lumen(container: Container, client: AsyncClient) -> Lumen:
    shop, owner = await shop_with_owner(
        container, client, slug="lumen", name="Lumen Club", currency="PLN",
        languages=("pl", "en"),
    )  # fmt: skip
    basic = await create_plan(container, shop=shop, name="Basic", price=2900, currency="PLN")
    pro = await create_plan(container, shop=shop, name="Pro", price=4900, currency="PLN")
    ebook = await create_sellable(container, shop=shop, name="Night sky guide", price=1500,
                                  currency="PLN")  # fmt: skip
    await enable_sandbox(container, shop)
    return Lumen(shop, owner, basic, pro, ebook)


async def enable_sandbox(container: Container, shop: ShopRead) -> None:
    async with unit_of_work(container.sessions) as session:
        await payments.configure_gateway_if_absent(
            session, shop=shop, provider="sandbox", config={}, actor=Actor.system("tests"),
            secrets=container.secrets, settings=container.settings, now=container.clock.now(),
        )  # fmt: skip


def hidden(html: str, name: str = "csrf_token") -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"the page has a {name} field"
    return match.group(1)


def location(response: Response) -> str:
    assert response.status_code in (302, 303), (response.status_code, response.text[:500])
    return response.headers["location"]


async def request_code(client: AsyncClient, lumen: Lumen, email: str, *,
                       next_path: str = "") -> Response:  # fmt: skip
    page = await client.get(f"{lumen.base}/signin")
    form = {"email": email, "csrf_token": hidden(page.text), "next": next_path}
    return await client.post(f"{lumen.base}/signin/email", data=form)


async def enter_code(client: AsyncClient, lumen: Lumen, email: str, code: str, *,
                     page: Response, next_path: str = "") -> Response:  # fmt: skip
    form = {"email": email, "code": code, "csrf_token": hidden(page.text), "next": next_path}
    return await client.post(f"{lumen.base}/signin/code", data=form)


async def sign_in(client: AsyncClient, lumen: Lumen, mailbox: Mailbox, email: str, *,
                  next_path: str = "") -> Response:  # fmt: skip
    """The whole email sign-in: ask for a code, read it from the mailbox, enter it."""
    page = await request_code(client, lumen, email, next_path=next_path)
    assert page.status_code == 200, page.text
    return await enter_code(client, lumen, email, mailbox.last_code(email), page=page,
                            next_path=next_path)  # fmt: skip


async def session_csrf(client: AsyncClient, lumen: Lumen) -> str:
    page = await client.get(f"{lumen.base}/account")
    assert page.status_code == 200, page.text
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
    assert match
    return match.group(1)


async def buy(client: AsyncClient, lumen: Lumen, product: ProductRead) -> Response:
    """Press Buy on the product page (the form as the page renders it)."""
    page = await client.get(f"{lumen.base}/p/{product.slug}")
    form = {"csrf_token": hidden(page.text), "variant": hidden(page.text, "variant")}
    return await client.post(f"{lumen.base}/buy", data=form)


async def press_pay(client: AsyncClient, pay_url: str, outcome: str = "pay") -> Response:
    """On the sandbox's hosted page, press Pay (or Fail); the answer redirects back."""
    path = urlsplit(pay_url).path
    page = await client.get(path)
    assert page.status_code == 200, page.text
    return await client.post(path, data={"outcome": outcome, "csrf_token": hidden(page.text)})


def query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))
