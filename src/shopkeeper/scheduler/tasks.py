"""A scheduled task as a context declares it in its `TASKS` table, and how it is called."""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from shopkeeper.scheduler.schedules import Cron, Interval, Schedule

TaskFunction = Callable[..., Awaitable[Any]]

# What a task function may ask for, by parameter name.
INJECTABLE = ("session", "now", "clock", "settings", "container")
_NAME = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


class TaskDefinitionError(ValueError):
    """A task in a TASKS table is malformed; the message names it."""


@dataclass(frozen=True)
class Task:
    """`Task("billing.renew", renew, every=timedelta(hours=1))` or `cron="0 6 * * *"` (UTC).

    `run` is an async function asking by name for any of session, now, clock, settings,
    container; it runs in its own transaction, committed when it returns. `lease` bounds how
    long a claim by a crashed worker keeps others from running the job.
    """

    name: str
    run: TaskFunction
    every: timedelta | None = None
    cron: str | None = None
    lease: timedelta = timedelta(minutes=10)
    schedule: Schedule = field(init=False, repr=False, compare=False)
    wants: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not _NAME.match(self.name) or len(self.name) > 100:
            raise TaskDefinitionError(f"task name {self.name!r} must look like <context>.<verb>")
        object.__setattr__(self, "schedule", self._schedule())
        object.__setattr__(self, "wants", self._wants())
        if self.lease < timedelta(seconds=1):
            raise TaskDefinitionError(f"task {self.name}: lease must be at least one second")

    def _schedule(self) -> Schedule:
        if (self.every is None) == (self.cron is None):
            raise TaskDefinitionError(f"task {self.name}: give exactly one of every= or cron=")
        try:
            return Interval(self.every) if self.every is not None else Cron(str(self.cron))
        except ValueError as exc:
            raise TaskDefinitionError(f"task {self.name}: {exc}") from None

    def _wants(self) -> tuple[str, ...]:
        if not inspect.iscoroutinefunction(self.run):
            raise TaskDefinitionError(f"task {self.name}: run must be an async function")
        names = tuple(inspect.signature(self.run).parameters)
        unknown = [n for n in names if n not in INJECTABLE]
        if unknown:
            raise TaskDefinitionError(
                f"task {self.name}: cannot provide {', '.join(unknown)}; "
                f"ask for any of {', '.join(INJECTABLE)}"
            )
        return names

    async def invoke(self, *, session: Any, now: datetime, container: Any) -> None:
        """Call the function with the arguments it asked for."""
        available = {
            "session": session,
            "now": now,
            "clock": container.clock,
            "settings": container.settings,
            "container": container,
        }
        await self.run(**{name: available[name] for name in self.wants})


def load_tasks(module_names: Iterable[str]) -> list[Task]:
    """Import each module and collect its TASKS; a missing table or a duplicate name is an error."""
    tasks: dict[str, Task] = {}
    for module_name in module_names:
        module = importlib.import_module(module_name)
        table = getattr(module, "TASKS", None)
        if table is None:
            raise TaskDefinitionError(f"module {module_name} has no TASKS table")
        for task in table:
            if not isinstance(task, Task):
                raise TaskDefinitionError(f"{module_name}.TASKS holds {task!r}, not a Task")
            if task.name in tasks:
                raise TaskDefinitionError(f"task {task.name} is defined twice")
            tasks[task.name] = task
    return list(tasks.values())
