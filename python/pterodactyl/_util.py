"""Small conversions shared by the generated methods (``_api``) and the client (``_client``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional, Union

from .errors import DecodeError


def include_list(include: Optional[Union[str, Sequence[str]]]) -> Optional[list[str]]:
    """Relationships to include: a lone string is one name (or a comma-separated list), never a
    sequence of letters."""
    if include is None:
        return None
    if isinstance(include, str):
        return [part.strip() for part in include.split(",") if part.strip()]
    return list(include)


def text_of(content: bytes) -> str:
    """A file's bytes as UTF-8 text, or :class:`DecodeError` naming where it is not."""
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as e:
        raise DecodeError(
            f"the file is not UTF-8 text (byte {e.start}); read it as bytes with files.contents()"
        ) from None


def as_bytes(content: Union[bytes, bytearray, memoryview, str]) -> bytes:
    """File content to send: bytes as they are, text as UTF-8."""
    if isinstance(content, str):
        return content.encode("utf-8")
    return bytes(content)
