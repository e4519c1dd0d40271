"""Bodies and answers of customer data and consents; invoice and tax id rules live here."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from shopkeeper.checkout.customer.tax_ids import normalise_tax_id
from shopkeeper.checkout.shipping import Phone, normalise_country, normalise_postal_code

LANGUAGES = ("en", "pl", "ru")
MAX_TEXT = 5000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # newlines and tabs are fine in a text


def _line(value: str) -> str:
    if _CONTROL.search(value) or "\n" in value or "\t" in value:
        raise PydanticCustomError("text", "must not contain control characters")
    return " ".join(value.split())


def _email(value: str) -> str:
    try:
        found = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise PydanticCustomError("email", "{reason}", {"reason": str(exc)}) from None
    return found.normalized.lower()


def _text(value: str | None) -> str | None:
    """A consent text: line ends as \\n, no other control characters; empty means none."""
    if value is None:
        return None
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if _CONTROL.search(text):
        raise PydanticCustomError("text", "must not contain control characters")
    return text or None


def _code(value: str) -> str:
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,63}", value):
        raise PydanticCustomError(
            "consent_code", "a code is 1–64 lowercase letters, digits, _ or -, e.g. terms"
        )
    return value


Line200 = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_line),
]  # fmt: skip
Line100 = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(_line),
]  # fmt: skip
Email = Annotated[str, StringConstraints(max_length=320), AfterValidator(_email)]
ConsentCode = Annotated[
    str, StringConstraints(strip_whitespace=True, to_lower=True, max_length=64),
    AfterValidator(_code),
]  # fmt: skip
ConsentText = Annotated[str | None, StringConstraints(max_length=MAX_TEXT), AfterValidator(_text)]


class InvoiceData(BaseModel):
    """Whom the invoice names; `tax_id` is checked for the country (PL NIP, EU VAT)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    company: Line200
    country: Annotated[str, AfterValidator(normalise_country)]
    tax_id: Annotated[str, StringConstraints(max_length=40)]
    street: Line200
    postal_code: Annotated[str, StringConstraints(max_length=20)]
    city: Line100

    @field_validator("tax_id")
    @classmethod
    def _tax_id_of_country(cls, value: str, info: ValidationInfo) -> str:
        country = info.data.get("country")
        if country is None:  # the country was refused; that error says enough
            return value
        try:
            return normalise_tax_id(value, country=country)
        except ValueError as exc:
            raise PydanticCustomError("tax_id", "{reason}", {"reason": str(exc)}) from None

    @field_validator("postal_code")
    @classmethod
    def _postal_code_of_country(cls, value: str, info: ValidationInfo) -> str:
        country = info.data.get("country")
        if country is None:
            return value
        try:
            return normalise_postal_code(country, value)
        except ValueError as exc:
            raise PydanticCustomError("postal_code", "{reason}", {"reason": str(exc)}) from None


class CustomerDataWrite(BaseModel):
    """Who buys; `invoice` only when the shopper wants a company invoice."""

    model_config = ConfigDict(extra="forbid")

    email: Email
    phone: Phone
    name: Line200
    invoice: InvoiceData | None = None


class CustomerDataRead(BaseModel):
    cart_id: uuid.UUID
    email: str
    phone: str
    name: str
    invoice: InvoiceData | None
    version: int
    updated_at: datetime


class ConsentTexts(BaseModel):
    """A consent's text per language (en, pl, ru); at least one."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    en: ConsentText = None
    pl: ConsentText = None
    ru: ConsentText = None

    @model_validator(mode="after")
    def _one_at_least(self) -> ConsentTexts:
        if not self.as_dict():
            raise PydanticCustomError("texts", "give the text in at least one language")
        return self

    def as_dict(self) -> dict[str, str]:
        return {code: text for code in LANGUAGES if (text := getattr(self, code))}


class ConsentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: ConsentCode
    required: bool = False
    position: int = Field(default=0, ge=0, le=10_000)
    texts: ConsentTexts


class ConsentUpdate(BaseModel):
    """Absent fields stay. New `texts` (different from the current ones) make a new version."""

    model_config = ConfigDict(extra="forbid")

    required: bool | None = None
    position: int | None = Field(default=None, ge=0, le=10_000)
    active: bool | None = None
    texts: ConsentTexts | None = None


class ConsentVersionRead(BaseModel):
    id: uuid.UUID
    number: int
    texts: dict[str, str]
    created_at: datetime


class ConsentRead(BaseModel):
    id: uuid.UUID
    code: str
    required: bool
    active: bool
    position: int
    current: ConsentVersionRead
    created_at: datetime
    updated_at: datetime


class ConsentDetail(ConsentRead):
    versions: list[ConsentVersionRead] = Field(description="Every text it had, newest first")


class ShopperConsent(BaseModel):
    """An active consent as the shopper sees it, and whether they accepted this very text."""

    code: str
    required: bool
    version_id: uuid.UUID
    version: int
    language: str = Field(description="The language of `text`")
    text: str
    accepted: bool = Field(description="Accepted at this (current) version")
    answered_version: int | None = Field(
        description="The version of the shopper's last answer (None: never answered)"
    )


class ShopperConsents(BaseModel):
    language: str
    consents: list[ShopperConsent]


class ConsentAnswer(BaseModel):
    """The shopper's answer to the text they saw: name it by `version_id` or `version`."""

    model_config = ConfigDict(extra="forbid")

    code: ConsentCode
    version_id: uuid.UUID | None = None
    version: int | None = Field(default=None, ge=1)
    accepted: bool

    @model_validator(mode="after")
    def _names_a_version(self) -> ConsentAnswer:
        if self.version_id is None and self.version is None:
            raise PydanticCustomError("version", "say which text was shown: version_id or version")
        return self


class ConsentsGive(BaseModel):
    model_config = ConfigDict(extra="forbid")

    consents: list[ConsentAnswer] = Field(min_length=1, max_length=50)

    @field_validator("consents")
    @classmethod
    def _once_each(cls, value: list[ConsentAnswer]) -> list[ConsentAnswer]:
        codes = [answer.code for answer in value]
        if len(set(codes)) != len(codes):
            raise PydanticCustomError("consents", "answer each consent once")
        return value


class SnapshotConsent(BaseModel):
    """A consent answer as the order keeps it: the exact text, in the language it was read."""

    code: str
    consent_id: uuid.UUID
    version_id: uuid.UUID
    version: int
    required: bool
    accepted: bool
    current: bool = Field(description="The answer is to the consent's current text")
    at: datetime
    language: str
    text: str


class CustomerSnapshot(BaseModel):
    email: str
    phone: str
    name: str
    invoice: InvoiceData | None
    consents: list[SnapshotConsent]
