"""What the broadcast pages show of a broadcast: progress figures, a plain excerpt, the actions
its state offers, and the names of the shop's plans and bots."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

from babel.dates import format_timedelta
from babel.numbers import format_decimal
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import catalog
from shopkeeper.bots import telegram
from shopkeeper.notifications import broadcasts
from shopkeeper.notifications.broadcasts.schemas import BroadcastRead

OPEN = ("scheduled", "sending", "paused")  # the states whose figures may still move
POLL = {"sending": "1s", "scheduled": "2s", "paused": "2s"}
# What the detail page offers in each state; the service decides what is allowed.
ACTIONS: dict[str, tuple[str, ...]] = {
    "draft": ("edit", "test", "send", "schedule", "cancel"),
    "scheduled": ("test", "send", "schedule", "cancel"),
    "sending": ("pause", "cancel"),
    "paused": ("resume", "cancel"),
}
PLAN_LIMIT = 200


@dataclass(frozen=True)
class Figures:
    total: int
    done: int
    sent: int
    failed: int
    unreachable: int
    remaining: int
    percent: int
    rate: str
    eta: str
    live: bool
    poll: str | None


def figures(broadcast: BroadcastRead, language: str) -> Figures:
    """The progress as the page shows it (a draft has none yet: zeros)."""
    p = broadcast.progress
    total = p.total if p else 0
    sent, failed, unreachable = (p.sent, p.failed, p.unreachable) if p else (0, 0, 0)
    done = sent + failed + unreachable
    finished = broadcast.status in ("completed", "cancelled", "failed")
    percent = 100 if finished and total == done else (done * 100 // total if total else 0)
    eta = "—"
    if p is not None and p.eta_seconds is not None and broadcast.status == "sending":
        eta = format_timedelta(
            timedelta(seconds=p.eta_seconds), threshold=1.0, format="short", locale=language
        )
    return Figures(
        total=total, done=done, sent=sent, failed=failed, unreachable=unreachable,
        remaining=p.remaining if p else 0, percent=percent,
        rate=format_decimal(p.rate if p else 0.0, format="#,##0.0", locale=language),
        eta=eta, live=broadcast.status in OPEN, poll=POLL.get(broadcast.status),
    )  # fmt: skip


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def excerpt(text: str, limit: int = 110) -> str:
    """The text without its markup, shortened (the template escapes it)."""
    parser = _Text()
    parser.feed(text)
    parser.close()
    plain = " ".join("".join(parser.parts).split())
    return plain if len(plain) <= limit else plain[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Names:
    """The shop's plans, saved audiences and live bots, for the form's choices and the pages'
    labels."""

    plans: dict[str, str]
    bots: list[telegram.BotRead]
    saved: dict[str, str]

    def plan(self, record_id: Any, fallback: str = "?") -> str:
        """The name of a plan or saved audience by id (ids are unique across tables)."""
        key = str(record_id)
        return self.plans.get(key) or self.saved.get(key) or fallback

    def bot(self, bot_id: uuid.UUID | None) -> str:
        for bot in self.bots:
            if bot.id == bot_id:
                return f"{bot.first_name} (@{bot.username})"
        return ""


async def names(session: AsyncSession, container: Any, shop_id: uuid.UUID) -> Names:
    plans = await catalog.list_products(
        session, shop_id=shop_id, filters=catalog.ProductFilter(kind="plan"), limit=PLAN_LIMIT
    )
    bots = await telegram.list_bots(container, shop_id=shop_id)
    saved = await broadcasts.list_saved_audiences(session, shop_id=shop_id)
    return Names(
        plans={str(p.id): p.name for p in plans.items},
        bots=bots,
        saved={str(a.id): a.name for a in saved},
    )
