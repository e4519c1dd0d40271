"""Every HTTP router the app mounts, in one list (a context adds its router here)."""

from __future__ import annotations

from fastapi import APIRouter

from shopkeeper.audit.router import router as audit_router
from shopkeeper.identity.router import router as identity_router
from shopkeeper.observability import health_router, metrics_router
from shopkeeper.shops.router import router as shops_router
from shopkeeper.web.admin.router import router as admin_router

ROUTERS: list[APIRouter] = [admin_router, identity_router, shops_router, audit_router]
ROUTERS += [health_router, metrics_router]
