"""The public client and its resource handles.

Every method here only gathers its keyword arguments into the flat parameter dict of one
operation and hands it to the native generic call: retries, URL encoding, validation and
pagination happen once, in the Rust core, for every surface.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Union

from . import _native
from .types import (
    ActivityLog,
    ActivityPage,
    Allocation,
    PowerSignal,
    RateLimit,
    Server,
    ServerDetails,
    ServerListType,
    ServerPage,
    Startup,
    Stats,
    SystemPermissions,
    UpdatedVariable,
    WebsocketCredentials,
)

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["Activity", "Allocations", "Client", "ServerHandle", "Servers", "Settings", "StartupApi"]

# Module-level aliases: inside the classes below, `list` names the `list` method.
AllocationList = list[Allocation]
CaCert = Union[str, bytes, "os.PathLike[str]"]
Include = Union[str, Sequence[str]]


def _drop_none(**params: Any) -> dict[str, Any]:
    """The parameters that were given (``None`` means "not sent")."""
    return {k: v for k, v in params.items() if v is not None}


def _include(include: Include | None) -> list[str] | None:
    # A lone string is one relationship, not a sequence of letters.
    if include is None:
        return None
    return [include] if isinstance(include, str) else list(include)


def _mapping(m: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if m is None else dict(m)


def _list_params(
    filter: Mapping[str, str] | None,
    include: Include | None,
    page: int | None,
    per_page: int | None,
    **extra: Any,
) -> dict[str, Any]:
    """The parameters of a paginated list, by the panel's names."""
    given = dict(extra, filter=_mapping(filter), include=_include(include), page=page, per_page=per_page)
    return _drop_none(**given)


def _read_pem(ca_cert: CaCert | None) -> str | None:
    """PEM text from PEM text, PEM bytes, or the path of a PEM file."""
    if ca_cert is None:
        return None
    if isinstance(ca_cert, bytes):
        return ca_cert.decode("ascii", errors="replace")
    if isinstance(ca_cert, str) and "-----BEGIN" in ca_cert:
        return ca_cert
    with open(os.fspath(ca_cert), encoding="ascii", errors="replace") as f:
        return f.read()


class Client:
    """A client of one Pterodactyl panel with one client API key (``ptlc_...``).

    Safe to share between threads: every call releases the GIL while it waits on the panel, and
    calls run concurrently on one connection pool. Use it as a context manager, or call
    :meth:`close`, to release the pool early::

        with pterodactyl.Client("https://panel.example.com", "ptlc_...") as client:
            for server in client.servers.iter(filter={"name": "Survival"}):
                print(server["identifier"], server["name"])

    :param panel_url: the panel's root URL (``https://panel.example.com``).
    :param api_key: a client API key; it never appears in a ``repr`` or an error message.
    :param timeout: seconds allowed for a whole request, answer included.
    :param connect_timeout: seconds allowed to establish a connection.
    :param ca_cert: one more trusted root certificate, for panels with their own CA: PEM text,
        PEM bytes, or the path of a PEM file. The public web roots stay trusted.
    :param verify: ``False`` turns certificate checks off (only for a test panel you control:
        anyone on the path could then read the key).
    :param max_retries: how often a ``GET`` answered with 429, or a request that could not
        connect, is tried again. ``POST``/``PUT``/``DELETE`` are never repeated once sent.
    :param user_agent: the ``User-Agent`` header (default ``pterodactyl-client/<version>``).
    """

    __slots__ = ("_native", "servers")

    servers: Servers
    """The servers the key can see: ``client.servers.list()``, ``client.servers.iter()``."""

    def __init__(
        self,
        panel_url: str,
        api_key: str,
        *,
        timeout: float = 30.0,
        connect_timeout: float = 10.0,
        ca_cert: CaCert | None = None,
        verify: bool = True,
        max_retries: int = 3,
        user_agent: str | None = None,
    ) -> None:
        self._native = _native.Client(
            panel_url,
            api_key,
            timeout=timeout,
            connect_timeout=connect_timeout,
            ca_cert_pem=_read_pem(ca_cert),
            verify=verify,
            max_retries=max_retries,
            user_agent=user_agent,
        )
        self.servers = Servers(self._native)

    @property
    def base_url(self) -> str:
        """The API root the client talks to (``.../api/client``)."""
        return self._native.base_url

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._native.closed

    @property
    def rate_limit(self) -> RateLimit | None:
        """The panel's ``X-RateLimit-Limit`` and ``-Remaining`` from the latest answer."""
        return self._native.rate_limit

    def call(self, op_id: str, /, **params: Any) -> Any:
        """Calls any operation of the Client API by its id (see :func:`pterodactyl.operations`).

        Parameters are the panel's names, flat: path parameters, query parameters and body
        fields alike. Returns the answer in the one shape (dicts and lists), or ``None`` for
        operations that answer with no content::

            client.call("server.power", server="d3aac109", signal="start")
            page = client.call("servers.list", filter={"name": "Survival"}, per_page=10)
        """
        return self._native.call(op_id, params)

    def iter(self, op_id: str, /, **params: Any) -> Iterator[Any]:
        """Every item of a paginated operation, fetched page by page as the loop goes, with the
        same parameters (filters, ``per_page``) on every page; ``page`` sets the first page."""
        return self._native.iter(op_id, params)

    def permissions(self) -> SystemPermissions:
        """Every permission key the panel knows (``permissions.get``)."""
        result: SystemPermissions = self._native.call("permissions.get", None)
        return result

    def server(self, identifier: str) -> ServerHandle:
        """A handle on one server, by its short identifier or UUID. Makes no request."""
        return ServerHandle(self._native, identifier)

    def close(self) -> None:
        """Releases the connection pool. Later calls raise :class:`InvalidInputError`."""
        self._native.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = " closed" if self.closed else ""
        return f"<pterodactyl.Client {self.base_url!r}{state}>"


