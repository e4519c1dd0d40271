"""What a bot needs in a chat to sell access to it, and what it lacks, in words a person acts on."""

from __future__ import annotations

from aiogram.enums import ChatMemberStatus
from aiogram.types import ChatMemberAdministrator, ResultChatMemberUnion

MAKE_ADMIN = "make the bot an admin of the chat"
INVITE = "give it the right 'Invite users via link' ('Add subscribers' in a channel)"
BAN = "give it the right 'Ban users' (to remove people whose access ended)"
REQUIRED = (MAKE_ADMIN, INVITE, BAN)  # what `problems_of` can name, in the order to fix them
MEMBER_STATUSES = frozenset({"member", "administrator", "creator", "restricted"})
ADMIN_STATUSES = frozenset({"administrator", "creator"})


def problems_of(member: ResultChatMemberUnion) -> list[str]:
    """Nothing when the bot may create invite links and ban; else each missing thing."""
    if member.status == ChatMemberStatus.CREATOR:
        return []
    if not isinstance(member, ChatMemberAdministrator):
        return [MAKE_ADMIN]
    missing = []
    if not member.can_invite_users:
        missing.append(INVITE)
    if not member.can_restrict_members:
        missing.append(BAN)
    return missing


def status_of(member: ResultChatMemberUnion) -> str:
    """Telegram's word for the membership: "member", "left", "kicked", "administrator", ..."""
    status = member.status
    return str(getattr(status, "value", status))


def is_member(member: ResultChatMemberUnion) -> bool:
    """In the chat now (a restricted member still counts when Telegram says so)."""
    if status_of(member) == "restricted":
        return bool(getattr(member, "is_member", False))
    return status_of(member) in MEMBER_STATUSES


def is_admin(member: ResultChatMemberUnion) -> bool:
    return status_of(member) in ADMIN_STATUSES
