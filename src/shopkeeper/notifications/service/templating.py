"""A shop's own wording of system messages: list, preview, save (validated), reset."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit
from shopkeeper.notifications.errors import UnknownPurpose
from shopkeeper.notifications.models import NotificationTemplate
from shopkeeper.notifications.repository import TemplateRepository
from shopkeeper.notifications.schemas import TemplateRead
from shopkeeper.notifications.templates import DEFAULTS, LANGUAGES, PURPOSES, validate


async def list_templates(session: AsyncSession, *, shop_id: uuid.UUID) -> list[TemplateRead]:
    """Every purpose in every language, with the default and the shop's override if any."""
    overrides = {
        (t.purpose, t.language): t.body
        for t in await TemplateRepository(session).all_for_shop(shop_id)
    }
    return [
        TemplateRead(
            purpose=purpose,
            language=language,
            variables=sorted(PURPOSES[purpose]),
            default=DEFAULTS[purpose][language],
            override=overrides.get((purpose, language)),
        )
        for purpose in PURPOSES
        for language in LANGUAGES
    ]


async def set_template(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    purpose: str,
    language: str,
    body: str,
    actor: audit.Actor,
    now: datetime,
) -> TemplateRead:
    """Save an override after it renders with sample values (errors show now, not at send)."""
    _check_language(language)
    validate(purpose, body)
    repo = TemplateRepository(session)
    row = await repo.get(shop_id, purpose, language)
    before = {"body": row.body} if row else None
    if row is None:
        row = repo.add(NotificationTemplate(shop_id=shop_id, purpose=purpose, language=language))
    row.body, row.updated_at = body, now
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        shop_id=shop_id,
        action="notifications.template_saved",
        target_type="notification_template",
        target_id=f"{purpose}:{language}",
        before=before,
        after={"body": body},
        now=now,
    )
    return _read(purpose, language, body)


async def reset_template(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    purpose: str,
    language: str,
    actor: audit.Actor,
    now: datetime,
) -> TemplateRead:
    """Go back to the default wording."""
    _check_language(language)
    if purpose not in PURPOSES:
        raise UnknownPurpose(purpose)
    if await TemplateRepository(session).remove(shop_id, purpose, language):
        await audit.record(
            session,
            actor=actor,
            shop_id=shop_id,
            action="notifications.template_reset",
            target_type="notification_template",
            target_id=f"{purpose}:{language}",
            now=now,
        )
    return _read(purpose, language, None)


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise UnknownPurpose(f"language {language!r} (one of {', '.join(LANGUAGES)})")


def _read(purpose: str, language: str, override: str | None) -> TemplateRead:
    return TemplateRead(
        purpose=purpose,
        language=language,
        variables=sorted(PURPOSES[purpose]),
        default=DEFAULTS[purpose][language],
        override=override,
    )
