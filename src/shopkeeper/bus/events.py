"""The Event base: frozen, past tense, ids and primitives only, named `<context>.<event>.v<N>`."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

_NAME = re.compile(r"^[a-z_]+\.[a-z_]+\.v\d+$")
_EVENT_TYPES: dict[str, type[Event]] = {}


class Event(BaseModel):
    """Subclasses set `name` and may set `key_field` (the aggregate id that orders delivery)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    name: ClassVar[str]
    key_field: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("name")
        if name is None:
            return
        if not _NAME.match(name):
            raise TypeError(f"{cls.__name__}.name must look like '<context>.<event>.v<N>'")
        if name in _EVENT_TYPES and _EVENT_TYPES[name] is not cls:
            raise TypeError(f"event name {name!r} is used twice")
        _EVENT_TYPES[name] = cls

    @classmethod
    def context(cls) -> str:
        return cls.name.split(".", 1)[0]

    @classmethod
    def topic(cls) -> str:
        """Broker topic of the publishing context, e.g. `orders-events`."""
        return f"{cls.context()}-events"

    def key(self) -> str:
        """Ordering key: the aggregate id (first `*_id` field unless `key_field` says)."""
        field = self.key_field or next(
            (f for f in type(self).model_fields if f.endswith("_id")), None
        )
        return str(getattr(self, field)) if field else type(self).name


def event_type(name: str) -> type[Event] | None:
    return _EVENT_TYPES.get(name)
