"""The exceptions of the ``pterodactyl`` package.

Every error derives from :class:`PterodactylError`. Which class is raised for which failure is
decided in one place, in the native module, from the Rust core's error kinds::

    try:
        client.server("d3aac109").start()
    except pterodactyl.NotFoundError:
        ...  # no such server, or the key may not see it
    except pterodactyl.ApiError as e:
        print(e.status, e.code, e)  # str(e) is the panel's own message

No message or attribute ever contains the API key.
"""

import builtins
from collections.abc import Sequence
from typing import Optional

from .types import ApiErrorItem

__all__ = [
    "ApiError",
    "AuthenticationError",
    "CancelledError",
    "ConflictError",
    "ConnectionError",
    "ConsoleClosedError",
    "DecodeError",
    "InvalidInputError",
    "LocalIOError",
    "NotFoundError",
    "NotJsonError",
    "PermissionDeniedError",
    "PterodactylError",
    "RateLimitedError",
    "TimeoutError",
    "TooLargeError",
    "ValidationError",
    "WingsError",
]


class PterodactylError(Exception):
    """Base class of every error raised by this package."""


class ApiError(PterodactylError):
    """The panel answered with an error status and its JSON error document.

    ``str(error)`` is the panel's own message (``detail``; for a 422 naming several fields, every
    entry's detail). ``status`` is the HTTP status, ``code`` the first entry's exception name
    (``ValidationException``, ``DisplayException``, ...) and ``errors`` every entry.
    """

    status: int
    code: str
    detail: str
    errors: list[ApiErrorItem]

    def __init__(self, message: str = "", *, status: int = 0, errors: Sequence[ApiErrorItem] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.errors = list(errors)
        self.detail = message
        self.code = self.errors[0]["code"] if self.errors else ""


class AuthenticationError(ApiError):
    """401: the API key is wrong, revoked, or not a client (``ptlc_``) key."""


class PermissionDeniedError(ApiError):
    """403: the key's user lacks the permission, or the key's IP is not allowed."""


class NotFoundError(ApiError):
    """404: no such server (or the key may not see it), or no such allocation, ..."""


class ConflictError(ApiError):
    """409: the server is suspended, installing, being transferred or restoring a backup."""


class ValidationError(ApiError):
    """422: the panel refused a field; each entry of ``errors`` names its ``source_field`` and
    ``rule``."""


class RateLimitedError(ApiError):
    """429: the panel's rate limit was hit and the call was not (or no longer) retried.

    ``retry_after`` is how many seconds the panel asked to wait, when it said. ``GET`` calls are
    retried by the client first; ``POST``, ``PUT`` and ``DELETE`` never are.
    """

    retry_after: Optional[float]

    def __init__(
        self,
        message: str = "",
        *,
        status: int = 429,
        errors: Sequence[ApiErrorItem] = (),
        retry_after: Optional[float] = None,
    ) -> None:
        super().__init__(message, status=status, errors=errors)
        self.retry_after = retry_after


class TimeoutError(PterodactylError, builtins.TimeoutError):
    """The panel did not answer within the timeout (``phase`` is ``"connect"`` or
    ``"request"``). Also a builtin :class:`TimeoutError`."""

    timeout: Optional[float]
    phase: str

    def __init__(self, message: str = "", *, timeout: Optional[float] = None, phase: str = "request") -> None:
        super().__init__(message)
        self.timeout = timeout
        self.phase = phase


class ConnectionError(PterodactylError, builtins.ConnectionError):
    """The panel could not be reached, or the connection broke. ``connect`` is true when no
    connection was ever made (so the request never left the machine). Also a builtin
    :class:`ConnectionError`."""

    connect: bool

    def __init__(self, message: str = "", *, connect: bool = False) -> None:
        super().__init__(message)
        self.connect = connect


class DecodeError(PterodactylError):
    """The answer was JSON, but not of the expected shape (``path`` says where)."""

    path: str

    def __init__(self, message: str = "", *, path: str = "") -> None:
        super().__init__(message)
        self.path = path


class NotJsonError(PterodactylError):
    """The answer was not JSON: an HTML login or error page, a proxy in between, a redirect
    (``location``). Usually the panel URL is wrong."""

    status: int
    content_type: str
    snippet: str
    location: Optional[str]

    def __init__(
        self,
        message: str = "",
        *,
        status: int = 0,
        content_type: str = "",
        snippet: str = "",
        location: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.content_type = content_type
        self.snippet = snippet
        self.location = location


class TooLargeError(PterodactylError):
    """The answer was larger than the client accepts (``max_response_bytes``, default 64 MiB)
    and was not read further. ``limit`` is that limit in bytes."""

    limit: int

    def __init__(self, message: str = "", *, limit: int = 0) -> None:
        super().__init__(message)
        self.limit = limit


class CancelledError(PterodactylError):
    """The call was abandoned before the panel answered. Ctrl-C during a call raises
    :class:`KeyboardInterrupt` itself, not this; it is here for completeness."""


class InvalidInputError(PterodactylError, ValueError):
    """The arguments were refused before any request was made: an unknown operation id, a
    path parameter that is not one plain segment (``"../account"``), a value JSON cannot carry
    (a set, an object, NaN), a closed client. Also a :class:`ValueError`."""


class WingsError(PterodactylError):
    """Wings (or the S3 storage of a backup) refused a request made to it directly: a transfer
    through a signed URL, or the console's websocket.

    ``status`` is the HTTP status. For a transfer: 404 for a URL used already (each works once;
    the transfer methods ask for a fresh one every time), 500 for an expired one, 400 for a file
    over the upload limit. ``str(error)`` is Wings' own message and ``request_id`` its request
    id, as in Wings' logs.
    """

    status: int
    detail: str
    request_id: Optional[str]

    def __init__(self, message: str = "", *, status: int = 0, request_id: Optional[str] = None) -> None:
        super().__init__(message)
        self.status = status
        self.detail = message
        self.request_id = request_id


class LocalIOError(PterodactylError, builtins.OSError):
    """A transfer could not read or write on this side: a full disk, a missing directory, no
    permission, or the file object given raised (that exception is the ``__cause__``). Also a
    builtin :class:`OSError` with ``errno`` (e.g. ``errno.ENOSPC``) and ``filename`` when known.
    A download to a path never leaves a partial file behind."""

    def __init__(
        self, message: str = "", *, errno: Optional[int] = None, filename: Optional[str] = None
    ) -> None:
        super().__init__(message)
        self.errno = errno
        self.filename = filename

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class ConsoleClosedError(PterodactylError):
    """The :class:`~pterodactyl.Console` has ended: Wings closed it for good (close code 4409
    when the server is suspended, the server deleted, the key's access withdrawn), or it was
    closed with :meth:`~pterodactyl.Console.close` before the call. ``reason`` says which;
    ``code`` is Wings' websocket close code, when it sent one. Iterating over a console that
    :meth:`~pterodactyl.Console.close` ended just stops instead."""

    reason: str
    code: Optional[int]

    def __init__(self, message: str = "", *, reason: str = "", code: Optional[int] = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.code = code