class Servers:
    """``servers.list``: the servers the key can see."""

    __slots__ = ("_native",)

    def __init__(self, native: _native.Client) -> None:
        self._native = native

    def list(
        self,
        *,
        filter: Mapping[str, str] | None = None,
        include: Include | None = None,
        type: ServerListType | None = None,
        page: int | None = None,
        per_page: int | None = None,
    ) -> ServerPage:
        """One page of servers.

        :param filter: partial matches on ``uuid``, ``name``, ``description``, ``external_id``
            or ``*`` (any of them), e.g. ``{"name": "Survival"}``.
        :param include: relationships to add: ``"egg"``, ``"subusers"``.
        :param type: ``"owner"`` (only owned servers); admins: ``"admin"``, ``"admin-all"``.
        :param page: page number, from 1.
        :param per_page: page size, 1 to 100 (the panel's default is 50).
        """
        params = _list_params(filter, include, page, per_page, type=type)
        result: ServerPage = self._native.call("servers.list", params)
        return result

    def iter(
        self,
        *,
        filter: Mapping[str, str] | None = None,
        include: Include | None = None,
        type: ServerListType | None = None,
        page: int | None = None,
        per_page: int | None = None,
    ) -> Iterator[Server]:
        """Every server on every page, lazily; the filters, includes and page size are sent with
        every page (``page`` sets the first one). Each page is fetched without holding the GIL."""
        params = _list_params(filter, include, page, per_page, type=type)
        return self._native.iter("servers.list", params)

    def __repr__(self) -> str:
        return "<pterodactyl.Servers>"


class ServerHandle:
    """A handle on one server (``client.server("d3aac109")``). Makes no request until a method
    is called; an identifier that is not one plain path segment is refused then, with
    :class:`InvalidInputError`."""

    __slots__ = ("_native", "activity", "allocations", "identifier", "settings", "startup")

    identifier: str
    """The identifier the handle was made with."""
    activity: Activity
    """The activity log: ``list()``, ``iter()``."""
    allocations: Allocations
    """Network allocations: ``list()``, ``assign()``, ``set_notes()``, ``set_primary()``,
    ``delete()``."""
    settings: Settings
    """``rename()``, ``reinstall()``, ``docker_image()``."""
    startup: StartupApi
    """Startup variables: ``get()``, ``set_variable()``."""

    def __init__(self, native: _native.Client, identifier: str) -> None:
        self._native = native
        self.identifier = identifier
        self.activity = Activity(self)
        self.allocations = Allocations(self)
        self.settings = Settings(self)
        self.startup = StartupApi(self)

    def _call(self, op_id: str, **params: Any) -> Any:
        params["server"] = self.identifier
        return self._native.call(op_id, params)

    def details(self, *, include: Include | None = None) -> ServerDetails:
        """The server and what the key's user may do on it (``server.get``); ``include`` adds
        ``"egg"`` or ``"subusers"``."""
        result: ServerDetails = self._call("server.get", **_drop_none(include=_include(include)))
        return result

    def resources(self) -> Stats:
        """Live state and resource usage (``server.resources``)."""
        result: Stats = self._call("server.resources")
        return result

    def power(self, signal: PowerSignal) -> None:
        """Sends ``"start"``, ``"stop"``, ``"restart"`` or ``"kill"`` (``server.power``). Never
        repeated once it may have reached the panel."""
        self._call("server.power", signal=signal)

    def start(self) -> None:
        """``power("start")``."""
        self.power("start")

    def stop(self) -> None:
        """``power("stop")``."""
        self.power("stop")

    def restart(self) -> None:
        """``power("restart")``."""
        self.power("restart")

    def kill(self) -> None:
        """``power("kill")``."""
        self.power("kill")

    def command(self, command: str) -> None:
        """Sends a console command (``server.command``); the server must be running."""
        self._call("server.command", command=command)

    def websocket(self) -> WebsocketCredentials:
        """A token (valid 10 minutes) and Wings' socket URL (``server.websocket``)."""
        result: WebsocketCredentials = self._call("server.websocket")
        return result

    def __repr__(self) -> str:
        return f"<pterodactyl.ServerHandle {self.identifier!r}>"


