"""Hand-written methods of generated groups: what is more than one operation's call.

The generated classes of ``_api`` inherit these (``Files`` inherits ``FilesExtras``); the list
of extended groups is ``EXTENDED`` in ``xtask/src/python.rs``. Methods here reach the panel
through ``self._owner`` like the generated ones.

Here: the file transfers (``docs/transfers.md``). Each asks the panel for a fresh signed URL
and streams the bytes to or from Wings in the Rust core, with the GIL released while it waits:
memory stays flat whatever the size.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Callable, Optional, Protocol, Union, cast

from . import _native
from .errors import InvalidInputError

if TYPE_CHECKING:
    from ._api import _Owner
    from ._client import ServerHandle

__all__ = [
    "BackupsExtras",
    "Destination",
    "FilesExtras",
    "Progress",
    "Readable",
    "Source",
    "Writable",
    "download_signed",
]

Progress = Callable[[int, Optional[int]], object]
"""``progress(done, total)``: bytes moved so far and the whole size (``None`` when unknown).

Called when the transfer starts, about every 256 KiB, and at the end. An exception it raises
stops the transfer and reaches the caller as it is (a partial download to a path is removed):
raise :class:`pterodactyl.CancelledError` to cancel."""

class Writable(Protocol):
    """A binary file object to download into (``open(path, "wb")``, ``io.BytesIO``, a socket's
    file, ...): only ``write(bytes)`` is used."""

    def write(self, data: bytes, /) -> object: ...


class Readable(Protocol):
    """A binary file object to upload from (``open(path, "rb")``, ``io.BytesIO``, ...): only
    ``read(n)`` is used, answering at most ``n`` bytes and ``b""`` at the end."""

    def read(self, size: int, /) -> bytes: ...


Destination = Union[str, "os.PathLike[str]", Writable]
"""Where a download goes: a local path (written all or nothing), or a binary file object
(``write(bytes)``) that gets the bytes as they arrive."""

Source = Union[str, "os.PathLike[str]", Readable, "tuple[str, Readable | bytes]"]
"""What an upload sends: a local path (uploaded under its own name), a binary file object with
a ``name`` (its size is sent when it is seekable), or ``(name, file object or bytes)``."""


def _target(owner: object) -> tuple[_native.Client, str]:
    """The native client and the server of a group's owner (a ``ServerHandle``)."""
    if not hasattr(owner, "_transfer_target"):
        raise InvalidInputError("transfers are made from a server handle: client.server(id).files")
    return cast("ServerHandle", owner)._transfer_target()


def _destination(dest: Destination) -> tuple[str | None, Any]:
    """``(path, None)`` for a path, ``(None, file)`` for a binary file object."""
    if isinstance(dest, (str, os.PathLike)):
        return os.fsdecode(os.fspath(dest)), None
    if isinstance(dest, io.TextIOBase):
        raise InvalidInputError("the file object is in text mode: open it with 'wb'")
    if callable(getattr(dest, "write", None)):
        return None, dest
    raise InvalidInputError(f"download to a path or a binary file object, not {type(dest).__name__}")


def _readable(item: object) -> bool:
    return callable(getattr(item, "read", None)) and not isinstance(item, io.TextIOBase)


def _remaining(file: Any) -> int | None:
    """What is left to read of a seekable file object, or ``None`` when it cannot say."""
    try:
        if not file.seekable():
            return None
        here = file.tell()
        end = file.seek(0, os.SEEK_END)
        file.seek(here)
        return int(end - here)
    except (AttributeError, OSError, ValueError):
        return None


def _is_pair(item: object) -> bool:
    return (
        isinstance(item, tuple)
        and len(item) == 2
        and isinstance(item[0], str)
        and (isinstance(item[1], (bytes, bytearray, memoryview)) or _readable(item[1]))
    )


