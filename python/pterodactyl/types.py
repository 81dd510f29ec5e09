"""The shapes of the panel's answers, as plain dicts.

Every result is the panel's JSON in the client's one shape (the same on every surface: Rust, C
and Python): the ``{"object", "attributes"}`` envelopes removed, relationships kept under
``"relationships"``, paginated lists as ``{"data": [...], "meta": {"pagination": ...}}``.

These ``TypedDict`` classes only describe that data for type checkers and editors: at run time
results are ordinary ``dict`` and ``list`` objects, and fields a newer panel (or Pelican) adds
are kept as they come, even though they are not listed here.
"""

# Written with `Optional` and without `from __future__ import annotations` on purpose: TypedDict
# evaluates its annotations at run time, and the package supports Python 3.9.
from typing import Any, Literal, Optional, TypedDict, Union

__all__ = [
    "ActivityLog",
    "ActivityPage",
    "ActivityRelationships",
    "Allocation",
    "ApiErrorItem",
    "Egg",
    "EggVariable",
    "FeatureLimits",
    "Limits",
    "Operation",
    "PageMeta",
    "Pagination",
    "PermissionGroup",
    "PowerSignal",
    "RateLimit",
    "ResourceUsage",
    "Server",
    "ServerDetails",
    "ServerListType",
    "ServerMeta",
    "ServerPage",
    "ServerRelationships",
    "SftpDetails",
    "Startup",
    "StartupMeta",
    "Stats",
    "Subuser",
    "SystemPermissions",
    "UpdatedVariable",
    "UpdatedVariableMeta",
    "User",
    "WebsocketCredentials",
]

# Spelled as a Union of one-value Literals (type checkers read it exactly like
# `Literal["start", "stop", ...]`) because that is what `mypy.stubtest` expects at run time.
PowerSignal = Union[Literal["start"], Literal["stop"], Literal["restart"], Literal["kill"]]  # noqa: PYI030
"""A signal for ``ServerHandle.power``."""

ServerListType = Union[Literal["owner"], Literal["admin"], Literal["admin-all"]]  # noqa: PYI030
"""The ``type=`` of ``servers.list``: only owned servers, or (admins) others' or all servers."""


class SftpDetails(TypedDict):
    """Where to connect with SFTP."""

    ip: str
    port: int


class Limits(TypedDict):
    """A server's resource limits (MiB, percent of one core; 0 means unlimited)."""

    memory: int
    swap: int
    disk: int
    io: int
    cpu: int
    threads: Optional[str]
    oom_disabled: bool


class FeatureLimits(TypedDict):
    """How many databases, allocations and backups a server may have."""

    databases: Optional[int]
    allocations: Optional[int]
    backups: Optional[int]


class Allocation(TypedDict):
    """A network allocation (IP and port) of a server."""

    id: int
    ip: str
    ip_alias: Optional[str]
    port: int
    notes: Optional[str]
    is_default: bool


class EggVariable(TypedDict):
    """A startup variable; ``env_variable`` is the key ``set_variable`` takes."""

    name: str
    description: str
    env_variable: str
    default_value: str
    server_value: Optional[str]
    is_editable: bool
    rules: str


class Egg(TypedDict):
    """The egg a server runs (with ``include=["egg"]``)."""

    uuid: str
    name: str


# `2fa_enabled` is not an identifier, hence the functional syntax.
User = TypedDict(
    "User",
    {
        "uuid": str,
        "username": str,
        "email": str,
        "image": str,
        "2fa_enabled": bool,
        "created_at": str,
    },
)
"""A panel user, e.g. the actor of an activity entry."""


class Subuser(User):
    """A subuser of a server: a user plus their permission keys on it."""

    permissions: list[str]


class ServerRelationships(TypedDict, total=False):
    """Included relationships; ``None`` where the key may not see one."""

    allocations: list[Allocation]
    variables: Optional[list[EggVariable]]
    egg: Optional[Egg]
    subusers: Optional[list[Subuser]]


class _ServerFields(TypedDict):
    server_owner: bool
    identifier: str
    internal_id: int
    uuid: str
    name: str
    node: str
    is_node_under_maintenance: bool
    sftp_details: SftpDetails
    description: Optional[str]
    limits: Limits
    invocation: str
    docker_image: str
    egg_features: Optional[list[str]]
    feature_limits: FeatureLimits
    status: Optional[str]
    is_suspended: bool
    is_installing: bool
    is_transferring: bool


