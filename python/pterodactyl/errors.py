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
    "DecodeError",
    "InvalidInputError",
    "NotFoundError",
    "NotJsonError",
    "PermissionDeniedError",
    "PterodactylError",
    "RateLimitedError",
    "TimeoutError",
    "TooLargeError",
    "ValidationError",
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
