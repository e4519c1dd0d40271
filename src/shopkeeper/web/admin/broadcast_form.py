"""The broadcast compose form: what was typed (to show it back), the body the service's schemas
validate, and their errors placed next to the fields they concern."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from shopkeeper.notifications.broadcasts.schemas import BroadcastRead
from shopkeeper.web.admin.broadcast_audiences import OPTIONS, audience_from_form, form_values
from shopkeeper.web.templating import zone

Gettext = Callable[..., str]
MAX_BUTTONS = 10  # the service refuses more; the form never offers more rows
SPARE_ROWS = 2  # empty button rows under the filled ones


@dataclass
class ButtonRow:
    text: str = ""
    url: str = ""


@dataclass
class BroadcastForm:
    values: dict[str, str]
    buttons: list[ButtonRow]
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def rows(self) -> list[ButtonRow]:
        """The filled button rows and a few empty ones to add more (never above the limit)."""
        spare = max(0, min(SPARE_ROWS, MAX_BUTTONS - len(self.buttons)))
        return self.buttons + [ButtonRow() for _ in range(spare)]

    def add(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)

    def payload(self) -> dict[str, Any]:
        """The body a create (or a full update) of the JSON API would carry."""
        image = self.values["image_url"]
        return {
            "text": self.values["text"],
            "image_url": image or None,
            "buttons": [{"text": b.text, "url": b.url} for b in self.buttons],
            "audience": audience_from_form(self.values),
            "bot_id": self.values["bot_id"] or None,
            "paid": self.values["paid"] == "on",
        }

    def take(self, exc: ValidationError, _: Gettext) -> None:
        """Put each of the schema's errors beside its field."""
        for error in exc.errors():
            self.add(_field_of(error["loc"]), error_text(error, _))


def empty_form(bot_id: str = "") -> BroadcastForm:
    values = {"text": "", "image_url": "", "bot_id": bot_id, "paid": ""}
    return BroadcastForm(values=values | form_values({"kind": OPTIONS[0].kind}), buttons=[])


def form_of(broadcast: BroadcastRead) -> BroadcastForm:
    """The form of a saved draft."""
    values = {
        "text": broadcast.text,
        "image_url": broadcast.image_url or "",
        "bot_id": str(broadcast.bot_id) if broadcast.bot_id else "",
        "paid": "on" if broadcast.paid else "",
    }
    rows = [ButtonRow(b.get("text", ""), b.get("url", "")) for b in broadcast.buttons]
    return BroadcastForm(values=values | form_values(broadcast.audience), buttons=rows)


def parse_form(data: FormData) -> BroadcastForm:
    """What the browser sent; textarea line ends as Telegram expects them (\\n)."""
    text = _one(data, "text", 8192).replace("\r\n", "\n").replace("\r", "\n")
    values = {
        "text": text,
        "image_url": _one(data, "image_url", 2000).strip(),
        "bot_id": _one(data, "bot_id", 64).strip(),
        "paid": "on" if _one(data, "paid", 8) else "",
        "audience_kind": _one(data, "audience_kind", 64),
    }
    for option in OPTIONS:
        for spec in option.inputs:
            values[option.field(spec.name)] = _one(data, option.field(spec.name), 200)
    texts = [str(v)[:200] for v in data.getlist("button_text")][:MAX_BUTTONS]
    urls = [str(v)[:2000] for v in data.getlist("button_url")][:MAX_BUTTONS]
    rows = [ButtonRow(t.strip(), u.strip()) for t, u in zip(texts, urls, strict=False)]
    return BroadcastForm(values=values, buttons=[r for r in rows if r.text or r.url])


def _one(data: FormData, name: str, limit: int) -> str:
    value = data.get(name)
    return value[:limit] if isinstance(value, str) else ""


def _field_of(loc: tuple[int | str, ...]) -> str:
    """The form field a schema error belongs to (`form` when none fits)."""
    head = loc[0] if loc else ""
    if head == "buttons" and len(loc) > 1:
        return f"button_{loc[1]}"
    if head == "audience" and len(loc) > 2:
        return f"{loc[1]}.{loc[2]}"
    if head in ("text", "image_url", "buttons", "audience", "bot_id", "paid"):
        return str(head)
    return "form"


def error_text(error: Mapping[str, Any], _: Gettext) -> str:
    """A schema error in the reader's language; the service's own reasons as it words them."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind in ("missing", "string_too_short"):
        return _("Fill this in.")
    if kind == "string_too_long":
        return _("At most %(limit)s characters.", limit=ctx.get("max_length"))
    if kind.startswith("url_"):
        return _("Enter a full web address, starting with https://")
    if kind in ("greater_than_equal", "greater_than"):
        return _("Enter at least %(limit)s.", limit=ctx.get("ge", ctx.get("gt")))
    if kind in ("less_than_equal", "less_than"):
        return _("Enter at most %(limit)s.", limit=ctx.get("le", ctx.get("lt")))
    if kind in ("int_parsing", "int_from_float"):
        return _("Enter a whole number.")
    if kind.startswith("uuid_"):
        return _("Choose one from the list.")
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return _("Choose who gets it.")
    message = str(error.get("msg", ""))
    message = message.removeprefix("Value error, ")
    return message[:1].upper() + message[1:]


def local_to_utc(text: str, timezone: str) -> datetime | None:
    """A datetime-local value ("2026-12-24T18:00") in the shop's zone, as UTC; None if not one."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.tzinfo is not None:
        return None
    return moment.replace(tzinfo=zone(timezone)).astimezone(UTC)


def utc_to_local(moment: datetime | None, timezone: str) -> str:
    """The datetime-local value of a UTC time in the shop's zone."""
    if moment is None:
        return ""
    return moment.astimezone(zone(timezone)).strftime("%Y-%m-%dT%H:%M")
