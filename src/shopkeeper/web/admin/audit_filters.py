"""The audit-log filter form: query parameters in, a validated AuditFilter out."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode

from shopkeeper.audit import AuditFilter
from shopkeeper.web.admin.forms import page_number
from shopkeeper.web.templating import zone

PAGE_SIZE = 25
FIELDS = ("action", "actor", "from", "to")


@dataclass
class AuditFilterForm:
    """What the user typed (to show it back), what it means, and what was wrong with it."""

    values: dict[str, str]
    filters: AuditFilter
    page: int = 1
    errors: list[str] = field(default_factory=list)

    @property
    def offset(self) -> int:
        return (self.page - 1) * PAGE_SIZE

    def query(self, **changes: object) -> str:
        """The query string of these filters (with changes, e.g. page=2), empty values left out."""
        params: dict[str, object] = {k: v for k, v in self.values.items() if v}
        if self.page > 1:
            params["page"] = self.page
        params.update(changes)
        params = {k: v for k, v in params.items() if v and not (k == "page" and v == 1)}
        return urlencode(params)


def parse_filters(
    params: Mapping[str, str], *, timezone: str, gettext: Callable[..., str]
) -> AuditFilterForm:
    """Dates are whole days in the shop's time zone; `to` includes its day."""
    values = {name: (params.get(name) or "").strip()[:320] for name in FIELDS}
    errors: list[str] = []
    since = _day(values["from"], timezone, errors, gettext)
    until = _day(values["to"], timezone, errors, gettext, next_day=True)
    if since and until and since >= until:
        errors.append(gettext("The start date must not be after the end date."))
        since = until = None
    filters = AuditFilter(
        action=values["action"][:64] or None,
        actor=values["actor"] or None,
        since=since,
        until=until,
    )
    page = page_number(params.get("page"))
    return AuditFilterForm(values=values, filters=filters, page=page, errors=errors)


def _day(
    text: str, timezone: str, errors: list[str], gettext: Callable[..., str], next_day: bool = False
) -> datetime | None:
    """The UTC instant a local day starts (or, with `next_day`, ends)."""
    if not text:
        return None
    try:
        day = date.fromisoformat(text) + timedelta(days=1 if next_day else 0)
        return datetime.combine(day, time.min, tzinfo=zone(timezone)).astimezone(UTC)
    except (ValueError, OverflowError):
        errors.append(gettext("“%(value)s” is not a date (use YYYY-MM-DD).", value=text))
        return None
