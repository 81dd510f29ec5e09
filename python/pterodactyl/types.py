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
    "Account",
    "ActivityLog",
    "ActivityLogPage",
    "ActivityRelationships",
    "Allocation",
    "ApiErrorItem",
    "ApiKey",
    "ApiKeyMeta",
    "Backup",
    "BackupPage",
    "BackupPageMeta",
    "ConsoleBackup",
    "ConsoleEventDict",
    "ConsoleNetwork",
    "ConsoleStats",
    "Database",
    "DatabaseHost",
    "DatabasePassword",
    "DatabaseRelationships",
    "DefaultsTo",
    "Egg",
    "EggVariable",
    "FeatureLimits",
    "FileObject",
    "Limits",
    "NewApiKey",
    "Operation",
    "OperationParam",
    "OperationReturns",
    "PageMeta",
    "Pagination",
    "PermissionGroup",
    "PowerSignal",
    "RateLimit",
    "RecoveryTokens",
    "ResourceUsage",
    "Schedule",
    "ScheduleCron",
    "ScheduleRelationships",
    "Server",
    "ServerDetails",
    "ServerListType",
    "ServerMeta",
    "ServerPage",
    "ServerRelationships",
    "SftpDetails",
    "SignedUrl",
    "SshKey",
    "Startup",
    "StartupMeta",
    "Stats",
    "Subuser",
    "SystemPermissions",
    "Task",
    "TwoFactorSetup",
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


class ConsoleNetwork(TypedDict):
    """Bytes received and sent, in a console's ``stats``."""

    rx_bytes: int
    tx_bytes: int


class ConsoleStats(TypedDict):
    """``ConsoleEvent.stats``: resource usage as Wings sends it on the console (``uptime`` in
    milliseconds, ``cpu_absolute`` in percent of one core, ``state`` the power state)."""

    memory_bytes: int
    memory_limit_bytes: int
    cpu_absolute: float
    network: ConsoleNetwork
    uptime: int
    state: str
    disk_bytes: int


class ConsoleBackup(TypedDict):
    """``ConsoleEvent.backup``: what Wings reported in ``backup completed:<uuid>``."""

    uuid: str
    is_successful: bool
    checksum: str
    checksum_type: str
    file_size: int


class _ConsoleEventFields(TypedDict):
    event: str
    args: list[str]


class ConsoleEventDict(_ConsoleEventFields, total=False):
    """``ConsoleEvent.to_dict()``: the event as every surface shares it (C's
    ``ptero_console_poll`` gives the same as JSON): Wings' ``event`` name and ``args``, plus the
    typed fields the event has."""

    line: str
    state: str
    stats: ConsoleStats
    uuid: str
    backup: ConsoleBackup
    message: str
    status: str
    scope: str
    reason: str
    code: Optional[int]
    cause: Literal["reconnect", "token", "overflow"]
    gap_ms: int
    missed: Optional[int]


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


class ActivityLogPage(TypedDict):
    """One page of ``server.activity.list`` or ``account.activity.list``."""

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


class Account(TypedDict):
    """``account.get``: the key's own user account."""

    id: int
    admin: bool
    username: str
    email: str
    first_name: str
    last_name: str
    language: str


class TwoFactorSetup(TypedDict):
    """``account.two_factor.get``: an ``otpauth://`` URL (for a QR code) and its secret."""

    image_url_data: str
    secret: str


class RecoveryTokens(TypedDict):
    """``account.two_factor.enable``: the ten recovery tokens, shown only this once."""

    tokens: list[str]


class ApiKey(TypedDict):
    """A client API key, without its secret (``identifier`` is its first 16 characters)."""

    identifier: str
    description: Optional[str]
    allowed_ips: list[str]
    last_used_at: Optional[str]
    created_at: str


class ApiKeyMeta(TypedDict):
    """The new key's secret half."""

    secret_token: str


class NewApiKey(ApiKey):
    """``account.api_keys.create``: the key, and ``key``, the whole key to authenticate with
    (``identifier`` followed by ``meta.secret_token``; the client joins the two)."""

    key: str
    meta: ApiKeyMeta


class SshKey(TypedDict):
    """An SSH key for SFTP: ``fingerprint`` is its SHA256 in base64 (no prefix, no padding) and
    ``public_key`` is PKCS8 PEM, whatever format it was given in."""

    name: str
    fingerprint: str
    public_key: str
    created_at: str


class DatabaseHost(TypedDict):
    """Where a database lives."""

    address: str
    port: int


class DatabasePassword(TypedDict):
    """A database's password."""

    password: str


class DatabaseRelationships(TypedDict, total=False):
    """``password`` is ``None`` when the key may not see it (``database.view_password``)."""

    password: Optional[DatabasePassword]


class _DatabaseFields(TypedDict):
    id: str
    host: DatabaseHost
    name: str
    username: str
    connections_from: str
    max_connections: Optional[int]


