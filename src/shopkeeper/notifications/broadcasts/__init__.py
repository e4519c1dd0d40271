"""Broadcasts: one message (Telegram HTML, an image, link buttons) to an audience of a bot.

Audiences: all people of the bot, live subscribers of a plan, expired within N days, never
paid, customers with any/all of some tags (identity's customer tags), or a saved audience (a
shop's named filter, read when sending starts); blocked and opted-out people are left out.
Sending snapshots the audience into recipients; the engine (`delivery`, run by
`broadcast_loop` in every worker and in `serve`) claims batches with a lease, keeps the
per-bot rate through a shared slot gate (Redis / database / memory), honours 429
retry_after, marks 403s unreachable and logs every message in notifications_message.
Public: `broadcast_loop`, `broadcast_engine`, `get_broadcast`, `start_due`,
`list_saved_audiences`; port `BroadcastChannel` (`Chat`, `Post`, `SendResult`) with
`register_channel`. HTTP: /api/v1/shops/{shop}/broadcasts (saved audiences at
/broadcasts/audiences). No events.
"""

from shopkeeper.notifications.broadcasts.delivery import BroadcastEngine, broadcast_engine
from shopkeeper.notifications.broadcasts.ports import (
    BroadcastChannel,
    Chat,
    Post,
    SendResult,
    channel_for,
    register_channel,
)
from shopkeeper.notifications.broadcasts.saved import list_saved_audiences
from shopkeeper.notifications.broadcasts.schemas import BroadcastRead, Progress, SavedAudienceRead
from shopkeeper.notifications.broadcasts.service import get_broadcast
from shopkeeper.notifications.broadcasts.tasks import broadcast_loop, start_due

__all__ = [
    "BroadcastChannel",
    "BroadcastEngine",
    "BroadcastRead",
    "Chat",
    "Post",
    "Progress",
    "SavedAudienceRead",
    "SendResult",
    "broadcast_engine",
    "broadcast_loop",
    "channel_for",
    "get_broadcast",
    "list_saved_audiences",
    "register_channel",
    "start_due",
]
