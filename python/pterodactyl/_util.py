"""Small conversions shared by the generated methods (``_api``) and the client (``_client``)."""

from __future__ import annotations

from collections.abc import Sequence

from .errors import DecodeError


def include_list(include: str | Sequence[str] | None) -> list[str] | None:
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


def str_list(items: str | Sequence[str] | None) -> list[str] | None:
    """A list of names: a lone string is one name, never a sequence of letters (so
    ``files.delete("/", "eula.txt")`` deletes ``eula.txt``, not ``e``, ``u``, ...)."""
    if items is None:
        return None
    if isinstance(items, str):
        return [items]
    return list(items)


def as_bytes(content: bytes | bytearray | memoryview | str) -> bytes:
    """File content to send: bytes as they are, text as UTF-8; anything else is refused (``bytes(5)``
    would be five NUL bytes)."""
    if isinstance(content, str):
        return content.encode("utf-8")
    if isinstance(content, (bytes, bytearray, memoryview)):
        return bytes(content)
    raise TypeError(f"file content must be bytes or str, not {type(content).__name__}")
