"""A shop's wording of the bot texts: list defaults with overrides, set or clear one."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit
from shopkeeper.audit import Actor
from shopkeeper.bots.telegram.errors import TextTemplateInvalid, UnknownTextKey
from shopkeeper.bots.telegram.models import TelegramText
from shopkeeper.bots.telegram.repository import TextRepository
from shopkeeper.bots.telegram.schemas import TextPut, TextRead
from shopkeeper.bots.telegram.texts import DEFAULTS, FALLBACK, placeholders


async def list_texts(session: AsyncSession, *, shop_id: uuid.UUID) -> list[TextRead]:
    """Every key, sorted, with its default per language and the shop's overrides."""
    overrides = await TextRepository(session).overrides(shop_id)
    return [
        TextRead(
            key=key,
            defaults=dict(wording),
            overrides={lang: text for (k, lang), text in sorted(overrides.items()) if k == key},
            placeholders=sorted(placeholders(wording[FALLBACK])),
        )
        for key, wording in sorted(DEFAULTS.items())
    ]


def _check(key: str, text: str) -> None:
    if key not in DEFAULTS:
        raise UnknownTextKey(key)
    allowed = placeholders(DEFAULTS[key][FALLBACK])
    known = ", ".join(f"{{{name}}}" for name in sorted(allowed)) or "none"
    try:
        used = placeholders(text)
    except ValueError as exc:
        raise TextTemplateInvalid(f"{exc} (write {{{{ and }}}} for literal braces)") from None
    unknown = sorted(f"{{{name}}}" for name in used - allowed)
    if unknown:
        raise TextTemplateInvalid(
            f"{key} has no placeholder {', '.join(unknown)}; it may use: {known}"
        )


async def put_text(
    session: AsyncSession, *, shop_id: uuid.UUID, data: TextPut, actor: Actor, now: datetime
) -> TextRead:
    """Override one key in one language; an empty or null text goes back to the default."""
    text = (data.text or "").strip()
    if data.key not in DEFAULTS:
        raise UnknownTextKey(data.key)
    if text:
        _check(data.key, text)
    repo = TextRepository(session)
    row = await repo.get(shop_id, data.key, data.language)
    before = {"text": row.text} if row is not None else None
    if not text:
        if row is not None:
            await repo.remove(row)
    elif row is None:
        repo.add(TelegramText(shop_id=shop_id, key=data.key, language=data.language,
                              text=text, updated_at=now))  # fmt: skip
    else:
        row.text, row.updated_at = text, now
    await session.flush()
    await audit.record(
        session, actor=actor, shop_id=shop_id, action="telegram_text.updated",
        target_type="telegram_text", target_id=f"{data.key}:{data.language}", before=before,
        after={"text": text or None}, now=now,
    )  # fmt: skip
    return next(t for t in await list_texts(session, shop_id=shop_id) if t.key == data.key)
