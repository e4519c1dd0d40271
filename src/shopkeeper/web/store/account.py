"""The customer's account: subscriptions (days left, cancel at period end / undo, change of
plan), orders with their invoices, and the accounts linked to them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from shopkeeper import invoices, orders, subscriptions
from shopkeeper.bots import discord
from shopkeeper.deps import ClockDep, ContainerDep, SessionDep
from shopkeeper.errors import AppError
from shopkeeper.web.store import offers, purchase
from shopkeeper.web.store.checkout import pay_order
from shopkeeper.web.store.deps import CsrfDep, StoreDep, Storefront
from shopkeeper.web.store.errors import ProductUnavailable, StoreRoute

router = APIRouter(prefix="/s/{shop}/account", route_class=StoreRoute, include_in_schema=False)
RECENT_ORDERS = 20
OPEN_CHANGES = ("awaiting_payment", "scheduled")
LIVE = ("trialing", "active", "past_due")


@dataclass(frozen=True)
class PlanOption:
    """Another tier the subscription could move to, as the shop's rules would do it now."""

    card: offers.Card
    preview: subscriptions.PlanChangePreview | None
    refusal: str = ""


@dataclass(frozen=True)
class SubscriptionRow:
    subscription: subscriptions.CustomerSubscription
    open_change: subscriptions.PlanChangeRead | None
    options: list[PlanOption]

    @property
    def live(self) -> bool:
        return self.subscription.status in LIVE


@router.get("", name="store_account")
async def account(store: StoreDep, session: SessionDep, clock: ClockDep,
                  container: ContainerDep) -> Response:  # fmt: skip
    visitor = store.require_visitor()
    customer = visitor.customer
    now = clock.now()
    mine = await subscriptions.list_customer_subscriptions(
        session, shop_id=store.shop.id, customer_id=customer.id, now=now, include_ended=True
    )
    tiers = (await offers.shelf(session, shop=store.shop)).tiers
    rows = [await _row(session, store, s, tiers, now) for s in mine]
    recent = await orders.list_orders(session, shop_id=store.shop.id, customer_id=customer.id,
                                      limit=RECENT_ORDERS)  # fmt: skip
    context = {
        "rows": rows, "orders": recent.items, "tiers": {c.product.id: c for c in tiers},
        "discord_accounts": await discord.linked_accounts(session, customer=customer),
        "discord_available": await discord.sign_in_available(session, container, store.shop.id),
        "emails": [i.value for i in customer.identities if i.kind == "email"],
        "notice": store.request.query_params.get("done", ""),
    }  # fmt: skip
    return store.render("store/account.html", context)


async def _row(session: SessionDep, store: Storefront, sub: subscriptions.CustomerSubscription,
               tiers: list[offers.Card], now: datetime) -> SubscriptionRow:  # fmt: skip
    if sub.status not in LIVE:
        return SubscriptionRow(sub, None, [])
    changes = await subscriptions.list_plan_changes(session, shop_id=store.shop.id,
                                                    subscription_id=sub.id)  # fmt: skip
    open_change = next((c for c in changes if c.status in OPEN_CHANGES), None)
    options = []
    if open_change is None:
        for card in tiers:
            if card.product.id != sub.product_id:
                options.append(await _option(session, store, sub, card, now))
    return SubscriptionRow(sub, open_change, options)


async def _option(session: SessionDep, store: Storefront, sub: subscriptions.CustomerSubscription,
                  card: offers.Card, now: datetime) -> PlanOption:  # fmt: skip
    visitor = store.require_visitor()
    try:
        preview = await subscriptions.preview_change(
            session, store.shop.id, sub.id, card.product.id, now,
            customer_id=visitor.customer.id,
        )  # fmt: skip
    except AppError as exc:
        return PlanOption(card, None, exc.detail)
    return PlanOption(card, preview)


def _back(store: Storefront, done: str) -> Response:
    return RedirectResponse(f"{store.base}/account?done={done}", status_code=303)


