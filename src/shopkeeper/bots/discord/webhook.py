"""POST /discord/interactions/{application_id}: Discord's interactions, Ed25519-signed.

A plain Starlette route like Telegram's webhook. The application names the shop's live
connection (404 for none); a missing or wrong signature is 401 before the body is even
parsed (Discord itself checks that forged requests are refused); PING → PONG; commands are
answered in one unit of work.
"""

from __future__ import annotations

import json

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from shopkeeper.bots.discord import interactions
from shopkeeper.bots.discord.errors import InvalidSignature, UnknownApplication
from shopkeeper.bots.discord.service.live import live_by_application
from shopkeeper.bots.discord.signature import valid_signature
from shopkeeper.container import Container
from shopkeeper.db import unit_of_work
from shopkeeper.errors import BadRequest
from shopkeeper.kit.routes import add_plain_route

router = APIRouter(tags=["discord"])


async def discord_interactions(request: Request) -> Response:
    container: Container = request.app.state.container
    application_id = request.path_params["application_id"]
    async with container.readers() as session:
        live = await live_by_application(session, container, application_id)
    if live is None:
        raise UnknownApplication()
    body = await request.body()
    signature = request.headers.get("x-signature-ed25519")
    timestamp = request.headers.get("x-signature-timestamp")
    if not valid_signature(live.public_key, signature, timestamp, body):
        raise InvalidSignature()
    try:
        interaction = json.loads(body)
    except ValueError:
        raise BadRequest("The body is not JSON") from None
    if not isinstance(interaction, dict):
        raise BadRequest("The body is not an interaction")
    kind = interaction.get("type")
    if kind == interactions.PING:
        return JSONResponse(interactions.pong())
    if kind != interactions.APPLICATION_COMMAND:
        raise BadRequest(f"Unsupported interaction type {kind!r}")
    async with unit_of_work(container.sessions) as session:
        reply = await interactions.answer(session, container, live, interaction)
    return JSONResponse(reply)


add_plain_route(
    router, "/discord/interactions/{application_id}", discord_interactions, methods=["POST"]
)
