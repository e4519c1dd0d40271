"""What can go wrong when an operator asks for a job by name."""

from __future__ import annotations

from shopkeeper.errors import Conflict, NotFound


class JobNotFound(NotFound):
    """No registered task has that name."""


class JobBusy(Conflict):
    """Another worker holds a live claim on the job right now."""
