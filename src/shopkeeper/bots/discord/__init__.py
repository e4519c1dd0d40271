"""Discord: a shop's application and guild, premium roles, slash commands and DMs.

Public: `connect` / `get_connection` / `update_connection` / `disconnect` (token checked with
GET /users/@me and /applications/@me, bot in the guild; token and client secret encrypted,
masks only; commands registered), role mappings `map_role` / `unmap_role` / `list_mappings`,
`check_roles` / `guild_roles` (the role hierarchy, with exactly what to change);
`store_user_tokens` + `on_discord_linked` for the storefront's Discord sign-in (identity
publishes no event on linking), `oauth_client` / `sign_in_available` / `linked_accounts` for
its pages; `oauth` (authorization URL with PKCE S256, code exchange,
refresh, user) for that sign-in. `DiscordRest` keeps Discord's rate limits (buckets, 429s,
global). `binding.bind` registers `DiscordRoleStrategy` (access "discord_role": add role, or
join with guilds.join; remove role or kick) and `DiscordMessenger` (notifications "discord").
Task `discord.resume_grants`. Consumes `identity.customers_merged.v1`; publishes nothing.
HTTP: `/api/v1/shops/{shop}/discord` (bots.read / bots.write; audited), `POST /discord/
interactions/{application_id}` (Ed25519; PING, `/premium status|buy`, en/pl/ru replies).
"""

from shopkeeper.bots.discord import oauth
from shopkeeper.bots.discord.errors import (
    BotTokenInvalid,
    CannotMessageUser,
    DiscordApiError,
    DiscordNotConnected,
    DiscordUnavailable,
    MissingPermissions,
    OAuthRefused,
    RateLimited,
    RoleNotManageable,
    UnknownMember,
)
from shopkeeper.bots.discord.oauth import DiscordTokens, DiscordUser
from shopkeeper.bots.discord.rest import DiscordRest
from shopkeeper.bots.discord.runtime import discord_runtime
from shopkeeper.bots.discord.schemas import (
    ConnectionCreate,
    ConnectionRead,
    ConnectionUpdate,
    DiscordAccountRead,
    RoleCheck,
    RoleMap,
    RoleMappingRead,
)
from shopkeeper.bots.discord.service.accounts import on_discord_linked, store_user_tokens
from shopkeeper.bots.discord.service.connections import connect, disconnect
from shopkeeper.bots.discord.service.connections import get as get_connection
from shopkeeper.bots.discord.service.connections import update as update_connection
from shopkeeper.bots.discord.service.roles import (
    check_roles,
    guild_roles,
    list_mappings,
    map_role,
)
from shopkeeper.bots.discord.service.roles import unmap as unmap_role
from shopkeeper.bots.discord.service.storefront import (
    OAuthClient,
    linked_accounts,
    oauth_client,
    sign_in_available,
)

__all__ = [
    "BotTokenInvalid",
    "CannotMessageUser",
    "ConnectionCreate",
    "ConnectionRead",
    "ConnectionUpdate",
    "DiscordAccountRead",
    "DiscordApiError",
    "DiscordNotConnected",
    "DiscordRest",
    "DiscordTokens",
    "DiscordUnavailable",
    "DiscordUser",
    "MissingPermissions",
    "OAuthClient",
    "OAuthRefused",
    "RateLimited",
    "RoleCheck",
    "RoleMap",
    "RoleMappingRead",
    "RoleNotManageable",
    "UnknownMember",
    "check_roles",
    "connect",
    "disconnect",
    "discord_runtime",
    "get_connection",
    "guild_roles",
    "linked_accounts",
    "list_mappings",
    "map_role",
    "oauth",
    "oauth_client",
    "on_discord_linked",
    "sign_in_available",
    "store_user_tokens",
    "unmap_role",
    "update_connection",
]
