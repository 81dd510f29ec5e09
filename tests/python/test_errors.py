"""Each error class, with the attributes a caller acts on."""

from __future__ import annotations

import builtins
import http.server
import pickle
import socket
import threading
import time
from collections.abc import Iterator

import pytest

import pterodactyl
from conftest import APPLICATION_KEY, OWNER_KEY, Panel

SURVIVAL = "d3aac109"


def test_hierarchy() -> None:
    for cls in (
        pterodactyl.AuthenticationError,
        pterodactyl.PermissionDeniedError,
        pterodactyl.NotFoundError,
        pterodactyl.ConflictError,
        pterodactyl.ValidationError,
        pterodactyl.RateLimitedError,
    ):
        assert issubclass(cls, pterodactyl.ApiError)
    for cls in (
        pterodactyl.ApiError,
        pterodactyl.TimeoutError,
        pterodactyl.ConnectionError,
        pterodactyl.DecodeError,
        pterodactyl.NotJsonError,
        pterodactyl.InvalidInputError,
    ):
        assert issubclass(cls, pterodactyl.PterodactylError)
    assert issubclass(pterodactyl.TimeoutError, builtins.TimeoutError)
    assert issubclass(pterodactyl.ConnectionError, builtins.ConnectionError)
    assert issubclass(pterodactyl.InvalidInputError, ValueError)


def test_unknown_key_is_401(panel: Panel) -> None:
    with pterodactyl.Client(panel.url, "ptlc_notakey000000000000000000000000000000000000") as c:
        with pytest.raises(pterodactyl.AuthenticationError) as info:
            c.servers.list()
    e = info.value
    assert (e.status, e.code, e.detail, str(e)) == (
        401,
        "AuthenticationException",
        "Unauthenticated.",
        "Unauthenticated.",
    )
    assert e.errors == [
        {
            "code": "AuthenticationException",
            "status": "401",
            "detail": "Unauthenticated.",
            "source_field": None,
            "rule": None,
        }
    ]


def test_application_key_is_403(panel: Panel) -> None:
    with pterodactyl.Client(panel.url, APPLICATION_KEY) as c:
        with pytest.raises(pterodactyl.PermissionDeniedError) as info:
            c.servers.list()
    assert info.value.status == 403


def test_subuser_without_permission_is_403(subuser: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.PermissionDeniedError) as info:
        subuser.server(SURVIVAL).settings.rename("Mine now")
    assert str(info.value) == "This action is unauthorized."
    assert info.value.code == "AccessDeniedHttpException"


def test_someone_elses_server_is_404(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.NotFoundError) as info:
        client.server("f00dfeed").details()
    assert info.value.status == 404
    assert str(info.value) == "The requested resource does not exist on this server."


def test_unknown_server_is_404(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.NotFoundError) as info:
        client.server("00000000").resources()
    assert str(info.value) == "The requested resource could not be found on the server."


def test_allocation_of_another_server_is_404(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.NotFoundError):
        client.server(SURVIVAL).allocations.set_primary(20)


def test_suspended_server_is_409(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.ConflictError) as info:
        client.server("9e8f7a6b").start()
    assert info.value.status == 409
    assert info.value.code == "ServerStateConflictException"


def test_short_database_name_is_422_with_field_and_rule(client: pterodactyl.Client) -> None:
    # (A bad power signal no longer reaches the panel: the core refuses it, see test_core_checks.)
    with pytest.raises(pterodactyl.ValidationError) as info:
        client.server(SURVIVAL).databases.create("ab", "%")
    e = info.value
    assert e.status == 422 and e.code == "ValidationException"
    assert str(e) == e.detail == "The database must be at least 3 characters."
    assert e.errors[0]["source_field"] == "database"
    assert e.errors[0]["rule"] == "min"


def test_unknown_docker_image_is_422(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.ValidationError) as info:
        client.server(SURVIVAL).settings.docker_image("ghcr.io/evil/image:latest")
    assert info.value.errors[0]["source_field"] == "docker_image"


def test_allocation_limit_reached_is_a_plain_api_error_400(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.ApiError) as info:
        client.server("5b2e8f10").allocations.assign()
    e = info.value
    assert type(e) is pterodactyl.ApiError
    assert e.status == 400 and e.code == "DisplayException"
    assert str(e) == "Cannot assign additional allocations to this server: limit has been reached."


