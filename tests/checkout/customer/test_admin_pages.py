"""The admin's consents pages, server-rendered: list, create (errors beside their fields),
edit a text into a new version with the history shown, deactivate after a confirmation,
activate again; permissions, CSRF, inert HTML and a translated page."""

from __future__ import annotations

import re

from httpx import AsyncClient, Response

from shopkeeper.bootstrap import Container
from shopkeeper.shops import Role
from tests.builders.staff import create_user, staff_member
from tests.checkout.customer.support import TERMS, Lipa, create_consent, new_cart, shown
from tests.web.seed import hidden_csrf, sign_in

HOSTILE = "<script>alert(1)</script> I agree"


def pages(lipa: Lipa, suffix: str = "") -> str:
    return f"/admin/s/{lipa.shop.slug}/checkout/consents{suffix}"


async def submit(client: AsyncClient, page_url: str, action: str, **fields: str) -> Response:
    """Post a form the way a browser does: with the CSRF token of the page it is on."""
    page = await client.get(page_url)
    assert page.status_code == 200, page.text
    return await client.post(action, data={"csrf_token": hidden_csrf(page.text), **fields})


def form(**fields: str) -> dict[str, str]:
    body = {"code": "terms", "position": "1", "required": "on", "text_en": TERMS["en"],
            "text_pl": TERMS["pl"], "text_ru": ""}  # fmt: skip
    return body | fields


async def test_owner_creates_edits_and_deactivates_a_consent(
    client: AsyncClient, lipa: Lipa
) -> None:
    assert (await sign_in(client, lipa.owner.user.email)).status_code == 303
    empty = await client.get(pages(lipa))
    assert empty.status_code == 200 and "No consents yet" in empty.text
    assert f'href="{pages(lipa)}" aria-current="page">Consents' in empty.text  # the sub-tab

    refused = await submit(
        client,
        pages(lipa, "/new"),
        pages(lipa),
        **form(code="Has spaces", text_en="", text_pl="", position="x"),
    )
    assert refused.status_code == 422
    assert "The consent was not saved" in refused.text
    assert re.search(r'id="f-code-error">Use 1–64 lowercase letters', refused.text)
    assert 'id="f-texts-error">Write the text in at least one language.' in refused.text
    assert 'id="f-position-error">Enter a whole number.' in refused.text
    assert (await client.get(pages(lipa))).text.count("<tr") == 0  # nothing was kept

    created = await submit(client, pages(lipa, "/new"), pages(lipa), **form(text_ru=HOSTILE))
    assert created.status_code == 303 and created.headers["location"] == pages(lipa)
    listed = await client.get(pages(lipa))
    assert "The consent is created." in listed.text and "<code>terms</code>" in listed.text
    assert TERMS["en"] in listed.text and "Required" in listed.text and "v1" in listed.text
    consent_url = re.search(rf'href="({pages(lipa)}/[0-9a-f-]{{36}})"', listed.text)
    assert consent_url is not None
    url = consent_url.group(1)
    taken = await submit(client, pages(lipa, "/new"), pages(lipa), **form())
    assert taken.status_code == 422 and "already has a consent with this code" in taken.text

    edited = await submit(client, url, url, **form(text_en="I accept the new terms."))
    assert edited.status_code == 303 and edited.headers["location"] == url
    detail = await client.get(url)
    assert "The new text is saved as a new version." in detail.text
    assert 'id="version-2"' in detail.text and 'id="version-1"' in detail.text
    assert "I accept the new terms." in detail.text and TERMS["en"] in detail.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail.text and HOSTILE not in detail.text
    headers = await new_cart(client, lipa)
    assert (await shown(client, lipa, headers))["terms"]["version"] == 2

    confirm = await client.get(f"{url}/deactivate")
    assert confirm.status_code == 200 and "Deactivate this consent?" in confirm.text
    off = await submit(client, f"{url}/deactivate", f"{url}/deactivate")
    assert off.status_code == 303
    assert "Inactive" in (await client.get(pages(lipa))).text
    assert await shown(client, lipa, headers) == {}
    on = await submit(client, url, f"{url}/activate")
    assert on.status_code == 303 and "The consent is active again." in (await client.get(url)).text


async def test_permissions_csrf_and_language(
    client: AsyncClient, lipa: Lipa, container: Container
) -> None:
    consent = await create_consent(client, lipa, "terms", TERMS, required=True)
    url = pages(lipa, f"/{consent['id']}")
    viewer = await staff_member(container, client, shop=lipa.shop, role=Role.VIEWER)
    assert (await sign_in(client, viewer.user.email)).status_code == 303

    page = await client.get(pages(lipa))
    assert page.status_code == 200 and "<code>terms</code>" in page.text
    assert "New consent" not in page.text
    read_only = await client.get(url)
    assert read_only.status_code == 200 and "may look at consents but not change them" in \
        read_only.text  # fmt: skip
    token = hidden_csrf(read_only.text)
    attempts = [
        await client.get(pages(lipa, "/new")),
        await client.post(pages(lipa), data={"csrf_token": token, **form(code="x")}),
        await client.post(url, data={"csrf_token": token, **form(text_en="Changed")}),
        await client.post(f"{url}/deactivate", data={"csrf_token": token}),
    ]
    assert [a.status_code for a in attempts] == [403, 403, 403, 403]

    client.cookies.clear()  # another person at the keyboard
    assert (await sign_in(client, lipa.owner.user.email)).status_code == 303
    forged = await client.post(url, data={"csrf_token": "forged", **form(text_en="Changed")})
    assert forged.status_code == 403
    assert (await client.get(url)).text.count('id="version-') == 1  # nothing changed

    polish = await client.get(pages(lipa), headers={"Accept-Language": "pl"})
    assert "Zgody" in polish.text and TERMS["pl"] in polish.text

    stranger = await create_user(container)
    client.cookies.clear()
    assert (await sign_in(client, stranger.email)).status_code == 303
    assert (await client.get(pages(lipa))).status_code == 404
