"""Customers' notification preferences: per-channel opt-outs, kept with when and how.

`opted_out(session, shop_id, customer_id, channel)` and `opted_out_customers(session, shop_id,
channel, customer_ids)` answer senders (notify skips an opted-out channel unless the notice is
legally required); `opt_out` / `opt_in` record a choice (source "bot" for /stop, "email_link"
for an unsubscribe link, "staff" or "api"); `get_preferences` / `set_preferences` (audited) back
`/api/v1/shops/{shop}/customers/{customer_id}/notification-preferences`; `unsubscribe_token`
signs the `/u/{token}` link every non-required email carries. Consumes
`identity.customers_merged.v1`: the survivor keeps an opt-out of every channel either record had.
"""

from shopkeeper.notifications.preferences.links import unsubscribe, unsubscribe_target
from shopkeeper.notifications.preferences.schemas import (
    CHANNELS,
    Channel,
    ChannelPreference,
    PreferencesRead,
    PreferencesWrite,
    UnsubscribeTarget,
)
from shopkeeper.notifications.preferences.service import (
    get_preferences,
    opt_in,
    opt_out,
    opted_out,
    opted_out_channels,
    opted_out_customers,
    set_preferences,
)
from shopkeeper.notifications.preferences.tokens import (
    UnsubscribeLinkInvalid,
    read_unsubscribe_token,
    unsubscribe_token,
)

__all__ = [
    "CHANNELS",
    "Channel",
    "ChannelPreference",
    "PreferencesRead",
    "PreferencesWrite",
    "UnsubscribeLinkInvalid",
    "UnsubscribeTarget",
    "get_preferences",
    "opt_in",
    "opt_out",
    "opted_out",
    "opted_out_channels",
    "opted_out_customers",
    "read_unsubscribe_token",
    "set_preferences",
    "unsubscribe",
    "unsubscribe_target",
    "unsubscribe_token",
]
