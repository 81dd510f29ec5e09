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
from ._client import Activity, Allocations, Client, ServerHandle, Servers, Settings, StartupApi
from ._native import PageIterator, __version__, operations
from .errors import (
    ApiError,
    AuthenticationError,
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
    ValidationError,
)

__all__ = [
    "Activity",
    "Allocations",
    "ApiError",
    "AuthenticationError",
    "Client",
    "ConflictError",
    "ConnectionError",
    "DecodeError",
    "InvalidInputError",
    "NotFoundError",
    "NotJsonError",
    "PageIterator",
    "PermissionDeniedError",
    "PterodactylError",
    "RateLimitedError",
    "ServerHandle",
    "Servers",
    "Settings",
    "StartupApi",
    "TimeoutError",
    "ValidationError",
    "__version__",
    "operations",
    "types",
]
