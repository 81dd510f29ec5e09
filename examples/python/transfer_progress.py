"""Moves files with a progress bar: an upload, a download and a backup's archive.

    PTERO_URL=https://panel.example.com PTERO_KEY=ptlc_... python transfer_progress.py

PTERO_SERVER picks the server (default ``d3aac109``, the fake panel's "Survival"). Against a
real panel this uploads ``transfer-demo.bin`` (8 MiB) into ``/`` of the server and deletes it
again. The bars are tqdm's when it is installed (``pip install tqdm``), a plain line otherwise.

The progress callable gets ``(done, total)``; with tqdm it is one line::

    srv.files.download(path, dest, progress=lambda done, total: bar.update(done - bar.n))
"""

from __future__ import annotations

import os
import sys
import tempfile
from typing import Any, final

import pterodactyl


@final
class PlainBar:
    """What the example uses of tqdm, printed on one line."""

    def __init__(self, desc: str, total: int | None = None) -> None:
        self.desc, self.total, self.n = desc, total, 0

    def update(self, k: int) -> None:
        self.n += k
        of = f" of {self.total:,}" if self.total is not None else ""
        print(f"\r  {self.desc}: {self.n:,}{of} bytes", end="", flush=True)

    def __enter__(self) -> PlainBar:
        return self

    def __exit__(self, *exc: object) -> None:
        print()


def bar(desc: str, total: int | None = None) -> Any:
    try:
        from tqdm import tqdm
    except ImportError:
        return PlainBar(desc, total)
    return tqdm(desc=desc, total=total, unit="B", unit_scale=True, unit_divisor=1024)


def main() -> int:
    url = os.environ.get("PTERO_URL")
    key = os.environ.get("PTERO_KEY")
    if not url or not key:
        print("set PTERO_URL and PTERO_KEY", file=sys.stderr)
        return 2
    srv = pterodactyl.Client(url, key).server(os.environ.get("PTERO_SERVER", "d3aac109"))

    with tempfile.TemporaryDirectory() as tmp:
        local = os.path.join(tmp, "transfer-demo.bin")
        with open(local, "wb") as f:
            f.write(os.urandom(8 * 1024 * 1024))

        # Upload: the total is known up front (the file's size).
        with bar("upload", os.path.getsize(local)) as b:
            srv.files.upload(local, "/", progress=lambda done, total: b.update(done - b.n))

        # Download: the total comes with the answer (Content-Length); a path is written all or
        # nothing, so a failure never leaves a partial file.
        back = os.path.join(tmp, "back.bin")
        with bar("download") as b:

            def show(done: int, total: int | None) -> None:
                b.total = total
                b.update(done - b.n)

            srv.files.download("/transfer-demo.bin", back, progress=show)
        with open(local, "rb") as a, open(back, "rb") as c:
            print("  same bytes:", a.read() == c.read())
        srv.files.delete("/", ["transfer-demo.bin"])

        # A backup's archive, if the server has a completed one.
        done = [b for b in srv.backups.iter() if b["completed_at"] and b["is_successful"]]
        if done:
            with bar(f"backup {done[0]['name']!r}", done[0]["bytes"]) as b:
                srv.backups.download(
                    done[0]["uuid"],
                    os.path.join(tmp, "backup.tar.gz"),
                    progress=lambda n, total: b.update(n - b.n),
                )

        # Errors are typed: a file Wings does not have is a WingsError (404).
        try:
            srv.files.download("/no-such-file.bin", os.path.join(tmp, "x"))
        except pterodactyl.WingsError as e:
            print(f"  missing file: WingsError {e.status}: {e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
