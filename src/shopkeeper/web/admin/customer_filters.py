"""The customers list's search: what was typed and which page, as query parameters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from shopkeeper.web.admin.forms import page_number

PAGE_SIZE = 25
COUNT_UP_TO = 10_000  # past this the list says "more than 10,000" instead of counting on


@dataclass
class CustomerSearch:
    q: str
    page: int = 1

    @property
    def offset(self) -> int:
        return (self.page - 1) * PAGE_SIZE

    def query(self, **changes: object) -> str:
        params: dict[str, object] = {"q": self.q, "page": self.page, **changes}
        return urlencode({k: v for k, v in params.items() if v and not (k == "page" and v == 1)})


def parse_customer_search(params: Mapping[str, str]) -> CustomerSearch:
    page = page_number(params.get("page"), COUNT_UP_TO // PAGE_SIZE + 1)
    return CustomerSearch(q=(params.get("q") or "").strip()[:320], page=page)
