"""`shopkeeper jobs list` and `shopkeeper jobs run NAME`."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
from typer.testing import CliRunner

from shopkeeper.cli import app
from shopkeeper.settings import get_settings
from tests.conftest import TEST_FERNET_KEY
from tests.scheduler.sample_tasks import JOB_LOG_ENV


@pytest.fixture
def cli_env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Settings for the CLI from the environment, and logging restored afterwards."""
    job_log = tmp_path / "jobs.log"
    for name, value in {
        "SHOPKEEPER_DATABASE_URL": database_url,
        "SHOPKEEPER_SECRET_KEY": "test-secret-key-0123456789abcdef0123456789",
        "SHOPKEEPER_ENCRYPTION_KEYS": TEST_FERNET_KEY,
        "SHOPKEEPER_EXTRA_TASK_MODULES": "tests.scheduler.sample_tasks",
        JOB_LOG_ENV: str(job_log),
        "COLUMNS": "200",  # a wide terminal, so Rich keeps each job on one line
    }.items():
        monkeypatch.setenv(name, value)
    config, root = structlog.get_config(), logging.getLogger()
    handlers, level = list(root.handlers), root.level
    get_settings.cache_clear()
    yield job_log
    get_settings.cache_clear()
    structlog.configure(**config)
    root.handlers, root.level = handlers, level


def test_jobs_list_then_run_one_now(cli_env: Path) -> None:
    runner = CliRunner()

    listed = runner.invoke(app, ["jobs", "list"])
    assert listed.exit_code == 0, listed.output
    assert "sample.tick" in listed.output and "every 1s" in listed.output
    assert "sample.yearly" in listed.output and "cron 0 0 1 1 *" in listed.output
    assert "never ran" in listed.output

    ran = runner.invoke(app, ["jobs", "run", "sample.yearly"])
    assert ran.exit_code == 0, ran.output
    assert "sample.yearly ran: ok" in ran.output
    assert cli_env.read_text().split()[0] == "sample.yearly"

    listed = runner.invoke(app, ["jobs", "list"])
    row = next(line for line in listed.output.splitlines() if "sample.yearly" in line)
    assert "ok" in row and " 1 " in row


def test_jobs_run_unknown_name_fails_clearly(cli_env: Path) -> None:
    result = CliRunner().invoke(app, ["jobs", "run", "sample.nothing"])
    assert result.exit_code == 1
    assert "no scheduled job named 'sample.nothing'" in result.output
