"""HTTP: a shop's webhook endpoints, their delivery log, manual resend and test pings.

Routes that POST to an endpoint first end the request's own transaction (the access check
read in it): no database transaction stays open while a remote server answers.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from shopkeeper.deps import ContainerDep, SessionDep
from shopkeeper.integrations import endpoints, operations
from shopkeeper.integrations.schemas import (
    DeliveryRead,
    DeliveryStatus,
    EndpointCreate,
    EndpointRead,
    EndpointUpdate,
    EndpointWithSecret,
    SendResult,
)
from shopkeeper.kit.pagination import Page
from shopkeeper.shops import ShopAccess, require

router = APIRouter(prefix="/api/v1/shops/{shop}/webhooks", tags=["integrations"])
Manage = Annotated[ShopAccess, require("settings.manage")]
Read = Annotated[ShopAccess, require("shop.read")]


@router.get("")
async def list_endpoints(session: SessionDep, access: Read) -> list[EndpointRead]:
    return await endpoints.list_endpoints(session, shop_id=access.shop.id)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_endpoint(
    data: EndpointCreate, session: SessionDep, access: Manage, container: ContainerDep
) -> EndpointWithSecret:
    """Register an endpoint; the signing secret in the answer is shown only this once."""
    return await endpoints.create_endpoint(
        session, shop_id=access.shop.id, data=data, actor=access.actor,
        secrets=container.secrets, settings=container.settings, now=container.clock.now(),
    )  # fmt: skip


@router.get("/{endpoint_id}")
async def get_endpoint(endpoint_id: uuid.UUID, session: SessionDep, access: Read) -> EndpointRead:
    return await endpoints.get_endpoint(session, shop_id=access.shop.id, endpoint_id=endpoint_id)


@router.patch("/{endpoint_id}")
async def update_endpoint(
    endpoint_id: uuid.UUID, data: EndpointUpdate, session: SessionDep, access: Manage,
    container: ContainerDep,
) -> EndpointRead:  # fmt: skip
    return await endpoints.update_endpoint(
        session, shop_id=access.shop.id, endpoint_id=endpoint_id, data=data,
        actor=access.actor, settings=container.settings, now=container.clock.now(),
    )  # fmt: skip


@router.delete("/{endpoint_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_endpoint(
    endpoint_id: uuid.UUID, session: SessionDep, access: Manage, container: ContainerDep
) -> Response:
    await endpoints.delete_endpoint(
        session, shop_id=access.shop.id, endpoint_id=endpoint_id, actor=access.actor,
        now=container.clock.now(),
    )  # fmt: skip
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{endpoint_id}/rotate-secret")
async def rotate_secret(
    endpoint_id: uuid.UUID, session: SessionDep, access: Manage, container: ContainerDep
) -> EndpointWithSecret:
    """A new signing secret, shown this once; the old one stops at once."""
    return await endpoints.rotate_secret(
        session, shop_id=access.shop.id, endpoint_id=endpoint_id, actor=access.actor,
        secrets=container.secrets, now=container.clock.now(),
    )  # fmt: skip


@router.post("/{endpoint_id}/test")
async def test_endpoint(
    endpoint_id: uuid.UUID, session: SessionDep, access: Manage, container: ContainerDep
) -> SendResult:
    """POST a signed `webhook.test` message now and return what the endpoint answered."""
    await session.commit()
    return await operations.send_test(container, shop_id=access.shop.id, endpoint_id=endpoint_id)


@router.get("/{endpoint_id}/deliveries")
async def list_deliveries(
    endpoint_id: uuid.UUID,
    session: SessionDep,
    access: Read,
    delivery_status: Annotated[DeliveryStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Page[DeliveryRead]:
    """Newest first, each with every attempt (status code, response excerpt, error, time)."""
    return await operations.list_deliveries(
        session, shop_id=access.shop.id, endpoint_id=endpoint_id, status=delivery_status,
        limit=limit, offset=offset,
    )  # fmt: skip


@router.post("/{endpoint_id}/deliveries/{delivery_id}/retry")
async def retry_delivery(
    endpoint_id: uuid.UUID, delivery_id: uuid.UUID, session: SessionDep, access: Manage,
    container: ContainerDep,
) -> DeliveryRead:  # fmt: skip
    """Send the delivery again now (same webhook-id) and return it with the new attempt."""
    await session.commit()
    return await operations.retry_delivery(
        container, shop_id=access.shop.id, endpoint_id=endpoint_id, delivery_id=delivery_id,
        actor=access.actor,
    )  # fmt: skip
