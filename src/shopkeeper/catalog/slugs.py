"""Slugs and SKUs made from names: ASCII, lowercase, hyphens; Cyrillic and Polish transliterated."""

from __future__ import annotations

import re
import unicodedata
import uuid

_LATIN = "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya i yi ye g u"
_CYRILLIC = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґў", _LATIN.split(), strict=True))
_SPECIAL = {"ł": "l", "ß": "ss", "æ": "ae", "ø": "o", "đ": "d", "œ": "oe"}
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, *, max_length: int = 80) -> str:
    """'Kawa ziarnista 1 kg' → 'kawa-ziarnista-1-kg'; 'Кофе' → 'kofe'; '' when nothing is left."""
    lowered = text.lower()
    spelled = "".join(_CYRILLIC.get(c, _SPECIAL.get(c, c)).replace("_", "") for c in lowered)
    ascii_text = unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", ascii_text).strip("-")
    return slug[:max_length].rstrip("-")


def fallback_slug(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def numbered(base: str, n: int, *, max_length: int) -> str:
    """`base` for n = 1, then `base-2`, `base-3`, ... kept within `max_length`."""
    if n == 1:
        return base[:max_length]
    suffix = f"-{n}"
    return base[: max_length - len(suffix)].rstrip("-") + suffix
