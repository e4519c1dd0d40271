"""Customer tags: a shop's labels on its customers, set by staff, read by audiences."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit
from shopkeeper.audit import Actor
from shopkeeper.identity.customer_repository import CustomerRepository, TagRepository
from shopkeeper.identity.errors import CustomerNotFound, InvalidTag, TagNotFound
from shopkeeper.identity.models import CustomerTag
from shopkeeper.identity.schemas import CustomerTagsRead, TagUsage
from shopkeeper.identity.service.customers import MAX_MERGE_HOPS, get_customer
from shopkeeper.kit.ids import new_id

TAG_MAX = 40
_TAG = re.compile(r"^[\w-]{1,40}$")  # \w: letters and digits of any script, and "_"


def normalise_tag(tag: str) -> str:
    """`" VIP "` → `"vip"`; InvalidTag (422) unless 1..40 letters, digits, `-` or `_`."""
    value = str(tag).strip().lower()
    if not _TAG.fullmatch(value):
        raise InvalidTag(str(tag))
    return value


async def customer_tags(
    session: AsyncSession, *, shop_id: uuid.UUID, customer_id: uuid.UUID
) -> CustomerTagsRead:
    """The customer's tags (a merged-away id reads the survivor's; 404: no such customer)."""
    customer = await get_customer(session, shop_id=shop_id, customer_id=customer_id)
    return CustomerTagsRead(customer_id=customer.id, tags=customer.tags)


async def add_tag(
    session: AsyncSession, *, shop_id: uuid.UUID, customer_id: uuid.UUID, tag: str,
    actor: Actor, now: datetime,
) -> CustomerTagsRead:  # fmt: skip
    """Tag the customer (audited); tagging them again with it changes nothing."""
    tag = normalise_tag(tag)
    customer_id = await locked_customer(session, shop_id, customer_id)
    tags = TagRepository(session)
    before = await tags.of(customer_id)
    row = CustomerTag(id=new_id(), shop_id=shop_id, customer_id=customer_id, tag=tag,
                      created_at=now)  # fmt: skip
    added = await tags.add(row)
    after = await tags.of(customer_id)
    if added:
        await _audit(session, actor, shop_id, customer_id, "customer.tag_added", before, after,
                     now)  # fmt: skip
    return CustomerTagsRead(customer_id=customer_id, tags=after)


async def remove_tag(
    session: AsyncSession, *, shop_id: uuid.UUID, customer_id: uuid.UUID, tag: str,
    actor: Actor, now: datetime,
) -> CustomerTagsRead:  # fmt: skip
    """Take the tag off the customer; TagNotFound (404) when they do not have it."""
    tag = normalise_tag(tag)
    customer_id = await locked_customer(session, shop_id, customer_id)
    tags = TagRepository(session)
    before = await tags.of(customer_id)
    if not await tags.remove(shop_id, customer_id, tag):
        raise TagNotFound(tag)
    after = await tags.of(customer_id)
    await _audit(session, actor, shop_id, customer_id, "customer.tag_removed", before, after,
                 now)  # fmt: skip
    return CustomerTagsRead(customer_id=customer_id, tags=after)


async def tags_in_use(session: AsyncSession, *, shop_id: uuid.UUID) -> list[TagUsage]:
    """Every tag some customer of the shop carries, with how many do, by name."""
    rows = await TagRepository(session).usage(shop_id)
    return [TagUsage(tag=tag, customers=n) for tag, n in rows]


async def customers_tagged(
    session: AsyncSession, *, shop_id: uuid.UUID, tags: Iterable[str],
    match: Literal["any", "all"] = "any",
) -> set[uuid.UUID]:  # fmt: skip
    """Ids of the shop's customers with any (or all) of `tags` (for broadcast audiences)."""
    wanted = sorted({normalise_tag(t) for t in tags})
    if not wanted:
        return set()
    return await TagRepository(session).customers_with(shop_id, wanted, every=match == "all")


async def locked_customer(
    session: AsyncSession, shop_id: uuid.UUID, customer_id: uuid.UUID
) -> uuid.UUID:
    """The surviving customer's id, its row locked so no merge moves tags under this change."""
    for _ in range(MAX_MERGE_HOPS):
        customer = await get_customer(session, shop_id=shop_id, customer_id=customer_id)
        locked = await CustomerRepository(session).lock(shop_id, [customer.id])
        if locked and locked[0].merged_into_id is None:
            return customer.id
        customer_id = customer.id  # merged while we waited for the lock: follow it
    raise CustomerNotFound()


async def _audit(
    session: AsyncSession, actor: Actor, shop_id: uuid.UUID, customer_id: uuid.UUID,
    action: str, before: list[str], after: list[str], now: datetime,
) -> None:  # fmt: skip
    await audit.record(
        session, actor=actor, shop_id=shop_id, action=action, target_type="customer",
        target_id=customer_id, before={"tags": before}, after={"tags": after}, now=now,
    )  # fmt: skip
