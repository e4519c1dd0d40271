"""The staff admin under /admin: sign-in, the shell (shop switcher, nav, toasts), shop pages.

`router` (admin.router) is mounted by shopkeeper.routers. Routes use `AdminRoute`, so any
error renders as an HTML page (an HTMX request also gets an error toast) and responses carry
security headers. Dependencies (admin.deps): `WebSessionDep` (signed in, else a redirect to
/admin/login?next=...), `CsrfDep` (every POST carries the session's CSRF token), `ShopShellDep`
(the shop of `{slug}`: 404 for non-members; `shell.require(permission)` → 403).
Calls identity (web sessions), shops (memberships, access, members) and audit (list, CSV).
"""
