"""A server's files (``srv.files...``): listing, bytes in and out, signed URLs, and the file
operations Wings carries out."""

from __future__ import annotations

import urllib.error
import urllib.request
import uuid

import pytest

import pterodactyl
from conftest import SURVIVAL, Panel, body_of, query_of

SERVER_PROPERTIES = (
    b"#Minecraft server properties\n#Mon Oct 21 08:05:42 UTC 2024\nenable-command-block=false\n"
    b"gamemode=survival\nlevel-name=world\nmax-players=20\nmotd=A Minecraft Server\nonline-mode=true\n"
    b"server-port=25565\n"
)
LEVEL_DAT = bytes(
    [0x0A, 0x00, 0x00, 0x0A, 0x00, 0x04, 0x44, 0x61, 0x74, 0x61, 0xFF, 0xFE, 0x80, 0xC3, 0x28, 0x00]
)


def names(entries: list[pterodactyl.types.FileObject]) -> list[str]:
    return [e["name"] for e in entries]


# --- listing and reading -------------------------------------------------------------------------


def test_list_the_root(client: pterodactyl.Client, panel: Panel) -> None:
    entries = client.server(SURVIVAL).files.list()
    request = panel.last_request()
    assert (request["method"], request["path"]) == ("GET", f"/api/client/servers/{SURVIVAL}/files/list")
    assert names(entries) == ["logs", "plugins", "world", "eula.txt", "server.properties"]
    properties = entries[-1]
    assert properties == {
        "name": "server.properties",
        "mode": "-rw-r--r--",
        "mode_bits": "644",
        "size": len(SERVER_PROPERTIES),
        "is_file": True,
        "is_symlink": False,
        "mimetype": "text/plain; charset=utf-8",
        "created_at": "2024-10-21T08:05:42+00:00",
        "modified_at": "2024-10-21T08:05:42+00:00",
    }
    logs = entries[0]
    assert (logs["is_file"], logs["mimetype"], logs["mode"]) == (False, "inode/directory", "drwxr-xr-x")
    assert client.call("server.files.list", server=SURVIVAL) == entries


def test_list_a_directory_sends_it_in_the_query(client: pterodactyl.Client, panel: Panel) -> None:
    assert names(client.server(SURVIVAL).files.list(directory="/logs")) == ["latest.log"]
    assert query_of(panel.last_request()) == {"directory": "/logs"}


def test_list_a_missing_directory_is_404(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.NotFoundError) as info:
        client.server(SURVIVAL).files.list(directory="/nowhere")
    assert info.value.code == "DaemonConnectionException"


def test_contents_are_bytes_and_text(client: pterodactyl.Client, panel: Panel) -> None:
    files = client.server(SURVIVAL).files
    content = files.contents("server.properties")
    request = panel.last_request()
    assert (request["method"], request["path"]) == ("GET", f"/api/client/servers/{SURVIVAL}/files/contents")
    assert query_of(request) == {"file": "server.properties"}
    assert type(content) is bytes
    assert content == SERVER_PROPERTIES
    assert files.contents_text("server.properties") == SERVER_PROPERTIES.decode()


def test_binary_contents_come_back_exactly_and_are_not_text(client: pterodactyl.Client) -> None:
    files = client.server(SURVIVAL).files
    assert files.contents("world/level.dat") == LEVEL_DAT
    with pytest.raises(pterodactyl.DecodeError, match="not UTF-8"):
        files.contents_text("world/level.dat")


def test_contents_of_a_missing_file_is_404(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.NotFoundError):
        client.server(SURVIVAL).files.contents("missing.txt")


def test_contents_of_a_directory_is_400(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.ApiError) as info:
        client.server(SURVIVAL).files.contents("logs")
    assert info.value.status == 400
    assert "file is a directory" in str(info.value)


def test_contents_over_4_mib_is_400(client: pterodactyl.Client) -> None:
    files = client.server(SURVIVAL).files
    files.write("big.bin", b"x" * (4 * 1024 * 1024 + 1))
    with pytest.raises(pterodactyl.ApiError) as info:
        files.contents("big.bin")
    assert (info.value.status, info.value.code) == (400, "FileSizeTooLargeException")


