"""The checkout_session migration matches its model; the session's events and handlers are
registered under the names and topics the issue gives."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from shopkeeper.bootstrap import HANDLER_MODULES
from shopkeeper.bus.events import event_type
from shopkeeper.bus.registry import load_registry
from shopkeeper.checkout import session as checkout_session
from shopkeeper.checkout.warranty.events import WarrantySelected
from shopkeeper.models import Base


async def test_migrated_session_table_matches_the_model(database_url: str) -> None:
    engine = create_async_engine(database_url)

    def differences(connection):  # type: ignore[no-untyped-def]
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with engine.connect() as connection:
        diff = await connection.run_sync(differences)
    await engine.dispose()
    assert [d for d in diff if "checkout_session" in repr(d)] == []


def test_event_names_and_topics() -> None:
    expected = {
        checkout_session.ShippingMethodSelected: ("shipping.shipping_method_selected.v1",
                                                  "shipping-events"),
        checkout_session.ShippingAddressProvided: ("shipping.shipping_address_provided.v1",
                                                   "shipping-events"),
        checkout_session.DeliveryDateSelected: ("shipping.delivery_date_selected.v1",
                                                "shipping-events"),
        checkout_session.PromotionApplied: ("promotions.promotion_applied.v1",
                                            "promotions-events"),
        checkout_session.PromotionRemoved: ("promotions.promotion_removed.v1",
                                            "promotions-events"),
        checkout_session.PromoCodeApplied: ("promotions.promo_code_applied.v1",
                                            "promotions-events"),
        checkout_session.PromoCodeInvalid: ("promotions.promo_code_invalid.v1",
                                            "promotions-events"),
        WarrantySelected: ("warranty.warranty_selected.v1", "warranty-events"),
    }  # fmt: skip
    for cls, (name, topic) in expected.items():
        assert (cls.name, cls.topic()) == (name, topic)
        assert event_type(name) is cls  # one class per name in the registry


def test_the_session_listens_to_every_cart_item_event() -> None:
    registry = load_registry(HANDLER_MODULES)
    for name in ("cart.item_added.v1", "cart.item_removed.v1", "cart.item_quantity_changed.v1"):
        identities = {s.identity for s in registry.for_event(name)}
        assert "shopkeeper.checkout.session.handlers:on_cart_changed" in identities
