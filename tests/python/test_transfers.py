"""File transfers through signed Wings URLs: ``srv.files.download/upload`` and
``srv.backups.download`` to and from paths and file objects, with progress; and the failure
matrix (a reused URL, an expired one, a connection cut mid-body, a cancel from the progress
callable, a full disk, Wings' own refusals). A failed download to a path never leaves a partial
file behind."""

from __future__ import annotations

import errno
import io
import os
import struct
import urllib.error
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

import pterodactyl
from conftest import OWNER_KEY, SURVIVAL, Panel

MIB = 1024 * 1024
WEEKLY = "b4c7e1d2-5f3a-4b8c-9d0e-1f2a3b4c5d6e"
"""The seeded weekly backup of d3aac109: numeric id 1, so its archive is generated content of
seed 1; 52428800 bytes."""
WEEKLY_BYTES = 52_428_800


# --- the fake's Wings controls -------------------------------------------------------------------


def wings(panel: Panel, **settings: Any) -> None:
    """``token_ttl_secs``, ``upload_limit_mb``, ``cut_after_bytes`` (``None`` clears it),
    ``unreachable_urls``."""
    panel._control("POST", "wings", settings)


def generated_file(panel: Panel, path: str, size: int, seed: int) -> None:
    panel._control("POST", "generated_file", {"server": SURVIVAL, "path": path, "size": size, "seed": seed})


def file_info(panel: Panel, path: str) -> dict[str, Any] | None:
    query = urllib.parse.urlencode({"server": SURVIVAL, "path": path})
    try:
        info: dict[str, Any] = panel._control("GET", f"file_info?{query}")
    except urllib.error.HTTPError as e:
        assert e.code == 404
        return None
    return info


def wings_requests(panel: Panel) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = panel._control("GET", "wings_requests")
    return result


# --- the fake's generated content (tests/panel/src/files.rs, fill_generated) ---------------------

MASK = (1 << 64) - 1


