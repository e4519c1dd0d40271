"""Errors of broadcasts."""

from __future__ import annotations

from shopkeeper.errors import Conflict, NotFound, Unprocessable


class BroadcastNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such broadcast in this shop")


class BroadcastNotEditable(Conflict):
    def __init__(self, status: str) -> None:
        super().__init__(f"Only a draft can be edited; this broadcast is {status}")


class BroadcastStateConflict(Conflict):
    def __init__(self, action: str, status: str) -> None:
        super().__init__(f"Cannot {action} a broadcast that is {status}")


class BotNotChosen(Unprocessable):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)


class ChannelNotConfigured(Conflict):
    def __init__(self, channel: str) -> None:
        super().__init__(f"No {channel} channel is set up in this process")


class NoTestChat(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "You have no Telegram chat with this shop's bot: open the bot with the Telegram "
            "account whose customer record carries your staff email (or sign in to the "
            'storefront with it and link Telegram), or send {"telegram_user_id": <id>} of a '
            "customer who has started the bot"
        )


class BroadcastInvalid(Unprocessable):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)


class UnknownTestCustomer(NotFound):
    def __init__(self) -> None:
        super().__init__("No customer of this shop has that Telegram user id")


class SavedAudienceNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such saved audience in this shop")


class UnknownSavedAudience(Unprocessable):
    def __init__(self, audience_id: object) -> None:
        super().__init__(f"audience_id {audience_id} is not a saved audience of this shop")


class SavedAudienceNameTaken(Conflict):
    def __init__(self, name: str) -> None:
        super().__init__(f"The shop already has a saved audience named {name!r}")


class SavedAudienceInUse(Conflict):
    def __init__(self, broadcasts: list[tuple[str, str, str]]) -> None:
        named = "; ".join(
            f"broadcast {b_id} ({status}: {text!r})" for b_id, status, text in broadcasts
        )
        super().__init__(
            f"The saved audience is the audience of {named}: give it another audience or "
            "cancel it first"
        )
