"""Bad input is refused before any request; the API key never shows."""

from __future__ import annotations

import http.server
import json
import math
import threading
import traceback
from typing import Any

import pytest

import pterodactyl
from conftest import OWNER_KEY, Panel

SURVIVAL = "d3aac109"


# --- refused before any request ------------------------------------------------------------


@pytest.mark.parametrize(
    "identifier",
    ["../account", "..", ".", "", "a/b", "d3aac109/../../account", "x?y", "x#y", "a b", "%2e%2e"],
)
def test_path_injection_is_refused(client: pterodactyl.Client, panel: Panel, identifier: str) -> None:
    with pytest.raises(pterodactyl.InvalidInputError, match="one path segment"):
        client.server(identifier).details()
    with pytest.raises(pterodactyl.InvalidInputError):
        client.call("server.get", server=identifier)
    assert panel.requests() == []


def test_unknown_operation_is_refused(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.InvalidInputError, match="unknown operation"):
        client.call("servers.delete_everything")


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({"server": SURVIVAL, "include": {"egg", "subusers"}}, "include"),
        ({"server": SURVIVAL, "include": b"egg"}, "include"),
        ({"server": SURVIVAL, "include": object()}, "include"),
        ({"server": SURVIVAL, "filter": {"name": math.nan}}, "filter.name"),
        ({"server": SURVIVAL, "filter": {"name": math.inf}}, "filter.name"),
        ({"server": SURVIVAL, "filter": {1: "x"}}, "filter"),
        ({"server": SURVIVAL, "per_page": 2**70}, "per_page"),
    ],
)
def test_values_json_cannot_carry_are_refused(
    client: pterodactyl.Client, panel: Panel, params: dict[str, Any], where: str
) -> None:
    with pytest.raises(pterodactyl.InvalidInputError, match=f"`{where}`"):
        client.call("server.get", **params)
    assert panel.requests() == []


def test_self_containing_list_is_refused_not_a_crash(client: pterodactyl.Client) -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(pterodactyl.InvalidInputError, match="deeper"):
        client.call("servers.list", include=loop)


@pytest.mark.parametrize(
    ("op", "params"),
    [
        ("server.get", {"server": 42.5}),
        ("server.get", {"server": None}),
        ("server.get", {"server": True}),
        ("server.get", {}),
        ("server.allocations.delete", {"server": SURVIVAL, "allocation": -1}),
        ("server.allocations.delete", {"server": SURVIVAL, "allocation": [16]}),
        ("server.allocations.assign", {"server": SURVIVAL, "notes": "x"}),
        ("servers.list", {"filter": {"name": {"deeper": "x"}}}),
    ],
)
def test_wrong_types_and_shapes_are_refused(
    client: pterodactyl.Client, panel: Panel, op: str, params: dict[str, Any]
) -> None:
    with pytest.raises(pterodactyl.InvalidInputError):
        client.call(op, **params)
    assert panel.requests() == []


