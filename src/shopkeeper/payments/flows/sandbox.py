"""The sandbox bank's buttons: a signed webhook, delivered to our own webhook code path.

Nothing is faked past the signature: the body is signed with the shop's sandbox secret and
goes through `receive_webhook` exactly as a provider's HTTP delivery does (store, verify the
signature, process, deduplicate).
"""

from __future__ import annotations

import uuid
from typing import Literal

from shopkeeper.container import Container
from shopkeeper.payments.errors import PaymentNotFound
from shopkeeper.payments.flows.inbound import WebhookOutcome, receive_webhook
from shopkeeper.payments.flows.units import transaction
from shopkeeper.payments.providers import DEFAULT_PROVIDER, sandbox
from shopkeeper.payments.repository import PaymentsRepository
from shopkeeper.payments.service.accounts import credentials

Outcome = Literal["pay", "fail"]
_KIND = {"pay": "payment.succeeded", "fail": "payment.failed"}


async def press(container: Container, *, payment_id: uuid.UUID, outcome: Outcome) -> WebhookOutcome:
    """The customer pressed Pay or Fail on the hosted page of a sandbox payment."""
    now = container.clock.now()
    async with transaction(container) as session:
        payment = await PaymentsRepository(session).payment(None, payment_id)
        if payment is None or payment.provider != DEFAULT_PROVIDER:
            raise PaymentNotFound()
        account = await credentials(session, shop_id=payment.shop_id, provider=DEFAULT_PROVIDER,
                                    secrets=container.secrets, now=now)  # fmt: skip
        shop_id, amount, currency = payment.shop_id, payment.amount, payment.currency
    body, headers = sandbox.webhook(
        str(account.config["webhook_secret"]), kind=_KIND[outcome], payment_id=payment_id,
        amount=amount, currency=currency, now=now,
    )  # fmt: skip
    headers["user-agent"] = "Shopkeeper-Sandbox/1"
    return await receive_webhook(
        container, shop_id=shop_id, provider_name=DEFAULT_PROVIDER, body=body, headers=headers,
        remote_ip=None,
    )  # fmt: skip
