"""One error hierarchy; each surface renders it once (JSON here: {"error", "detail"})."""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    status_code = 400
    headers: dict[str, str] | None = None

    def __init__(self, detail: str = "", *, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail or self.__class__.__name__)
        self.detail = detail or self.__class__.__name__
        if headers is not None:
            self.headers = headers

    @property
    def code(self) -> str:
        return type(self).__name__

    def extra(self) -> dict[str, Any]:
        """More fields of the JSON error body (what a client can act on), none by default."""
        return {}


class BadRequest(AppError):
    status_code = 400


class Unauthorized(AppError):
    status_code = 401
    headers = {"WWW-Authenticate": "Bearer"}


class Forbidden(AppError):
    status_code = 403


class NotFound(AppError):
    status_code = 404


class Conflict(AppError):
    status_code = 409


class Unprocessable(AppError):
    status_code = 422


class Locked(AppError):
    status_code = 423


class TooManyRequests(AppError):
    status_code = 429

    def __init__(self, detail: str = "Too many requests", *, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))})
        self.retry_after = retry_after


class ServiceUnavailable(AppError):
    status_code = 503
