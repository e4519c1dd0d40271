"""A list page's query: the choices from a fixed set per field, and the page number."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response

from shopkeeper.web.admin.errors import is_htmx
from shopkeeper.web.admin.forms import page_number
from shopkeeper.web.templating import render

PAGE_SIZE = 25
COUNT_UP_TO = 10_000  # past this a list says "more than 10,000" instead of counting on


@dataclass
class ListQuery:
    """What the user chose per field ("" = any; a value outside the field's choices too)."""

    values: dict[str, str]
    page: int = 1

    @property
    def offset(self) -> int:
        return (self.page - 1) * PAGE_SIZE

    @property
    def filtered(self) -> bool:
        return any(self.values.values())

    def get(self, name: str) -> str | None:
        return self.values.get(name) or None

    def query(self, **changes: object) -> str:
        """The query string of these choices (with changes, e.g. page=2), empty ones left out."""
        params: dict[str, object] = {**self.values, "page": self.page, **changes}
        return urlencode({k: v for k, v in params.items() if v and not (k == "page" and v == 1)})


def parse_list_query(
    params: Mapping[str, str], choices: Mapping[str, Collection[str]]
) -> ListQuery:
    values = {}
    for name, allowed in choices.items():
        value = (params.get(name) or "").strip()
        values[name] = value if value in allowed else ""
    return ListQuery(values, page_number(params.get("page"), COUNT_UP_TO // PAGE_SIZE + 1))


def list_response(
    request: Request, context: dict[str, Any], *, page: str, results: str, target: str,
    query: str,
) -> Response:  # fmt: skip
    """The list page, or only its results part when HTMX asks for `target`; the address bar
    then follows the filters (`query`, without the empty ones)."""
    partial = is_htmx(request) and request.headers.get("hx-target") == target
    headers = {"Vary": "HX-Request, HX-Target"}
    if partial:
        headers["HX-Push-Url"] = request.url.path + (f"?{query}" if query else "")
    return render(request, results if partial else page, {**context, "partial": partial},
                  headers=headers)  # fmt: skip
