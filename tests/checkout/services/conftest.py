"""Fixtures of the services tests: a frozen-clock container (tests/builders/fixtures.py)."""

from tests.builders.fixtures import container

__all__ = ["container"]
