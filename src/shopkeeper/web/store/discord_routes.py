"""Signing in (or linking Discord) with Discord OAuth2: scopes identify email guilds.join,
`state` checked (single use, 10 minutes, this browser), PKCE S256."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import identity
from shopkeeper.bots.discord import (
    DiscordUnavailable,
    OAuthClient,
    OAuthRefused,
    discord_runtime,
    oauth,
    oauth_client,
    on_discord_linked,
    store_user_tokens,
)
from shopkeeper.container import Container
from shopkeeper.db import unit_of_work
from shopkeeper.deps import ContainerDep
from shopkeeper.errors import AppError, NotFound
from shopkeeper.web.security import safe_next
from shopkeeper.web.store import cookies, discord_signin
from shopkeeper.web.store.cart_binding import clear_cart_cookie, merge_cart_at_sign_in
from shopkeeper.web.store.deps import StoreDep, Storefront
from shopkeeper.web.store.errors import OAuthStateInvalid, StoreRoute
from shopkeeper.web.store.sessions import end_session, start_session

router = APIRouter(prefix="/s/{shop}/auth/discord", route_class=StoreRoute,
                   include_in_schema=False)  # fmt: skip


class DiscordSignInUnavailable(NotFound):
    def __init__(self) -> None:
        super().__init__("This shop has no Discord sign-in")


class DiscordSignInFailed(AppError):
    status_code = 502


def _redirect_uri(store: Storefront) -> str:
    return store.absolute(f"{store.base}/auth/discord/callback")


def _next(store: Storefront, value: str | None) -> str:
    target = safe_next(value, default=f"{store.base}/account")
    return target if target.startswith(store.base) else f"{store.base}/account"


@router.get("", name="store_discord_start")
async def start(store: StoreDep, container: ContainerDep, next: str = "") -> Response:
    """To Discord's consent page; a signed-in customer links Discord to their account."""
    async with unit_of_work(container.sessions) as session:
        client = await oauth_client(session, container, store.shop.id)
        if client is None:
            raise DiscordSignInUnavailable()
        started = await discord_signin.begin(
            session, shop_id=store.shop.id, next_path=_next(store, next),
            customer_id=store.visitor.customer.id if store.visitor else None,
            secrets=container.secrets, now=container.clock.now(),
        )  # fmt: skip
    url = oauth.authorization_url(
        client.client_id, _redirect_uri(store), started.state, started.code_challenge,
        api_base=container.settings.discord_api_url,
    )  # fmt: skip
    response = RedirectResponse(url, status_code=303)
    cookies.set_oauth_state(response, store.base, started.state, store.settings)
    return response


@router.get("/callback", name="store_discord_callback")
async def callback(
    request: Request, store: StoreDep, container: ContainerDep, code: str | None = None,
    state: str | None = None, error: str | None = None,
) -> Response:  # fmt: skip
    """Check the state, exchange the code (PKCE), link the person and sign them in."""
    async with unit_of_work(container.sessions) as session:
        taken = await discord_signin.take_state(
            session, shop_id=store.shop.id, state=state,
            cookie=request.cookies.get(cookies.OAUTH_STATE_COOKIE), secrets=container.secrets,
            now=container.clock.now(),
        )  # fmt: skip
        client = await oauth_client(session, container, store.shop.id)
    if error or not code:
        return _declined(store)
    if client is None:
        raise DiscordSignInUnavailable()
    user, tokens = await _exchange(store, container, client, code, taken.verifier)
    async with unit_of_work(container.sessions) as session:
        customer_id = await _link(session, container, store, taken.customer_id, user, tokens)
        now = container.clock.now()
        token, expires_at = await start_session(
            session, shop_id=store.shop.id, customer_id=customer_id, method="discord", now=now
        )
        await end_session(session, shop_id=store.shop.id,
                          token=request.cookies.get(cookies.SESSION_COOKIE), now=now)  # fmt: skip
        await merge_cart_at_sign_in(session, request, shop_id=store.shop.id,
                                    customer_id=customer_id, now=now)  # fmt: skip
    response = RedirectResponse(taken.next_path, status_code=303)
    cookies.set_session(response, store.base, token=token, expires_at=expires_at, now=now,
                        settings=store.settings)  # fmt: skip
    clear_cart_cookie(request, response, store.base, store.settings)
    cookies.clear_oauth_state(response, store.base, store.settings)
    return response


def _declined(store: Storefront) -> Response:
    """The person pressed Cancel on Discord's page (the state is used up all the same)."""
    response = RedirectResponse(f"{store.base}/signin?declined=1", status_code=303)
    cookies.clear_oauth_state(response, store.base, store.settings)
    return response


async def _exchange(
    store: Storefront, container: Container, client: OAuthClient, code: str, verifier: str
) -> tuple[oauth.DiscordUser, oauth.DiscordTokens]:
    runtime = discord_runtime(container)
    try:
        tokens = await oauth.exchange_code(
            runtime.http, runtime.base_url, client.client_id, client.client_secret, code,
            _redirect_uri(store), verifier,
        )  # fmt: skip
        user = await oauth.fetch_user(runtime.http, runtime.base_url, tokens.access_token)
    except OAuthRefused as exc:
        raise OAuthStateInvalid() from exc
    except DiscordUnavailable as exc:
        raise DiscordSignInFailed(store.gettext("Discord could not be reached. Please try "
                                                "again in a moment.")) from exc  # fmt: skip
    return user, tokens


async def _link(
    session: AsyncSession, container: Container, store: Storefront,
    linking: uuid.UUID | None, user: oauth.DiscordUser, tokens: oauth.DiscordTokens,
) -> uuid.UUID:  # fmt: skip
    """The customer of this Discord account (created, or the one linking it), with the tokens
    kept and a verified email linked; waiting grants are completed."""
    shop_id, now = store.shop.id, container.clock.now()
    customer_id = linking or await _customer_of(session, store, user, now)
    account = await store_user_tokens(session, container, shop_id, customer_id, user, tokens)
    customer_id = account.customer_id
    if user.email and user.verified:
        linked = await identity.link_identity(session, shop_id=shop_id, customer_id=customer_id,
                                              kind="email", value=user.email, now=now)  # fmt: skip
        customer_id = linked.id
    await on_discord_linked(session, container, shop_id, customer_id)
    return customer_id


async def _customer_of(
    session: AsyncSession, store: Storefront, user: oauth.DiscordUser, now: datetime
) -> uuid.UUID:
    customer = await identity.find_or_create_customer(
        session, shop_id=store.shop.id, kind="discord", value=user.id,
        display_name=user.display_name, language=store.language, now=now,
    )  # fmt: skip
    return customer.id