def test_deleting_the_primary_allocation_is_400(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.ApiError) as info:
        client.server(SURVIVAL).allocations.delete(15)
    assert str(info.value) == "You cannot delete the primary allocation for this server."


def test_command_on_an_offline_server_is_502(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.ApiError) as info:
        client.server(SURVIVAL).command("say hi")
    assert info.value.status == 502
    assert str(info.value) == "Server must be online in order to send commands."


def test_html_answer_is_not_json_error(client: pterodactyl.Client, panel: Panel) -> None:
    panel.html("/resources")
    with pytest.raises(pterodactyl.NotJsonError) as info:
        client.server(SURVIVAL).resources()
    e = info.value
    assert e.status == 200
    assert e.content_type.startswith("text/html")
    assert "<!DOCTYPE html>" in e.snippet
    assert "HTML page" in str(e)
    assert e.location is None


def test_timeout(panel: Panel) -> None:
    panel.slow("/resources", 3000)
    with pterodactyl.Client(panel.url, OWNER_KEY, timeout=0.3) as c:
        started = time.monotonic()
        with pytest.raises(pterodactyl.TimeoutError) as info:
            c.server(SURVIVAL).resources()
        elapsed = time.monotonic() - started
    assert elapsed < 2.5
    e = info.value
    assert isinstance(e, builtins.TimeoutError)
    assert e.phase == "request"
    assert e.timeout == pytest.approx(0.3)
    # Catching the builtin catches it too.
    with pterodactyl.Client(panel.url, OWNER_KEY, timeout=0.3) as c:
        with pytest.raises(builtins.TimeoutError):
            c.server(SURVIVAL).resources()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def test_refused_connection_is_connection_error() -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    with pterodactyl.Client(url, OWNER_KEY, max_retries=0) as c:
        with pytest.raises(pterodactyl.ConnectionError) as info:
            c.permissions()
    assert isinstance(info.value, builtins.ConnectionError)
    assert info.value.connect is True
    assert "could not talk to the panel" in str(info.value)


class _BrokenPanel(http.server.BaseHTTPRequestHandler):
    """Answers JSON that is not what the client expects."""

    def do_GET(self) -> None:
        if self.path.startswith("/api/client/permissions"):
            body = b'{"object": "system_permissions", "attributes": '  # cut short
        else:
            body = b'{"object": "list", "data": []}'  # a page without meta.pagination
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def broken_panel() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _BrokenPanel)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_invalid_json_is_decode_error(broken_panel: str) -> None:
    with pterodactyl.Client(broken_panel, OWNER_KEY) as c:
        with pytest.raises(pterodactyl.DecodeError) as info:
            c.permissions()
    assert info.value.path == "$"


def test_page_without_pagination_is_decode_error(broken_panel: str) -> None:
    with pterodactyl.Client(broken_panel, OWNER_KEY) as c:
        with pytest.raises(pterodactyl.DecodeError) as info:
            list(c.servers.iter())
    assert info.value.path == "meta.pagination"


def test_several_validation_messages_are_all_kept(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.ValidationError) as info:
        client.server(SURVIVAL).databases.create("a!", "bad remote")
    e = info.value
    assert [(item["source_field"], item["rule"]) for item in e.errors] == [
        ("database", "alpha_dash"),
        ("database", "min"),
        ("remote", "regex"),
    ]
    assert str(e) == " ".join(item["detail"] for item in e.errors)


def test_exceptions_pickle_with_their_attributes(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.ValidationError) as info:
        client.server(SURVIVAL).databases.create("ab", "%")
    copy = pickle.loads(pickle.dumps(info.value))
    assert type(copy) is pterodactyl.ValidationError
    assert (str(copy), copy.status, copy.code, copy.errors) == (
        str(info.value),
        422,
        "ValidationException",
        info.value.errors,
    )
    timeout = pickle.loads(pickle.dumps(pterodactyl.TimeoutError("slow", timeout=1.5, phase="connect")))
    assert (str(timeout), timeout.timeout, timeout.phase) == ("slow", 1.5, "connect")


def test_errors_can_be_raised_by_callers_too() -> None:
    e = pterodactyl.NotFoundError("gone", status=404)
    assert (str(e), e.status, e.code, e.errors) == ("gone", 404, "", [])
    assert pterodactyl.RateLimitedError("slow down").retry_after is None
