"""Telegram Stars (XTR): invoices paid inside Telegram, facts reported by the shop's bot.

`create_payment` asks the Bot API for an invoice link (`createInvoiceLink`, payload = our
payment id, one price in XTR; a plan billed monthly becomes a Stars subscription with
`subscription_period` = 30 days) and returns both the link and the invoice parameters, so a
bot can also `sendInvoice` them into the chat. Nothing comes by webhook: the bot answers
`pre_checkout_query` and turns `successful_payment` into a `PaymentEvent` for
`payments.record_events` (`succeeded_event`). Refunds are whole payments through
`refundStarPayment`, which needs the payer's Telegram user id and the charge id, kept as the
payment's `provider_reference` ("<user id>:<charge id>") when it succeeds.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shopkeeper.payments.providers.base import (
    EventKind,
    GatewayCredentials,
    GatewayError,
    PaymentEvent,
    PaymentHandle,
    PaymentProvider,
    PaymentRequest,
    PaymentStart,
    RefundStart,
    RefundStatus,
    WebhookMalformed,
    WebhookRequest,
)
from shopkeeper.payments.providers.http import send

CURRENCY = "XTR"
# Telegram bills Stars subscriptions every 30 days, the only period it accepts.
SUBSCRIPTION_PERIOD_SECONDS = 30 * 24 * 3600


class TelegramStarsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bot_token: str = Field(pattern=r"^\d{3,20}:[A-Za-z0-9_-]{20,100}$")
    # The bot's own Bot API server when it is not Telegram's (a local server, the playground).
    api_base: str | None = Field(default=None, pattern=r"^https?://\S+$", max_length=300)


class TelegramStarsProvider(PaymentProvider):
    name: ClassVar[str] = "telegram_stars"
    config_model: ClassVar[type[BaseModel]] = TelegramStarsConfig
    secret_fields: ClassVar[frozenset[str]] = frozenset({"bot_token"})

    async def create_payment(
        self, account: GatewayCredentials, request: PaymentRequest, *, idempotency_key: str
    ) -> PaymentStart:
        if request.currency != CURRENCY:
            raise GatewayError(f"Telegram Stars take {CURRENCY} only, not {request.currency}")
        invoice = invoice_parameters(request)
        link = await self._call(account, "createInvoiceLink", invoice)
        return PaymentStart(
            provider_payment_id=f"xtr_{request.payment_id.hex}",
            redirect_url=str(link),
            invoice=invoice,
        )

    def claimed_event_id(self, body: bytes, headers: Mapping[str, str]) -> str | None:
        return None

    async def parse_webhook(
        self, account: GatewayCredentials, request: WebhookRequest
    ) -> list[PaymentEvent]:
        raise WebhookMalformed("Telegram Stars payments are reported by the shop's bot")

    async def refund(
        self,
        account: GatewayCredentials,
        payment: PaymentHandle,
        *,
        amount: int,
        idempotency_key: str,
        reason: str,
    ) -> RefundStart:
        if amount != payment.amount_captured:
            raise GatewayError("Telegram Stars refunds a whole payment only")
        user_id, _, charge_id = (payment.provider_reference or "").partition(":")
        if not user_id.isdigit() or not charge_id:
            raise GatewayError("This Stars payment has no Telegram charge to refund")
        params = {"user_id": int(user_id), "telegram_payment_charge_id": charge_id}
        await self._call(account, "refundStarPayment", params)
        return RefundStart(
            provider_refund_id=f"xtr_re_{charge_id}",
            status=RefundStatus.SUCCEEDED,
            amount=amount,
        )

    async def _call(
        self, account: GatewayCredentials, method: str, params: Mapping[str, Any]
    ) -> Any:
        token = account.config["bot_token"]
        base = account.config.get("api_base") or self.settings.telegram_api_url
        async with self.http.client(base) as client:
            request = client.build_request("POST", f"/bot{token}/{method}", json=dict(params))
            try:
                answer = await send(client, self.name, request)
            except GatewayError as exc:  # never echo the token inside the URL
                raise GatewayError(str(exc).replace(token, "<token>")) from None
        if not isinstance(answer, dict) or not answer.get("ok"):
            raise GatewayError(f"Telegram refused {method}")
        return answer["result"]


def invoice_parameters(request: PaymentRequest) -> dict[str, Any]:
    """sendInvoice / createInvoiceLink parameters for this payment (Stars: no provider token)."""
    params: dict[str, Any] = {
        "title": request.description[:32] or request.order_number,
        "description": f"{request.shop_name} · {request.order_number}"[:255],
        "payload": str(request.payment_id),
        "currency": CURRENCY,
        "prices": [{"label": request.description[:32] or "Total", "amount": request.amount}],
    }
    terms = request.recurring
    if terms and terms.interval == "month" and terms.interval_count == 1:
        params["subscription_period"] = SUBSCRIPTION_PERIOD_SECONDS
    return params


def succeeded_event(
    *,
    payload: str,
    charge_id: str,
    payer_user_id: int,
    total_amount: int,
    currency: str,
    is_recurring: bool = False,
) -> PaymentEvent:
    """The fact a `successful_payment` message states (one per Telegram charge id)."""
    try:
        payment_id = uuid.UUID(payload)
    except ValueError:
        raise WebhookMalformed("successful_payment with a payload that is not ours") from None
    return PaymentEvent(
        provider_event_id=f"tg_charge:{charge_id}",
        kind=EventKind.SUCCEEDED,
        payment_id=payment_id,
        provider_refs=(charge_id,),
        reference=f"{payer_user_id}:{charge_id}",
        amount=total_amount,
        currency=currency,
        extra={"is_recurring": is_recurring},
    )
