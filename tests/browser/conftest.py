"""Browser tests: the real app under uvicorn on a free loopback port, driven by Chromium.

Skipped when /usr/bin/chromium is absent, unless SHOPKEEPER_TEST_BROWSER=1 (then they fail).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright

from shopkeeper.app import create_app
from shopkeeper.bootstrap import Container
from shopkeeper.settings import Settings
from tests.browser.support import serve_app
from tests.conftest import make_settings
from tests.web.seed import World

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, login_delay_seconds=0, log_json=False)


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("SHOPKEEPER_TEST_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing and SHOPKEEPER_TEST_BROWSER=1")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture
def live_server(settings: Settings) -> Iterator[str]:
    """The whole app (its own container and engine) served from a background thread."""
    with serve_app(create_app(settings)) as url:
        yield url


@pytest.fixture
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        await browser.close()


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def world(container: Container) -> World:
    return World(container)