# --- writing: bytes go out as they are -------------------------------------------------------------


def test_write_non_utf8_bytes_round_trip(client: pterodactyl.Client, panel: Panel) -> None:
    files = client.server(SURVIVAL).files
    data = bytes(range(256)) + b"\xff\xfe\x00\r\n"
    assert files.write("data/blob.bin", data) is None
    request = panel.last_request()
    assert (request["method"], request["path"]) == ("POST", f"/api/client/servers/{SURVIVAL}/files/write")
    assert query_of(request) == {"file": "data/blob.bin"}
    # The raw content, never JSON (the panel would try to parse a JSON body).
    assert "json" not in request["headers"].get("content-type", "")
    assert request["headers"]["content-length"] == str(len(data))
    assert files.contents("data/blob.bin") == data
    with pytest.raises(pterodactyl.DecodeError):
        files.contents_text("data/blob.bin")
    assert "blob.bin" in names(files.list(directory="data"))


def test_write_text_is_sent_as_utf8(client: pterodactyl.Client) -> None:
    files = client.server(SURVIVAL).files
    text = "motd=Héllo ✓ wörld\n"
    files.write("server.properties", text)
    assert files.contents("server.properties") == text.encode("utf-8")
    assert files.contents_text("server.properties") == text


def test_write_an_empty_file(client: pterodactyl.Client) -> None:
    files = client.server(SURVIVAL).files
    files.write("empty.txt", b"")
    assert files.contents("empty.txt") == b""


def test_write_through_the_generic_call_takes_a_string(client: pterodactyl.Client) -> None:
    client.call("server.files.write", server=SURVIVAL, file="note.txt", content="hello")
    assert client.server(SURVIVAL).files.contents("note.txt") == b"hello"


def test_write_over_a_directory_is_400(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.ApiError) as info:
        client.server(SURVIVAL).files.write("logs", b"x")
    assert info.value.status == 400


# --- signed URLs ---------------------------------------------------------------------------------


def test_download_url_is_single_use(client: pterodactyl.Client, panel: Panel) -> None:
    signed = client.server(SURVIVAL).files.download_url("server.properties")
    request = panel.last_request()
    assert (request["method"], request["path"]) == ("GET", f"/api/client/servers/{SURVIVAL}/files/download")
    assert query_of(request) == {"file": "server.properties"}
    assert list(signed) == ["url"]
    assert signed["url"].startswith(f"{panel.url}/download/file?token=")
    with urllib.request.urlopen(signed["url"], timeout=10) as resp:
        assert resp.read() == SERVER_PROPERTIES
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(signed["url"], timeout=10)
    assert info.value.code == 404


