"""Typed errors of the shops context."""

from __future__ import annotations

from shopkeeper.errors import Conflict, Forbidden, NotFound, Unprocessable


class ShopNotFound(NotFound):
    """Also what staff of another shop get: a shop's existence is not revealed."""

    def __init__(self) -> None:
        super().__init__("Shop not found")


class SlugTaken(Conflict):
    def __init__(self, slug: str) -> None:
        super().__init__(f"A shop with slug {slug!r} already exists")


class PermissionDenied(Forbidden):
    def __init__(self, permission: str) -> None:
        super().__init__(f"Missing permission: {permission}")
        self.permission = permission


class SuperuserRequired(Forbidden):
    def __init__(self) -> None:
        super().__init__("Only a platform superuser may do this")


class MemberNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Member not found")


class AlreadyMember(Conflict):
    def __init__(self, email: str) -> None:
        super().__init__(f"{email} is already a member of this shop")


class LastOwner(Conflict):
    def __init__(self) -> None:
        super().__init__("A shop must keep at least one owner")


class OwnerRequired(Forbidden):
    def __init__(self) -> None:
        super().__init__("Only an owner may grant, change or remove the owner role")


class DefaultLanguageNotOffered(Unprocessable):
    def __init__(self, language: str) -> None:
        super().__init__(f"The default language {language!r} must be one of the shop's languages")
        self.language = language
