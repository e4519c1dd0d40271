"""Delivery address: validated and normalised; postal codes checked per country.

Postal codes: PL `NN-NNN` (`00950` is accepted and written `00-950`), RU six digits, DE five
digits, US `NNNNN` or `NNNNN-NNNN`; any other country 2–10 letters, digits, spaces or
hyphens with at least one digit, upper-cased. Countries are ISO 3166-1 alpha-2 codes (the
249 assigned ones, from Babel, plus XK for Kosovo). Phones are optional, E.164 once spaces,
dots, dashes and parentheses are removed (`+48 600 100 200` → `+48600100200`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Annotated

from babel import Locale
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

_RULES: dict[str, tuple[re.Pattern[str], str]] = {
    "PL": (re.compile(r"^\d{2}-\d{3}$"), "NN-NNN, e.g. 00-950"),
    "RU": (re.compile(r"^\d{6}$"), "six digits, e.g. 101000"),
    "DE": (re.compile(r"^\d{5}$"), "five digits, e.g. 10115"),
    "US": (re.compile(r"^\d{5}(-\d{4})?$"), "five digits, or five-four, e.g. 94105 or 94105-1234"),
}
_GENERIC = re.compile(r"^(?=.*\d)[A-Z0-9][A-Z0-9 -]{0,8}[A-Z0-9]$")
_PHONE = re.compile(r"^\+[1-9]\d{6,14}$")
_PHONE_NOISE = re.compile(r"[\s().-]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Two-letter codes Babel knows that ISO 3166-1 reserves or leaves to users (XK stays: Kosovo).
_NOT_COUNTRIES = frozenset("AC CP CQ DG EA EU EZ IC QO TA UN XA XB ZZ".split())


@lru_cache(maxsize=1)
def countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes: Babel's two-letter territories less the reserved ones."""
    codes = (str(c) for c in Locale("en").territories if re.fullmatch("[A-Z]{2}", str(c)))
    return frozenset(codes) - _NOT_COUNTRIES


def normalise_country(value: str) -> str:
    code = value.strip().upper()
    if code not in countries():
        raise PydanticCustomError(
            "country", "{reason}",
            {"reason": f"{value!r} is not an ISO 3166-1 alpha-2 country code (e.g. PL, DE, US)"},
        )  # fmt: skip
    return code


def normalise_postal_code(country: str, value: str) -> str:
    """The postal code written the country's way; ValueError naming the expected format."""
    code = " ".join(value.upper().split())
    if country == "PL" and re.fullmatch(r"\d{5}", code):
        code = f"{code[:2]}-{code[2:]}"
    rule = _RULES.get(country)
    if rule is not None:
        pattern, example = rule
        if not pattern.match(code):
            raise ValueError(f"a {country} postal code is {example} (got {value!r})")
    elif not _GENERIC.match(code):
        raise ValueError(
            f"a postal code is 2–10 letters, digits, spaces or hyphens with a digit (got {value!r})"
        )
    return code


def _text(value: str) -> str:
    if _CONTROL.search(value):
        raise PydanticCustomError("text", "must not contain control characters")
    return " ".join(value.split())


def international_phone(value: str) -> str:
    """+ country code and number, without spaces, dots, dashes or brackets (else an error)."""
    phone = _PHONE_NOISE.sub("", value)
    if phone.startswith("00"):
        phone = "+" + phone[2:]
    if not _PHONE.match(phone):
        raise PydanticCustomError(
            "phone", "a phone number is international: + country code and number, "
            "e.g. +48 600 100 200",
        )  # fmt: skip
    return phone


Phone = Annotated[str, StringConstraints(max_length=32), AfterValidator(international_phone)]


Line200 = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_text),
]
Line100 = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(_text),
]


class ShippingAddress(BaseModel):
    """Where a parcel goes; every error names its field (`postal_code`, `phone`, ...)."""

    model_config = ConfigDict(frozen=True)

    name: Line200
    street: Line200
    city: Line100
    country: Annotated[str, AfterValidator(normalise_country)]
    postal_code: Annotated[str, StringConstraints(max_length=20)]
    phone: Phone | None = None

    @field_validator("postal_code")
    @classmethod
    def _postal_code_of_country(cls, value: str, info: ValidationInfo) -> str:
        country = info.data.get("country")
        if country is None:  # the country itself was refused; that error says enough
            return value
        try:
            return normalise_postal_code(country, value)
        except ValueError as exc:
            raise PydanticCustomError("postal_code", "{reason}", {"reason": str(exc)}) from None
