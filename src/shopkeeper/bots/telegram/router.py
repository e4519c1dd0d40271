"""HTTP: /api/v1/shops/{shop}/bots — connect, list, read, disconnect bots; their texts.

Routes that call the Bot API first end the request's own transaction (the access check read
in it): a Telegram call never runs inside a database transaction.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Response, status

from shopkeeper.bots.telegram.runtime import telegram_runtime
from shopkeeper.bots.telegram.schemas import BotConnect, BotDetail, BotRead, TextPut, TextRead
from shopkeeper.bots.telegram.service import bots, texts
from shopkeeper.deps import ContainerDep, SessionDep
from shopkeeper.shops import ShopAccess, require

router = APIRouter(prefix="/api/v1/shops/{shop}/bots", tags=["bots"])
ReadBots = Annotated[ShopAccess, require("bots.read")]
WriteBots = Annotated[ShopAccess, require("bots.write")]


@router.get("/texts")
async def list_texts(session: SessionDep, access: ReadBots) -> list[TextRead]:
    """Every bot text: defaults in en, ru and pl, the shop's overrides, its placeholders."""
    return await texts.list_texts(session, shop_id=access.shop.id)


@router.put("/texts")
async def put_text(
    data: TextPut, session: SessionDep, container: ContainerDep, access: WriteBots
) -> TextRead:
    """Override one text in one language (`text` null or empty: back to the default)."""
    read = await texts.put_text(
        session, shop_id=access.shop.id, data=data, actor=access.actor, now=container.clock.now()
    )
    await session.commit()
    telegram_runtime(container).forget_texts(access.shop.id)
    return read


@router.post("", status_code=status.HTTP_201_CREATED)
async def connect_bot(
    data: BotConnect, session: SessionDep, container: ContainerDep, access: WriteBots
) -> BotRead:
    """Check the token with Telegram and connect the bot (webhook with a public URL, else
    long polling). The token is stored encrypted and never shown again, only its mask."""
    await session.commit()
    return await bots.connect_bot(
        container, shop_id=access.shop.id, token=data.token, actor=access.actor
    )


@router.get("")
async def list_bots(
    session: SessionDep, container: ContainerDep, access: ReadBots, include_inactive: bool = False
) -> list[BotRead]:
    await session.commit()
    return await bots.list_bots(
        container, shop_id=access.shop.id, include_inactive=include_inactive
    )


@router.get("/{bot_id}")
async def get_bot(
    bot_id: uuid.UUID, session: SessionDep, container: ContainerDep, access: ReadBots
) -> BotDetail:
    """The bot; in webhook mode with the webhook state Telegram reports."""
    await session.commit()
    return await bots.get_bot(container, shop_id=access.shop.id, bot_id=bot_id)


@router.post("/{bot_id}/webhook")
async def reset_webhook(
    bot_id: uuid.UUID, session: SessionDep, container: ContainerDep, access: WriteBots
) -> BotDetail:
    """Set the webhook again (a new secret); 409 for a bot on long polling."""
    await session.commit()
    return await bots.reset_webhook(
        container, shop_id=access.shop.id, bot_id=bot_id, actor=access.actor
    )


@router.delete("/{bot_id}", status_code=status.HTTP_204_NO_CONTENT)
async def disconnect_bot(
    bot_id: uuid.UUID, session: SessionDep, container: ContainerDep, access: WriteBots
) -> Response:
    """Remove the webhook and forget the token; the bot's users are kept for a reconnection."""
    await session.commit()
    await bots.disconnect_bot(container, shop_id=access.shop.id, bot_id=bot_id, actor=access.actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