def test_upload_url_accepts_a_multipart_upload(client: pterodactyl.Client, panel: Panel) -> None:
    files = client.server(SURVIVAL).files
    signed = files.upload_url()
    request = panel.last_request()
    assert (request["method"], request["path"]) == ("GET", f"/api/client/servers/{SURVIVAL}/files/upload")
    assert signed["url"].startswith(f"{panel.url}/upload/file?token=")
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="plugin.jar"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + b"PK\x03\x04jar"
        + f"\r\n--{boundary}--\r\n".encode()
    )
    upload = urllib.request.Request(
        signed["url"] + "&directory=/plugins",
        data=body,
        method="POST",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    with urllib.request.urlopen(upload, timeout=10) as resp:
        assert resp.status == 200
    assert files.contents("plugins/plugin.jar") == b"PK\x03\x04jar"


# --- file operations -----------------------------------------------------------------------------


def test_rename(client: pterodactyl.Client, panel: Panel) -> None:
    files = client.server(SURVIVAL).files
    assert files.rename("/", [{"from": "eula.txt", "to": "eula.bak"}]) is None
    request = panel.last_request()
    assert (request["method"], request["path"]) == ("PUT", f"/api/client/servers/{SURVIVAL}/files/rename")
    assert body_of(request) == {"root": "/", "files": [{"from": "eula.txt", "to": "eula.bak"}]}
    files.rename("/logs/..", [{"from": "eula.bak", "to": "eula.txt"}])
    files.rename("/logs", [{"from": "latest.log", "to": "old/previous.log"}])
    assert names(files.list(directory="logs")) == ["old"]
    assert names(files.list(directory="logs/old")) == ["previous.log"]
    assert "eula.txt" in names(files.list())


def test_rename_onto_an_existing_file_is_400(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.ApiError) as info:
        client.server(SURVIVAL).files.rename("/", [{"from": "eula.txt", "to": "server.properties"}])
    assert info.value.status == 400
    assert "destination already exists" in str(info.value)


def test_copy(client: pterodactyl.Client, panel: Panel) -> None:
    files = client.server(SURVIVAL).files
    assert files.copy("/server.properties") is None
    request = panel.last_request()
    assert (request["method"], request["path"]) == ("POST", f"/api/client/servers/{SURVIVAL}/files/copy")
    assert body_of(request) == {"location": "/server.properties"}
    assert files.contents("server copy.properties") == SERVER_PROPERTIES


def test_delete(client: pterodactyl.Client, panel: Panel) -> None:
    files = client.server(SURVIVAL).files
    assert files.delete("/", ["eula.txt", "logs"]) is None
    request = panel.last_request()
    assert (request["method"], request["path"]) == ("POST", f"/api/client/servers/{SURVIVAL}/files/delete")
    assert body_of(request) == {"root": "/", "files": ["eula.txt", "logs"]}
    assert names(files.list()) == ["plugins", "world", "server.properties"]
    files.delete("/world", ["level.dat"])
    assert body_of(panel.last_request()) == {"root": "/world", "files": ["level.dat"]}
    assert files.list(directory="world") == []


@pytest.mark.parametrize("op_id", ["server.files.rename", "server.files.delete", "server.files.chmod"])
def test_root_is_required_where_the_panel_requires_it(
    client: pterodactyl.Client, panel: Panel, op_id: str
) -> None:
    # The panel's rule is `required|nullable|string`, and Laravel's `required` refuses null
    # too: the core asks for `root` instead of sending something the panel answers with 422.
    with pytest.raises(pterodactyl.InvalidInputError, match="`root`"):
        client.call(op_id, server=SURVIVAL, files=[])
    with pytest.raises(pterodactyl.InvalidInputError, match="`root`"):
        client.call(op_id, server=SURVIVAL, root=None, files=[])
    assert panel.requests() == []


def test_create_folder(client: pterodactyl.Client, panel: Panel) -> None:
    files = client.server(SURVIVAL).files
    assert files.create_folder("config") is None
    request = panel.last_request()
    assert (request["method"], request["path"]) == (
        "POST",
        f"/api/client/servers/{SURVIVAL}/files/create-folder",
    )
    # `root` is optional here: left out, it is not sent (an explicit null would be a 500).
    assert body_of(request) == {"name": "config"}
    files.create_folder("region", root="/world")
    assert body_of(panel.last_request()) == {"root": "/world", "name": "region"}
    assert "config" in names(files.list())
    assert names(files.list(directory="/world")) == ["region", "level.dat"]


def test_chmod_sends_the_mode_as_octal_digits(client: pterodactyl.Client, panel: Panel) -> None:
    files = client.server(SURVIVAL).files
    assert files.chmod("/", [{"file": "server.properties", "mode": "600"}]) is None
    request = panel.last_request()
    assert (request["method"], request["path"]) == ("POST", f"/api/client/servers/{SURVIVAL}/files/chmod")
    assert body_of(request) == {"root": "/", "files": [{"file": "server.properties", "mode": "600"}]}
    entry = next(e for e in files.list() if e["name"] == "server.properties")
    assert (entry["mode_bits"], entry["mode"]) == ("600", "-rw-------")


def test_chmod_with_a_mode_that_is_not_octal_is_400(client: pterodactyl.Client) -> None:
    # Numeric for the panel's `numeric` rule, refused by Wings' `ParseUint(mode, 8, 32)`.
    with pytest.raises(pterodactyl.ApiError) as info:
        client.server(SURVIVAL).files.chmod("/", [{"file": "server.properties", "mode": "89"}])
    assert info.value.status == 400
    assert "Invalid file mode." in str(info.value)


def test_chmod_with_a_mode_that_is_not_a_number_is_422(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.ValidationError) as info:
        client.server(SURVIVAL).files.chmod("/", [{"file": "server.properties", "mode": "rw"}])
    assert (info.value.errors[0]["source_field"], info.value.errors[0]["rule"]) == ("files.0.mode", "numeric")


def test_compress_then_decompress(client: pterodactyl.Client, panel: Panel) -> None:
    files = client.server(SURVIVAL).files
    archive = files.compress(["logs", "eula.txt"])
    request = panel.last_request()
    assert (request["method"], request["path"]) == ("POST", f"/api/client/servers/{SURVIVAL}/files/compress")
    assert body_of(request) == {"files": ["logs", "eula.txt"]}
    assert archive["name"].startswith("archive-") and archive["name"].endswith(".tar.gz")
    assert (archive["is_file"], archive["mimetype"]) == (True, "application/tar+gzip")
    assert archive["name"] in names(files.list())

    files.delete("/", ["logs", "eula.txt"])
    assert files.decompress(archive["name"]) is None
    request = panel.last_request()
    assert (request["method"], request["path"]) == (
        "POST",
        f"/api/client/servers/{SURVIVAL}/files/decompress",
    )
    assert body_of(request) == {"file": archive["name"]}
    assert files.contents("logs/latest.log").startswith(b"[08:05:40]")
    assert files.contents("eula.txt").endswith(b"eula=true\n")


def test_compress_into_a_subdirectory(client: pterodactyl.Client, panel: Panel) -> None:
    archive = client.server(SURVIVAL).files.compress(["level.dat"], root="/world")
    assert body_of(panel.last_request()) == {"root": "/world", "files": ["level.dat"]}
    assert archive["name"] in names(client.server(SURVIVAL).files.list(directory="/world"))


def test_decompress_of_something_else_is_400(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.ApiError) as info:
        client.server(SURVIVAL).files.decompress("server.properties")
    assert info.value.status == 400


def test_pull(client: pterodactyl.Client, panel: Panel) -> None:
    files = client.server(SURVIVAL).files
    url = "https://example.com/downloads/plugin.jar"
    assert files.pull(url, directory="/plugins", foreground=True) is None
    request = panel.last_request()
    assert (request["method"], request["path"]) == ("POST", f"/api/client/servers/{SURVIVAL}/files/pull")
    assert body_of(request) == {"url": url, "directory": "/plugins", "foreground": True}
    assert files.contents("plugins/plugin.jar") == f"Downloaded by the fake panel from {url}\n".encode()
    files.pull(url, filename="renamed.jar", use_header=False)
    assert body_of(panel.last_request()) == {"url": url, "filename": "renamed.jar", "use_header": False}
    assert "renamed.jar" in names(files.list())


def test_pull_of_a_non_url_is_422(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.ValidationError) as info:
        client.server(SURVIVAL).files.pull("not a url")
    assert (info.value.errors[0]["source_field"], info.value.errors[0]["rule"]) == ("url", "url")


def test_pull_is_throttled_to_10_per_5_minutes(client: pterodactyl.Client) -> None:
    files = client.server(SURVIVAL).files
    for i in range(10):
        files.pull(f"https://example.com/{i}.txt")
    with pytest.raises(pterodactyl.RateLimitedError) as info:
        files.pull("https://example.com/11.txt")
    assert info.value.status == 429
    assert info.value.retry_after is not None and 0 < info.value.retry_after <= 300
    # A POST is never sent twice: exactly one refused request.
    assert "11.txt" not in names(files.list())


# --- permissions ----------------------------------------------------------------------------------


def test_subuser_without_file_read_is_403(subuser: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.PermissionDeniedError):
        subuser.server(SURVIVAL).files.list()


def test_subuser_with_file_read_but_not_read_content_is_403(manager: pterodactyl.Client) -> None:
    files = manager.server(SURVIVAL).files
    assert "server.properties" in names(files.list())
    with pytest.raises(pterodactyl.PermissionDeniedError):
        files.contents("server.properties")
    with pytest.raises(pterodactyl.PermissionDeniedError):
        files.write("mine.txt", b"x")
