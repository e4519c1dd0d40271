"""Another process that commits one event: `python -m tests.bus.publish_process THING_ID`.

Settings come from the environment (SHOPKEEPER_*), like any shopkeeper process.
"""

from __future__ import annotations

import asyncio
import sys
import uuid

from shopkeeper.bootstrap import build_container
from shopkeeper.bus import publish
from shopkeeper.db import unit_of_work
from shopkeeper.settings import load_settings
from tests.bus.support import ThingHappened


async def main(thing_id: uuid.UUID) -> None:
    container = build_container(load_settings())
    try:
        async with unit_of_work(container.sessions) as session:
            publish(session, ThingHappened(thing_id=thing_id))
    finally:
        await container.close()


if __name__ == "__main__":
    asyncio.run(main(uuid.UUID(sys.argv[1])))
