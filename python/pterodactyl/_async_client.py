"""The async client and its server handle: the blocking ones' twins, for asyncio code.

The resource tree and method names are those of :class:`Client` (both are generated from the
same operations table, in ``_api``); every method here awaits the native async call, which runs
on the Rust core's own runtime and completes on the caller's event loop, never blocking it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

from . import _native
from ._api import _AsyncClientOps, _AsyncServerOps
from ._client import CaCert, _read_pem
from ._util import as_bytes
from .types import RateLimit

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["AsyncClient", "AsyncServerHandle"]


class _PendingCall(asyncio.Future):  # type: ignore[type-arg]
    """The awaitable of one native call: an asyncio future of the running loop, completed on
    the loop's thread, whose ``cancel`` also stops the call (a cancelled task cancels the future
    it waits on, so cancelling the task abandons the request)."""

    __slots__ = ("_abort",)

    _abort: Callable[[], None]

    def cancel(self, msg: Any = None) -> bool:
        if self.done():
            return False
        self._abort()
        return super().cancel(msg)


class AsyncClient(_AsyncClientOps):
    """A client of one Pterodactyl panel for asyncio code (discord.py bots, aiohttp services).

    The same methods as :class:`Client`, awaited; paginated lists iterate with ``async for``::

        async with pterodactyl.AsyncClient("https://panel.example.com", "ptlc_...") as client:
            async for server in client.servers.iter(filter={"name": "Survival"}):
                stats = await client.server(server["identifier"]).resources()
            await client.call("server.power", server="d3aac109", signal="start")

    Awaiting never blocks the event loop: the request, its retries and their waits run on the
    Rust core's runtime. Cancelling the task that awaits a call (``task.cancel()``,
    ``asyncio.wait_for`` running out) abandons the request. The exceptions are those of
    :class:`Client`.

    The keyword arguments are :class:`Client`'s, plus ``max_in_flight``: how many calls of this
    client may be in flight at once (default 64); more wait their turn.
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
        max_in_flight: int = 64,
    ) -> None:
        blocking = _native.Client(
            panel_url,
            api_key,
            timeout=timeout,
            connect_timeout=connect_timeout,
            ca_cert_pem=_read_pem(ca_cert),
            verify=verify,
            max_retries=max_retries,
            user_agent=user_agent,
            max_response_bytes=max_response_bytes,
            max_in_flight=max_in_flight,
        )
        self._native = blocking.to_async()

    def with_timeout(self, seconds: float) -> AsyncClient:
        """A client on the same connections, key and settings whose requests may each take
        ``seconds`` as a whole instead of ``timeout`` (see :meth:`Client.with_timeout`)."""
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

    async def call(self, op_id: str, /, **params: Any) -> Any:
        """Calls any operation of the Client API by its id, as :meth:`Client.call` does.

        Parameters are the panel's names, flat; the answer is in the one shape (dicts and
        lists), or ``None`` for operations that answer with no content::

            await client.call("server.power", server="d3aac109", signal="start")
            page = await client.call("servers.list", filter={"name": "Survival"}, per_page=10)
        """
        return await self._native.call(op_id, params)

    def iter(self, op_id: str, /, **params: Any) -> AsyncIterator[Any]:
        """Every item of a paginated operation, fetched page by page as the ``async for`` goes,
        with the same parameters on every page; ``page`` sets the first page."""
        return self._native.iter(op_id, params)

    def server(self, identifier: str) -> AsyncServerHandle:
        """A handle on one server, by its short identifier or UUID. Makes no request."""
        return AsyncServerHandle(self._native, identifier)

    # What the generated methods call through (see ``_api._AsyncOwner``).
    def _call(self, op_id: str, params: dict[str, Any]) -> Awaitable[Any]:
        return self._native.call(op_id, params)

    def _iter(self, op_id: str, params: dict[str, Any]) -> AsyncIterator[Any]:
        return self._native.iter(op_id, params)

    def _call_bytes(self, op_id: str, params: dict[str, Any]) -> Awaitable[bytes]:
        return self._native.call_bytes(op_id, params)

    def _call_content(self, op_id: str, params: dict[str, Any], content: bytes | str) -> Awaitable[Any]:
        return self._native.call_content(op_id, params, as_bytes(content))

    async def close(self) -> None:
        """Releases the client. Later calls raise :class:`InvalidInputError`; calls in flight
        finish."""
        self._native.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def __repr__(self) -> str:
        state = " closed" if self.closed else ""
        return f"<pterodactyl.AsyncClient {self.base_url!r}{state}>"


class AsyncServerHandle(_AsyncServerOps):
    """A handle on one server of an :class:`AsyncClient` (``client.server("d3aac109")``), with the
    operations of :class:`ServerHandle`, awaited: ``await srv.resources()``,
    ``await srv.files.list()``, ``async for b in srv.backups.iter(): ...``."""

    __slots__ = ("_native", "identifier")

    identifier: str
    """The identifier the handle was made with."""

    def __init__(self, native: _native.AsyncClient, identifier: str) -> None:
        self._native = native
        self.identifier = identifier

    def _params(self, params: dict[str, Any]) -> dict[str, Any]:
        params["server"] = self.identifier
        return params

    # What the generated methods call through (see ``_api._AsyncOwner``): the server's id is added.
    def _call(self, op_id: str, params: dict[str, Any]) -> Awaitable[Any]:
        return self._native.call(op_id, self._params(params))

    def _iter(self, op_id: str, params: dict[str, Any]) -> AsyncIterator[Any]:
        return self._native.iter(op_id, self._params(params))

    def _call_bytes(self, op_id: str, params: dict[str, Any]) -> Awaitable[bytes]:
        return self._native.call_bytes(op_id, self._params(params))

    def _call_content(self, op_id: str, params: dict[str, Any], content: bytes | str) -> Awaitable[Any]:
        return self._native.call_content(op_id, self._params(params), as_bytes(content))

    async def start(self) -> None:
        """``power("start")``."""
        await self.power("start")

    async def stop(self) -> None:
        """``power("stop")``."""
        await self.power("stop")

    async def restart(self) -> None:
        """``power("restart")``."""
        await self.power("restart")

    async def kill(self) -> None:
        """``power("kill")``."""
        await self.power("kill")

    def __repr__(self) -> str:
        return f"<pterodactyl.AsyncServerHandle {self.identifier!r}>"
