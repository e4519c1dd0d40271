"""A customer who paid elsewhere (web, email) reaches their chat by opening the shop's bot.

The grant that waits for them says "open https://t.me/<bot>?start=link_<grant><signature>";
that /start links the Telegram account to the grant's customer (identity merges the two if
the bot had already made a customer of it), and every open grant of the person is retried.
A plain /start retries them too: a customer known by their Telegram id gets access at once.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime

import structlog
from aiogram.exceptions import TelegramAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import access, identity
from shopkeeper.bots.telegram.deeplinks import SEPARATOR
from shopkeeper.bots.telegram.models import TelegramUser
from shopkeeper.container import Container
from shopkeeper.identity import IdentityKind
from shopkeeper.kit.crypto import constant_time_equal, sign

log = structlog.get_logger(__name__)

PREFIX = "link_"
_PART = re.compile(r"^link_([0-9a-f]{32})([0-9a-f]{16})$")


def _signature(secret: str, grant_id: uuid.UUID) -> str:
    return sign(secret, b"telegram-link:" + grant_id.bytes)[:16]


def link_payload(secret: str, grant_id: uuid.UUID) -> str:
    """The /start payload that links whoever opens it to the grant's customer (53 chars)."""
    return f"{PREFIX}{grant_id.hex}{_signature(secret, grant_id)}"


def start_url(username: str, secret: str, grant_id: uuid.UUID) -> str:
    return f"https://t.me/{username}?start={link_payload(secret, grant_id)}"


def parse_link(secret: str, args: str | None) -> uuid.UUID | None:
    """The grant a /start payload links to, when one of its parts is a genuine link."""
    for part in (args or "").split(SEPARATOR):
        match = _PART.match(part)
        if match is None:
            continue
        grant_id = uuid.UUID(hex=match.group(1))
        if constant_time_equal(match.group(2), _signature(secret, grant_id)):
            return grant_id
    return None


async def on_started(
    session: AsyncSession,
    container: Container,
    *,
    person: TelegramUser,
    args: str | None,
    now: datetime,
) -> int:
    """Link and retry (`link_and_resume`) in a savepoint: Telegram failing must not cost the
    person the /start answer; the grants stay open and are retried on the next visit."""
    try:
        async with session.begin_nested():
            return await link_and_resume(session, container, person=person, args=args, now=now)
    except TelegramAPIError as exc:
        log.warning("telegram.resume_failed", error=exc.message)
        return 0


async def link_and_resume(
    session: AsyncSession,
    container: Container,
    *,
    person: TelegramUser,
    args: str | None,
    now: datetime,
) -> int:
    """Link the account when the payload says so, then retry the person's open grants."""
    customers = {person.customer_id}
    grant_id = parse_link(container.settings.secret_key, args)
    if grant_id is not None and (linked := await _link(session, person, grant_id, now)):
        survivor = await identity.get_customer(session, shop_id=person.shop_id, customer_id=linked)
        customers |= {linked, survivor.id}
        person.customer_id = survivor.id  # the merge event repoints the person's other rows
        await session.flush()  # the strategy looks the person up by customer
    changed = 0
    for customer_id in sorted(customers):
        changed += await access.resume_for_customer(
            session, container, shop_id=person.shop_id, customer_id=customer_id, now=now
        )
    return changed


async def _link(
    session: AsyncSession, person: TelegramUser, grant_id: uuid.UUID, now: datetime
) -> uuid.UUID | None:
    """Attach the Telegram account to the grant's customer; that customer's id, or None."""
    try:
        grant = await access.get_grant(session, shop_id=person.shop_id, grant_id=grant_id)
    except access.GrantNotFound:
        return None
    await identity.link_identity(
        session, shop_id=person.shop_id, customer_id=grant.customer_id,
        kind=IdentityKind.TELEGRAM, value=str(person.telegram_user_id), now=now,
    )  # fmt: skip
    log.info("telegram.account_linked", grant_id=str(grant_id), customer=str(grant.customer_id))
    return grant.customer_id
