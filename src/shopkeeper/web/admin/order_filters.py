"""The orders list's filters: query parameters in, what to ask `orders.list_orders` out."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from shopkeeper.orders import OrderSort, OrderState
from shopkeeper.web.admin.forms import page_number

PAGE_SIZE = 25
COUNT_UP_TO = 10_000  # past this the list says "more than 10,000" instead of counting on
_STATES = {state.value for state in OrderState}
_SORTS = {sort.value for sort in OrderSort}


@dataclass
class OrderListForm:
    """What the user chose (shown back) and what it means; unknown choices mean "any"."""

    values: dict[str, str]
    state: OrderState | None
    number: str | None
    sort: OrderSort
    customer: uuid.UUID | None = None
    page: int = 1

    @property
    def offset(self) -> int:
        return (self.page - 1) * PAGE_SIZE

    @property
    def filtered(self) -> bool:
        return self.state is not None or self.number is not None or self.customer is not None

    def query(self, **changes: object) -> str:
        """The query string of these choices (with changes, e.g. page=2), defaults left out."""
        params: dict[str, object] = {k: v for k, v in self.values.items() if v}
        if self.page > 1:
            params["page"] = self.page
        params.update(changes)
        defaults = {"page": 1, "sort": OrderSort.NEWEST.value}
        return urlencode({k: v for k, v in params.items() if v and defaults.get(k) != v})


def parse_order_filters(params: Mapping[str, str]) -> OrderListForm:
    state_text = (params.get("state") or "").strip()
    sort_text = (params.get("sort") or "").strip()
    number = (params.get("number") or "").strip()[:40]
    state = OrderState(state_text) if state_text in _STATES else None
    sort = OrderSort(sort_text) if sort_text in _SORTS else OrderSort.NEWEST
    customer = _uuid(params.get("customer"))
    values = {"state": state.value if state else "", "number": number, "sort": sort.value,
              "customer": str(customer) if customer else ""}  # fmt: skip
    return OrderListForm(
        values=values, state=state, number=number or None, sort=sort, customer=customer,
        page=page_number(params.get("page"), COUNT_UP_TO // PAGE_SIZE + 1),
    )  # fmt: skip


def _uuid(text: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID((text or "").strip())
    except ValueError:
        return None