def _splitmix64(x: int) -> int:
    z = (x + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def generated(seed: int, length: int) -> bytes:
    """The first ``length`` bytes of the generated content of ``seed`` (small lengths only)."""
    words = [seed] + [_splitmix64((seed + k) & MASK) for k in range(1, length // 8 + 1)]
    return struct.pack(f"<{len(words)}Q", *words)[:length]


class Recorder:
    """A progress callable that keeps every report."""

    def __init__(self) -> None:
        self.reports: list[tuple[int, int | None]] = []

    def __call__(self, done: int, total: int | None) -> None:
        self.reports.append((done, total))

    def check(self, total: int | None, done: int) -> None:
        assert self.reports, "the callable was called"
        assert self.reports[0][0] == 0, "first report at the start"
        dones = [d for d, _ in self.reports]
        assert dones == sorted(set(dones)), "done only grows"
        assert {t for _, t in self.reports} == {total}
        assert self.reports[-1][0] == done, "last report at the end"


def assert_no_key_sent_to_wings(panel: Panel) -> None:
    requests = wings_requests(panel)
    assert requests, "Wings was asked"
    for r in requests:
        assert "authorization" not in r["headers"], f"{r['method']} {r['path']} carried the key"
        assert OWNER_KEY not in str(r)


# --- downloads -----------------------------------------------------------------------------------


def test_download_to_a_path_and_to_a_file_object(
    client: pterodactyl.Client, panel: Panel, tmp_path: Path
) -> None:
    files = client.server(SURVIVAL).files
    dest = tmp_path / "eula.txt"
    n = files.download("/eula.txt", dest)
    assert dest.read_bytes().endswith(b"eula=true\n") and n == dest.stat().st_size
    out = io.BytesIO()
    assert files.download("world/level.dat", out) == 16
    assert out.getvalue()[:6] == b"\x0a\x00\x00\x0a\x00\x04"
    assert files.download("/eula.txt", str(tmp_path / "as-str.txt")) == n
    assert sorted(p.name for p in tmp_path.iterdir()) == ["as-str.txt", "eula.txt"]
    assert_no_key_sent_to_wings(panel)


def test_download_of_hundreds_of_megabytes_with_progress(
    client: pterodactyl.Client, panel: Panel, tmp_path: Path
) -> None:
    size = 200 * MIB + 5
    generated_file(panel, "/big.bin", size, 21)
    progress = Recorder()
    dest = tmp_path / "big.bin"
    assert client.server(SURVIVAL).files.download("/big.bin", dest, progress=progress) == size
    progress.check(size, size)
    assert len(progress.reports) > 100
    assert dest.stat().st_size == size
    with dest.open("rb") as f:
        assert f.read(4096) == generated(21, 4096)
    # Byte for byte: the fake recognises its own generated content when it comes back.
    wings(panel, upload_limit_mb=400)
    client.server(SURVIVAL).files.upload(dest, "/again")
    assert file_info(panel, "/again/big.bin") == {"size": size, "kind": "generated", "seed": 21}


def test_backup_download(client: pterodactyl.Client, panel: Panel, tmp_path: Path) -> None:
    backups = client.server(SURVIVAL).backups
    progress = Recorder()
    dest = tmp_path / "weekly.tar.gz"
    assert backups.download(WEEKLY, dest, progress=progress) == WEEKLY_BYTES
    progress.check(WEEKLY_BYTES, WEEKLY_BYTES)
    with dest.open("rb") as f:
        assert f.read(1024) == generated(1, 1024)
    assert wings_requests(panel)[-1]["path"] == "/download/backup"
    assert_no_key_sent_to_wings(panel)
    with pytest.raises(pterodactyl.WingsError) as info:
        backups.download("c5d8f2e3-6a4b-4c9d-8e1f-2a3b4c5d6e7f", io.BytesIO())  # failed: no archive
    assert info.value.status == 404


def test_a_tqdm_style_progress_bar(client: pterodactyl.Client, tmp_path: Path) -> None:
    class Bar:  # the part of tqdm that the one-liner uses
        n = 0
        total: int | None = None

        def update(self, k: int) -> None:
            self.n += k

    bar = Bar()
    client.server(SURVIVAL).files.download(
        "/eula.txt", tmp_path / "e.txt", progress=lambda done, total: bar.update(done - bar.n)
    )
    assert bar.n == (tmp_path / "e.txt").stat().st_size


# --- uploads -------------------------------------------------------------------------------------


def test_upload_paths_file_objects_and_bytes(
    client: pterodactyl.Client, panel: Panel, tmp_path: Path
) -> None:
    files = client.server(SURVIVAL).files
    (tmp_path / "a.txt").write_bytes(b"alpha")
    (tmp_path / "b.bin").write_bytes(bytes(range(256)) * 1000)
    progress = Recorder()
    with (tmp_path / "b.bin").open("rb") as b:
        n = files.upload([tmp_path / "a.txt", b, ("c.txt", b"gamma")], "/uploads", progress=progress)
    assert n == 5 + 256_000 + 5
    progress.check(n, n)
    assert files.contents("/uploads/a.txt") == b"alpha"
    assert files.contents("/uploads/b.bin") == bytes(range(256)) * 1000
    assert files.contents("/uploads/c.txt") == b"gamma"
    posts = [r for r in wings_requests(panel) if r["method"] == "POST"]
    assert len(posts) == 1 and posts[0]["query"].endswith("&directory=%2Fuploads")
    assert_no_key_sent_to_wings(panel)

    # One source on its own; a reader of unknown size is sent chunked, without a total.
    assert files.upload(str(tmp_path / "a.txt")) == 5

    class Stream:
        name = "stream.txt"

        def __init__(self) -> None:
            self.left = [b"x" * 100_000, b"y" * 50]

        def read(self, n: int) -> bytes:
            if not self.left:
                return b""
            head, self.left[0] = self.left[0][:n], self.left[0][n:]
            if not self.left[0]:
                self.left.pop(0)
            return head

    progress = Recorder()
    assert files.upload(Stream(), progress=progress) == 100_050
    progress.check(None, 100_050)
    assert files.contents("/stream.txt") == b"x" * 100_000 + b"y" * 50


def test_upload_refuses_bad_sources_before_asking_the_panel(
    client: pterodactyl.Client, panel: Panel, tmp_path: Path
) -> None:
    files = client.server(SURVIVAL).files
    with pytest.raises(pterodactyl.LocalIOError) as info:
        files.upload(tmp_path / "missing.jar")
    assert info.value.errno == errno.ENOENT and isinstance(info.value, OSError)
    with pytest.raises(pterodactyl.InvalidInputError):
        files.upload(io.BytesIO(b"no name"))
    with pytest.raises(pterodactyl.InvalidInputError):
        files.upload(("../escape.txt", b"x"))
    with pytest.raises(pterodactyl.InvalidInputError):
        files.upload([])
    text = tmp_path / "t.txt"
    text.write_text("x")
    with text.open() as f, pytest.raises(pterodactyl.InvalidInputError):
        files.upload(f)
    assert panel.requests() == []


# --- the failure matrix --------------------------------------------------------------------------


def test_a_signed_url_works_once(client: pterodactyl.Client, panel: Panel, tmp_path: Path) -> None:
    url = client.server(SURVIVAL).files.download_url("/eula.txt")["url"]
    assert client.download_signed_url(url, tmp_path / "first.txt") > 0
    with pytest.raises(pterodactyl.WingsError) as info:
        client.download_signed_url(url, tmp_path / "second.txt")
    assert info.value.status == 404
    assert "used already" in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first.txt"], "no file for a refused download"


def test_an_expired_url(client: pterodactyl.Client, panel: Panel, tmp_path: Path) -> None:
    wings(panel, token_ttl_secs=0)
    srv = client.server(SURVIVAL)
    with pytest.raises(pterodactyl.WingsError) as info:
        srv.files.download("/eula.txt", tmp_path / "eula.txt")
    assert info.value.status == 500 and "expired" in str(info.value)
    with pytest.raises(pterodactyl.WingsError):
        srv.backups.download(WEEKLY, tmp_path / "weekly.tar.gz")
    with pytest.raises(pterodactyl.WingsError):
        srv.files.upload(("late.txt", b"late"))
    assert list(tmp_path.iterdir()) == []
    assert file_info(panel, "/late.txt") is None


def test_a_cut_connection(client: pterodactyl.Client, panel: Panel, tmp_path: Path) -> None:
    generated_file(panel, "/cut.bin", 8 * MIB, 3)
    wings(panel, cut_after_bytes=MIB + 17)
    files = client.server(SURVIVAL).files
    dest = tmp_path / "cut.bin"
    dest.write_bytes(b"previous")
    with pytest.raises(pterodactyl.ConnectionError):
        files.download("/cut.bin", dest)
    assert dest.read_bytes() == b"previous", "the previous file is untouched"
    assert [p.name for p in tmp_path.iterdir()] == ["cut.bin"], "no partial file"
    with pytest.raises(pterodactyl.ConnectionError):
        files.upload(("cut.txt", b"z" * (4 * MIB)))
    assert file_info(panel, "/cut.txt") is None
    wings(panel, cut_after_bytes=None)
    assert files.download("/cut.bin", dest) == 8 * MIB


def test_the_progress_callable_cancels(client: pterodactyl.Client, panel: Panel, tmp_path: Path) -> None:
    generated_file(panel, "/cancel.bin", 32 * MIB, 5)
    files = client.server(SURVIVAL).files

    class Enough(Exception):
        pass

    def stop(done: int, total: int | None) -> None:
        if done > 2 * MIB:
            raise Enough

    with pytest.raises(Enough):
        files.download("/cancel.bin", tmp_path / "cancel.bin", progress=stop)
    assert list(tmp_path.iterdir()) == [], "the partial file is removed"

    def cancel(done: int, total: int | None) -> None:
        raise pterodactyl.CancelledError("not now")

    with pytest.raises(pterodactyl.CancelledError):
        files.download("/cancel.bin", tmp_path / "cancel.bin", progress=cancel)
    with pytest.raises(Enough):
        files.upload(("big.txt", b"q" * (8 * MIB)), progress=stop)
    assert file_info(panel, "/big.txt") is None
    assert list(tmp_path.iterdir()) == []
    assert files.download("/eula.txt", io.BytesIO()) > 0, "the client works on"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_disk(client: pterodactyl.Client, panel: Panel) -> None:
    generated_file(panel, "/full.bin", 4 * MIB, 1)
    with open("/dev/full", "wb") as full, pytest.raises(pterodactyl.LocalIOError) as info:
        client.server(SURVIVAL).files.download("/full.bin", full)
    assert info.value.errno == errno.ENOSPC
    assert isinstance(info.value.__cause__, OSError), "the file object's own exception is the cause"


def test_wings_refusals(client: pterodactyl.Client, panel: Panel) -> None:
    files = client.server(SURVIVAL).files
    with pytest.raises(pterodactyl.WingsError) as info:
        files.download("/missing.txt", io.BytesIO())
    assert info.value.status == 404
    assert str(info.value) == "The requested resources was not found on the system."
    assert info.value.request_id
    wings(panel, upload_limit_mb=1)
    with pytest.raises(pterodactyl.WingsError) as info:
        files.upload(("big.bin", bytes(2 * MIB)))
    assert info.value.status == 400 and "maximum file upload size of 1 MB" in str(info.value)


def test_a_retry_asks_for_a_fresh_url(panel: Panel) -> None:
    wings(panel, unreachable_urls=1)
    with pterodactyl.Client(panel.url, OWNER_KEY) as client:
        out = io.BytesIO()
        client.server(SURVIVAL).files.download("/eula.txt", out)
    assert out.getvalue().endswith(b"eula=true\n")
    asked = [r for r in panel.requests() if r["path"].endswith("/files/download")]
    assert len(asked) == 2, "a fresh URL for the second try"


def test_errors_of_a_subuser_stay_api_errors(subuser: pterodactyl.Client, tmp_path: Path) -> None:
    with pytest.raises(pterodactyl.PermissionDeniedError):
        subuser.server(SURVIVAL).files.download("/eula.txt", tmp_path / "x")
    assert list(tmp_path.iterdir()) == []
