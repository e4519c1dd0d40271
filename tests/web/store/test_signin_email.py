"""Signing in with a code sent by email: hashed at rest, 10 minutes, 5 attempts, limited per
address and IP; the session cookie; CSRF on the forms; signing out."""

from __future__ import annotations

from httpx import AsyncClient
from sqlalchemy import select

from shopkeeper import identity
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.web.store.models import StoreLoginCode, StoreSession
from tests.fakes.smtp import Mailbox
from tests.web.store.support import (
    Lumen,
    enter_code,
    hidden,
    location,
    request_code,
    session_csrf,
    sign_in,
)

EMAIL = "ola@example.com"


async def _codes(container: Container) -> list[StoreLoginCode]:
    async with container.sessions() as session:
        return list(await session.scalars(select(StoreLoginCode)))


async def test_the_emailed_code_signs_in_with_a_scoped_httponly_cookie(
    client: AsyncClient, lumen: Lumen, mailbox: Mailbox, container: Container
) -> None:
    page = await request_code(client, lumen, "Ola@Example.com", next_path="/s/lumen/p/pro")

    assert page.status_code == 200 and 'name="code"' in page.text
    [message] = mailbox.to(EMAIL)
    code = mailbox.last_code(EMAIL)
    assert str(message["Subject"]) == f"{code} to Twój kod logowania do Lumen Club"  # shop: pl
    assert code in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    [row] = await _codes(container)
    assert row.email == EMAIL and code not in row.code_hash and row.delivery == "sent"

    done = await enter_code(client, lumen, EMAIL, code, page=page, next_path="/s/lumen/p/pro")

    assert location(done) == "/s/lumen/p/pro"
    cookie = next(c for c in done.headers.get_list("set-cookie") if c.startswith("sk_store="))
    lowered = cookie.lower()
    assert "httponly" in lowered and "samesite=lax" in lowered and "path=/s/lumen" in lowered
    assert "secure" not in lowered  # PUBLIC_URL is not https here
    account = await client.get("/s/lumen/account")
    assert account.status_code == 200 and EMAIL in account.text
    async with unit_of_work(container.sessions) as session:
        customer = await identity.find_or_create_customer(
            session, shop_id=lumen.shop.id, kind="email", value=EMAIL, now=container.clock.now()
        )
        [stored] = list(await session.scalars(select(StoreSession)))
    assert stored.customer_id == customer.id and stored.method == "email"
    again = await enter_code(client, lumen, EMAIL, code, page=page)
    assert again.status_code == 400  # used once


async def test_a_wrong_code_costs_an_attempt_and_five_lock_the_code(
    client: AsyncClient, lumen: Lumen, mailbox: Mailbox
) -> None:
    page = await request_code(client, lumen, EMAIL)
    code = mailbox.last_code(EMAIL)
    wrong = "000000" if code != "000000" else "111111"

    first = await enter_code(client, lumen, EMAIL, wrong, page=page)
    assert first.status_code == 400 and "Pozostałe próby: 4." in first.text
    assert "sk_store=" not in first.headers.get("set-cookie", "")
    statuses, page = [], first
    for _ in range(4):  # each answer is a fresh form, as a browser would submit it
        page = await enter_code(client, lumen, EMAIL, wrong, page=page)
        statuses.append(page.status_code)
    assert statuses == [400, 400, 400, 429]

    right = await enter_code(client, lumen, EMAIL, code, page=page)
    assert right.status_code == 429 and "Poproś o nowy kod" in right.text
    assert (await client.get("/s/lumen/account")).status_code == 303  # still signed out


async def test_an_expired_code_is_refused(
    client: AsyncClient, lumen: Lumen, mailbox: Mailbox, clock: FrozenClock
) -> None:
    page = await request_code(client, lumen, EMAIL)
    code = mailbox.last_code(EMAIL)
    clock.advance(minutes=10, seconds=1)

    late = await enter_code(client, lumen, EMAIL, code, page=page)

    assert late.status_code == 400 and "Kod wygasł" in late.text


async def test_only_the_newest_code_counts(
    client: AsyncClient, lumen: Lumen, mailbox: Mailbox
) -> None:
    await request_code(client, lumen, EMAIL)
    first = mailbox.last_code(EMAIL)
    page = await request_code(client, lumen, EMAIL)
    second = mailbox.last_code(EMAIL)

    if first != second:
        page = await enter_code(client, lumen, EMAIL, first, page=page)
        assert page.status_code == 400
    assert location(await enter_code(client, lumen, EMAIL, second, page=page)) == "/s/lumen/account"


async def test_codes_are_limited_per_address_and_per_ip(
    client: AsyncClient, lumen: Lumen, mailbox: Mailbox, clock: FrozenClock
) -> None:
    answers = [await request_code(client, lumen, EMAIL) for _ in range(6)]
    assert [a.status_code for a in answers] == [200, 200, 200, 200, 200, 429]
    assert answers[-1].headers["retry-after"] == "3600"  # the clock stood still
    assert len(mailbox.to(EMAIL)) == 5
    others = [(await request_code(client, lumen, f"u{i}@example.com")).status_code
              for i in range(16)]  # fmt: skip
    assert others[:15] == [200] * 15 and others[15] == 429  # 20 an hour from one IP

    clock.advance(hours=1, seconds=1)
    assert (await request_code(client, lumen, EMAIL)).status_code == 200


async def test_the_sign_in_forms_need_their_csrf_token(
    client: AsyncClient, lumen: Lumen, mailbox: Mailbox
) -> None:
    await client.get(f"{lumen.base}/signin")
    forged = await client.post(f"{lumen.base}/signin/email",
                               data={"email": EMAIL, "csrf_token": "forged.token"})  # fmt: skip
    assert forged.status_code == 403 and mailbox.envelopes == []

    page = await request_code(client, lumen, EMAIL)
    form = {"email": EMAIL, "code": mailbox.last_code(EMAIL), "csrf_token": ""}
    missing = await client.post(f"{lumen.base}/signin/code", data=form)
    assert missing.status_code == 403
    assert location(await enter_code(client, lumen, EMAIL, form["code"], page=page))


async def test_sign_out_ends_the_session_on_the_server(
    client: AsyncClient, lumen: Lumen, mailbox: Mailbox
) -> None:
    await sign_in(client, lumen, mailbox, EMAIL)
    token = client.cookies.get("sk_store")
    csrf = await session_csrf(client, lumen)

    refused = await client.post(f"{lumen.base}/signout")
    assert refused.status_code == 403
    out = await client.post(f"{lumen.base}/signout", data={"csrf_token": csrf})

    assert location(out) == "/s/lumen"
    client.cookies.set("sk_store", token or "", path="/s/lumen")  # a copied cookie is dead too
    assert location(await client.get(f"{lumen.base}/account")).startswith("/s/lumen/signin")


async def test_without_smtp_the_page_says_where_the_code_went(
    client: AsyncClient, lumen: Lumen, container: Container
) -> None:
    container.settings.smtp_host = None  # this process sends no email
    page = await request_code(client, lumen, EMAIL)

    assert page.status_code == 200 and 'id="code-notice"' in page.text
    assert "nie może jeszcze wysyłać e-maili" in page.text
    [row] = await _codes(container)
    assert row.delivery == "not_configured"
    assert hidden(page.text)
