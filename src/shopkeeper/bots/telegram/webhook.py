"""POST /telegram/{bot_id}: Telegram's webhook calls, authenticated by the secret token."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from shopkeeper.bots.telegram.runtime import telegram_runtime

router = APIRouter(tags=["telegram"])
SECRET_HEADER = "x-telegram-bot-api-secret-token"  # noqa: S105 (a header name)


@router.post("/telegram/{bot_id}", include_in_schema=False)
async def telegram_webhook(bot_id: str, request: Request) -> Response:
    """404 for an unknown bot, 401 for a wrong secret (nothing processed), 400 for a body
    that is no Update; else the update is processed before the 200 (a 500 makes Telegram
    deliver it again, and the redelivery is processed once)."""
    runtime = telegram_runtime(request.app.state.container)
    await runtime.handle_webhook(bot_id, request.headers.get(SECRET_HEADER), await request.body())
    return Response(status_code=200)
