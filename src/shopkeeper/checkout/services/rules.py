"""services_rules.yaml: which services a shop offers at checkout, and for which items.

The file (the default shipped next to this module, or the shop's own, saved through
PUT /api/v1/shops/{shop}/services-rules) is a mapping with one key, `services`, a list of
rules, one per service SKU:

    services:
      - sku: SVC-CARRY-IN            # a live variant of a catalog product of kind `service`
        kind: item                   # item: tied to a cart line (its parent); standalone: alone
        categories: [large-appliances]   # category slugs, each matching its descendants too;
                                     # absent or empty: every item (item rules only)
        conditions:                  # on one unit of the parent item (item rules only); an
          min_weight_g: 20000        # unknown weight or size never meets a condition on it
          max_weight_g: 200000
          min_longest_side_mm: 800
        pricing: per_unit            # per_unit (default): price × units serviced, at most the
                                     # parent line's quantity; per_line: once for the line
        max_quantity: 2              # item: per parent line; standalone: per cart (default:
                                     # the parent's quantity for per_unit, else 1)
        requires: [SVC-OTHER]        # item rules: offered only for items that may have these
                                     # item services too, chosen only once they are chosen
        label: {en: Carrying in, pl: Wniesienie, ru: Подъём в квартиру}   # else product name

Numbers are plain integers (grams, millimetres); unknown keys are refused, so a typo is
reported, not ignored. The price of a service is its variant's catalog price in the cart
currency; a service without a price there, or whose product is unpublished or archived, is
not offered. `parse_rules` checks the file alone (errors name the line and the rule); the
catalog checks (SKU and category slugs of this shop) are in `resolve.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Self

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

DEFAULT_RULES_FILE = Path(__file__).with_name("services_rules.yaml")
MAX_TEXT = 65_536
MAX_RULES = 200
MAX_NODES = 20_000  # YAML nodes visited, aliases counted each time (no "billion laughs")
MAX_WEIGHT_G = 10_000_000
MAX_SIDE_MM = 100_000
LANGUAGES = ("en", "pl", "ru")

Loc = tuple[str | int, ...]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$")]
Sku = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class ServiceKind(StrEnum):
    ITEM = "item"
    STANDALONE = "standalone"


class Pricing(StrEnum):
    PER_UNIT = "per_unit"
    PER_LINE = "per_line"


_STRICT = ConfigDict(frozen=True, extra="forbid")


class Conditions(BaseModel):
    """Limits on one unit of the parent item."""

    model_config = _STRICT

    min_weight_g: int | None = Field(default=None, ge=0, le=MAX_WEIGHT_G, strict=True)
    max_weight_g: int | None = Field(default=None, ge=1, le=MAX_WEIGHT_G, strict=True)
    min_longest_side_mm: int | None = Field(default=None, ge=1, le=MAX_SIDE_MM, strict=True)

    @model_validator(mode="after")
    def _range(self) -> Self:
        low, high = self.min_weight_g, self.max_weight_g
        if low is not None and high is not None and low > high:
            raise ValueError(f"min_weight_g ({low}) is above max_weight_g ({high})")
        return self

    @property
    def weighed(self) -> bool:
        return self.min_weight_g is not None or self.max_weight_g is not None


class Labels(BaseModel):
    model_config = _STRICT

    en: Label | None = None
    pl: Label | None = None
    ru: Label | None = None


class ServiceRule(BaseModel):
    """One service: which SKU, for which items, priced how (see the module docstring)."""

    model_config = _STRICT

    sku: Sku
    kind: ServiceKind
    categories: tuple[Slug, ...] = Field(default=(), max_length=100)
    conditions: Conditions = Conditions()
    pricing: Pricing | None = None
    max_quantity: int | None = Field(default=None, ge=1, le=1000, strict=True)
    requires: tuple[Sku, ...] = Field(default=(), max_length=20)
    label: Labels = Labels()

    @model_validator(mode="after")
    def _standalone(self) -> Self:
        if self.kind is ServiceKind.STANDALONE:
            given = [
                name
                for name, empty in (
                    ("categories", not self.categories),
                    ("conditions", self.conditions == Conditions()),
                    ("pricing", self.pricing is None),
                    ("requires", not self.requires),
                )
                if not empty
            ]
            if given:
                raise ValueError(f"a standalone service has no {', '.join(given)}")
        return self

    @property
    def unit_pricing(self) -> bool:
        return self.kind is ServiceKind.ITEM and self.pricing is not Pricing.PER_LINE

    def name_in(self, language: str, fallback: str) -> str:
        """The label in `language`, else the product's name."""
        label = getattr(self.label, language, None) if language in LANGUAGES else None
        return label or fallback


class ServicesRules(BaseModel):
    model_config = _STRICT

    services: tuple[ServiceRule, ...] = Field(default=(), max_length=MAX_RULES)


