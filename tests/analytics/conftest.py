"""Fixtures of these tests: the container runs on the test's FrozenClock."""

from tests.builders.fixtures import container, settings

__all__ = ["container", "settings"]
