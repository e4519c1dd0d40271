"""A worker process for the kill tests: the bus with tests.bus.support's handlers, until killed.

Settings come from the environment (SHOPKEEPER_*), like `shopkeeper worker`.
"""

from __future__ import annotations

import asyncio

from shopkeeper.bootstrap import build_container
from shopkeeper.bus import run_bus
from shopkeeper.settings import load_settings


async def main() -> None:
    container = build_container(load_settings())
    container.handler_modules = ["tests.bus.support"]
    try:
        await run_bus(container)
    finally:
        await container.close()


if __name__ == "__main__":
    asyncio.run(main())