class Server(_ServerFields, total=False):
    """A server as ``servers.list`` describes it.

    ``status`` is ``None`` when the server is ready, else ``installing``, ``install_failed``,
    ``reinstall_failed``, ``suspended`` or ``restoring_backup``.
    """

    relationships: ServerRelationships


class ServerMeta(TypedDict):
    """What the key's user may do on a server (``["*"]`` for owners and admins)."""

    is_server_owner: bool
    user_permissions: list[str]


class ServerDetails(Server):
    """``server.get``: the server plus ``meta``."""

    meta: ServerMeta


class Pagination(TypedDict):
    """``meta.pagination`` of a paginated list."""

    total: int
    count: int
    per_page: int
    current_page: int
    total_pages: int
    links: dict[str, Any]


class PageMeta(TypedDict):
    """``meta`` of a paginated list."""

    pagination: Pagination


class ServerPage(TypedDict):
    """One page of ``servers.list``."""

    data: list[Server]
    meta: PageMeta


class ResourceUsage(TypedDict):
    """Usage figures (bytes, percent of one core, milliseconds of uptime)."""

    memory_bytes: int
    cpu_absolute: float
    disk_bytes: int
    network_rx_bytes: int
    network_tx_bytes: int
    uptime: int


class Stats(TypedDict):
    """``server.resources``: ``current_state`` is ``offline``, ``starting``, ``running`` or
    ``stopping``."""

    current_state: str
    is_suspended: bool
    resources: ResourceUsage


class PermissionGroup(TypedDict):
    """One group of permission keys: key (without the group prefix) → description."""

    description: str
    keys: dict[str, str]


class SystemPermissions(TypedDict):
    """``permissions.get``: grouped on Pterodactyl, a flat list of keys on Pelican."""

    permissions: Union[dict[str, PermissionGroup], list[str]]


class WebsocketCredentials(TypedDict):
    """``server.websocket``: a JWT for the ``auth`` event (10 minutes) and Wings' socket URL."""

    token: str
    socket: str


class ActivityRelationships(TypedDict, total=False):
    """Relationships of an activity entry; ``actor`` is ``None`` for the system."""

    actor: Optional[User]


class _ActivityLogFields(TypedDict):
    id: str
    batch: Optional[str]
    event: str
    is_api: bool
    ip: Optional[str]
    description: Optional[str]
    properties: dict[str, Any]
    has_additional_metadata: bool
    timestamp: str


class ActivityLog(_ActivityLogFields, total=False):
    """An activity log entry (``event`` like ``server:power.start``)."""

    relationships: ActivityRelationships


class ActivityPage(TypedDict):
    """One page of ``server.activity.list``."""

    data: list[ActivityLog]
    meta: PageMeta


class StartupMeta(TypedDict):
    """The startup command (rendered and raw) and the Docker images (label → image)."""

    startup_command: str
    docker_images: dict[str, str]
    raw_startup_command: str


class Startup(TypedDict):
    """``server.startup.get``."""

    data: list[EggVariable]
    meta: StartupMeta


class UpdatedVariableMeta(TypedDict):
    """The startup command after a variable changed."""

    startup_command: str
    raw_startup_command: str


class UpdatedVariable(EggVariable):
    """``server.startup.set_variable``: the variable as saved, plus the new startup command."""

    meta: UpdatedVariableMeta


class ApiErrorItem(TypedDict):
    """One entry of the panel's ``errors`` array (``status`` is a string, as the panel writes it;
    ``source_field`` and ``rule`` are set for validation errors)."""

    code: str
    status: str
    detail: str
    source_field: Optional[str]
    rule: Optional[str]


class Operation(TypedDict):
    """One row of the operations table (``pterodactyl.operations()``)."""

    id: str
    method: Literal["GET", "POST", "PUT", "DELETE"]
    path: str
    success: int
    permission: Optional[str]
    paginated: bool


class RateLimit(TypedDict):
    """The panel's ``X-RateLimit-*`` headers from the most recent answer."""

    limit: int
    remaining: int
