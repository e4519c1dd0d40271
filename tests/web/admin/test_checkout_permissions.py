"""Who may do what in the admin's checkout settings: checkout.read looks (read-only forms),
checkout.write changes (403 on every page and action otherwise); without checkout.read the
section is gone from the navigation and refused; a POST without the CSRF token is refused."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from httpx import AsyncClient
from sqlalchemy import delete

from shopkeeper import shops
from shopkeeper.bootstrap import Container
from shopkeeper.checkout import services, shipping, warranty
from shopkeeper.db import unit_of_work
from shopkeeper.shops.models import RolePermission
from tests.builders.catalog import create_product
from tests.builders.services import create_sku_product, create_warranty_offer
from tests.builders.shipping import create_shipping_method
from tests.web.admin.support import (
    OWNER,
    method_body,
    services_url,
    shipping_url,
    token,
    warranty_url,
)
from tests.web.seed import World, sign_in

RULES = "services:\n  - sku: SVC-WRAP\n    kind: standalone\n"


@dataclass
class Seeded:
    method: shipping.ShippingMethodRead
    offer: warranty.WarrantyOfferRead
    product: str
    variant: str


@pytest.fixture
async def seeded(container: Container, north: shops.ShopRead) -> Seeded:
    method = await create_shipping_method(container, shop=north, name="Kurier", code="courier")
    fridge = await create_product(container, shop=north, name="Fridge", prices={"PLN": 100})
    extra = await create_sku_product(
        container, shop=north, kind="warranty", sku="W-1", prices={"PLN": 100}
    )
    await create_sku_product(
        container, shop=north, kind="service", sku="SVC-WRAP", prices={"PLN": 5}
    )
    offer = await create_warranty_offer(
        container, shop=north, product_id=fridge.id, variant_id=extra.variants[0].id
    )
    return Seeded(method, offer, str(fridge.id), str(extra.variants[0].id))


def actions(s: Seeded) -> list[tuple[str, dict[str, object]]]:
    """Every state-changing POST of the section, with a body that would otherwise succeed."""
    m, o = s.method.id, s.offer.id
    return [
        (shipping_url(), method_body(code="other")),
        (shipping_url(f"/{m}"), method_body(name="Changed")),
        (shipping_url(f"/{m}/deactivate"), {}),
        (shipping_url(f"/{m}/activate"), {}),
        (services_url(), {"yaml": RULES, "version": "0"}),
        (services_url("/check"), {"yaml": RULES, "version": "0"}),
        (warranty_url(), {"product_id": s.product, "variant_id": s.variant, "months": "12"}),
        (warranty_url(f"/{o}"), {"months": "48", "active": "on"}),
        (warranty_url(f"/{o}/remove"), {}),
    ]


async def unchanged(container: Container, shop: shops.ShopRead, s: Seeded) -> None:
    async with container.readers() as session:
        assert await shipping.list_methods(session, shop_id=shop.id) == [s.method]
        assert await warranty.list_offers(session, shop_id=shop.id) == [s.offer]
        assert (await services.get_rules(session, shop_id=shop.id)).version == 0


@pytest.mark.parametrize("role", [shops.Role.VIEWER, shops.Role.CASHIER])
async def test_a_role_without_checkout_write_looks_but_gets_403_for_every_change(
    client: AsyncClient,
    container: Container,
    world: World,
    north: shops.ShopRead,
    seeded: Seeded,
    role: shops.Role,
) -> None:
    member = await world.user(f"{role.value}@north.example")
    await world.member(north, member, role)
    await sign_in(client, member.email)

    for path in (shipping_url(), services_url(), warranty_url()):
        page = await client.get(path)
        assert page.status_code == 200, path
        assert 'href="/admin/s/north/checkout/shipping"' in page.text  # the nav entry
    listing = await client.get(shipping_url())
    assert "Kurier" in listing.text and shipping_url("/new") not in listing.text
    method = await client.get(shipping_url(f"/{seeded.method.id}"))
    assert (
        method.status_code == 200
        and "may look at shipping methods but not change them" in method.text
    )
    assert (
        '<fieldset class="co-plain" disabled>' in method.text
        and "Save shipping method" not in method.text
    )
    assert "/deactivate" not in method.text
    rules = await client.get(services_url())
    assert 'id="rules-text"' in rules.text and "<textarea" not in rules.text
    offers = await client.get(warranty_url())
    assert 'id="warranty-form"' not in offers.text
    offer = await client.get(warranty_url(f"/{seeded.offer.id}"))
    assert offer.status_code == 200 and "Remove offer" not in offer.text

    for path in (
        shipping_url("/new"),
        shipping_url(f"/{seeded.method.id}/deactivate"),
        warranty_url(f"/{seeded.offer.id}/remove"),
    ):
        assert (await client.get(path)).status_code == 403, path
    csrf = await token(client)
    for path, body in actions(seeded):
        response = await client.post(path, data={"csrf_token": csrf, **body})
        assert response.status_code == 403, path
    await unchanged(container, north, seeded)


async def test_without_checkout_read_the_section_is_gone_and_refused(
    client: AsyncClient,
    container: Container,
    world: World,
    north: shops.ShopRead,
    seeded: Seeded,
) -> None:
    viewer = await world.user("viewer@north.example")
    await world.member(north, viewer, shops.Role.VIEWER)
    async with unit_of_work(container.sessions) as session:  # a deployment narrowed the role
        await session.execute(
            delete(RolePermission).where(
                RolePermission.role == "viewer", RolePermission.permission == "checkout.read"
            )
        )
    await sign_in(client, viewer.email)

    overview = await client.get("/admin/s/north")
    assert overview.status_code == 200 and "/checkout/" not in overview.text
    for path in (
        shipping_url(),
        shipping_url(f"/{seeded.method.id}"),
        services_url(),
        warranty_url(),
        warranty_url(f"/{seeded.offer.id}"),
    ):
        assert (await client.get(path)).status_code == 403, path


async def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
    client: AsyncClient, container: Container, north: shops.ShopRead, seeded: Seeded
) -> None:
    await sign_in(client, OWNER)
    for path, body in actions(seeded):
        missing = await client.post(path, data=body)
        forged = await client.post(path, data={"csrf_token": "forged", **body})
        assert (missing.status_code, forged.status_code) == (403, 403), path
    await unchanged(container, north, seeded)

    # the owner's own token works (the refusals above were the token's, not the role's)
    csrf = await token(client)
    allowed = await client.post(
        shipping_url(f"/{seeded.method.id}/deactivate"), data={"csrf_token": csrf}
    )
    assert allowed.status_code == 303


async def test_the_owner_sees_every_control(
    client: AsyncClient, north: shops.ShopRead, seeded: Seeded
) -> None:
    await sign_in(client, OWNER)
    assert shipping_url("/new") in (await client.get(shipping_url())).text
    assert "Save shipping method" in (await client.get(shipping_url(f"/{seeded.method.id}"))).text
    assert "<textarea" in (await client.get(services_url())).text
    assert 'id="warranty-form"' in (await client.get(warranty_url())).text
    assert "Remove offer" in (await client.get(warranty_url(f"/{seeded.offer.id}"))).text
