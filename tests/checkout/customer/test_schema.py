"""The checkout customer migration matches its models; its events have the issue's names and
topic."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from shopkeeper.bus.events import event_type
from shopkeeper.checkout.customer import ConsentsGiven, CustomerDataProvided
from shopkeeper.models import Base

TABLES = ("checkout_customer_data", "checkout_consent", "checkout_consent_version",
          "checkout_consent_acceptance")  # fmt: skip


async def test_migrated_tables_match_the_models(database_url: str) -> None:
    engine = create_async_engine(database_url)

    def differences(connection):  # type: ignore[no-untyped-def]
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with engine.connect() as connection:
        diff = await connection.run_sync(differences)
    await engine.dispose()
    assert [d for d in diff if any(t in repr(d) for t in TABLES)] == []


def test_event_names_and_topics() -> None:
    for cls, name in ((CustomerDataProvided, "checkout.customer_data_provided.v1"),
                      (ConsentsGiven, "checkout.consents_given.v1")):  # fmt: skip
        assert (cls.name, cls.topic()) == (name, "checkout-events")
        assert event_type(name) is cls
