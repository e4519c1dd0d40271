"""A shop's Telegram channels and groups: access to them is what its plans and products sell.

Staff register a chat through `/api/v1/shops/{shop}/channels` (bots.read / bots.write,
audited): the bot must be its admin allowed to invite users via link and to ban users; the
chat becomes an access target (platform "telegram_chat") products are linked to. The access
strategy (`bots.telegram.access_strategy`) grants with one-time invite links or join-request
links and revokes with ban + unban; `membership` decides join requests and records joins and
leaves; `reconcile` removes members without an active grant (task telegram.reconcile_chats);
`overview` answers the bot's /channels; `linking` connects a web customer to Telegram.
Public: `register_channel`, `list_channels`, `get_channel`, `check_channel`,
`update_channel`, `deactivate_channel`, `reconcile_chats`; `REQUIRED`: the rights a check
names when missing (`MAKE_ADMIN`, `INVITE`, `BAN`).
"""

from shopkeeper.bots.telegram.channels.errors import (
    BotRightsMissing,
    ChannelAlreadyRegistered,
    ChannelNotFound,
    ChatNotAGroup,
    ChatNotFound,
)
from shopkeeper.bots.telegram.channels.reconcile import reconcile_chats
from shopkeeper.bots.telegram.channels.rights import BAN, INVITE, MAKE_ADMIN, REQUIRED
from shopkeeper.bots.telegram.channels.schemas import ChannelCreate, ChannelRead, ChannelUpdate
from shopkeeper.bots.telegram.channels.service import (
    check_channel,
    deactivate_channel,
    get_channel,
    list_channels,
    register_channel,
    update_channel,
)

__all__ = [
    "BAN",
    "INVITE",
    "MAKE_ADMIN",
    "REQUIRED",
    "BotRightsMissing",
    "ChannelAlreadyRegistered",
    "ChannelCreate",
    "ChannelNotFound",
    "ChannelRead",
    "ChannelUpdate",
    "ChatNotAGroup",
    "ChatNotFound",
    "check_channel",
    "deactivate_channel",
    "get_channel",
    "list_channels",
    "reconcile_chats",
    "register_channel",
    "update_channel",
]
