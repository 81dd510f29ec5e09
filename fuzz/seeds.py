#!/usr/bin/env python3
"""Writes the hand-made seeds of fuzz/corpus/<target>/ (run once; the files are committed).

Usage: fuzz/seeds.py PANEL_URL   (a running fake panel: `cargo run -p fake-panel`)

`answer` seeds are the fake panel's real answers to GET operations, prefixed as
fuzz/src/lib.rs reads them: the operation id, a NUL, the status (2 bytes, big-endian) and a
header byte (0: application/json). The other targets' seeds are written out below.
"""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path

OWNER_KEY = "ptlc_ownerkey001S3cretOwnerKeyForTheFakePanel001"
# The offline client's key in fuzz/src/lib.rs.
FUZZ_KEY = "ptlc_fuzzkey0000000000000000000000000000000000"
CORPUS = Path(__file__).resolve().parent / "corpus"

# operation id -> path under /api/client (GET only: no state is changed)
ANSWERS = {
    "permissions.get": "/permissions",
    "account.get": "/account",
    "account.api_keys.list": "/account/api-keys",
    "account.ssh_keys.list": "/account/ssh-keys",
    "account.activity.list": "/account/activity",
    "servers.list": "/?include=egg",
    "server.get": "/servers/d3aac109?include=egg,subusers",
    "server.resources": "/servers/d3aac109/resources",
    "server.websocket": "/servers/d3aac109/websocket",
    "server.activity.list": "/servers/d3aac109/activity",
    "server.databases.list": "/servers/d3aac109/databases?include=password",
    "server.files.list": "/servers/d3aac109/files/list",
    "server.schedules.list": "/servers/d3aac109/schedules",
    "server.allocations.list": "/servers/d3aac109/network/allocations",
    "server.users.list": "/servers/d3aac109/users",
    "server.backups.list": "/servers/d3aac109/backups",
    "server.startup.get": "/servers/d3aac109/startup",
}


def write(target: str, name: str, data: bytes) -> None:
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


