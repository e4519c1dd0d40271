"""The audience kinds the broadcast form offers: one `AudienceOption` per kind of the service's
`Audience` union (notifications.broadcasts.schemas), with its inputs and how a list names it.

A new kind is one more entry in `OPTIONS`; the form, its parsing and the list's summary follow
from it (see "tagged": a text input parsed into a list); a kind choosing among the shop's
records gives its input a `choices` loader (see `_plans`, `_saved`).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

Gettext = Callable[..., str]
PlanName = Callable[[Any], str]  # a plan's or saved audience's id -> its name, or a stand-in


@dataclass(frozen=True)
class Source:
    """What a `choices` loader may read: the request's session, the shop, the names of its plans
    and saved audiences."""

    session: AsyncSession
    container: Any
    shop_id: uuid.UUID
    plans: Mapping[str, str]
    saved: Mapping[str, str]


Choices = Callable[[Gettext, Source], Awaitable[list[tuple[str, str]]]]


def _same(text: str) -> Any:
    return text


@dataclass(frozen=True)
class AudienceInput:
    """One field of an audience kind, drawn as `widget` and named `<kind>.<name>` in the form.

    `parse` turns the typed text into the schema's value (e.g. a list), `show` back again.
    """

    name: str
    widget: Literal["choice", "number", "text"]
    label: Callable[[Gettext], str]
    required: bool = True
    default: str = ""
    low: int | None = None
    high: int | None = None
    choices: Choices | None = None
    parse: Callable[[str], Any] = _same
    show: Callable[[Any], str] = str


@dataclass(frozen=True)
class AudienceOption:
    kind: str
    label: Callable[[Gettext], str]
    describe: Callable[[Gettext, Mapping[str, Any], PlanName], str]
    inputs: tuple[AudienceInput, ...] = ()

    def field(self, name: str) -> str:
        """The form's name (and id suffix) of input `name` of this kind."""
        return f"{self.kind}.{name}"


def split_list(text: str) -> list[str]:
    """ "a, b,c" -> ["a", "b", "c"] (for an input whose schema field is a list)."""
    return [part.strip() for part in text.split(",") if part.strip()]


async def _plans(_: Gettext, source: Source) -> list[tuple[str, str]]:
    return sorted(source.plans.items(), key=lambda item: item[1].lower())


async def _saved(_: Gettext, source: Source) -> list[tuple[str, str]]:
    return sorted(source.saved.items(), key=lambda item: item[1].lower())


def _tagged(_: Gettext, audience: Mapping[str, Any], plan: PlanName) -> str:
    tags = ", ".join(str(tag) for tag in audience.get("tags") or ())
    if audience.get("match") == "all":
        return _("Customers with all of the tags: %(tags)s", tags=tags)
    return _("Customers with any of the tags: %(tags)s", tags=tags)


async def _matches(_: Gettext, source: Source) -> list[tuple[str, str]]:
    return [("any", _("Any of the tags")), ("all", _("All of the tags"))]


def _expired(_: Gettext, audience: Mapping[str, Any], plan: PlanName) -> str:
    days = audience.get("days")
    if audience.get("product_id"):
        return _(
            "Subscription to %(plan)s ended in the last %(days)s days",
            plan=plan(audience["product_id"]),
            days=days,
        )
    return _("Subscription ended in the last %(days)s days", days=days)


OPTIONS: tuple[AudienceOption, ...] = (
    AudienceOption(
        "all",
        lambda _: _("Everyone who started the bot"),
        lambda _, a, plan: _("Everyone who started the bot"),
    ),
    AudienceOption(
        "plan_subscribers",
        lambda _: _("Live subscribers of a plan"),
        lambda _, a, plan: _("Subscribers of %(plan)s", plan=plan(a.get("product_id"))),
        (AudienceInput("product_id", "choice", lambda _: _("Plan"), choices=_plans),),
    ),
    AudienceOption(
        "expired_within",
        lambda _: _("Subscription ended recently (not renewed)"),
        _expired,
        (
            AudienceInput(
                "days", "number", lambda _: _("Ended within (days)"), default="30", low=1, high=3650
            ),
            AudienceInput(
                "product_id", "choice", lambda _: _("Plan"), required=False, choices=_plans
            ),
        ),
    ),
    AudienceOption(
        "never_paid",
        lambda _: _("People who never paid"),
        lambda _, a, plan: _("People who never paid"),
    ),
    AudienceOption(
        "tagged",
        lambda _: _("Customers with tags"),
        _tagged,
        (
            AudienceInput(
                "tags",
                "text",
                lambda _: _("Tags, comma-separated"),
                parse=split_list,
                show=lambda tags: ", ".join(tags),
            ),
            AudienceInput("match", "choice", lambda _: _("Match"), default="any", choices=_matches),
        ),
    ),
    AudienceOption(
        "saved",
        lambda _: _("A saved audience"),
        lambda _, a, plan: _("Saved audience: %(name)s", name=plan(a.get("audience_id"))),
        (AudienceInput("audience_id", "choice", lambda _: _("Saved audience"), choices=_saved),),
    ),
)
BY_KIND = {option.kind: option for option in OPTIONS}
DEFAULT_KIND = OPTIONS[0].kind


async def form_options(_: Gettext, source: Source) -> list[dict[str, Any]]:
    """The options as the form draws them: translated labels, loaded choices."""
    drawn = []
    for option in OPTIONS:
        inputs = [
            {
                "spec": spec,
                "field": option.field(spec.name),
                "label": spec.label(_),
                "choices": await spec.choices(_, source) if spec.choices else [],
            }
            for spec in option.inputs
        ]
        drawn.append({"kind": option.kind, "label": option.label(_), "inputs": inputs})
    return drawn


def audience_from_form(form: Mapping[str, str]) -> dict[str, Any]:
    """The audience as the service's schema reads it: the chosen kind and its filled inputs."""
    kind = form.get("audience_kind", "").strip()[:64]
    audience: dict[str, Any] = {"kind": kind}
    option = BY_KIND.get(kind)
    for spec in option.inputs if option else ():
        value = form.get(option.field(spec.name), "").strip()[:500] if option else ""
        if value:
            audience[spec.name] = spec.parse(value)
    return audience


def form_values(audience: Mapping[str, Any]) -> dict[str, str]:
    """The form's audience fields for a stored audience (other kinds keep their defaults)."""
    chosen = str(audience.get("kind", DEFAULT_KIND))
    values = {"audience_kind": chosen}
    for option in OPTIONS:
        for spec in option.inputs:
            given = audience.get(spec.name) if option.kind == chosen else None
            values[option.field(spec.name)] = spec.default if given is None else spec.show(given)
    return values


def describe(audience: Mapping[str, Any], _: Gettext, plan: PlanName) -> str:
    """A one-line summary of a stored audience, e.g. "Subscribers of Gold"."""
    option = BY_KIND.get(str(audience.get("kind", "")))
    if option is None:
        return str(audience.get("kind", ""))
    return option.describe(_, audience, plan)