class Database(_DatabaseFields, total=False):
    """A server's database; ``id`` is the string the other database calls take.

    ``relationships`` is there with ``include=["password"]``, and always after ``create`` and
    ``rotate_password``.
    """

    relationships: DatabaseRelationships


class FileObject(TypedDict):
    """A file or directory (``mode`` like ``-rw-r--r--``, ``mode_bits`` in octal like ``644``,
    ``mimetype`` ``inode/directory`` for directories)."""

    name: str
    mode: str
    mode_bits: str
    size: int
    is_file: bool
    is_symlink: bool
    mimetype: str
    created_at: str
    modified_at: str


class SignedUrl(TypedDict):
    """A signed, single-use URL on the node (or S3, for some backups): fetch it as it is."""

    url: str


class Task(TypedDict):
    """A task of a schedule: ``action`` is ``command``, ``power`` or ``backup`` (``delete_files``
    on Pelican); ``time_offset`` is in seconds after the previous task."""

    id: int
    sequence_id: int
    action: str
    payload: str
    time_offset: int
    is_queued: bool
    continue_on_failure: bool
    created_at: str
    updated_at: str


class ScheduleCron(TypedDict):
    """A schedule's cron fields, as strings."""

    day_of_week: str
    day_of_month: str
    month: str
    hour: str
    minute: str


class ScheduleRelationships(TypedDict, total=False):
    """A schedule's tasks (included by default)."""

    tasks: list[Task]


class _ScheduleFields(TypedDict):
    id: int
    name: str
    cron: ScheduleCron
    is_active: bool
    is_processing: bool
    only_when_online: bool
    last_run_at: Optional[str]
    next_run_at: Optional[str]
    created_at: str
    updated_at: str


class Schedule(_ScheduleFields, total=False):
    """A schedule of a server, with its tasks under ``relationships``."""

    relationships: ScheduleRelationships


class Backup(TypedDict):
    """A backup: ``checksum`` (``sha1:<hex>``) and ``completed_at`` are ``None`` until it is
    done; ``bytes`` is its size."""

    uuid: str
    is_successful: bool
    is_locked: bool
    name: str
    ignored_files: list[str]
    checksum: Optional[str]
    bytes: int
    created_at: str
    completed_at: Optional[str]


class BackupPageMeta(PageMeta):
    """``meta`` of ``server.backups.list``: ``backup_count`` counts the backups that did not
    fail (the ones the server's backup limit counts)."""

    backup_count: int


class BackupPage(TypedDict):
    """One page of ``server.backups.list``."""

    data: list[Backup]
    meta: BackupPageMeta


class ApiErrorItem(TypedDict):
    """One entry of the panel's ``errors`` array (``status`` is a string, as the panel writes it;
    ``source_field`` and ``rule`` are set for validation errors)."""

    code: str
    status: str
    detail: str
    source_field: Optional[str]
    rule: Optional[str]


class DefaultsTo(TypedDict):
    """The ``presence`` of a parameter that, left out, takes another parameter's value."""

    defaults_to: str


class _OperationParamFields(TypedDict):
    name: str
    type: Literal["str", "int", "bool", "enum", "list", "include", "filter", "objects", "bytes"]
    place: Literal["path", "query", "body", "content"]
    presence: Union[Literal["required", "optional", "nullable"], DefaultsTo]
    doc: str


class OperationParam(_OperationParamFields, total=False):
    """One parameter of an operation, by the panel's name.

    ``values`` lists the accepted strings of an ``enum`` and the accepted names of a ``filter``.
    ``presence`` is ``required``, ``optional`` (may be left out), ``nullable`` (always sent, may
    be ``None``) or ``{"defaults_to": name}`` (left out, it takes that parameter's value).
    """

    values: list[str]


class _OperationReturnsFields(TypedDict):
    shape: Literal["item", "list", "page", "nothing", "bytes"]


class OperationReturns(_OperationReturnsFields, total=False):
    """What an operation answers: one ``model`` (``item``), a list of them, one page of them,
    nothing (``None``) or raw bytes."""

    model: str


class Operation(TypedDict):
    """One row of the operations table (``pterodactyl.operations()``).

    ``method_path`` is where the typed method sits, as attribute names from the client, or from
    ``client.server(id)`` when ``on_server`` is true (``allocations.set_primary``).
    ``c_function`` is the C function that calls it.
    """

    id: str
    method: Literal["GET", "POST", "PUT", "DELETE"]
    path: str
    success: int
    permission: Optional[str]
    paginated: bool
    long_running: bool
    summary: str
    params: list[OperationParam]
    returns: OperationReturns
    method_path: str
    on_server: bool
    c_function: str


class RateLimit(TypedDict):
    """The panel's ``X-RateLimit-*`` headers from the most recent answer."""

    limit: int
    remaining: int
