"""The admin's payment gateways: every provider listed with its account (on/off, test or live
keys, secrets masked), a provider set up from its form with errors by field, a secret left
blank kept, never the whole secret in the page; settings.manage on every page and action,
CSRF, unknown providers, other shops, inert text."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from shopkeeper.shops import ShopRead
from tests.builders import shop_with_owner, staff_member
from tests.web.admin.support import HOSTILE, csrf_of, field_error
from tests.web.seed import sign_in

STRIPE_KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dcA1B2"
STRIPE_HOOK = "whsec_Zx8Kq2LmN4pR6sT8vW0yA1b2"
YOO_KEY = "test_Fh8hUAVVBGUGkjv77GHZ9q9"


def base(shop: ShopRead) -> str:
    return f"/admin/s/{shop.slug}/settings/gateways"


async def _owner(container: Container, client: AsyncClient) -> ShopRead:
    shop, owner = await shop_with_owner(container, client)
    await sign_in(client, owner.user.email)
    return shop


async def test_an_owner_sets_up_stripe_and_sees_its_keys_only_masked(
    container: Container, client: AsyncClient
) -> None:
    shop = await _owner(container, client)
    listed = await client.get(base(shop))
    assert listed.status_code == 200
    for name in ("Stripe", "YooKassa", "PayU", "Przelewy24", "Telegram Stars", "Sandbox"):
        assert name in listed.text
    assert "Not set up" in listed.text and "Set up" in listed.text

    form = await client.get(f"{base(shop)}/stripe")
    assert form.status_code == 200
    assert f"/api/v1/shops/{shop.slug}/payments/webhooks/stripe" in form.text
    token = csrf_of(form.text)
    empty = await client.post(f"{base(shop)}/stripe", data={"csrf_token": token, "enabled": "on"})
    assert empty.status_code == 422
    assert field_error(empty, "f-secret_key") == "Fill this in."
    wrong = await client.post(
        f"{base(shop)}/stripe",
        data={"csrf_token": token, "secret_key": "pk_live_nope", "webhook_secret": STRIPE_HOOK},
    )
    assert wrong.status_code == 422 and "copy it again" in field_error(wrong, "f-secret_key")
    assert "pk_live_nope" not in wrong.text and STRIPE_HOOK not in wrong.text

    saved = await client.post(
        f"{base(shop)}/stripe",
        data={"csrf_token": token, "secret_key": STRIPE_KEY, "webhook_secret": STRIPE_HOOK,
              "enabled": "on"},
    )  # fmt: skip
    assert saved.status_code == 303
    listed = await client.get(saved.headers["location"])
    assert "The gateway is saved." in listed.text and "Live" in listed.text
    assert "••••A1B2" in listed.text and STRIPE_KEY not in listed.text
    edit = await client.get(f"{base(shop)}/stripe")
    assert STRIPE_KEY not in edit.text and STRIPE_HOOK not in edit.text
    assert "Stored: ••••A1B2. Leave blank to keep it." in edit.text
    assert 'type="password" value=""' in edit.text

    kept = await client.post(f"{base(shop)}/stripe", data={"csrf_token": token})
    assert kept.status_code == 303  # blank secrets kept; switched off
    page = (await client.get(base(shop))).text
    assert "••••A1B2" in page and ">Off<" in page
    api = await client.get(
        f"/api/v1/shops/{shop.slug}/payments/gateways/stripe",
        headers=(await _api_headers(container, client, shop)),
    )
    assert api.json()["enabled"] is False and api.json()["config"]["secret_key"] == "••••A1B2"


async def _api_headers(container: Container, client: AsyncClient, shop: ShopRead) -> dict[str, str]:
    admin = await staff_member(container, client, shop=shop, role="admin")
    return admin.headers


async def test_yookassa_fields_lists_and_flags_and_errors_keep_what_was_typed(
    container: Container, client: AsyncClient
) -> None:
    shop = await _owner(container, client)
    token = csrf_of((await client.get(f"{base(shop)}/yookassa")).text)
    bad = await client.post(
        f"{base(shop)}/yookassa",
        data={"csrf_token": token, "shop_id": HOSTILE, "secret_key": YOO_KEY,
              "ip_allowlist": "not-a-network", "enabled": "on"},
    )  # fmt: skip
    assert bad.status_code == 422
    assert field_error(bad, "f-shop_id") and HOSTILE not in bad.text
    assert "&lt;script&gt;" in bad.text and YOO_KEY not in bad.text
    good = await client.post(
        f"{base(shop)}/yookassa",
        data={"csrf_token": token, "shop_id": "123456", "secret_key": YOO_KEY,
              "ip_allowlist": "185.71.76.0/27\n77.75.156.11", "enabled": "on"},
    )  # fmt: skip
    assert good.status_code == 303
    listed = (await client.get(base(shop))).text
    assert "Test mode" in listed and "123456" in listed and "185.71.76.0/27" in listed
    form = (await client.get(f"{base(shop)}/yookassa")).text
    assert 'value="123456"' in form and "77.75.156.11/32" in form
    assert 'name="capture" value="on" >' in form  # capture not ticked: two-step now
    assert YOO_KEY not in form
    p24 = await client.post(
        f"{base(shop)}/przelewy24", data={"csrf_token": token, "merchant_id": "12a"}
    )
    assert p24.status_code == 422 and field_error(p24, "f-merchant_id") == "Enter a whole number."
    sandbox = await client.post(
        f"{base(shop)}/sandbox", data={"csrf_token": token, "enabled": "on"}
    )
    assert sandbox.status_code == 303
    assert "sbx_whsec_" not in (await client.get(f"{base(shop)}/sandbox")).text


@pytest.mark.parametrize("role", ["manager", "cashier", "viewer"])
async def test_only_owners_and_admins_reach_gateways_even_by_typed_urls(
    container: Container, client: AsyncClient, role: str
) -> None:
    shop, _owner_staff = await shop_with_owner(container, client)
    member = await staff_member(container, client, shop=shop, role=role)
    await sign_in(client, member.user.email)
    token = csrf_of((await client.get(f"/admin/s/{shop.slug}")).text)
    assert (await client.get(base(shop))).status_code == 403
    assert (await client.get(f"{base(shop)}/stripe")).status_code == 403
    refused = await client.post(
        f"{base(shop)}/sandbox", data={"csrf_token": token, "enabled": "on"}
    )
    assert refused.status_code == 403
    assert "/settings/gateways" not in (await client.get(f"/admin/s/{shop.slug}")).text


async def test_csrf_unknown_providers_and_other_shops_are_refused(
    container: Container, client: AsyncClient
) -> None:
    shop, _owner_staff = await shop_with_owner(container, client)
    other, _other_owner = await shop_with_owner(container, client)
    admin = await staff_member(container, client, shop=shop, role="admin")
    await sign_in(client, admin.user.email)
    assert (await client.get(base(shop))).status_code == 200
    token = csrf_of((await client.get(base(shop))).text)
    body = {"secret_key": STRIPE_KEY, "webhook_secret": STRIPE_HOOK, "enabled": "on"}
    assert (await client.post(f"{base(shop)}/stripe", data=body)).status_code == 403
    wrong = await client.post(f"{base(shop)}/stripe", data={**body, "csrf_token": "x" * 40})
    assert wrong.status_code == 403
    assert "Not set up" in (await client.get(base(shop))).text
    assert "••••A1B2" not in (await client.get(base(shop))).text
    assert (await client.get(f"{base(shop)}/bitcoin")).status_code == 404
    unknown = await client.post(f"{base(shop)}/bitcoin", data={**body, "csrf_token": token})
    assert unknown.status_code == 404
    assert (await client.get(base(other))).status_code == 404  # not a member there
    assert (
        await client.post(f"{base(other)}/stripe", data={**body, "csrf_token": token})
    ).status_code == 404
