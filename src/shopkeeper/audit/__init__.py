"""Audit log: an append-only record of every mutating action by staff or an API key.

Public: `record(session, *, actor, shop_id, action, target_type, target_id, before, after, now)`
writes one entry in the caller's transaction; `list_entries(session, *, shop_id, filters, limit,
offset) -> Page[AuditEntryRead]`; `export_csv(sessions, *, shop_id, filters)` streams CSV.
`Actor` says who (user, API key or system), from which IP, under which correlation id.
HTTP: `GET /api/v1/shops/{shop}/audit` and `/audit.csv` (permission audit.read).
No code path updates or deletes an entry. Publishes and consumes no events.
"""

from shopkeeper.audit.deps import OriginDep, RequestOrigin, request_origin
from shopkeeper.audit.schemas import Actor, ActorType, AuditEntryRead, AuditFilter
from shopkeeper.audit.service import export_csv, list_entries, record

__all__ = [
    "Actor",
    "ActorType",
    "AuditEntryRead",
    "AuditFilter",
    "OriginDep",
    "RequestOrigin",
    "export_csv",
    "list_entries",
    "record",
    "request_origin",
]
