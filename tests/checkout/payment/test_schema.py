"""The checkout_payment_attempt migration matches its model; the payment's events go out under
the issue's names on payment-events; its consumers are registered with the bus."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from shopkeeper.bootstrap import HANDLER_MODULES
from shopkeeper.bus.events import event_type
from shopkeeper.bus.registry import load_registry
from shopkeeper.checkout import payment
from shopkeeper.models import Base


async def test_migrated_attempt_table_matches_the_model(database_url: str) -> None:
    engine = create_async_engine(database_url)

    def differences(connection):  # type: ignore[no-untyped-def]
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with engine.connect() as connection:
        diff = await connection.run_sync(differences)
    await engine.dispose()
    assert [d for d in diff if "checkout_payment_attempt" in repr(d)] == []


def test_event_names_and_topics() -> None:
    expected = {
        payment.PaymentMethodSelected: "payment.payment_method_selected.v1",
        payment.PaymentInitialized: "payment.payment_initialized.v1",
        payment.PaymentPending: "payment.payment_pending.v1",
        payment.PaymentSucceeded: "payment.payment_succeeded.v1",
        payment.PaymentFailed: "payment.payment_failed.v1",
        payment.PaymentRefunded: "payment.payment_refunded.v1",
    }
    for cls, name in expected.items():
        assert (cls.name, cls.topic()) == (name, "payment-events")
        assert event_type(name) is cls


def test_the_payment_consumes_the_cores_outcomes_and_shipping_choices() -> None:
    registry = load_registry(HANDLER_MODULES)
    handlers = "shopkeeper.checkout.payment.handlers"
    for name, handler in (
        ("payments.payment_succeeded.v1", "on_payment_succeeded"),
        ("payments.payment_failed.v1", "on_payment_failed"),
        ("payments.refund_succeeded.v1", "on_refund_succeeded"),
        ("shipping.shipping_method_selected.v1", "on_shipping_method_selected"),
    ):
        assert f"{handlers}:{handler}" in {s.identity for s in registry.for_event(name)}
