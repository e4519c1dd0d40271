"""SQL of the services rules (one row per shop that saved its own)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.checkout.services.models import StoredServicesRules


class ServicesRulesRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, shop_id: uuid.UUID) -> StoredServicesRules | None:
        stmt = select(StoredServicesRules).where(StoredServicesRules.shop_id == shop_id)
        return await self.session.scalar(stmt.execution_options(populate_existing=True))

    def add(self, row: StoredServicesRules) -> None:
        self.session.add(row)

    async def replace(
        self,
        shop_id: uuid.UUID,
        *,
        expected_version: int,
        yaml: str,
        updated_by: str,
        now: datetime,
    ) -> bool:
        """Write the new text only if the row is still at `expected_version` (False if not)."""
        stmt = (
            update(StoredServicesRules)
            .where(
                StoredServicesRules.shop_id == shop_id,
                StoredServicesRules.version == expected_version,
            )
            .values(yaml=yaml, version=expected_version + 1, updated_by=updated_by, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(stmt)
        return bool(getattr(result, "rowcount", 0))
