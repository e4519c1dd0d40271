"""HTTP: POST /api/v1/shops/{shop}/checkout/finalize (the cart's owner, as for /cart)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request, Response, status

from shopkeeper.checkout.cart.deps import CartOwnerDep, ViewStoreDep
from shopkeeper.checkout.finalize.flow import finalize_checkout
from shopkeeper.checkout.finalize.schemas import FinalizeRequest, FinalizeResult
from shopkeeper.checkout.finalize.service import FinalizeContext
from shopkeeper.checkout.shipping import calendar_client
from shopkeeper.deps import ContainerDep, SessionDep

router = APIRouter(prefix="/api/v1/shops/{shop}", tags=["checkout"])


@router.post("/checkout/finalize", status_code=status.HTTP_201_CREATED)
async def finalize(
    data: FinalizeRequest,
    request: Request,
    response: Response,
    caller: CartOwnerDep,
    session: SessionDep,
    store: ViewStoreDep,
    container: ContainerDep,
) -> FinalizeResult:
    """201 with the new order and how to pay it; 200 with the same order on a repeat.

    422 lists what is missing (`missing`); 409 when the total is no longer `expected_total`
    or stock ran out; 404 when the cart is not the caller's."""
    await session.commit()  # finalisation runs its own transactions (the gateway: outside)
    ctx = FinalizeContext(
        sessions=container.sessions, store=store, calendar=calendar_client(container),
        clock=container.clock,
        order_ttl=timedelta(minutes=container.settings.order_ttl_minutes),
    )  # fmt: skip
    ip = request.client.host if request.client else None
    result = await finalize_checkout(container, ctx, shop=caller.shop, owner=caller.owner,
                                     data=data, ip=ip)  # fmt: skip
    if not result.created:
        response.status_code = status.HTTP_200_OK
    return result
