"""Access to a Discord role: add the role (or join the member with it), remove it or kick.

The access context calls this while it holds the grant's row lock, so the REST calls run
inside that transaction by the port's design (as Telegram's do). A customer with no Discord
account linked gets "action_required" with where to link it; a shop without a live
connection, a role of another guild, or a bot Discord refuses (50013) leaves the grant
"pending" (retried by the role check, a reconnection or `discord.resume_grants`). Network
trouble and rate limits beyond the client's retries propagate: the bus retries the handler.
"""

from __future__ import annotations

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import access, shops
from shopkeeper.access import GrantOutcome, GrantRequest
from shopkeeper.bots.discord.errors import DiscordApiError, MissingPermissions, UnknownMember
from shopkeeper.bots.discord.rest import DiscordRest
from shopkeeper.bots.discord.runtime import discord_runtime
from shopkeeper.bots.discord.service.accounts import discord_ids, join_token
from shopkeeper.bots.discord.service.live import Live, live_connection
from shopkeeper.container import Container

log = structlog.get_logger(__name__)
PLATFORM = "discord_role"


class DiscordRoleStrategy:
    platform = PLATFORM

    def __init__(self, container: Container) -> None:
        self.container = container

    async def grant(self, session: AsyncSession, request: GrantRequest) -> GrantOutcome:
        """Member → add the role; not a member but a guilds.join token → join with the role."""
        target = request.target
        live = await live_connection(session, self.container, target.shop_id)
        if problem := _unusable(live, target.settings.get("guild_id")):
            return GrantOutcome("pending", reason=problem)
        assert live is not None
        people = await discord_ids(session, target.shop_id, request.customer_id)
        if not people:
            return GrantOutcome("action_required", reason=await self._link_hint(session, live))
        rest = discord_runtime(self.container).rest(live.token)
        try:
            return await _give(session, self.container, rest, live, request, people) or (
                GrantOutcome("action_required", reason=await self._join_hint(session, live))
            )
        except DiscordApiError as exc:
            if exc.http_status == 429 or exc.http_status >= 500:
                raise
            log.warning("discord.grant_refused", role=target.external_id, error=exc.detail)
            reason = f"Discord refused: {exc.discord_code} {exc.message}"
            return GrantOutcome("pending", reason=reason)

    async def revoke(self, session: AsyncSession, request: GrantRequest) -> None:
        """Remove the role from every Discord account of the customer, or kick them (kick mode,
        when no other Discord grant of the shop keeps them)."""
        target = request.target
        live = await live_connection(session, self.container, target.shop_id)
        if _unusable(live, target.settings.get("guild_id")):
            return  # nothing to act with; a reconnection does not bring the role back
        assert live is not None
        rest = discord_runtime(self.container).rest(live.token)
        kick = live.revoke_mode == "kick" and not await _other_roles(session, request)
        for user_id in await discord_ids(session, target.shop_id, request.customer_id):
            if await _take_away(rest, live, target.external_id, user_id, kick=kick):
                await access.log_membership(
                    session,
                    shop_id=target.shop_id,
                    target_id=target.id,
                    customer_id=request.customer_id,
                    action="removal",
                    detail=f"{'kicked' if kick else 'role removed'} (Discord user {user_id})",
                    now=self.container.clock.now(),
                )

    async def _link_hint(self, session: AsyncSession, live: Live) -> str:
        url = await _store_url(session, self.container, live)
        return f"sign in with Discord at {url} to link your account"

    async def _join_hint(self, session: AsyncSession, live: Live) -> str:
        url = await _store_url(session, self.container, live)
        return f"join the Discord server, or sign in with Discord again at {url} to be added"


async def _give(
    session: AsyncSession, container: Container, rest: DiscordRest, live: Live,
    request: GrantRequest, people: list[str],
) -> GrantOutcome | None:  # fmt: skip
    """A member gets the role (PUT is idempotent: no need to read the member first); else the
    first account with a guilds.join token joins with it. None when neither is possible."""
    role_id, reason = request.target.external_id, f"premium: grant {request.grant_id}"
    for user_id in people:
        try:
            await rest.add_role(live.guild_id, user_id, role_id, reason)
        except UnknownMember:
            continue
        return GrantOutcome("granted", reason=f"role given to Discord user {user_id}")
    for user_id in people:
        if token := await join_token(session, container, live, user_id):
            if not await rest.add_member(live.guild_id, user_id, token, [role_id]):
                await rest.add_role(live.guild_id, user_id, role_id, reason)  # joined meanwhile
            return GrantOutcome("granted", reason=f"Discord user {user_id} added to the server")
    return None


async def _take_away(
    rest: DiscordRest, live: Live, role_id: str, user_id: str, *, kick: bool
) -> bool:
    """True when the person lost the role (or the server); False when there was nothing to do."""
    try:
        if kick:
            await rest.kick(live.guild_id, user_id, reason="premium ended")
        else:  # idempotent: a member without the role is answered 204 as well
            await rest.remove_role(live.guild_id, user_id, role_id, reason="premium ended")
    except UnknownMember:
        return False
    except MissingPermissions as exc:  # the role check tells the shop what to change
        log.warning("discord.revoke_refused", role=role_id, user=user_id, error=exc.detail)
        return False
    return True


async def _other_roles(session: AsyncSession, request: GrantRequest) -> bool:
    """Whether another Discord role of the shop is still the customer's (then no kick)."""
    held = await access.customer_grants(
        session, shop_id=request.target.shop_id, customer_id=request.customer_id
    )
    return any(g.platform == PLATFORM and g.grant_id != request.grant_id for g in held)


def _unusable(live: Live | None, guild_id: object) -> str:
    if live is None:
        return "the shop has no Discord connection (connect it in Discord settings)"
    if guild_id and str(guild_id) != live.guild_id:
        return f"the role belongs to server {guild_id}, the shop is connected to {live.guild_id}"
    return ""


async def _store_url(session: AsyncSession, container: Container, live: Live) -> str:
    shop = await shops.get_shop_by_id(session, shop_id=live.shop_id)
    return f"{(container.settings.public_url or '').rstrip('/')}/s/{shop.slug}"
