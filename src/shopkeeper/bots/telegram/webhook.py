"""POST /telegram/{bot_id}: Telegram's webhook calls, authenticated by the secret token.

A plain Starlette route, not a FastAPI endpoint: it takes no dependencies and validates
nothing FastAPI could (the body is an Update aiogram parses), and skipping FastAPI's
per-request dependency machinery is a measurable share of an update's cost.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from shopkeeper.bots.telegram.runtime import telegram_runtime
from shopkeeper.kit.routes import add_plain_route

router = APIRouter(tags=["telegram"])
SECRET_HEADER = "x-telegram-bot-api-secret-token"  # noqa: S105 (a header name)


async def telegram_webhook(request: Request) -> Response:
    """404 for an unknown bot, 401 for a wrong secret (nothing processed), 400 for a body
    that is no Update; else the update is processed before the 200 (a 500 makes Telegram
    deliver it again, and the redelivery is processed once)."""
    runtime = telegram_runtime(request.app.state.container)
    bot_id = request.path_params["bot_id"]
    await runtime.handle_webhook(bot_id, request.headers.get(SECRET_HEADER), await request.body())
    return Response(status_code=200)


add_plain_route(router, "/telegram/{bot_id}", telegram_webhook, methods=["POST"])
