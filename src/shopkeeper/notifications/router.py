"""HTTP: a shop's delivery log and the wording of its system messages."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, status

from shopkeeper.deps import ClockDep, ContainerDep, SessionDep
from shopkeeper.kit.pagination import Page, PageParams
from shopkeeper.notifications.schemas import (
    MessageRead,
    PreviewRead,
    TemplatePreview,
    TemplateRead,
    TemplateWrite,
)
from shopkeeper.notifications.service.invoices import send_invoice
from shopkeeper.notifications.service.reads import list_messages
from shopkeeper.notifications.service.sending import registered_messengers
from shopkeeper.notifications.service.templating import list_templates, reset_template, set_template
from shopkeeper.notifications.templates import validate
from shopkeeper.shops import ShopAccess
from shopkeeper.shops.deps import require

router = APIRouter(prefix="/api/v1/shops/{shop}/notifications", tags=["notifications"])
Reader = Annotated[ShopAccess, require("notifications.read")]
Writer = Annotated[ShopAccess, require("notifications.write")]
OrderWriter = Annotated[ShopAccess, require("orders.write")]


@router.get("/messages")
async def messages(
    session: SessionDep,
    access: Reader,
    page: Annotated[PageParams, Depends()],
    customer_id: uuid.UUID | None = None,
    channel: Annotated[str | None, Query(pattern="^(telegram|discord|email|sms|none)$")] = None,
    status: Annotated[str | None, Query(pattern="^(sent|blocked|failed|skipped|logged)$")] = None,
) -> Page[MessageRead]:
    """Every outbound message, newest first; filter by customer, channel ("none": nothing
    reached them) and status."""
    return await list_messages(
        session,
        shop_id=access.shop.id,
        customer_id=customer_id,
        channel=channel,
        status=status,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/templates")
async def templates(session: SessionDep, access: Reader) -> list[TemplateRead]:
    return await list_templates(session, shop_id=access.shop.id)


@router.post("/templates/preview")
async def preview(data: TemplatePreview, access: Reader) -> PreviewRead:
    """The text a template gives with sample values, or 422 saying what is wrong."""
    return PreviewRead(text=validate(data.purpose, data.body))


@router.put("/templates/{purpose}/{language}")
async def save(
    purpose: str,
    language: str,
    data: TemplateWrite,
    session: SessionDep,
    clock: ClockDep,
    access: Writer,
) -> TemplateRead:
    return await set_template(
        session,
        shop_id=access.shop.id,
        purpose=purpose,
        language=language,
        body=data.body,
        actor=access.actor,
        now=clock.now(),
    )


@router.delete("/templates/{purpose}/{language}")
async def reset(
    purpose: str, language: str, session: SessionDep, clock: ClockDep, access: Writer
) -> TemplateRead:
    return await reset_template(
        session,
        shop_id=access.shop.id,
        purpose=purpose,
        language=language,
        actor=access.actor,
        now=clock.now(),
    )


@router.post("/invoices/{order_id}", status_code=status.HTTP_201_CREATED)
async def send_order_invoice(
    order_id: uuid.UUID,
    session: SessionDep,
    container: ContainerDep,
    access: OrderWriter,
    idempotency_key: Annotated[uuid.UUID, Header(alias="Idempotency-Key")],
) -> MessageRead:
    """Send the paid order's invoice link to its customer again (once per Idempotency-Key,
    a UUID): 404 until the invoice is issued, 409 for an order without a customer."""
    return await send_invoice(
        session, registered_messengers(container), container.settings, shop_id=access.shop.id,
        order_id=order_id, request_key=idempotency_key, actor=access.actor,
        now=container.clock.now(),
    )  # fmt: skip
