"""Hand-written methods of generated groups: what is more than one operation's call.

The generated classes of ``_api`` inherit these (``Files`` inherits ``FilesExtras``); the list
of extended groups is ``EXTENDED`` in ``xtask/src/python.rs``. Methods here reach the panel
through ``self._owner`` like the generated ones.
"""

from __future__ import annotations

__all__ = ["BackupsExtras", "FilesExtras"]


class FilesExtras:
    """Transfers of ``srv.files`` (see ``docs/python.md``)."""

    __slots__ = ()


class BackupsExtras:
    """Transfers of ``srv.backups``."""

    __slots__ = ()
