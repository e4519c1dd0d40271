"""A shop's services rules (read; save, validated and audited) and what a cart may have.

Rules are read per request: one primary-key read of the shop's row (absent: the shipped
default), parsed through `parse_stored`, a memo keyed by the text itself, so the YAML is
parsed once per process and text, and a save made by any replica is seen by every replica
on its next request (no invalidation, nothing stale: the memo maps a text to its parse, the
row stays the only truth). The catalog (service variants, prices, publish state, category
tree) is read per request too, so a price or a category change counts at once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import structlog
from pydantic import TypeAdapter
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit
from shopkeeper.audit import Actor
from shopkeeper.cache import KeyValueStore, cached_json, content_hash
from shopkeeper.checkout.services.availability import (
    CartServices,
    ServiceChoice,
    ServiceOffer,
    ServicesCart,
    offer_services,
    standalone_services,
    validate_service_choice,
)
from shopkeeper.checkout.services.errors import ServicesRulesChanged, ServicesRulesInvalid
from shopkeeper.checkout.services.models import StoredServicesRules
from shopkeeper.checkout.services.repository import ServicesRulesRepository
from shopkeeper.checkout.services.resolve import (
    ResolvedRule,
    describe,
    load_catalog,
    resolve,
)
from shopkeeper.checkout.services.rules import (
    ParsedRules,
    ServicesRules,
    ServicesRulesInvalidText,
    default_text,
    parse_rules,
    parse_stored,
)
from shopkeeper.checkout.services.schemas import ServicesRulesRead, ServicesRulesUpdate

log = structlog.get_logger(__name__)
TARGET = "services_rules"


@dataclass(frozen=True)
class _Stored:
    row: StoredServicesRules | None

    @property
    def text(self) -> str:
        return default_text() if self.row is None else self.row.yaml

    @property
    def version(self) -> int:
        return 0 if self.row is None else self.row.version


async def _stored(session: AsyncSession, shop_id: uuid.UUID) -> _Stored:
    return _Stored(await ServicesRulesRepository(session).get(shop_id))


def _parsed(shop_id: uuid.UUID, stored: _Stored) -> ParsedRules:
    try:
        return parse_stored(stored.text)
    except ServicesRulesInvalidText as exc:  # saved under older rules of the schema
        log.error("services_rules.unreadable", shop_id=str(shop_id), problems=exc.problems)
        return ParsedRules(rules=ServicesRules())


async def resolved_rules(session: AsyncSession, *, shop_id: uuid.UUID) -> list[ResolvedRule]:
    """The shop's rules that can be offered now (published service, SKU found)."""
    return await _resolved(session, shop_id, await _stored(session, shop_id))


async def _resolved(
    session: AsyncSession, shop_id: uuid.UUID, stored: _Stored
) -> list[ResolvedRule]:
    parsed = _parsed(shop_id, stored)
    if not parsed.rules.services:
        return []
    resolved, _ = resolve(parsed, await load_catalog(session, shop_id=shop_id))
    return resolved


async def available_services(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    cart: ServicesCart,
    currency: str,
    language: str = "en",
    cache: KeyValueStore | None = None,
) -> CartServices:
    """Per product line the item services it may have, and the standalone ones, priced.

    With `cache`, kept OFFERS_TTL seconds under `services:available:{shop}:{rules
    version}:{cart_hash}`: a save of the rules names new entries at once; a catalog change
    (a service's price) shows within OFFERS_TTL, and a chosen service is priced by the cart
    from the catalog itself."""
    stored = await _stored(session, shop_id)

    async def offered() -> CartServices:
        rules = await _resolved(session, shop_id, stored)
        return offer_services(rules, cart, currency=currency.upper(), language=language)

    if cache is None:
        return await offered()
    digest = content_hash(cart.model_dump(mode="json"), currency.upper(), language)
    key = f"services:available:{shop_id}:{stored.version}:{digest}"
    return await cached_json(cache, key, ttl=OFFERS_TTL, adapter=_OFFERS, compute=offered)


