"""HTTP: a shop's broadcasts — drafts, audience size, saved audiences, send or schedule, test,
pause, resume, cancel, live progress. Reading needs notifications.read, drafts and saved
audiences notifications.write, sending and stopping broadcasts.send."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from shopkeeper.deps import ClockDep, ContainerDep, SessionDep
from shopkeeper.kit.pagination import Page, PageParams
from shopkeeper.notifications.broadcasts import actions, saved, service
from shopkeeper.notifications.broadcasts.ports import channel_for
from shopkeeper.notifications.broadcasts.schemas import (
    AudienceQuery,
    AudienceSize,
    BroadcastCreate,
    BroadcastRead,
    BroadcastUpdate,
    SavedAudienceCreate,
    SavedAudienceRead,
    SavedAudienceUpdate,
    SendRequest,
    TestRequest,
    TestSent,
)
from shopkeeper.shops import ShopAccess
from shopkeeper.shops.deps import require

router = APIRouter(prefix="/api/v1/shops/{shop}/broadcasts", tags=["broadcasts"])
Reader = Annotated[ShopAccess, require("notifications.read")]
Writer = Annotated[ShopAccess, require("notifications.write")]
Sender = Annotated[ShopAccess, require("broadcasts.send")]
STATUS = "^(draft|scheduled|sending|paused|completed|cancelled|failed)$"


@router.post("", status_code=201)
async def create(
    data: BroadcastCreate, session: SessionDep, clock: ClockDep, access: Writer
) -> BroadcastRead:
    """A draft: nothing is sent until `POST {id}/send`."""
    return await service.create_broadcast(
        session, shop_id=access.shop.id, data=data, actor=access.actor, now=clock.now()
    )


@router.get("")
async def index(
    session: SessionDep,
    clock: ClockDep,
    access: Reader,
    page: Annotated[PageParams, Depends()],
    status: Annotated[str | None, Query(pattern=STATUS)] = None,
) -> Page[BroadcastRead]:
    return await service.list_broadcasts(
        session, shop_id=access.shop.id, status=status, limit=page.limit, offset=page.offset,
        now=clock.now(),
    )  # fmt: skip


@router.api_route("/audience-size", methods=["GET", "POST"])
async def audience_size(
    query: AudienceQuery,
    session: SessionDep,
    container: ContainerDep,
    clock: ClockDep,
    access: Reader,
) -> AudienceSize:
    """How many people the audience is now (the body of a create: `audience`, `bot_id`)."""
    return await service.audience_size(
        session, channel_for(container), shop_id=access.shop.id, query=query, now=clock.now()
    )


@router.post("/audiences", status_code=201)
async def create_audience(
    data: SavedAudienceCreate, session: SessionDep, clock: ClockDep, access: Writer
) -> SavedAudienceRead:
    """A named audience (any kind but `saved`); use it as `{"kind": "saved", "audience_id"}`."""
    return await saved.create_saved_audience(
        session, shop_id=access.shop.id, data=data, actor=access.actor, now=clock.now()
    )


@router.get("/audiences")
async def audiences(session: SessionDep, access: Reader) -> list[SavedAudienceRead]:
    return await saved.list_saved_audiences(session, shop_id=access.shop.id)


@router.get("/audiences/{audience_id}")
async def audience(
    audience_id: uuid.UUID, session: SessionDep, access: Reader
) -> SavedAudienceRead:
    return await saved.get_saved_audience(session, shop_id=access.shop.id, audience_id=audience_id)


@router.patch("/audiences/{audience_id}")
async def edit_audience(
    audience_id: uuid.UUID,
    data: SavedAudienceUpdate,
    session: SessionDep,
    clock: ClockDep,
    access: Writer,
) -> SavedAudienceRead:
    """Broadcasts using it that have not started yet will go to the new definition."""
    return await saved.update_saved_audience(
        session, shop_id=access.shop.id, audience_id=audience_id, data=data,
        actor=access.actor, now=clock.now(),
    )  # fmt: skip


@router.delete("/audiences/{audience_id}", status_code=204)
async def delete_audience(
    audience_id: uuid.UUID, session: SessionDep, clock: ClockDep, access: Writer
) -> Response:
    """409 naming the broadcasts while a draft or scheduled one uses it."""
    await saved.delete_saved_audience(
        session, shop_id=access.shop.id, audience_id=audience_id, actor=access.actor,
        now=clock.now(),
    )  # fmt: skip
    return Response(status_code=204)


@router.get("/{broadcast_id}")
async def detail(
    broadcast_id: uuid.UUID, session: SessionDep, clock: ClockDep, access: Reader
) -> BroadcastRead:
    """The broadcast with its progress: sent, failed, unreachable, remaining, rate, ETA."""
    return await service.get_broadcast(
        session, shop_id=access.shop.id, broadcast_id=broadcast_id, now=clock.now()
    )


@router.patch("/{broadcast_id}")
async def edit(
    broadcast_id: uuid.UUID,
    data: BroadcastUpdate,
    session: SessionDep,
    clock: ClockDep,
    access: Writer,
) -> BroadcastRead:
    return await service.update_broadcast(
        session, shop_id=access.shop.id, broadcast_id=broadcast_id, data=data,
        actor=access.actor, now=clock.now(),
    )  # fmt: skip


@router.post("/{broadcast_id}/send")
async def send(
    broadcast_id: uuid.UUID,
    session: SessionDep,
    container: ContainerDep,
    clock: ClockDep,
    access: Sender,
    data: SendRequest | None = None,
) -> BroadcastRead:
    """Now (the audience is fixed at this moment), or at `scheduled_at`."""
    return await actions.send_broadcast(
        session, channel_for(container), shop_id=access.shop.id, broadcast_id=broadcast_id,
        scheduled_at=data.scheduled_at if data else None, actor=access.actor, now=clock.now(),
    )  # fmt: skip


@router.post("/{broadcast_id}/test")
async def test(
    broadcast_id: uuid.UUID,
    session: SessionDep,
    container: ContainerDep,
    clock: ClockDep,
    access: Sender,
    data: TestRequest | None = None,
) -> TestSent:
    """To your own Telegram chat (the customer with your staff email), or `telegram_user_id`."""
    return await actions.send_test(
        session, channel_for(container), shop_id=access.shop.id, broadcast_id=broadcast_id,
        user_id=access.user_id, telegram_user_id=data.telegram_user_id if data else None,
        actor=access.actor, now=clock.now(),
    )  # fmt: skip


@router.post("/{broadcast_id}/pause")
async def pause(
    broadcast_id: uuid.UUID, session: SessionDep, clock: ClockDep, access: Sender
) -> BroadcastRead:
    return await actions.pause_broadcast(
        session, shop_id=access.shop.id, broadcast_id=broadcast_id, actor=access.actor,
        now=clock.now(),
    )  # fmt: skip


@router.post("/{broadcast_id}/resume")
async def resume(
    broadcast_id: uuid.UUID, session: SessionDep, clock: ClockDep, access: Sender
) -> BroadcastRead:
    return await actions.resume_broadcast(
        session, shop_id=access.shop.id, broadcast_id=broadcast_id, actor=access.actor,
        now=clock.now(),
    )  # fmt: skip


@router.post("/{broadcast_id}/cancel")
async def cancel(
    broadcast_id: uuid.UUID, session: SessionDep, clock: ClockDep, access: Sender
) -> BroadcastRead:
    return await actions.cancel_broadcast(
        session, shop_id=access.shop.id, broadcast_id=broadcast_id, actor=access.actor,
        now=clock.now(),
    )  # fmt: skip
