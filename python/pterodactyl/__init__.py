"""A fast, correct client for the Pterodactyl panel's Client API, built on a Rust core.

::

    import pterodactyl

    with pterodactyl.Client("https://panel.example.com", "ptlc_...") as client:
        for server in client.servers.iter(filter={"name": "Survival"}):
            srv = client.server(server["identifier"])
            print(server["name"], srv.resources()["current_state"])
        client.server("d3aac109").start()

Results are plain dicts and lists (described by the ``TypedDict`` classes of
:mod:`pterodactyl.types`); errors derive from :class:`PterodactylError`.
"""

from . import types
from ._api import (
    AccountActivity,
    AccountApi,
    Activity,
    Allocations,
    ApiKeys,
    Backups,
    Databases,
    Email,
    Files,
    Password,
    Schedules,
    Servers,
    Settings,
    SshKeys,
    StartupApi,
    Tasks,
    TwoFactor,
    Users,
)
from ._client import Client, ServerHandle
from ._native import PageIterator, __version__, operations
from .errors import (
    ApiError,
    AuthenticationError,
    CancelledError,
    ConflictError,
    ConnectionError,
    DecodeError,
    InvalidInputError,
    NotFoundError,
    NotJsonError,
    PermissionDeniedError,
    PterodactylError,
    RateLimitedError,
    TimeoutError,
    TooLargeError,
    ValidationError,
)

__all__ = [
    "AccountActivity",
    "AccountApi",
    "Activity",
    "Allocations",
    "ApiError",
    "ApiKeys",
    "AuthenticationError",
    "Backups",
    "CancelledError",
    "Client",
    "ConflictError",
    "ConnectionError",
    "Databases",
    "DecodeError",
    "Email",
    "Files",
    "InvalidInputError",
    "NotFoundError",
    "NotJsonError",
    "PageIterator",
    "Password",
    "PermissionDeniedError",
    "PterodactylError",
    "RateLimitedError",
    "Schedules",
    "ServerHandle",
    "Servers",
    "Settings",
    "SshKeys",
    "StartupApi",
    "Tasks",
    "TimeoutError",
    "TooLargeError",
    "TwoFactor",
    "Users",
    "ValidationError",
    "__version__",
    "operations",
    "types",
]
