"""The shopper's consents: which the shop asks for, in the shopper's language, and answering
them. An answer names the text shown (its version); a text that has changed since is refused
(409), so nobody agrees to words they did not see."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import bus
from shopkeeper.checkout.cart import CartOwner, find_cart
from shopkeeper.checkout.customer.errors import (
    ConsentUnknown,
    ConsentVersionInvalid,
    ConsentVersionOutdated,
    CustomerCartNotFound,
)
from shopkeeper.checkout.customer.events import ConsentsGiven, GivenConsent
from shopkeeper.checkout.customer.language import text_in
from shopkeeper.checkout.customer.models import Consent, ConsentAcceptance, ConsentVersion
from shopkeeper.checkout.customer.repository import CustomerRepository
from shopkeeper.checkout.customer.schemas import (
    ConsentAnswer,
    ShopperConsent,
    ShopperConsents,
)


async def shopper_consents(
    session: AsyncSession, *, shop_id: uuid.UUID, owner: CartOwner, language: str,
    default_language: str,
) -> ShopperConsents:  # fmt: skip
    """The shop's active consents, current texts in `language`; answers of the owner's
    cart (none yet when the shopper has no cart)."""
    cart = await find_cart(session, shop_id=shop_id, owner=owner)
    repo = CustomerRepository(session)
    consents = await repo.consents(shop_id, active=True)
    current = await repo.current_versions(shop_id, (c.id for c in consents))
    answers = await repo.acceptances(shop_id, cart.id) if cart is not None else {}
    answered = await repo.versions_by_id(shop_id, (a.version_id for a in answers.values()))
    found = []
    for consent in consents:
        version = current[consent.id]
        answer = answers.get(consent.id)
        shown, text = text_in(version.texts, language, fallback=default_language)
        found.append(
            ShopperConsent(
                code=consent.code, required=consent.required, version_id=version.id,
                version=version.number, language=shown, text=text,
                accepted=bool(answer and answer.accepted and answer.version_id == version.id),
                answered_version=answered[answer.version_id].number if answer else None,
            )
        )  # fmt: skip
    return ShopperConsents(language=language, consents=found)


def _check(answer: ConsentAnswer, consent: Consent | None, current: ConsentVersion | None,
           named: ConsentVersion | None) -> ConsentVersion:  # fmt: skip
    """The current version the answer is to; else why the answer cannot be taken."""
    if consent is None or current is None:
        raise ConsentUnknown(answer.code)
    if answer.version_id is not None and (named is None or named.consent_id != consent.id):
        raise ConsentVersionInvalid(answer.code)
    number = named.number if named is not None else answer.version
    if answer.version is not None and answer.version != number:
        raise ConsentVersionInvalid(answer.code)  # version_id and version disagree
    assert number is not None
    if number > current.number:
        raise ConsentVersionInvalid(answer.code)
    if number < current.number:
        raise ConsentVersionOutdated(answer.code, version_id=current.id, version=current.number)
    return current


async def give_consents(
    session: AsyncSession, *, shop_id: uuid.UUID, owner: CartOwner, answers: list[ConsentAnswer],
    language: str, default_language: str, now: datetime,
) -> None:  # fmt: skip
    """Record the answers (all or none) for the owner's cart, with the language of the text
    the shopper read (`language`, or the fallback the shop has); publishes consents_given."""
    cart = await find_cart(session, shop_id=shop_id, owner=owner, lock=True)
    if cart is None:
        raise CustomerCartNotFound()
    repo = CustomerRepository(session)
    consents = {c.code: c for c in await repo.consents(shop_id, active=True)}
    current = await repo.current_versions(shop_id, (c.id for c in consents.values()))
    named = await repo.versions_by_id(shop_id, (a.version_id for a in answers if a.version_id))
    chosen: list[tuple[ConsentAnswer, Consent, ConsentVersion]] = []
    for answer in answers:
        consent = consents.get(answer.code)
        version = _check(
            answer, consent, current.get(consent.id) if consent else None,
            named.get(answer.version_id) if answer.version_id else None,
        )  # fmt: skip
        assert consent is not None
        chosen.append((answer, consent, version))
    stored = await repo.acceptances(shop_id, cart.id)
    for answer, consent, version in chosen:
        row = stored.get(consent.id)
        if row is None:
            row = ConsentAcceptance(cart_id=cart.id, consent_id=consent.id, shop_id=shop_id)
            repo.add(row)
        row.version_id, row.accepted, row.at = version.id, answer.accepted, now
        row.language = text_in(version.texts, language, fallback=default_language)[0]
        row.customer_id = cart.customer_id
    await session.flush()
    given = [
        GivenConsent(consent_id=c.id, code=c.code, version_id=v.id, version=v.number,
                     accepted=a.accepted)
        for a, c, v in chosen
    ]  # fmt: skip
    bus.publish(
        session,
        ConsentsGiven(cart_id=cart.id, shop_id=shop_id, customer_id=cart.customer_id,
                      consents=given),
        now=now,
    )  # fmt: skip
