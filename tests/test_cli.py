"""The CLI as an operator uses it: help, migrate, create-admin, demo (twice), keygen."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import TEST_FERNET_KEY


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shopkeeper", *args],
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "SHOPKEEPER_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}",
        "SHOPKEEPER_SECRET_KEY": "cli-test-secret-0123456789abcdef0123456789",
        "SHOPKEEPER_ENCRYPTION_KEYS": TEST_FERNET_KEY,
    }


def scalar(env: dict[str, str], sql: str) -> object:
    url = env["SHOPKEEPER_DATABASE_URL"].replace("+aiosqlite", "")
    with create_engine(url).connect() as conn:
        return conn.execute(text(sql)).scalar()


def test_help_lists_every_command(env: dict[str, str], tmp_path: Path) -> None:
    result = run_cli("--help", env=env, cwd=tmp_path)
    assert result.returncode == 0
    for command in ("serve", "api", "worker", "migrate", "demo", "create-admin", "keygen"):
        assert command in result.stdout


def test_create_admin_then_duplicate_is_refused(env: dict[str, str], tmp_path: Path) -> None:
    assert run_cli("migrate", env=env, cwd=tmp_path).returncode == 0
    args = ("create-admin", "--email", "Root@Example.com", "--password", "long-enough-pw")
    first = run_cli(*args, env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert scalar(env, "select is_superuser from identity_staff_user") == 1
    assert scalar(env, "select email from identity_staff_user") == "root@example.com"
    again = run_cli(*args, env=env, cwd=tmp_path)
    assert again.returncode == 1
    assert "already" in again.stderr.lower()
    assert scalar(env, "select count(*) from identity_staff_user") == 1


def test_create_admin_rejects_a_short_password(env: dict[str, str], tmp_path: Path) -> None:
    run_cli("migrate", env=env, cwd=tmp_path)
    result = run_cli(
        "create-admin", "--email", "a@example.com", "--password", "x", env=env, cwd=tmp_path
    )
    assert result.returncode == 1
    assert scalar(env, "select count(*) from identity_staff_user") == 0


def test_demo_creates_data_and_can_run_twice(env: dict[str, str], tmp_path: Path) -> None:
    demo_env = {
        "SHOPKEEPER_DATABASE_URL": env["SHOPKEEPER_DATABASE_URL"],
        "SHOPKEEPER_DEMO": "1",
        "SHOPKEEPER_ADMIN_PASSWORD": "first-password",
    }
    first = run_cli("demo", env=demo_env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "first-password" in first.stdout
    shops = scalar(env, "select count(*) from shop")
    customers = scalar(env, "select count(*) from identity_customer")
    assert shops == 6 and customers == 24
    paid = "select count(*) from orders_order where state = 'paid'"
    assert scalar(env, paid) == 5  # one sandbox sale per shop but Domus (its stock is for checkout)
    domus = ("select count(*) from catalog_product p join shop s on s.id = p.shop_id "
             "where s.slug = 'domus'")  # fmt: skip
    assert scalar(env, domus) == 23
    assert scalar(env, "select count(*) from payments_payment where status = 'succeeded'") == 5

    second = run_cli(
        "demo", env={**demo_env, "SHOPKEEPER_ADMIN_PASSWORD": "second-password"}, cwd=tmp_path
    )
    assert second.returncode == 0, second.stderr
    assert scalar(env, "select count(*) from shop") == shops
    assert scalar(env, "select count(*) from identity_customer") == customers
    assert scalar(env, "select count(*) from orders_order") == 5
    assert scalar(env, domus) == 23


def test_keygen_prints_usable_keys(env: dict[str, str], tmp_path: Path) -> None:
    result = run_cli("keygen", env={}, cwd=tmp_path)
    assert result.returncode == 0
    values = dict(line.split("=", 1) for line in result.stdout.strip().splitlines())
    from shopkeeper.settings import load_settings

    settings = load_settings(
        secret_key=values["SHOPKEEPER_SECRET_KEY"],
        encryption_keys=values["SHOPKEEPER_ENCRYPTION_KEYS"],
    )
    assert len(settings.encryption_keys) == 1


def test_demo_large_fills_the_sales_rollup_from_its_orders(
    env: dict[str, str], tmp_path: Path
) -> None:
    """The bulk-written history is in the dashboard's rollup too (and the planner has stats)."""
    demo_env = {
        "SHOPKEEPER_DATABASE_URL": env["SHOPKEEPER_DATABASE_URL"],
        "SHOPKEEPER_DEMO": "1",
        "SHOPKEEPER_ADMIN_PASSWORD": "first-password",
    }
    args = ("demo", "--large", "--large-orders", "400", "--large-customers", "40")
    result = run_cli(*args, env=demo_env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    outlet = "(select id from shop where slug = 'outlet')"
    from_orders = scalar(
        env, f"select sum(paid_amount) - sum(refunded_amount) from orders_order "
        f"where paid_at is not null and shop_id = {outlet}",
    )  # fmt: skip
    from_rollup = scalar(
        env, f"select sum(amount) - sum(refunded) from orders_sales_bucket "
        f"where product_id = '{'0' * 32}' and shop_id = {outlet}",
    )  # fmt: skip
    assert from_orders == from_rollup and isinstance(from_orders, int) and from_orders > 0
    assert scalar(env, "select count(*) from sqlite_stat1") > 0  # ANALYZE ran
