"""The storefront's pages: tiers and products with prices in the shop's currency, in the
shop's languages (pl, en), a product page, clear error pages."""

from __future__ import annotations

from httpx import AsyncClient

from tests.web.store.support import Lumen


async def test_home_lists_tiers_and_products_in_polish_by_default(
    client: AsyncClient, lumen: Lumen
) -> None:
    page = await client.get(lumen.base, headers={"Accept-Language": "ru, de;q=0.5"})

    assert page.status_code == 200 and page.headers["content-language"] == "pl"
    assert '<html lang="pl">' in page.text and 'name="viewport"' in page.text
    assert "Plany" in page.text and "miesięcznie" in page.text
    tiers = page.text.split('id="tiers"', 1)[1].split("</section>", 1)[0]
    assert tiers.index("Basic") < tiers.index("Pro")  # cheapest first
    assert "29,00\xa0zł" in tiers and "49,00\xa0zł" in tiers
    products = page.text.split('id="products"', 1)[1]
    assert "Night sky guide" in products and "15,00\xa0zł" in products
    assert "Basic" not in products
    assert page.headers["x-frame-options"] == "DENY"
    assert "form-action 'self' https:" in page.headers["content-security-policy"]


async def test_the_language_comes_from_the_query_then_the_cookie_then_the_browser(
    client: AsyncClient, lumen: Lumen
) -> None:
    english = await client.get(lumen.base, headers={"Accept-Language": "en-GB"})
    assert english.headers["content-language"] == "en" and "PLN29.00" in english.text
    assert "Plans" in english.text and "per month" in english.text

    chosen = await client.get(f"{lumen.base}?lang=pl", headers={"Accept-Language": "en"})
    assert chosen.headers["content-language"] == "pl"
    assert "sk_lang=pl" in chosen.headers["set-cookie"]

    remembered = await client.get(lumen.base, headers={"Accept-Language": "en"})
    assert remembered.headers["content-language"] == "pl"
    unknown = await client.get(f"{lumen.base}?lang=ru", headers={"Accept-Language": "en"})
    assert unknown.headers["content-language"] == "pl"  # ru is not a language of this shop


async def test_product_page_offers_sign_in_before_buying(client: AsyncClient, lumen: Lumen) -> None:
    page = await client.get(f"{lumen.base}/p/{lumen.pro.slug}?lang=en")

    assert page.status_code == 200
    assert "<h1>Pro</h1>" in page.text and "PLN49.00" in page.text
    assert 'id="signin-to-buy"' in page.text
    assert f"/s/lumen/signin?next=/s/lumen/p/{lumen.pro.slug}" in page.text
    assert 'action="/s/lumen/buy"' not in page.text  # no Buy form for an anonymous visitor
    by_id = await client.get(f"{lumen.base}/p/{lumen.pro.id}?lang=en")
    assert by_id.status_code == 200 and "<h1>Pro</h1>" in by_id.text


async def test_unknown_shop_and_product_are_404_pages(client: AsyncClient, lumen: Lumen) -> None:
    shop = await client.get("/s/nowhere", headers={"Accept-Language": "en"})
    product = await client.get(f"{lumen.base}/p/nothing-here", headers={"Accept-Language": "en"})

    assert shop.status_code == 404 and "text/html" in shop.headers["content-type"]
    assert "Page not found" in shop.text
    assert product.status_code == 404 and "This product is not for sale here" in product.text
    assert "Lumen Club" in product.text  # the shop's own frame around the error


async def test_an_unknown_storefront_path_is_an_html_page(
    client: AsyncClient, lumen: Lumen
) -> None:
    missing = await client.get(f"{lumen.base}/no/such/page", headers={"Accept-Language": "en"})

    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    assert "Page not found" in missing.text and missing.headers["x-frame-options"] == "DENY"


async def test_the_admin_shop_page_links_to_the_storefront(
    client: AsyncClient, lumen: Lumen
) -> None:
    from tests.web.seed import sign_in as admin_sign_in

    await admin_sign_in(client, lumen.owner.user.email)
    page = await client.get(f"/admin/s/{lumen.shop.slug}")

    assert 'id="storefront-link"' in page.text and 'href="/s/lumen"' in page.text