def fetch(url: str) -> tuple[int, bytes]:
    req = urllib.request.Request(
        url, headers={"Authorization": f"Bearer {OWNER_KEY}", "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def main() -> None:
    panel = sys.argv[1].rstrip("/")
    for op, path in ANSWERS.items():
        status, body = fetch(f"{panel}/api/client{path}")
        if status != 200:
            print(f"skipping {op}: HTTP {status}", file=sys.stderr)
            continue
        write("answer", f"{op}-200", op.encode() + b"\0" + status.to_bytes(2, "big") + b"\0" + body)
    status, body = fetch(f"{panel}/api/client/servers/f00dfeed")
    write("answer", "server.get-404", b"server.get\0" + status.to_bytes(2, "big") + b"\0" + body)
    write("answer", "server.power-204", b"server.power\0" + (204).to_bytes(2, "big") + b"\0")
    write(
        "answer",
        "server.get-html-200",
        b"server.get\0" + (200).to_bytes(2, "big") + b"\x02<html>Login</html>",
    )
    write(
        "answer", "server.get-302", b"server.get\0" + (302).to_bytes(2, "big") + b"\x12https://panel/login\n"
    )
    write("answer", "servers.list-429", b"servers.list\0" + (429).to_bytes(2, "big") + b"\x08" + b"12\n{}")
    write(
        "answer",
        "server.files.contents-200",
        b"server.files.contents\0" + (200).to_bytes(2, "big") + b"\x05hello",
    )

    errors = {
        "validation-422": (
            422,
            {
                "errors": [
                    {
                        "code": "ValidationException",
                        "status": "422",
                        "detail": "The name field is required.",
                        "meta": {"source_field": "name", "rule": "required"},
                    }
                ]
            },
        ),
        "not-found-404": (
            404,
            {
                "errors": [
                    {
                        "code": "NotFoundHttpException",
                        "status": "404",
                        "detail": "The requested resource could not be found on the server.",
                    }
                ]
            },
        ),
        "throttled-429": (
            429,
            {
                "errors": [
                    {"code": "TooManyRequestsHttpException", "status": "429", "detail": "Too Many Attempts."}
                ]
            },
        ),
        "odd-types-500": (
            500,
            {"errors": [{"code": 5, "status": 500, "detail": None, "meta": "x"}, 7, None]},
        ),
        "no-errors-503": (503, {"message": "Server Error"}),
        "echoes-key-403": (
            403,
            {
                "errors": [
                    {
                        "code": "X",
                        "status": "403",
                        "detail": "ptlc_fuzzkey0000000000000000000000000000000000 is not allowed",
                    }
                ]
            },
        ),
    }
    for name, (status, doc) in errors.items():
        write("error_document", name, bytes([status - 400]) + json.dumps(doc).encode())
    write("error_document", "not-json-400", bytes([0]) + b'{"errors": [')

    prepares = {
        "power": ("server.power", {"server": "d3aac109", "signal": "start"}),
        "power-dotdot": ("server.power", {"server": "../account", "signal": "start"}),
        "power-encoded-dotdot": ("server.power", {"server": "%2e%2e", "signal": "kill"}),
        "power-slash": ("server.power", {"server": "d3aac109/../../account", "signal": "stop"}),
        "power-query": ("server.power", {"server": "d3aac109?x=1#f", "signal": "restart"}),
        "power-unicode": ("server.power", {"server": "d3aac1\u00e9\u202e9", "signal": "start"}),
        "power-bad-signal": ("server.power", {"server": "d3aac109", "signal": "explode"}),
        "list-filter": (
            "servers.list",
            {
                "filter": {"name": "a&b=c", "uuid": "x y"},
                "per_page": 10,
                "include": ["egg", "subusers"],
                "type": "admin",
            },
        ),
        "files-delete": (
            "server.files.delete",
            {"server": "d3aac109", "root": "/", "files": ["a b", "../c", "d%00e"]},
        ),
        "files-list-dir": ("server.files.list", {"server": "d3aac109", "directory": "/../../etc"}),
        "task-update": (
            "server.schedules.tasks.update",
            {
                "server": "d3aac109",
                "schedule": 1,
                "task": 2,
                "action": "command",
                "payload": "say hi",
                "time_offset": 0,
            },
        ),
        "api-key-delete": ("account.api_keys.delete", {"identifier": "."}),
        "unknown-param": ("server.get", {"server": "d3aac109", "serv": 1}),
        "wrong-types": ("server.allocations.set_notes", {"server": 5, "allocation": "x", "notes": [1]}),
        # The key (fuzz/src/lib.rs's OFFLINE_KEY) passed by mistake, as a name and as a value:
        # the errors naming them must not show it.
        "key-as-param": ("server.power", {FUZZ_KEY: "start"}),
        "key-as-value": ("server.power", {"server": "d3aac109", "signal": FUZZ_KEY}),
    }
    for name, (op, params) in prepares.items():
        write("prepare", name, op.encode() + b"\0" + json.dumps(params).encode())
    write("prepare", "not-json", b'server.get\0{"server":')
    write("prepare", "not-object", b"server.get\0[1,2]")

    ca = (Path(__file__).resolve().parents[1] / "tests" / "panel" / "certs" / "ca.pem").read_text()
    options = {
        "empty": {},
        "all": {
            "timeout_ms": 30000,
            "connect_timeout_ms": 10000,
            "user_agent": "bot/1.0",
            "accept_invalid_certs": False,
            "max_retries": 3,
            "max_retry_wait_ms": 60000,
            "max_response_bytes": 67108864,
        },
        "ca": {"ca_cert_pem": ca},
        "bad-ca": {"ca_cert_pem": "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"},
        "zero": {"timeout_ms": 0},
        "unknown": {"timout_ms": 5},
        "huge": {"timeout_ms": 18446744073709551615, "max_retries": 4294967295},
        "agent-newline": {"user_agent": "a\r\nX-Injected: 1"},
    }
    for name, value in options.items():
        write("options", name, json.dumps(value).encode())
    write("options", "null", b"null")
    write("options", "not-json", b'{"timeout_ms": 1')

    c_api = {
        "client-new": b"\x00\x00http://127.0.0.1:9\0ptlc_x\0{}",
        "client-new-nulls": b"\x00\x07http://127.0.0.1:9\0ptlc_x\0{}",
        "client-new-bad-url": b"\x00\x00ftp://user:pw@panel\0ptlc_x\0null",
        "client-new-invalid-utf8": b'\x00\x00http://\xff\xfe\0ptlc_\xc3\x28\0{"timeout_ms":\xe2\x82}',
        "client-new-null-out": b"\x00\x80http://127.0.0.1:9\0ptlc_x\0{}",
        "call-get": b'\x01\x00server.get\0{"server":"d3aac109"}',
        "call-unknown-op": b"\x01\x00server.pwoer\0{}",
        "call-bad-json": b'\x01\x00server.get\0{"server":',
        "call-null-op": b"\x01\x01\0{}",
        "call-null-out": b"\x01\x80server.get\0{}",
        "call-invalid-utf8": b'\x01\x00server.get\0{"server":"\xff"}',
        "all-pages": b'\x02\x00servers.list\0{"per_page":1}',
        "server-get": b"\x03\x00d3aac109\0egg,subusers",
        "server-get-dotdot": b"\x03\x00../account\0",
        "server-power": b"\x04\x00d3aac109\0start",
        "server-power-null-signal": b"\x04\x02d3aac109\0",
        "servers-list": b'\x05\x00{"filter":{"name":"x"}}',
        "files-write": b"\x06\x00d3aac109\0hello\0/a.txt",
        "files-write-null-content": b"\x06\x10d3aac109\0hello\0/a.txt",
        "status-name": b"\x07\x00\x02\x00\x00\x00",
        "status-name-negative": b"\x07\x00\xff\xff\xff\xff",
    }
    for name, data in c_api.items():
        write("c_api", name, data)


if __name__ == "__main__":
    main()
