"""The public client and its resource handles.

Every method here only gathers its keyword arguments into the flat parameter dict of one
operation and hands it to the native generic call: retries, URL encoding, validation and
pagination happen once, in the Rust core, for every surface.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Union

from . import _native
from ._api import _ClientOps, _ServerOps
from ._console import Console
from ._extras import Destination, Progress, download_signed
from ._util import as_bytes
from .types import RateLimit

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["Client", "ServerHandle"]

CaCert = Union[str, bytes, "os.PathLike[str]"]


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


class Client(_ClientOps):
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
        PEM bytes, or the path of a PEM file. The operating system's trust store and the
        bundled public web roots are always trusted.
    :param verify: ``False`` turns certificate checks off (only for a test panel you control:
        anyone on the path could then read the key).
    :param max_retries: how often a ``GET`` answered with 429, or a request that could not
        connect, is tried again. ``POST``/``PUT``/``DELETE`` are never repeated once sent.
    :param user_agent: the ``User-Agent`` header (default ``pterodactyl-client/<version>``).
    :param max_response_bytes: the largest answer accepted (default 64 MiB); a larger one raises
        :class:`TooLargeError` without being read whole.

    Ctrl-C during a call raises :class:`KeyboardInterrupt` at once (the main thread's signal
    handlers run while the call waits).
    """

    __slots__ = ("_native",)

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
        max_response_bytes: int = 64 * 1024 * 1024,
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
            max_response_bytes=max_response_bytes,
        )

    def with_timeout(self, seconds: float) -> Client:
        """A client on the same connections, key and settings whose requests may each take
        ``seconds`` as a whole instead of ``timeout``: for one slow call, e.g. compressing a large
        folder (``files.compress`` and ``files.decompress`` already wait up to 15 minutes unless
        given a timeout here)::

            client.with_timeout(1800).server("d3aac109").files.compress(files=["world"])
        """
        clone = type(self).__new__(type(self))
        clone._native = self._native.with_timeout(seconds)
        return clone

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

    def download_signed_url(self, url: str, dest: Destination, *, progress: Progress | None = None) -> int:
        """Downloads what a signed URL serves (``files.download_url``, ``backups.download_url``)
        to ``dest`` (a path, written all or nothing, or a binary file object), without the API
        key; returns the bytes written. A Wings URL works once (:class:`WingsError` 404 after),
        so prefer ``srv.files.download(...)``, which asks for a fresh URL every time."""
        return download_signed(self._native, url, dest, progress)

    def server(self, identifier: str) -> ServerHandle:
        """A handle on one server, by its short identifier or UUID. Makes no request."""
        return ServerHandle(self._native, identifier)

    # What the generated methods call through (see ``_api._Owner``).
    def _call(self, op_id: str, params: dict[str, Any]) -> Any:
        return self._native.call(op_id, params)

    def _iter(self, op_id: str, params: dict[str, Any]) -> Iterator[Any]:
        return self._native.iter(op_id, params)

    def _call_bytes(self, op_id: str, params: dict[str, Any]) -> bytes:
        return self._native.call_bytes(op_id, params)

    def _call_content(self, op_id: str, params: dict[str, Any], content: bytes | str) -> Any:
        return self._native.call_content(op_id, params, as_bytes(content))

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


class ServerHandle(_ServerOps):
    """A handle on one server (``client.server("d3aac109")``). Makes no request until a method
    is called; an identifier that is not one plain path segment is refused then, with
    :class:`InvalidInputError`.

    Its operations hang off it as on the panel's routes: ``srv.resources()``, ``srv.power("start")``,
    ``srv.files.list()``, ``srv.schedules.tasks.create(...)``, ``srv.backups.iter()``, ...
    """

    __slots__ = ("_native", "identifier")

    identifier: str
    """The identifier the handle was made with."""

    def __init__(self, native: _native.Client, identifier: str) -> None:
        self._native = native
        self.identifier = identifier

    def _params(self, params: dict[str, Any]) -> dict[str, Any]:
        params["server"] = self.identifier
        return params

    # What the generated methods call through (see ``_api._Owner``): the server's id is added.
    def _call(self, op_id: str, params: dict[str, Any]) -> Any:
        return self._native.call(op_id, self._params(params))

    def _iter(self, op_id: str, params: dict[str, Any]) -> Iterator[Any]:
        return self._native.iter(op_id, self._params(params))

    def _call_bytes(self, op_id: str, params: dict[str, Any]) -> bytes:
        return self._native.call_bytes(op_id, self._params(params))

    def _call_content(self, op_id: str, params: dict[str, Any], content: bytes | str) -> Any:
        return self._native.call_content(op_id, self._params(params), as_bytes(content))

    # What the transfers of ``_extras`` (``files.download``, ...) run through.
    def _transfer_target(self) -> tuple[_native.Client, str]:
        return self._native, self.identifier

    def console(
        self,
        *,
        origin: str | None = None,
        send_timeout: float = 10.0,
        reconnect: bool = True,
        reconnect_initial: float = 0.5,
        reconnect_max: float = 30.0,
        ping_interval: float = 30.0,
        max_queued_events: int = 65536,
    ) -> Console:
        """Opens the server's live console over the Wings websocket (see :class:`Console`)::

            with srv.console() as console:
                console.send_command("say Hello")
                for event in console:
                    print(event.name, event.args)

        Returns once Wings has accepted the token; the first events are ``status`` (and
        ``stats`` when the server is offline). Raises the panel's error when it refuses a token
        (403, 404, or :class:`ConflictError` while the server is suspended or installing),
        :class:`WingsError` (403) when Wings refuses the ``Origin``, or
        :class:`ConnectionError` / :class:`TimeoutError` when Wings cannot be reached.

        :param origin: the ``Origin`` header (default: the panel URL of the client); set it for
            a panel Wings knows by another address.
        :param send_timeout: seconds a send waits for the connection while the console
            reconnects (0: fails at once).
        :param reconnect: make a lost connection again (default) or end the console.
        :param reconnect_initial: the first wait before reconnecting, doubled on each failure...
        :param reconnect_max: ...up to this, with jitter.
        :param ping_interval: seconds between pings; a connection silent for two is lost.
        :param max_queued_events: events that may wait for the caller; beyond, they are dropped
            and a ``gap`` event with their count takes their place.
        """
        native = _native.Console(
            self._native,
            self.identifier,
            origin=origin,
            send_timeout=send_timeout,
            reconnect=reconnect,
            reconnect_initial=reconnect_initial,
            reconnect_max=reconnect_max,
            ping_interval=ping_interval,
            max_queued_events=max_queued_events,
        )
        return Console(native)

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

    def __repr__(self) -> str:
        return f"<pterodactyl.ServerHandle {self.identifier!r}>"