def _source(item: object) -> tuple[str | None, str | None, Any, int | None]:
    """``(name, path, file, size)`` as the native upload takes it."""
    if isinstance(item, (str, os.PathLike)):
        return None, os.fsdecode(os.fspath(item)), None, None
    if _is_pair(item):
        name, data = cast("tuple[str, Any]", item)
        if isinstance(data, (bytes, bytearray, memoryview)):
            content = bytes(data)
            return name, None, io.BytesIO(content), len(content)
        return name, None, data, _remaining(data)
    if _readable(item):
        raw = getattr(item, "name", None)
        name = os.path.basename(os.fsdecode(raw)) if isinstance(raw, (str, bytes)) else ""
        if not name:
            raise InvalidInputError("the file object has no name: pass (name, file) instead")
        return name, None, item, _remaining(item)
    if isinstance(item, io.TextIOBase):
        raise InvalidInputError("the file object is in text mode: open it with 'rb'")
    raise InvalidInputError(f"upload a path, a binary file object or (name, data), not {type(item).__name__}")


def _sources(sources: Source | Iterable[Source]) -> list[tuple[str | None, str | None, Any, int | None]]:
    one = (str, os.PathLike, bytes, io.TextIOBase)
    if isinstance(sources, one) or _readable(sources) or _is_pair(sources):
        return [_source(sources)]
    return [_source(item) for item in cast("Iterable[object]", sources)]


def download_signed(
    native: _native.Client, url: str, dest: Destination, progress: Progress | None = None
) -> int:
    """Downloads what a signed URL serves (see ``Client.download_signed_url``)."""
    path, file = _destination(dest)
    return _native.download(native, "url", None, url, path, file, progress)


class FilesExtras:
    """Transfers of ``srv.files`` (see ``docs/transfers.md``)."""

    __slots__ = ()

    if TYPE_CHECKING:
        _owner: _Owner

    def download(self, path: str, dest: Destination, *, progress: Progress | None = None) -> int:
        """Downloads the server's file ``path`` to ``dest``, streaming; returns the bytes written.

        ``dest`` is a local path or a binary file object. A path is written all or nothing: the
        bytes go to a temporary file beside it, renamed only once the whole file arrived (its
        length checked), so a failure never leaves a partial file and an existing file stays
        untouched. A file object gets the bytes as they arrive (on failure it may hold part).

        Each call asks the panel for a fresh signed URL (``files.download_url``) and fetches it
        from Wings without the API key. Errors: :class:`WingsError` (Wings refused: a missing
        file is a 404), :class:`LocalIOError` (a full disk; a file object that raised),
        :class:`ConnectionError` (a connection broken mid-transfer), :class:`TimeoutError`
        (nothing moved for ``timeout`` seconds)::

            srv.files.download("/world.zip", "world.zip")
            with open("latest.log", "wb") as f:
                srv.files.download("/logs/latest.log", f)
        """
        native, server = _target(self._owner)
        local, file = _destination(dest)
        return _native.download(native, "file", server, path, local, file, progress)

    def upload(
        self,
        sources: Source | Iterable[Source],
        directory: str = "/",
        *,
        progress: Progress | None = None,
    ) -> int:
        """Uploads local files into ``directory`` of the server; returns the bytes sent.

        ``sources`` is one source or a list of them: a local path (uploaded under its own
        name), a binary file object with a ``name``, or ``(name, file object or bytes)``. Files
        are read as they are sent, never whole into memory; all go in one multipart POST to a
        fresh signed URL (``files.upload_url``). Wings refuses a file over its upload limit
        (100 MB by default) with :class:`WingsError`::

            srv.files.upload(["build/MyPlugin.jar", "config.yml"], "/plugins")
            srv.files.upload(("motd.txt", b"Welcome!\\n"))
        """
        native, server = _target(self._owner)
        return _native.upload(native, server, directory, _sources(sources), progress)


class BackupsExtras:
    """Transfers of ``srv.backups``."""

    __slots__ = ()

    if TYPE_CHECKING:
        _owner: _Owner

    def download(self, backup: str, dest: Destination, *, progress: Progress | None = None) -> int:
        """Downloads the archive of backup ``backup`` (its uuid) to ``dest`` (a local path,
        written all or nothing, or a binary file object), streaming; returns the bytes written.

        Asks the panel for a fresh signed URL (on Wings, or a pre-signed S3 URL) and fetches it
        without the API key; errors as for ``files.download``::

            srv.backups.download(backup["uuid"], "backup.tar.gz")
        """
        native, server = _target(self._owner)
        local, file = _destination(dest)
        return _native.download(native, "backup", server, backup, local, file, progress)
