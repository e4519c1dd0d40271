"""Tax ids on invoices: the Polish NIP with its checksum, EU VAT numbers by their formats.

A NIP is 10 digits whose weighted sum (weights 6, 5, 7, 2, 3, 4, 5, 6, 7 on the first nine)
modulo 11 is the tenth digit (a sum giving 10 makes no valid NIP). An EU VAT number is the
country prefix (Greece EL, Northern Ireland XI) and the country's own format; a PL one is a
NIP as well. Written without spaces, dots or hyphens, upper-cased: `PL 526-000-12-46` →
`PL5260001246`. Pure functions: ValueError says what is wrong.
"""

from __future__ import annotations

import re

NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)
_NOISE = re.compile(r"[\s.\-/]")
# Formats after the prefix (the European Commission's VIES list).
VAT_FORMATS: dict[str, str] = {
    "AT": r"U\d{8}",
    "BE": r"[01]\d{9}",
    "BG": r"\d{9,10}",
    "CY": r"\d{8}[A-Z]",
    "CZ": r"\d{8,10}",
    "DE": r"\d{9}",
    "DK": r"\d{8}",
    "EE": r"\d{9}",
    "EL": r"\d{9}",
    "ES": r"[A-Z0-9]\d{7}[A-Z0-9]",
    "FI": r"\d{8}",
    "FR": r"[A-HJ-NP-Z0-9]{2}\d{9}",
    "HR": r"\d{11}",
    "HU": r"\d{8}",
    "IE": r"\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W]",
    "IT": r"\d{11}",
    "LT": r"\d{9}|\d{12}",
    "LU": r"\d{8}",
    "LV": r"\d{11}",
    "MT": r"\d{8}",
    "NL": r"\d{9}B\d{2}",
    "PL": r"\d{10}",
    "PT": r"\d{9}",
    "RO": r"\d{2,10}",
    "SE": r"\d{12}",
    "SI": r"\d{8}",
    "SK": r"\d{10}",
    "XI": r"\d{9}|\d{12}|GD\d{3}|HA\d{3}",
}
# The VAT prefix of a country whose ISO code differs from it.
_PREFIX_OF = {"GR": "EL"}
EU_COUNTRIES = frozenset(VAT_FORMATS) - {"EL", "XI"} | {"GR"}


def vat_prefix(country: str) -> str | None:
    """The VAT prefix of an ISO country (`GR` → `EL`), None outside the EU."""
    if country not in EU_COUNTRIES:
        return None
    return _PREFIX_OF.get(country, country)


def nip_valid(digits: str) -> bool:
    if not re.fullmatch(r"\d{10}", digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits, NIP_WEIGHTS, strict=False))
    return total % 11 == int(digits[9])


def normalise_tax_id(value: str, *, country: str) -> str:
    """The tax id of a buyer in `country` (ISO alpha-2), checked; ValueError if it is not one.

    PL: a NIP, with or without the PL prefix. Another EU country: its VAT number with the
    prefix. Elsewhere: 2–32 letters and digits (no format is known to check).
    """
    text = _NOISE.sub("", value).upper()
    if not text:
        raise ValueError("enter the tax id")
    prefix = text[:2] if re.match(r"[A-Z]{2}", text) else None
    if prefix is None and country == "PL":
        if not nip_valid(text):
            raise ValueError(_nip_problem(text))
        return text
    if prefix in VAT_FORMATS:
        return _vat(prefix, text[2:])
    expected = vat_prefix(country)
    if expected is not None:
        raise ValueError(
            f"an EU VAT number starts with its country prefix, e.g. {expected}"
            f"{'1234567890' if expected == 'PL' else '…'}"
        )
    if not re.fullmatch(r"[A-Z0-9]{2,32}", text):
        raise ValueError("a tax id is 2–32 letters and digits")
    return text


def _vat(prefix: str, rest: str) -> str:
    if not re.fullmatch(VAT_FORMATS[prefix], rest):
        raise ValueError(f"{prefix}{rest} is not in the format of a {prefix} VAT number")
    if prefix == "PL" and not nip_valid(rest):
        raise ValueError(_nip_problem(rest))
    return prefix + rest


def _nip_problem(text: str) -> str:
    if not re.fullmatch(r"\d{10}", text):
        return "a NIP is 10 digits, e.g. 526-000-12-46"
    return f"{text} is not a valid NIP: its check digit does not match"
