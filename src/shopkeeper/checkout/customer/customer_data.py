"""Customer data of a checkout: who buys (email, phone, name) and the invoice they want."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import bus
from shopkeeper.checkout.cart import CartOwner, find_cart
from shopkeeper.checkout.customer.errors import CustomerCartNotFound
from shopkeeper.checkout.customer.events import CustomerDataProvided
from shopkeeper.checkout.customer.models import CustomerData
from shopkeeper.checkout.customer.repository import CustomerRepository
from shopkeeper.checkout.customer.schemas import CustomerDataRead, CustomerDataWrite, InvoiceData


def _read(row: CustomerData) -> CustomerDataRead:
    return CustomerDataRead(
        cart_id=row.cart_id, email=row.email, phone=row.phone, name=row.name,
        invoice=InvoiceData.model_construct(**row.invoice) if row.invoice else None,
        version=row.version, updated_at=row.updated_at,
    )  # fmt: skip


async def get_customer_data(
    session: AsyncSession, *, shop_id: uuid.UUID, cart_id: uuid.UUID
) -> CustomerDataRead | None:
    """The cart's customer data (None: not given yet)."""
    row = await CustomerRepository(session).customer_data(shop_id, cart_id)
    return None if row is None else _read(row)


async def customer_data_of(
    session: AsyncSession, *, shop_id: uuid.UUID, owner: CartOwner
) -> CustomerDataRead | None:
    """The customer data of the owner's cart (None: no cart, or nothing given yet)."""
    cart = await find_cart(session, shop_id=shop_id, owner=owner)
    if cart is None:
        return None
    return await get_customer_data(session, shop_id=shop_id, cart_id=cart.id)


async def provide_customer_data(
    session: AsyncSession, *, shop_id: uuid.UUID, owner: CartOwner, data: CustomerDataWrite,
    now: datetime,
) -> CustomerDataRead:  # fmt: skip
    """Store (or replace) the owner's cart's customer data; publishes customer_data_provided."""
    cart = await find_cart(session, shop_id=shop_id, owner=owner, lock=True)
    if cart is None:
        raise CustomerCartNotFound()
    repo = CustomerRepository(session)
    row = await repo.customer_data(shop_id, cart.id)
    if row is None:
        row = CustomerData(cart_id=cart.id, shop_id=shop_id, version=0, created_at=now)
        repo.add(row)
    row.email, row.phone, row.name = data.email, data.phone, data.name
    row.invoice = data.invoice.model_dump(mode="json") if data.invoice else None
    row.version += 1
    row.updated_at = now
    await session.flush()
    bus.publish(
        session,
        CustomerDataProvided(
            cart_id=cart.id, shop_id=shop_id, customer_id=cart.customer_id, version=row.version,
            invoice=data.invoice is not None,
            invoice_country=data.invoice.country if data.invoice else None,
        ),
        now=now,
    )  # fmt: skip
    return _read(row)
