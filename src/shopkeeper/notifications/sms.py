"""SMS: providers behind the `SmsProvider` port and `SmsMessenger` for notify().

SHOPKEEPER_SMS_PROVIDER picks the provider: "log" (default) sends nothing and writes each
message to the log as `sms.not_sent_logged` with its text, and the delivery log records
status "logged"; "twilio" posts to a Twilio-compatible Messages API (SHOPKEEPER_SMS_API_URL,
_ACCOUNT_SID, _AUTH_TOKEN, _FROM). The messenger's channel is "sms"; it reaches customers
with a "phone" identity.
"""

from __future__ import annotations

import httpx
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.notifications.ports import Delivery, OutboundMessage, SmsProvider, SmsResult
from shopkeeper.settings import Settings, SettingsError

log = structlog.get_logger(__name__)
NOT_SENT_LOGGED = "sms.not_sent_logged"
SMS_TIMEOUT_SECONDS = 15.0
MAX_SMS_TEXT = 1600  # Twilio's limit: ten concatenated segments


class SmsNotConfigured(SettingsError):
    def __init__(self, missing: str) -> None:
        super().__init__(f"SHOPKEEPER_SMS_PROVIDER=twilio needs SHOPKEEPER_{missing.upper()}")


class LogSmsProvider:
    """No provider: the text goes to the log, clearly labelled as not sent."""

    name = "log"

    async def send(self, *, to: str, text: str) -> SmsResult:
        log.warning(NOT_SENT_LOGGED, to=to, text=text)
        return SmsResult("logged", "SMS not sent: no SMS provider configured (logged)")


class TwilioSmsProvider:
    """Twilio's Messages API (or a compatible one at another base URL), basic auth."""

    name = "twilio"

    def __init__(self, *, api_url: str, account_sid: str, auth_token: str, sender: str) -> None:
        self.url = f"{api_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self.auth = (account_sid, auth_token)
        self.sender = sender

    async def send(self, *, to: str, text: str) -> SmsResult:
        form = {"To": to, "From": self.sender, "Body": text[:MAX_SMS_TEXT]}
        try:
            async with httpx.AsyncClient(timeout=SMS_TIMEOUT_SECONDS) as client:
                response = await client.post(self.url, data=form, auth=self.auth)
        except httpx.HTTPError as exc:
            return SmsResult("failed", f"{type(exc).__name__}: {exc}"[:500])
        body = _json(response)
        if response.status_code >= 400:
            detail = body.get("message") or response.text
            return SmsResult("failed", f"HTTP {response.status_code}: {detail}"[:500])
        log.info("sms.sent", to=to, provider=self.name)
        return SmsResult("sent", reference=str(body.get("sid", "")))


def _json(response: httpx.Response) -> dict[str, object]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def sms_provider(settings: Settings) -> SmsProvider:
    """The provider the settings name; a half-configured "twilio" is refused at start-up."""
    if settings.sms_provider == "log":
        return LogSmsProvider()
    for field in ("sms_account_sid", "sms_auth_token", "sms_from"):
        if not getattr(settings, field):
            raise SmsNotConfigured(field)
    return TwilioSmsProvider(
        api_url=settings.sms_api_url, account_sid=str(settings.sms_account_sid),
        auth_token=str(settings.sms_auth_token), sender=str(settings.sms_from),
    )  # fmt: skip


class SmsMessenger:
    """The notifications context's Messenger by SMS: the address is the customer's phone."""

    channel = "sms"

    def __init__(self, provider: SmsProvider) -> None:
        self.provider = provider

    async def send(self, session: AsyncSession, message: OutboundMessage) -> Delivery:
        links = [f"{b.label}: {b.url}" for b in message.buttons if b.url]
        text = "\n".join([message.text, *links])
        result = await self.provider.send(to=message.address, text=text)
        if result.status == "failed":
            log.warning("sms.failed", to=message.address, error=result.error)
        return Delivery(result.status, result.error)


__all__ = [
    "NOT_SENT_LOGGED",
    "LogSmsProvider",
    "SmsMessenger",
    "SmsNotConfigured",
    "TwilioSmsProvider",
    "sms_provider",
]
