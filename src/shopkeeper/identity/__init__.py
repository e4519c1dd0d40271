"""Identity: staff users and how they sign in, API keys, customers and their linked accounts.

Public: `create_user`, `set_password`, `get_user`, `get_user_by_email`, `get_users`;
`authenticate` (password check with throttling and lockout), `login`, `refresh`, `logout`,
`user_for_access_token`; FastAPI dependencies in `identity.deps` (`CurrentUserDep`, `CallerDep`);
web sessions `start_web_session`, `get_web_session`, `end_web_session`; API keys
`create_api_key`, `list_api_keys`, `revoke_api_key`, `authenticate_api_key`; customers
`find_or_create_customer` (`…_id`: the id only), `find_customer` (no creation), `link_identity`,
`get_customer`, `surviving_customer_id` (an id, following merges), `customer_labels` (a name
per customer for staff's lists), `search_customers` (name or identity, newest first); staff's
notes `add_note` (audited), `list_notes`;
customer tags `normalise_tag`, `customer_tags`, `add_tag`, `remove_tag` (audited), `tags_in_use`,
`customers_tagged` (ids with any/all of some tags: broadcast audiences); a merge gives the
survivor both customers' tags. Publishes `identity.customers_merged.v1` (CustomersMerged) when
linking an identity merges two customers. Consumes no events. HTTP: `/api/v1/auth/*`,
`/api/v1/shops/{shop}/api-keys`, `/customers[/{id}[/notes]]`,
`/customers/{id}/tags[/{tag}]` and `/customer-tags`.
"""

from shopkeeper.identity.errors import (
    AccountLocked,
    ApiKeyNotFound,
    CustomerNotFound,
    EmailTaken,
    InvalidCredentials,
    InvalidIdentity,
    InvalidTag,
    InvalidToken,
    RefreshTokenReused,
    TagNotFound,
    UserNotFound,
    WeakPassword,
)
from shopkeeper.identity.policy import LoginPolicy, TokenPolicy
from shopkeeper.identity.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyPrincipal,
    ApiKeyRead,
    CustomerIdentityRead,
    CustomerNoteRead,
    CustomerRead,
    CustomerTagsRead,
    IdentityKind,
    StaffUserRead,
    TagUsage,
    TokenPair,
    WebSessionRead,
)
from shopkeeper.identity.service.api_keys import (
    authenticate_api_key,
    create_api_key,
    list_api_keys,
    revoke_api_key,
)
from shopkeeper.identity.service.auth import (
    authenticate,
    issue_tokens,
    login,
    logout,
    refresh,
    user_for_access_token,
)
from shopkeeper.identity.service.customers import (
    find_customer,
    find_or_create_customer,
    find_or_create_customer_id,
    get_customer,
    link_identity,
    normalise_identity,
    surviving_customer_id,
)
from shopkeeper.identity.service.directory import customer_labels, search_customers
from shopkeeper.identity.service.notes import NOTE_LIMIT, add_note, list_notes
from shopkeeper.identity.service.tags import (
    add_tag,
    customer_tags,
    customers_tagged,
    normalise_tag,
    remove_tag,
    tags_in_use,
)
from shopkeeper.identity.service.users import (
    create_user,
    get_user,
    get_user_by_email,
    get_users,
    set_password,
)
from shopkeeper.identity.service.web_sessions import (
    end_web_session,
    get_web_session,
    start_web_session,
)

__all__ = [
    "NOTE_LIMIT",
    "AccountLocked",
    "ApiKeyCreate",
    "ApiKeyCreated",
    "ApiKeyNotFound",
    "ApiKeyPrincipal",
    "ApiKeyRead",
    "CustomerIdentityRead",
    "CustomerNotFound",
    "CustomerNoteRead",
    "CustomerRead",
    "CustomerTagsRead",
    "EmailTaken",
    "IdentityKind",
    "InvalidCredentials",
    "InvalidIdentity",
    "InvalidTag",
    "InvalidToken",
    "LoginPolicy",
    "RefreshTokenReused",
    "StaffUserRead",
    "TagNotFound",
    "TagUsage",
    "TokenPair",
    "TokenPolicy",
    "UserNotFound",
    "WeakPassword",
    "WebSessionRead",
    "add_note",
    "add_tag",
    "authenticate",
    "authenticate_api_key",
    "create_api_key",
    "create_user",
    "customer_labels",
    "customer_tags",
    "customers_tagged",
    "end_web_session",
    "find_customer",
    "find_or_create_customer",
    "find_or_create_customer_id",
    "get_customer",
    "get_user",
    "get_user_by_email",
    "get_users",
    "get_web_session",
    "issue_tokens",
    "link_identity",
    "list_api_keys",
    "list_notes",
    "login",
    "logout",
    "normalise_identity",
    "normalise_tag",
    "refresh",
    "remove_tag",
    "revoke_api_key",
    "search_customers",
    "set_password",
    "start_web_session",
    "surviving_customer_id",
    "tags_in_use",
    "user_for_access_token",
]
