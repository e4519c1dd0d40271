"""Schemas of broadcasts: the audience kinds, saved audiences, create/update/read, progress."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator

from shopkeeper import identity
from shopkeeper.notifications.broadcasts.formatting import html_problem

TEXT_MAX = 4096  # Telegram's limit for a message
CAPTION_MAX = 1024  # ... and for a photo's caption


class AllCustomers(BaseModel):
    kind: Literal["all"] = "all"


class PlanSubscribers(BaseModel):
    """Customers with a live (trialing, active, past_due) subscription to the plan."""

    kind: Literal["plan_subscribers"] = "plan_subscribers"
    product_id: uuid.UUID


class ExpiredWithin(BaseModel):
    """Customers whose subscription expired in the last `days` days and who have not renewed."""

    kind: Literal["expired_within"] = "expired_within"
    days: int = Field(ge=1, le=3650)
    product_id: uuid.UUID | None = None


class NeverPaid(BaseModel):
    kind: Literal["never_paid"] = "never_paid"


class TaggedCustomers(BaseModel):
    """Customers with any (or all) of the tags staff put on customers (identity's tags)."""

    kind: Literal["tagged"] = "tagged"
    tags: list[str] = Field(min_length=1, max_length=20)
    match: Literal["any", "all"] = "any"

    @field_validator("tags")
    @classmethod
    def _normalised(cls, value: list[str]) -> list[str]:
        try:
            return list(dict.fromkeys(identity.normalise_tag(tag) for tag in value))
        except identity.InvalidTag as exc:
            raise ValueError(exc.detail) from None


class SavedAudienceRef(BaseModel):
    """The shop's saved audience, as it is defined at the moment sending starts."""

    kind: Literal["saved"] = "saved"
    audience_id: uuid.UUID


Definition = AllCustomers | PlanSubscribers | ExpiredWithin | NeverPaid | TaggedCustomers
Audience = Annotated[Definition | SavedAudienceRef, Field(discriminator="kind")]


class LinkButton(BaseModel):
    text: str = Field(min_length=1, max_length=64)
    url: HttpUrl


class _Content(BaseModel):
    @field_validator("text", check_fields=False)
    @classmethod
    def _telegram_html(cls, value: str | None) -> str | None:
        if value is not None and (problem := html_problem(value)):
            raise ValueError(f"the text's HTML: {problem}")
        return value

    @field_validator("buttons", check_fields=False)
    @classmethod
    def _few_buttons(cls, value: list[LinkButton] | None) -> list[LinkButton] | None:
        if value is not None and len(value) > 10:
            raise ValueError("at most 10 buttons")
        return value


class BroadcastCreate(_Content):
    text: str = Field(min_length=1, max_length=TEXT_MAX)
    image_url: HttpUrl | None = None
    buttons: list[LinkButton] = Field(default_factory=list)
    audience: Audience
    bot_id: uuid.UUID | None = None  # None: the shop's only live bot, chosen when sending
    paid: bool = False  # allow_paid_broadcast: up to 1,000 messages/s, paid in Stars


class BroadcastUpdate(_Content):
    text: str | None = Field(default=None, min_length=1, max_length=TEXT_MAX)
    image_url: HttpUrl | None = None
    buttons: list[LinkButton] | None = None
    audience: Audience | None = None
    bot_id: uuid.UUID | None = None
    paid: bool | None = None


class AudienceQuery(BaseModel):
    audience: Audience
    bot_id: uuid.UUID | None = None


class AudienceSize(BaseModel):
    bot_id: uuid.UUID
    size: int


class SendRequest(BaseModel):
    scheduled_at: datetime | None = None  # None: now


class TestRequest(BaseModel):
    telegram_user_id: int | None = None


class Progress(BaseModel):
    total: int
    sent: int
    failed: int
    unreachable: int
    remaining: int
    rate: float  # messages a second since sending started
    eta_seconds: float | None


class BroadcastRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    bot_id: uuid.UUID | None
    channel: str
    text: str
    image_url: str | None
    buttons: list[dict[str, str]]
    audience: dict[str, object]
    status: str
    paid: bool
    scheduled_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    error: str
    created_by: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
    progress: Progress | None = None


class TestSent(BaseModel):
    chat_id: int
    outcome: str
    message_id: int | None
    error: str


class _SavedAudienceBody(BaseModel):
    @field_validator("audience", check_fields=False)
    @classmethod
    def _not_saved(cls, value: Definition | SavedAudienceRef | None) -> Definition | None:
        if isinstance(value, SavedAudienceRef):
            raise ValueError("a saved audience cannot refer to another saved audience")
        return value

    @field_validator("name", check_fields=False)
    @classmethod
    def _stripped(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("the name is blank")
        return value.strip() if value is not None else None


class SavedAudienceCreate(_SavedAudienceBody):
    name: str = Field(min_length=1, max_length=100)
    audience: Audience


class SavedAudienceUpdate(_SavedAudienceBody):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    audience: Audience | None = None


class SavedAudienceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    audience: dict[str, object]
    created_by: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
