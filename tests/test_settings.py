"""Settings: a wrong value stops start-up with a message that names the setting."""

from __future__ import annotations

import subprocess
import sys

import pytest

from shopkeeper.settings import SettingsError, load_settings
from tests.conftest import TEST_FERNET_KEY

GOOD = {"secret_key": "x" * 40, "encryption_keys": TEST_FERNET_KEY}


def test_defaults_are_the_embedded_shape() -> None:
    settings = load_settings(**GOOD)
    assert settings.database_url == "sqlite+aiosqlite:///./shopkeeper.db"
    assert settings.broker_url == "memory://"
    assert settings.is_sqlite


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"database_url": "mysql://x"}, "SHOPKEEPER_DATABASE_URL"),
        ({"broker_url": "carrier-pigeon://coop"}, "SHOPKEEPER_BROKER_URL"),
        ({"encryption_keys": "not-a-key"}, "SHOPKEEPER_ENCRYPTION_KEYS"),
        ({"secret_key": "short"}, "SHOPKEEPER_SECRET_KEY"),
        ({"access_token_minutes": 0}, "SHOPKEEPER_ACCESS_TOKEN_MINUTES"),
    ],
)
def test_wrong_setting_is_named(overrides: dict[str, object], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        load_settings(**{**GOOD, **overrides})


def test_secret_key_required_outside_demo() -> None:
    with pytest.raises(SettingsError, match="SHOPKEEPER_SECRET_KEY is required"):
        load_settings(encryption_keys=TEST_FERNET_KEY)


def test_demo_mode_derives_secrets() -> None:
    settings = load_settings(demo=True)
    assert len(settings.secret_key) >= 32
    assert len(settings.encryption_keys) == 1


def test_postgres_url_is_normalised_to_asyncpg() -> None:
    settings = load_settings(**GOOD, database_url="postgresql://u@localhost/db")
    assert settings.database_url == "postgresql+asyncpg://u@localhost/db"


def test_cli_start_up_fails_clearly_on_a_wrong_setting(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {
        "SHOPKEEPER_BROKER_URL": "carrier-pigeon://coop",
        "PATH": "/usr/bin:/bin",
        "SHOPKEEPER_SECRET_KEY": "x" * 40,
        "SHOPKEEPER_ENCRYPTION_KEYS": TEST_FERNET_KEY,
    }
    result = subprocess.run(
        [sys.executable, "-m", "shopkeeper", "migrate"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "SHOPKEEPER_BROKER_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_setting_is_documented() -> None:
    from pathlib import Path

    from shopkeeper.settings import Settings

    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text()
    example = (root / ".env.example").read_text()
    for field in Settings.model_fields:
        if field in ("demo", "database_echo"):
            continue
        name = field.upper()
        assert name in readme, f"{name} missing from README.md"
        assert f"SHOPKEEPER_{name}" in example, f"SHOPKEEPER_{name} missing from .env.example"
