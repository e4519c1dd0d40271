"""Where a request came from, for audit entries: client IP and correlation id."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from shopkeeper.kit.context import correlation_id


@dataclass(frozen=True, slots=True)
class RequestOrigin:
    ip: str | None
    correlation_id: str | None


async def request_origin(request: Request) -> RequestOrigin:
    ip = request.client.host if request.client else None
    return RequestOrigin(ip=ip, correlation_id=correlation_id.get())


OriginDep = Annotated[RequestOrigin, Depends(request_origin)]
