"""Scheduled jobs: contexts declare `TASKS`; workers run each due job once, claimed in the DB.

A context lists `Task("<context>.<verb>", fn, every=timedelta(...))` or `cron="0 6 * * *"`
(UTC) in its `tasks.py` and adds the module to `bootstrap.TASK_MODULES`. `fn` is async and
asks by parameter name for session, now, clock, settings or container; it runs in its own
transaction. Public: `Task`, `scheduler_loop(container)` (the worker's loop),
`run_due_jobs(container, tasks=None, now=None)`, `run_job(container, name)`,
`list_jobs(container)`. A job is claimed by a conditional UPDATE with a lease, so with several
workers each due run happens once, and a crashed worker's claim expires. No events.
"""

from shopkeeper.scheduler.errors import JobBusy, JobNotFound
from shopkeeper.scheduler.runner import (
    list_jobs,
    registered_tasks,
    run_due_jobs,
    run_job,
    scheduler_loop,
)
from shopkeeper.scheduler.schedules import Cron, Interval, Schedule
from shopkeeper.scheduler.schemas import JobRead
from shopkeeper.scheduler.tasks import Task, TaskDefinitionError, load_tasks

__all__ = [
    "Cron",
    "Interval",
    "JobBusy",
    "JobNotFound",
    "JobRead",
    "Schedule",
    "Task",
    "TaskDefinitionError",
    "list_jobs",
    "load_tasks",
    "registered_tasks",
    "run_due_jobs",
    "run_job",
    "scheduler_loop",
]
