"""The OAuth2 library against the fake Discord: PKCE S256, code exchange, refresh, users."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from shopkeeper.bots.discord import oauth
from shopkeeper.bots.discord.errors import OAuthRefused
from tests.fakes.discord import FakeDiscord
from tests.fakes.server import serve

REDIRECT = "https://shop.example/s/lumen/auth/discord/callback"


@pytest.fixture
async def world() -> AsyncIterator[tuple[FakeDiscord, httpx.AsyncClient]]:
    fake = FakeDiscord()
    async with serve(fake.app()) as url, httpx.AsyncClient() as http:
        fake.url = url
        yield fake, http


def test_challenge_is_rfc7636_s256() -> None:
    # The example of RFC 7636 appendix B.
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert oauth.code_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_authorization_url_carries_pkce_state_and_scopes() -> None:
    url = oauth.authorization_url(
        "123", REDIRECT, "st4te", "chal", api_base="https://discord.com/api/v10"
    )
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://discord.com/oauth2/authorize"
    query = dict(parse_qsl(parts.query))
    assert query == {
        "response_type": "code",
        "client_id": "123",
        "redirect_uri": REDIRECT,
        "scope": "identify email guilds.join",
        "state": "st4te",
        "code_challenge": "chal",
        "code_challenge_method": "S256",
    }


async def test_code_exchange_and_user(world: tuple[FakeDiscord, httpx.AsyncClient]) -> None:
    fake, http = world
    app, ola = fake.add_app(), fake.add_user("ola", locale="pl", global_name="Ola")
    verifier = oauth.new_code_verifier()
    url = oauth.authorization_url(
        app.id, REDIRECT, "s1", oauth.code_challenge(verifier), api_base=fake.url
    )
    fake.consenting_user = ola
    redirect = await http.get(url)
    assert redirect.status_code == 302
    back = dict(parse_qsl(urlsplit(redirect.headers["location"]).query))
    assert back["state"] == "s1"
    tokens = await oauth.exchange_code(
        http, fake.url, app.id, app.client_secret, back["code"], REDIRECT, verifier
    )
    assert tokens.can_join_guilds and tokens.refresh_token
    user = await oauth.fetch_user(http, fake.url, tokens.access_token)
    assert (user.id, user.display_name, user.email, user.locale) == (ola.id, "Ola", ola.email, "pl")
    renewed = await oauth.refresh_tokens(
        http, fake.url, app.id, app.client_secret, tokens.refresh_token or ""
    )
    assert renewed.access_token != tokens.access_token


async def test_wrong_verifier_is_refused(world: tuple[FakeDiscord, httpx.AsyncClient]) -> None:
    fake, http = world
    app, ola = fake.add_app(), fake.add_user("ola")
    verifier = oauth.new_code_verifier()
    url = oauth.authorization_url(
        app.id, REDIRECT, "s1", oauth.code_challenge(verifier), api_base=fake.url
    )
    code = fake.approve(url, ola)
    with pytest.raises(OAuthRefused, match="code_verifier"):
        await oauth.exchange_code(
            http, fake.url, app.id, app.client_secret, code, REDIRECT, oauth.new_code_verifier()
        )
    with pytest.raises(OAuthRefused, match="invalid_grant"):  # a code is good once
        await oauth.exchange_code(
            http, fake.url, app.id, app.client_secret, code, REDIRECT, verifier
        )


async def test_wrong_client_secret_is_refused(world: tuple[FakeDiscord, httpx.AsyncClient]) -> None:
    fake, http = world
    app, ola = fake.add_app(), fake.add_user("ola")
    verifier = oauth.new_code_verifier()
    code = fake.approve(
        oauth.authorization_url(
            app.id, REDIRECT, "s", oauth.code_challenge(verifier), api_base=fake.url
        ),
        ola,
    )
    with pytest.raises(OAuthRefused, match="invalid_client"):
        await oauth.exchange_code(http, fake.url, app.id, "nope", code, REDIRECT, verifier)