def test_wrong_types_in_methods(client: pterodactyl.Client, panel: Panel) -> None:
    allocations = client.server(SURVIVAL).allocations
    with pytest.raises(pterodactyl.InvalidInputError):
        allocations.set_primary(16.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        client.call(42)  # type: ignore[arg-type]
    assert panel.requests() == []


def test_the_panel_still_judges_what_it_owns(client: pterodactyl.Client) -> None:
    # A well-formed but unknown allocation id goes to the panel, which says 404.
    with pytest.raises(pterodactyl.NotFoundError):
        client.server(SURVIVAL).allocations.set_primary(999)


def test_invalid_input_is_a_value_error(client: pterodactyl.Client) -> None:
    with pytest.raises(ValueError):
        client.call("nope")


@pytest.mark.parametrize(
    ("url", "kwargs"),
    [
        ("ftp://panel.example.com", {}),
        ("not a url", {}),
        ("https://user:pw@panel.example.com", {}),
        ("https://panel.example.com", {"timeout": 0}),
        ("https://panel.example.com", {"timeout": -1}),
        ("https://panel.example.com", {"timeout": math.nan}),
        ("https://panel.example.com", {"connect_timeout": math.inf}),
        ("https://panel.example.com", {"max_retries": -1}),
        (
            "https://panel.example.com",
            {"ca_cert": "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n"},
        ),
    ],
)
def test_bad_client_settings_are_refused(url: str, kwargs: dict[str, Any]) -> None:
    with pytest.raises(pterodactyl.InvalidInputError):
        pterodactyl.Client(url, OWNER_KEY, **kwargs)


def test_empty_key_is_refused() -> None:
    with pytest.raises(pterodactyl.InvalidInputError, match="empty"):
        pterodactyl.Client("https://panel.example.com", "  ")


def test_closed_client_refuses_calls(panel: Panel) -> None:
    with pterodactyl.Client(panel.url, OWNER_KEY) as c:
        srv = c.server(SURVIVAL)
        assert not c.closed
    assert c.closed
    with pytest.raises(pterodactyl.InvalidInputError, match="closed"):
        srv.details()
    c.close()  # closing twice is fine


def test_settings_reach_the_wire(panel: Panel) -> None:
    with pterodactyl.Client(panel.url + "/", OWNER_KEY, user_agent="story/1.0") as c:
        assert c.base_url == panel.url + "/api/client"
        c.permissions()
    headers = panel.requests()[-1]["headers"]
    assert headers["user-agent"] == "story/1.0"
    assert headers["accept"] == "application/json"
    assert headers["authorization"] == f"Bearer {OWNER_KEY}"


def test_default_user_agent_names_the_client(client: pterodactyl.Client, panel: Panel) -> None:
    client.permissions()
    assert panel.requests()[-1]["headers"]["user-agent"].startswith("pterodactyl-client/")


# --- the key never shows -------------------------------------------------------------------


def _texts(exc: BaseException) -> list[str]:
    texts = [str(exc), repr(exc), "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))]
    texts += [repr(v) for v in vars(exc).values()]
    return texts


def test_key_is_not_in_client_repr_or_str(panel: Panel) -> None:
    c = pterodactyl.Client(panel.url, OWNER_KEY)
    for text in (repr(c), str(c), repr(c._native), repr(c.servers), repr(c.server(SURVIVAL))):
        assert OWNER_KEY not in text
        assert "S3cret" not in text
    c.close()
    assert OWNER_KEY not in repr(c)


def test_key_is_not_in_any_exception(panel: Panel) -> None:
    errors: list[BaseException] = []
    bad_key = "ptlc_wrongkey00000S3cretWrongKeyThatIsNotKnown01"
    with pterodactyl.Client(panel.url, bad_key) as c:
        try:
            c.servers.list()
        except pterodactyl.AuthenticationError as e:
            errors.append(e)
    with pterodactyl.Client(panel.url, OWNER_KEY, timeout=0.2, max_retries=0) as c:
        panel.html("/resources")
        try:
            c.server(SURVIVAL).resources()
        except pterodactyl.NotJsonError as e:
            errors.append(e)
        panel.clear_faults()
        panel.slow("/resources", 1000)
        try:
            c.server(SURVIVAL).resources()
        except pterodactyl.TimeoutError as e:
            errors.append(e)
    with pterodactyl.Client("http://127.0.0.1:9", OWNER_KEY, max_retries=0) as c:
        try:
            c.permissions()
        except pterodactyl.ConnectionError as e:
            errors.append(e)
    try:
        pterodactyl.Client("ftp://panel.example.com", OWNER_KEY)
    except pterodactyl.InvalidInputError as e:
        errors.append(e)
    assert len(errors) == 5
    for e in errors:
        for text in _texts(e):
            assert OWNER_KEY not in text and bad_key not in text, text


class _EchoingPanel(http.server.BaseHTTPRequestHandler):
    """A misconfigured proxy that echoes the request headers back, key included."""

    def do_GET(self) -> None:
        echoed = str(self.headers.get("Authorization"))
        if self.path.endswith("/permissions"):
            status, ctype = 502, "text/html"
            body = f"<html><body>Bad gateway. You sent: {echoed}</body></html>"
        else:
            status, ctype = 400, "application/json"
            body = json.dumps({"errors": [{"code": "X", "status": "400", "detail": f"bad header {echoed}"}]})
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


def test_key_echoed_by_the_other_side_is_redacted() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _EchoingPanel)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pterodactyl.Client(f"http://127.0.0.1:{server.server_address[1]}", OWNER_KEY) as c:
            with pytest.raises(pterodactyl.NotJsonError) as html:
                c.permissions()
            with pytest.raises(pterodactyl.ApiError) as api:
                c.servers.list()
    finally:
        server.shutdown()
        server.server_close()
    assert "<redacted>" in html.value.snippet
    assert "<redacted>" in str(api.value)
    for e in (html.value, api.value):
        for text in _texts(e):
            assert OWNER_KEY not in text, text
