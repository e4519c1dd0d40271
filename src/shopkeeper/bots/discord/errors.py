"""Typed errors of the Discord adapter (each carries its HTTP status).

`DiscordApiError` is what Discord answered with its JSON error `{"code", "message"}`; the
subclasses name the codes the adapter acts on. The others are our own refusals.
"""

from __future__ import annotations

from shopkeeper.errors import AppError, BadRequest, Conflict, NotFound, Unauthorized, Unprocessable

UNKNOWN_GUILD = 10004
UNKNOWN_MEMBER = 10007
UNKNOWN_USER = 10013
UNKNOWN_ROLE = 10011
MISSING_ACCESS = 50001
CANNOT_DM = 50007
MISSING_PERMISSIONS = 50013


class DiscordApiError(AppError):
    """Discord refused a call: HTTP status + Discord's JSON error code and message."""

    status_code = 502

    def __init__(self, http_status: int, code: int, message: str) -> None:
        super().__init__(f"Discord API error {code}: {message} (HTTP {http_status})")
        self.http_status, self.discord_code, self.message = http_status, code, message


class DiscordUnauthorized(DiscordApiError):
    """401: the bot token is wrong or was reset."""


class MissingPermissions(DiscordApiError):
    """50013: the bot lacks a permission or the role sits above the bot's highest role."""


class CannotMessageUser(DiscordApiError):
    """50007: the user closed DMs from server members or blocked the bot."""


class UnknownMember(DiscordApiError):
    """10007: the user is not a member of the guild."""


class DiscordUnavailable(AppError):
    """Discord could not be reached, answered 5xx or kept rate limiting: nothing changed."""

    status_code = 502

    def __init__(self, detail: str) -> None:
        super().__init__(f"Discord API unavailable: {detail}")


class RateLimited(DiscordUnavailable):
    """Still rate limited after the bounded retries; `retry_after` seconds to wait."""

    def __init__(self, retry_after: float, scope: str) -> None:
        super().__init__(f"rate limited ({scope}), retry after {retry_after:.2f} s")
        self.retry_after = retry_after


_BY_CODE: dict[int, type[DiscordApiError]] = {
    MISSING_PERMISSIONS: MissingPermissions,
    CANNOT_DM: CannotMessageUser,
    UNKNOWN_MEMBER: UnknownMember,
}


def api_error(http_status: int, code: int, message: str) -> DiscordApiError:
    """The typed error for Discord's answer."""
    if http_status == 401:
        return DiscordUnauthorized(http_status, code, message)
    return _BY_CODE.get(code, DiscordApiError)(http_status, code, message)


class OAuthRefused(BadRequest):
    """Discord's token endpoint refused the grant (bad/expired code, wrong PKCE verifier)."""

    def __init__(self, error: str, description: str = "") -> None:
        super().__init__(f"Discord refused the sign-in: {error} {description}".strip())
        self.error = error


class DiscordNotConnected(NotFound):
    def __init__(self) -> None:
        super().__init__("This shop has no Discord connection")


class DiscordAlreadyConnected(Conflict):
    def __init__(self) -> None:
        super().__init__("This shop is already connected to Discord; disconnect it first")


class ApplicationTaken(Conflict):
    def __init__(self, application_id: str) -> None:
        super().__init__(f"Discord application {application_id} is connected to another shop")


class BotTokenInvalid(Unprocessable):
    def __init__(self, reason: str = "Discord does not accept this bot token") -> None:
        super().__init__(
            f"{reason}; copy it from Developer Portal → your application → Bot → Reset Token"
        )


class ApplicationMismatch(Unprocessable):
    def __init__(self, given: str, actual: str) -> None:
        super().__init__(
            f"The bot token belongs to application {actual}, not {given}; "
            "use the token of the application whose id you entered"
        )


class BotNotInGuild(Unprocessable):
    def __init__(self, guild_id: str, application_id: str) -> None:
        super().__init__(
            f"The bot is not in server {guild_id}; invite it with "
            f"https://discord.com/oauth2/authorize?client_id={application_id}"
            "&scope=bot+applications.commands&permissions=268435458"
        )


class RoleNotManageable(Unprocessable):
    """The bot cannot grant this role; the detail says exactly what to change."""


class RoleNotFound(Unprocessable):
    def __init__(self, role_id: str) -> None:
        super().__init__(f"The server has no role {role_id}")


class MappingNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No role mapping for this product")


class InvalidSignature(Unauthorized):
    def __init__(self) -> None:
        super().__init__("invalid request signature", headers={})


class UnknownApplication(NotFound):
    def __init__(self) -> None:
        super().__init__("Unknown Discord application")
