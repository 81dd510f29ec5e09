from typing import Any, final

from .types import Operation, RateLimit

__all__ = ["Client", "PageIterator", "__version__", "operations"]

__version__: str

def operations() -> list[Operation]: ...

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
        max_response_bytes: int = 67108864,
    ) -> Client: ...
    def with_timeout(self, timeout: float) -> Client: ...
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
    def __iter__(self) -> PageIterator: ...
    def __next__(self) -> Any: ...
