"""An aiogram session for playground bots: the stand-in called in this process, no socket.

A Bot API base ending in `/playground-api` (a playground bot's `api_base`) gets this session
from the runtime. It prepares every parameter exactly as aiogram's HTTP session puts it into
a form, hands them to the stand-in, and reads the JSON answer with aiogram's own response
check, so errors become the same TelegramBadRequest / TelegramForbiddenError / ... as over
HTTP. Any process can serve it (the stand-in keeps its state in the database), and a command
line tool can talk to a playground bot with no server running.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any, cast

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType

from shopkeeper.bots.telegram.playground.standin import standin
from shopkeeper.container import Container

PLAYGROUND_PATH = "/playground-api"


def is_playground_base(base: str) -> bool:
    return base.rstrip("/").endswith(PLAYGROUND_PATH)


class PlaygroundSession(BaseSession):
    def __init__(self, container: Container, base: str) -> None:
        super().__init__(api=TelegramAPIServer.from_base(base))
        self.container = container

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 (aiogram's signature)
    ) -> TelegramType:
        files: dict[str, Any] = {}
        params: dict[str, Any] = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files)
            if prepared:  # what aiogram leaves out of the form
                params[key] = prepared
        status, body = await standin(self.container).call(bot.token, method.__api_method__, params)
        response = self.check_response(
            bot=bot, method=method, status_code=status, content=self.json_dumps(body)
        )
        return cast(TelegramType, response.result)

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109 (aiogram's signature)
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        """The playground stores no files."""
        if False:  # pragma: no cover - an empty async generator
            yield b""

    async def close(self) -> None:
        """Nothing to release: no connection was opened."""
