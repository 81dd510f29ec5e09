"""The live console: a server's Wings websocket, kept alive by the Rust core.

::

    with client.server("d3aac109").console() as console:
        console.set_state("start")
        for event in console:
            if event.name == "console output":
                print(event.line)
            elif event.name == "status" and event.state == "running":
                console.send_command("say Hello")

Events are :class:`ConsoleEvent` objects: ``name`` and ``args`` as Wings sent them, and typed
fields where the event has them (``line``, ``state``, ``stats``, ...). Tokens are renewed on the
same socket before they expire; a lost connection is made again and reported as a
``disconnected`` event, then a ``gap`` event once the console is live again. Outside a gap,
every event Wings sent arrives exactly once and in order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import _native
from ._native import ConsoleEvent

if TYPE_CHECKING:
    from typing_extensions import Self

    from .types import PowerSignal

__all__ = ["Console", "ConsoleEvent"]


class Console:
    """A server's live console (``srv.console()``): events in, commands and power actions out.

    Iterate over it for events (``for event in console``): each wait releases the GIL, Ctrl-C
    interrupts it, and :meth:`close` from another thread ends the loop cleanly. When Wings ends
    the console for good (close code 4409: the server is suspended; the server deleted; the
    key's access withdrawn) the loop raises :class:`~pterodactyl.ConsoleClosedError`, or the
    panel's own error when it refused a new token (:class:`~pterodactyl.NotFoundError`,
    :class:`~pterodactyl.PermissionDeniedError`, :class:`~pterodactyl.ConflictError` for a
    suspension).

    Sends (:meth:`send_command`, :meth:`set_state`, :meth:`request_logs`,
    :meth:`request_stats`) are written once or not at all, never twice. While the console
    reconnects they wait up to ``send_timeout`` seconds for the connection, then raise
    :class:`~pterodactyl.TimeoutError` (not sent); with ``send_timeout=0`` they raise
    :class:`~pterodactyl.ConnectionError` at once instead. A send Wings would silently ignore
    for lack of permission raises :class:`~pterodactyl.InvalidInputError`.
    """

    __slots__ = ("_native",)

    def __init__(self, native: _native.Console) -> None:
        self._native = native

    @property
    def server(self) -> str:
        """The server identifier the console was opened with."""
        return self._native.server

    @property
    def connected(self) -> bool:
        """Whether the console is authenticated on a live connection right now (a send goes out
        at once); false while it reconnects or renews an expired token, and once closed."""
        return self._native.connected

    @property
    def closed(self) -> bool:
        """Whether the console has ended."""
        return self._native.closed

    def __iter__(self) -> _native.Console:
        # The native object is its own iterator: no Python frame per event.
        return self._native

    def next_event(self, timeout: float | None = None) -> ConsoleEvent | None:
        """The next event, waiting up to ``timeout`` seconds (``None``: as long as it takes;
        ``0``: only what is already there, e.g. on a game's tick); ``None`` when nothing came in
        time. Raises what ended the console; :class:`~pterodactyl.ConsoleClosedError` once it
        is closed."""
        return self._native.next_event(timeout)

    def send_command(self, command: str) -> None:
        """Sends a console command, as typed in the panel's console (needs
        ``control.console``; Wings ignores it while the server is offline). Its echo and output
        arrive as ``console output`` events."""
        self._native.send_command(command)

    def set_state(self, state: PowerSignal) -> None:
        """Sends a power action: ``"start"``, ``"stop"``, ``"restart"`` or ``"kill"``. The new
        states arrive as ``status`` events."""
        self._native.set_state(state)

    def request_logs(self) -> None:
        """Asks Wings for the recent console lines: while the server runs, its last lines (150
        by default) arrive as ``console output`` events (repeating lines already received)."""
        self._native.request_logs()

    def request_stats(self) -> None:
        """Asks Wings for the resource usage now: a ``stats`` event follows."""
        self._native.request_stats()

    def close(self) -> None:
        """Closes the console (Wings gets a close frame; no more reconnecting). A loop over the
        events in another thread stops cleanly; later sends raise
        :class:`~pterodactyl.ConsoleClosedError`. Calling it again does nothing."""
        self._native.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = " closed" if self.closed else ("" if self.connected else " reconnecting")
        return f"<pterodactyl.Console {self.server!r}{state}>"