@router.post("/subscriptions/{subscription_id}/cancel", dependencies=[CsrfDep])
async def cancel(subscription_id: uuid.UUID, store: StoreDep, session: SessionDep,
                 clock: ClockDep) -> Response:  # fmt: skip
    """Stop at the end of the period (the customer keeps what they paid for)."""
    visitor = store.require_visitor()
    await subscriptions.cancel_at_period_end(
        session, shop_id=store.shop.id, subscription_id=subscription_id, now=clock.now(),
        customer_id=visitor.customer.id,
    )  # fmt: skip
    return _back(store, "cancelled")


@router.post("/subscriptions/{subscription_id}/resume", dependencies=[CsrfDep])
async def resume(subscription_id: uuid.UUID, store: StoreDep, session: SessionDep,
                 clock: ClockDep) -> Response:  # fmt: skip
    visitor = store.require_visitor()
    await subscriptions.undo_cancel(
        session, shop_id=store.shop.id, subscription_id=subscription_id, now=clock.now(),
        customer_id=visitor.customer.id,
    )  # fmt: skip
    return _back(store, "resumed")


@router.get("/subscriptions/{subscription_id}/change")
async def change_preview(subscription_id: uuid.UUID, store: StoreDep, session: SessionDep,
                         clock: ClockDep, to: uuid.UUID) -> Response:  # fmt: skip
    """What moving to the plan `to` does now: when, and what it costs."""
    visitor = store.require_visitor()
    card = await offers.find_card(session, shop=store.shop, key=str(to))
    if card is None:
        raise ProductUnavailable()
    preview = await subscriptions.preview_change(
        session, store.shop.id, subscription_id, to, clock.now(), customer_id=visitor.customer.id
    )
    return store.render("store/change.html", {"preview": preview, "card": card})


@router.post("/subscriptions/{subscription_id}/change", dependencies=[CsrfDep])
async def change(
    request: Request, subscription_id: uuid.UUID, store: StoreDep, session: SessionDep,
    clock: ClockDep, container: ContainerDep, to: uuid.UUID = Form(...),
) -> Response:  # fmt: skip
    """Make the change; an upgrade with something to pay goes on to the payment."""
    visitor = store.require_visitor()
    actor = purchase.customer_actor(visitor.customer.id, request.client.host if request.client
                                    else None)  # fmt: skip
    outcome = await subscriptions.change_plan(
        session, store.shop.id, subscription_id, to, clock.now(),
        customer_id=visitor.customer.id, actor=actor,
    )  # fmt: skip
    if outcome.change.order_id is None or outcome.change.status != "awaiting_payment":
        return _back(store, "changed")
    order = await orders.get_order(session, shop_id=store.shop.id,
                                   order_id=outcome.change.order_id)  # fmt: skip
    gateway = await purchase.gateway_for(session, shop_id=store.shop.id)
    await session.commit()
    return await pay_order(request, store, container, order, gateway)


@router.post("/subscriptions/{subscription_id}/change/undo", dependencies=[CsrfDep])
async def undo_change(request: Request, subscription_id: uuid.UUID, store: StoreDep,
                      session: SessionDep, clock: ClockDep) -> Response:  # fmt: skip
    visitor = store.require_visitor()
    actor = purchase.customer_actor(visitor.customer.id, request.client.host if request.client
                                    else None)  # fmt: skip
    await subscriptions.undo_change(session, shop_id=store.shop.id,
                                    subscription_id=subscription_id, now=clock.now(),
                                    customer_id=visitor.customer.id, actor=actor)  # fmt: skip
    return _back(store, "change_undone")


@router.get("/orders/{order_id}/invoice.pdf")
async def invoice_pdf(order_id: uuid.UUID, store: StoreDep, session: SessionDep) -> Response:
    """The invoice of one of the customer's own paid orders."""
    visitor = store.require_visitor()
    order = await orders.get_order(session, shop_id=store.shop.id, order_id=order_id)
    if order.customer_id != visitor.customer.id:
        raise orders.OrderNotFound()
    invoice, pdf = await invoices.order_invoice_pdf(session, shop_id=store.shop.id,
                                                    order_id=order_id)  # fmt: skip
    filename = invoice.number.replace("/", "-") + ".pdf"
    return Response(content=pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "private, no-store",
    })  # fmt: skip
