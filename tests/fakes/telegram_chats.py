"""The fake Bot API's chats, members, invite links, join requests and Stars payments.

Mixed into FakeTelegram. A test declares a channel (`add_chat`), the bot's rights in it
(`set_rights`: admin with can_invite_users / can_restrict_members, or not admin) and, for
calls that need them, pending join requests (`join_request`) and paid charges
(`successful_payment`), which also return the Update to deliver.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tests.fakes.telegram_updates import (
    admin_rights,
    channel_chat,
    chat_join_request_update,
    member,
    successful_payment_update,
    tg_user,
)

if TYPE_CHECKING:
    from tests.fakes.telegram import FakeBot


@dataclass(frozen=True)
class Rights:
    admin: bool
    can_invite_users: bool = True
    can_restrict_members: bool = True


NOT_ADMIN = Rights(admin=False)
OWNER_ID = 1000


def _bad(description: str) -> Exception:
    from tests.fakes.telegram import bad_request

    return bad_request(description)


class ChatsMixin:
    def __init__(self) -> None:
        self.chats: dict[int, dict[str, Any]] = {}
        self.rights: dict[tuple[int | None, int], Rights] = {}  # (bot id or None, chat) → rights
        self.members: dict[tuple[int, int], str] = {}  # (chat, user) → status
        self.join_requests: set[tuple[int, int]] = set()
        self.invite_links: dict[str, dict[str, Any]] = {}
        self.charges: dict[str, dict[str, Any]] = {}  # telegram_payment_charge_id → charge
        self.invoices: list[dict[str, Any]] = []

    # -- set-up ------------------------------------------------------------------------------
    def add_chat(
        self, chat_id: int, title: str = "Members", kind: str = "channel"
    ) -> dict[str, Any]:
        self.chats[chat_id] = channel_chat(chat_id, title, kind)
        return self.chats[chat_id]

    def set_rights(
        self,
        chat_id: int,
        *,
        admin: bool,
        can_invite_users: bool = True,
        can_restrict_members: bool = True,
        bot: FakeBot | None = None,
    ) -> None:
        """The bot's standing in a chat (every bot's when `bot` is not given)."""
        key = (bot.id if bot else None, chat_id)
        self.rights[key] = Rights(admin, can_invite_users, can_restrict_members)

    def join_request(self, user: dict[str, Any], chat_id: int, **extra: Any) -> dict[str, Any]:
        """A pending join request (approve/decline will find it) and its Update."""
        self.join_requests.add((chat_id, user["id"]))
        return chat_join_request_update(user, self.chat(chat_id), **extra)

    def successful_payment(self, user: dict[str, Any], **extra: Any) -> dict[str, Any]:
        """A paid Stars charge (refundStarPayment will find it) and its Update."""
        update = successful_payment_update(user, **extra)
        payment = update["message"]["successful_payment"]
        self.charges[payment["telegram_payment_charge_id"]] = {
            "user_id": user["id"], "amount": payment["total_amount"], "refunded": False,
        }  # fmt: skip
        return update

    # -- helpers -----------------------------------------------------------------------------
    def chat(self, chat_id: Any) -> dict[str, Any]:
        if chat_id in self.chats:
            return self.chats[chat_id]
        if isinstance(chat_id, int) and chat_id > 0:  # a user's private chat with the bot
            return {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}
        raise _bad("chat not found")

    def _rights(self, bot: FakeBot, chat_id: int) -> Rights:
        return self.rights.get((bot.id, chat_id)) or self.rights.get((None, chat_id)) or NOT_ADMIN

    def _admin(self, bot: FakeBot, params: dict[str, Any], right: str) -> int:
        chat_id = params.get("chat_id")
        self.chat(chat_id)
        assert isinstance(chat_id, int)
        rights = self._rights(bot, chat_id)
        if not rights.admin or not getattr(rights, right):
            raise _bad("not enough rights")
        return chat_id

    def _bot_member(self, bot: FakeBot, chat_id: int) -> dict[str, Any]:
        rights = self._rights(bot, chat_id)
        if not rights.admin:
            return member("member", bot.user())
        return member("administrator", bot.user(), **admin_rights(
            can_invite_users=rights.can_invite_users,
            can_restrict_members=rights.can_restrict_members,
        ))  # fmt: skip

    # -- chat methods ------------------------------------------------------------------------
    def _m_getchat(self, bot: FakeBot, params: dict[str, Any]) -> Any:
        gifts = dict.fromkeys(("unlimited_gifts", "limited_gifts", "unique_gifts",
                               "premium_subscription", "gifts_from_channels"), False)  # fmt: skip
        return {**self.chat(params.get("chat_id")), "accent_color_id": 0,
                "max_reaction_count": 11, "accepted_gift_types": gifts}  # fmt: skip

    def _m_getchatmember(self, bot: FakeBot, params: dict[str, Any]) -> Any:
        chat_id, user_id = params.get("chat_id"), params.get("user_id")
        self.chat(chat_id)
        if user_id == bot.id:
            return self._bot_member(bot, chat_id)  # type: ignore[arg-type]
        if user_id == OWNER_ID:
            return member("creator", tg_user(OWNER_ID, first_name="Owner"))
        status = self.members.get((chat_id, user_id), "left")  # type: ignore[arg-type]
        return member(status, tg_user(user_id, first_name=f"User {user_id}"))

    def _m_getchatadministrators(self, bot: FakeBot, params: dict[str, Any]) -> Any:
        chat_id = params.get("chat_id")
        self.chat(chat_id)
        admins = [member("creator", tg_user(OWNER_ID, first_name="Owner"))]
        if self._rights(bot, chat_id).admin:  # type: ignore[arg-type]
            admins.append(self._bot_member(bot, chat_id))  # type: ignore[arg-type]
        return admins

    def _m_createchatinvitelink(self, bot: FakeBot, params: dict[str, Any]) -> Any:
        self._admin(bot, params, "can_invite_users")
        if params.get("creates_join_request") and params.get("member_limit"):
            raise _bad("member limit can't be specified for links requiring administrator "
                       "approval")  # fmt: skip
        link = {"invite_link": f"https://t.me/+{secrets.token_urlsafe(12)}",
                "creator": bot.user(), "is_primary": False, "is_revoked": False,
                "creates_join_request": bool(params.get("creates_join_request"))}  # fmt: skip
        link.update({k: params[k] for k in ("name", "expire_date", "member_limit") if k in params})
        self.invite_links[link["invite_link"]] = link
        return link

    def _m_revokechatinvitelink(self, bot: FakeBot, params: dict[str, Any]) -> Any:
        self._admin(bot, params, "can_invite_users")
        link = self.invite_links.get(params.get("invite_link", ""))
        if link is None:
            raise _bad("INVITE_HASH_EXPIRED")
        link["is_revoked"] = True
        return link

    def _join(self, bot: FakeBot, params: dict[str, Any], approve: bool) -> Any:
        chat_id = self._admin(bot, params, "can_invite_users")
        key = (chat_id, params.get("user_id"))
        if key not in self.join_requests:
            raise _bad("HIDE_REQUESTER_MISSING")
        self.join_requests.discard(key)  # type: ignore[arg-type]
        if approve:
            self.members[key] = "member"  # type: ignore[index]
        return True

    def _m_approvechatjoinrequest(self, bot: FakeBot, params: dict[str, Any]) -> Any:
        return self._join(bot, params, approve=True)

    def _m_declinechatjoinrequest(self, bot: FakeBot, params: dict[str, Any]) -> Any:
        return self._join(bot, params, approve=False)

    def _m_banchatmember(self, bot: FakeBot, params: dict[str, Any]) -> Any:
        chat_id = self._admin(bot, params, "can_restrict_members")
        self.members[(chat_id, params["user_id"])] = "kicked"
        return True

    def _m_unbanchatmember(self, bot: FakeBot, params: dict[str, Any]) -> Any:
        chat_id = self._admin(bot, params, "can_restrict_members")
        key = (chat_id, params["user_id"])
        if params.get("only_if_banned") and self.members.get(key) != "kicked":
            return True
        self.members[key] = "left"
        return True

    # -- payments (Telegram Stars) -----------------------------------------------------------
    def _invoice(self, params: dict[str, Any]) -> dict[str, Any]:
        prices = params.get("prices")
        if not isinstance(prices, list) or not prices:
            raise _bad("can't parse prices JSON object")
        if params.get("currency") == "XTR" and (len(prices) != 1 or params.get("provider_token")):
            raise _bad("STARS_INVOICE_INVALID")
        for name in ("title", "description", "payload", "currency"):
            if not params.get(name):
                raise _bad(f"{name} is empty" if name != "payload" else "PAYLOAD_EMPTY")
        self.invoices.append(params)
        return {"title": params["title"], "description": params["description"],
                "start_parameter": params.get("start_parameter", ""),
                "currency": params["currency"],
                "total_amount": sum(int(p["amount"]) for p in prices)}  # fmt: skip

    def _m_sendinvoice(self, bot: FakeBot, params: dict[str, Any]) -> Any:
        invoice = self._invoice(params)
        return self._message(bot, params.get("chat_id"), invoice=invoice)  # type: ignore[attr-defined]

    def _m_createinvoicelink(self, bot: FakeBot, params: dict[str, Any]) -> Any:
        self._invoice(params)
        return f"https://t.me/${secrets.token_urlsafe(16)}"

    def _m_answerprecheckoutquery(self, bot: FakeBot, params: dict[str, Any]) -> Any:
        query_id = params.get("pre_checkout_query_id")
        if not query_id:
            raise _bad("QUERY_ID_INVALID")
        if params.get("ok") is False and not params.get("error_message"):
            raise _bad("ERROR_MESSAGE_EMPTY")
        self.pre_checkout_answers[query_id] = params  # type: ignore[attr-defined]
        return True

    def _m_refundstarpayment(self, bot: FakeBot, params: dict[str, Any]) -> Any:
        charge = self.charges.get(params.get("telegram_payment_charge_id", ""))
        if charge is None or charge["user_id"] != params.get("user_id"):
            raise _bad("CHARGE_NOT_FOUND")
        if charge["refunded"]:
            raise _bad("CHARGE_ALREADY_REFUNDED")
        charge["refunded"] = True
        return True