class ServicesRulesInvalidText(ValueError):
    """The text is not a valid rules file; `problems` are sentences naming line and rule."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class ParsedRules:
    """Rules checked on their own, with the line of every key and list item (for messages)."""

    rules: ServicesRules
    lines: dict[Loc, int] = field(default_factory=dict)

    def where(self, loc: Loc) -> str:
        """`line 7, rule 2 (SVC-ASSEMBLY)`: where a problem at `loc` is in the file."""
        return _where(self.lines, loc, [rule.sku for rule in self.rules.services])


def _where(lines: dict[Loc, int], loc: Loc, skus: Sequence[object]) -> str:
    parts = []
    for end in range(len(loc), -1, -1):
        if (line := lines.get(loc[:end])) is not None:
            parts.append(f"line {line}")
            break
    if len(loc) >= 2 and loc[0] == "services" and isinstance(loc[1], int):
        index = loc[1]
        sku = skus[index] if index < len(skus) else None
        parts.append(f"rule {index + 1}" + (f" ({sku})" if isinstance(sku, str) and sku else ""))
    return ", ".join(parts) or "the file"


def parse_rules(text: str) -> ParsedRules:
    """The rules in `text`, checked on their own (ServicesRulesInvalidText if not valid)."""
    if len(text) > MAX_TEXT:
        raise ServicesRulesInvalidText([f"the file is longer than {MAX_TEXT} characters"])
    data, lines = _load(text)
    if data is None:
        data = {"services": []}
    if not isinstance(data, dict):
        raise ServicesRulesInvalidText(
            ["line 1: the file must be a mapping with a `services` list"]
        )
    raw = data.get("services")
    listed = raw if isinstance(raw, list) else []
    skus = [rule.get("sku") if isinstance(rule, dict) else None for rule in listed]
    try:
        rules = ServicesRules.model_validate(data)
    except ValidationError as exc:
        raise ServicesRulesInvalidText(
            [f"{_where(lines, loc, skus)}: {message}" for loc, message in _errors(exc)]
        ) from None
    parsed = ParsedRules(rules=rules, lines=lines)
    if problems := [f"{parsed.where(loc)}: {msg}" for loc, msg in cross_check(rules)]:
        raise ServicesRulesInvalidText(problems)
    return parsed


@lru_cache(maxsize=512)
def parse_stored(text: str) -> ParsedRules:
    """`parse_rules` memoised by the text itself (the in-process `services:rules` cache).

    A text always parses to the same rules, so this memo can never be stale, whichever
    process saved the text and whenever: it needs no invalidation across replicas.
    """
    return parse_rules(text)


@lru_cache(maxsize=1)
def default_text() -> str:
    return DEFAULT_RULES_FILE.read_text(encoding="utf-8")


def cross_check(rules: ServicesRules) -> list[tuple[Loc, str]]:
    """Checks across rules: one rule per SKU; `requires` names other item rules, no cycles."""
    problems: list[tuple[Loc, str]] = []
    by_sku: dict[str, ServiceRule] = {}
    for index, rule in enumerate(rules.services):
        if rule.sku in by_sku:
            problems.append((("services", index, "sku"), f"a second rule for SKU {rule.sku!r}"))
        by_sku.setdefault(rule.sku, rule)
    for index, rule in enumerate(rules.services):
        for position, needed in enumerate(rule.requires):
            loc: Loc = ("services", index, "requires", position)
            other = by_sku.get(needed)
            if needed == rule.sku:
                problems.append((loc, "a service cannot require itself"))
            elif other is None:
                problems.append((loc, f"requires {needed!r}, which has no rule in this file"))
            elif other.kind is not ServiceKind.ITEM:
                problems.append((loc, f"requires {needed!r}, a standalone service"))
            elif _cycle(by_sku, needed, rule.sku):
                problems.append((loc, f"requires {needed!r}, which requires {rule.sku!r} back"))
    return problems


def _cycle(by_sku: dict[str, ServiceRule], start: str, target: str) -> bool:
    seen: set[str] = set()
    todo = [start]
    while todo:
        sku = todo.pop()
        if sku == target:
            return True
        if sku in seen or sku not in by_sku:
            continue
        seen.add(sku)
        todo.extend(by_sku[sku].requires)
    return False


def _load(text: str) -> tuple[Any, dict[Loc, int]]:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        lines: dict[Loc, int] = {}
        if node is not None:
            problems: list[str] = []
            _walk(node, (), lines, problems, [0])
            if problems:
                raise ServicesRulesInvalidText(problems)
        return (loader.construct_document(node) if node is not None else None), lines
    except yaml.YAMLError as exc:
        raise ServicesRulesInvalidText([_yaml_error(exc)]) from None
    finally:
        loader.dispose()


def _walk(node: Any, loc: Loc, lines: dict[Loc, int], problems: list[str], seen: list[int]) -> None:
    seen[0] += 1
    if seen[0] > MAX_NODES:
        if len(problems) == 0 or not problems[-1].startswith("the file has more"):
            problems.append(f"the file has more than {MAX_NODES} values")
        return
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        keys: set[object] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else repr(key_node)
            line = key_node.start_mark.line + 1
            if key in keys:
                problems.append(f"line {line}: key {key!r} appears twice in the same mapping")
            keys.add(key)
            lines[(*loc, key)] = line
            _walk(value_node, (*loc, key), lines, problems, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*loc, index), lines, problems, seen)


def _yaml_error(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if mark is None:
        return f"not valid YAML: {problem}"
    return f"line {mark.line + 1}, column {mark.column + 1}: not valid YAML: {problem}"


def _errors(exc: ValidationError) -> Iterable[tuple[Loc, str]]:
    for error in exc.errors():
        loc: Loc = tuple(error["loc"])
        fields = [str(p) for p in loc[2:]] if loc[:1] == ("services",) else [str(p) for p in loc]
        where = ".".join(fields)
        if error["type"] == "extra_forbidden":
            message = f"unknown key {str(loc[-1])!r}"
        else:
            message = error["msg"].removeprefix("Value error, ")
            if where:
                message = f"{where}: {message}"
        yield loc, message
