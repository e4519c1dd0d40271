"""Every HTTP router the app mounts, in one list (a context adds its router here)."""

from __future__ import annotations

from fastapi import APIRouter

ROUTERS: list[APIRouter] = []
