"""Private native module of ``pterodactyl``; use the public package instead."""

from typing import Any, final

from .types import Operation, RateLimit

__version__: str

def operations() -> list[Operation]:
    """Every operation of the Client API: id, method, path, success status, permission and
    whether it is paginated."""

@final
class Client:
    def __new__(
        cls,
        panel_url: str,
        api_key: str,
        *,
        timeout: float = 30.0,
        connect_timeout: float = 10.0,
        ca_cert_pem: str | None = None,
        verify: bool = True,
        max_retries: int = 3,
        user_agent: str | None = None,
    ) -> Client: ...
    @property
    def base_url(self) -> str: ...
    @property
    def closed(self) -> bool: ...
    @property
    def rate_limit(self) -> RateLimit | None: ...
    def call(self, op_id: str, params: dict[str, Any] | None = None) -> Any: ...
    def iter(self, op_id: str, params: dict[str, Any] | None = None) -> PageIterator: ...
    def close(self) -> None: ...

@final
class PageIterator:
    """Every item of a paginated list; the next page is fetched (without holding the GIL) only
    when the current one is used up."""

    def __iter__(self) -> PageIterator: ...
    def __next__(self) -> Any: ...
