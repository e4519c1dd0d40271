"""What the admin checkout tests share: signing in and out, CSRF tokens, form bodies."""

from __future__ import annotations

import re
from typing import Any

from httpx import AsyncClient, Response

from tests.web.seed import sign_in

OWNER = "owner@north.example"
HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page carries a csrf_token field"
    return match.group(1)


def shipping_url(path: str = "") -> str:
    return f"/admin/s/north/checkout/shipping{path}"


def services_url(path: str = "") -> str:
    return f"/admin/s/north/checkout/services{path}"


def warranty_url(path: str = "") -> str:
    return f"/admin/s/north/checkout/warranty{path}"


async def token(client: AsyncClient, path: str = "/admin/s/north") -> str:
    """The signed-in session's CSRF token, as any of its pages carries it."""
    return csrf_of((await client.get(path)).text)


async def switch_to(client: AsyncClient, email: str) -> None:
    """Sign out whoever is signed in and sign in as `email`."""
    await client.post("/admin/logout", data={"csrf_token": await token(client)})
    response = await sign_in(client, email)
    assert response.status_code == 303, response.text


def method_body(**fields: Any) -> dict[str, Any]:
    """The shipping form as a browser posts it: a PLN courier, two spare price rows, one
    empty add-on row, written the Polish way (the shop's locale)."""
    body: dict[str, Any] = {
        "name": "Kurier",
        "code": "courier",
        "kind": "courier",
        "position": "0",
        "currency": ["PLN", "", ""],
        "price": ["15,00", "", ""],
        "free_above": ["", "", ""],
        "min_cart": ["", "", ""],
        "max_cart": ["", "", ""],
        "calendar_code": "",
        "addon_code": [""],
        "addon_name": [""],
        "addon_rule": ["any_day"],
        "addon_slot": [""],
        "addon_price_PLN": [""],
        "max_weight": "",
        "side_1": "",
        "side_2": "",
        "side_3": "",
    }
    body.update(fields)
    return body


def field_error(page: Response, field_id: str) -> str:
    """The inline error shown under the field `field_id` ("" when there is none)."""
    match = re.search(
        rf'<p class="field-error" id="{re.escape(field_id)}-error">(.*?)</p>', page.text
    )
    return match.group(1) if match else ""