_OFFERS = TypeAdapter(CartServices)
OFFERS_TTL = 60


async def available_standalone(
    session: AsyncSession, *, shop_id: uuid.UUID, currency: str, language: str = "en"
) -> list[ServiceOffer]:
    rules = await resolved_rules(session, shop_id=shop_id)
    return standalone_services(rules, currency=currency.upper(), language=language)


async def check_service_choice(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    cart: ServicesCart,
    currency: str,
    variant_id: uuid.UUID,
    parent_item_id: uuid.UUID | None,
    quantity: int,
    language: str = "en",
) -> ServiceChoice:
    """`validate_service_choice` against the shop's current rules and catalog."""
    rules = await resolved_rules(session, shop_id=shop_id)
    return validate_service_choice(
        rules, cart=cart, currency=currency.upper(), variant_id=variant_id,
        parent_item_id=parent_item_id, quantity=quantity, language=language,
    )  # fmt: skip


async def get_rules(session: AsyncSession, *, shop_id: uuid.UUID) -> ServicesRulesRead:
    """The rules staff edit, with what the catalog keeps out of the offer now."""
    stored = await _stored(session, shop_id)
    try:
        parsed = parse_stored(stored.text)
    except ServicesRulesInvalidText as exc:
        return _read(stored, ParsedRules(rules=ServicesRules()), exc.problems)
    _, problems = resolve(parsed, await load_catalog(session, shop_id=shop_id))
    return _read(stored, parsed, describe(parsed, problems))


async def save_rules(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    data: ServicesRulesUpdate,
    actor: Actor,
    now: datetime,
) -> ServicesRulesRead:
    """Check the text (alone, then against this shop's catalog) and store it as a new version.

    ServicesRulesInvalid (422) lists every problem by line and rule; ServicesRulesChanged
    (409) when `data.version` is not the current one (or another save won the race).
    """
    try:
        parsed = parse_rules(data.yaml)
    except ServicesRulesInvalidText as exc:
        raise ServicesRulesInvalid(exc.problems) from None
    _, problems = resolve(parsed, await load_catalog(session, shop_id=shop_id))
    if blocking := [p for p in problems if p.blocking]:
        raise ServicesRulesInvalid(describe(parsed, blocking))
    stored = await _stored(session, shop_id)
    current = stored.version  # read before the row object is refreshed below
    before = {"version": current, "source": "shop" if stored.row else "default",
              "yaml": stored.text}  # fmt: skip
    expected = current if data.version is None else data.version
    if expected != current:
        raise ServicesRulesChanged(expected)
    repo = ServicesRulesRepository(session)
    if stored.row is None:
        repo.add(StoredServicesRules(shop_id=shop_id, yaml=data.yaml, version=1,
                                  updated_by=actor.label[:320], updated_at=now))  # fmt: skip
        try:
            await session.flush()
        except IntegrityError:
            raise ServicesRulesChanged(expected) from None
    elif not await repo.replace(
        shop_id, expected_version=expected, yaml=data.yaml, updated_by=actor.label[:320], now=now
    ):
        raise ServicesRulesChanged(expected)
    after = _Stored(await repo.get(shop_id))
    await audit.record(
        session, actor=actor, shop_id=shop_id, action="services_rules.updated",
        target_type=TARGET, target_id=shop_id,
        before=before, after={"version": after.version, "yaml": data.yaml}, now=now,
    )  # fmt: skip
    return _read(after, parsed, describe(parsed, problems))


def _read(stored: _Stored, parsed: ParsedRules, problems: list[str]) -> ServicesRulesRead:
    row = stored.row
    return ServicesRulesRead(
        source="default" if row is None else "shop",
        version=stored.version,
        yaml=stored.text,
        updated_by=None if row is None else row.updated_by,
        updated_at=None if row is None else row.updated_at,
        services=list(parsed.rules.services),
        problems=problems,
    )