class _ServerPart:
    """One part of a server's API (``srv.allocations``, ...): holds the server handle."""

    __slots__ = ("_server",)

    def __init__(self, server: ServerHandle) -> None:
        self._server = server

    def __repr__(self) -> str:
        return f"<pterodactyl.{type(self).__name__} of {self._server.identifier!r}>"


class Activity(_ServerPart):
    """``server.activity.list``: the server's activity log."""

    __slots__ = ()

    def list(
        self,
        *,
        filter: Mapping[str, str] | None = None,
        sort: str | None = None,
        include: Include | None = None,
        page: int | None = None,
        per_page: int | None = None,
    ) -> ActivityPage:
        """One page of entries.

        :param filter: ``{"event": "server:power"}`` (partial match; the only filter the panel
            accepts).
        :param sort: ``"timestamp"`` (oldest first) or ``"-timestamp"`` (newest first).
        :param include: ``"actor"``.
        :param page: page number, from 1.
        :param per_page: page size, 1 to 100 (default 25).
        """
        params = _list_params(filter, include, page, per_page, sort=sort)
        result: ActivityPage = self._server._call("server.activity.list", **params)
        return result

    def iter(
        self,
        *,
        filter: Mapping[str, str] | None = None,
        sort: str | None = None,
        include: Include | None = None,
        page: int | None = None,
        per_page: int | None = None,
    ) -> Iterator[ActivityLog]:
        """Every entry on every page, lazily, with the same parameters on every page."""
        params = _list_params(filter, include, page, per_page, sort=sort)
        params["server"] = self._server.identifier
        return self._server._native.iter("server.activity.list", params)


class StartupApi(_ServerPart):
    """``server.startup.*``: startup variables."""

    __slots__ = ()

    def get(self) -> Startup:
        """The variables, the startup command and the Docker images (``server.startup.get``)."""
        result: Startup = self._server._call("server.startup.get")
        return result

    def set_variable(self, key: str, value: str) -> UpdatedVariable:
        """Sets a variable by its ``env_variable`` name (``server.startup.set_variable``). The
        panel checks the value against the variable's rules (:class:`ValidationError`)."""
        result: UpdatedVariable = self._server._call("server.startup.set_variable", key=key, value=value)
        return result


class Settings(_ServerPart):
    """``server.settings.*``: name, reinstall, Docker image."""

    __slots__ = ()

    def rename(self, name: str, description: str | None = None) -> None:
        """Renames the server; with ``description=None`` the description is left as it is."""
        self._server._call("server.settings.rename", **_drop_none(name=name, description=description))

    def reinstall(self) -> None:
        """Reinstalls the server; most routes answer 409 (:class:`ConflictError`) until done."""
        self._server._call("server.settings.reinstall")

    def docker_image(self, image: str) -> None:
        """Switches to one of the egg's Docker images (``server.settings.docker_image``)."""
        self._server._call("server.settings.docker_image", docker_image=image)


class Allocations(_ServerPart):
    """``server.allocations.*``: network allocations."""

    __slots__ = ()

    def list(self) -> AllocationList:
        """Every allocation of the server."""
        result: AllocationList = self._server._call("server.allocations.list")
        return result

    def assign(self) -> Allocation:
        """Assigns a free allocation automatically. The panel answers 400 (:class:`ApiError`)
        when auto-allocation is off or the server's allocation limit is reached."""
        result: Allocation = self._server._call("server.allocations.assign")
        return result

    def set_notes(self, allocation: int, notes: str | None) -> Allocation:
        """Sets an allocation's notes, or clears them with ``None``."""
        result: Allocation = self._server._call(
            "server.allocations.set_notes", allocation=allocation, notes=notes
        )
        return result

    def set_primary(self, allocation: int) -> Allocation:
        """Makes an allocation the primary one."""
        result: Allocation = self._server._call("server.allocations.set_primary", allocation=allocation)
        return result

    def delete(self, allocation: int) -> None:
        """Removes an allocation (not the primary one)."""
        self._server._call("server.allocations.delete", allocation=allocation)
