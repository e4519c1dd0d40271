"""`/playground-api/bot<token>/<method>`: the stand-in over HTTP, in the Bot API's format.

Query string, JSON body or form (multipart or urlencoded) as Telegram accepts them; files
are not stored. A token that is not a playground bot's gets 401, as from Telegram.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.datastructures import UploadFile

from shopkeeper.bots.telegram.playground.session import PLAYGROUND_PATH
from shopkeeper.bots.telegram.playground.standin import standin
from shopkeeper.bots.telegram.playground.wire import bad_request

router = APIRouter(tags=["telegram"])


@router.api_route(
    PLAYGROUND_PATH + "/bot{token}/{method}", methods=["GET", "POST"], include_in_schema=False
)
async def bot_api(token: str, method: str, request: Request) -> JSONResponse:
    try:
        params = await _params(request)
    except ValueError:
        error = bad_request("can't parse JSON object")
        return JSONResponse(error.body(), status_code=error.code)
    status, body = await standin(request.app.state.container).call(token, method, params)
    return JSONResponse(body, status_code=status)


async def _params(request: Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query_params)
    kind = request.headers.get("content-type", "")
    if kind.startswith("application/json"):
        body = await request.body()
        decoded = json.loads(body) if body else {}
        if not isinstance(decoded, dict):
            raise ValueError("not an object")
        params.update(decoded)
    elif kind.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        form = await request.form()
        for key, value in form.multi_items():
            params[key] = value.filename if isinstance(value, UploadFile) else value
    return params
