#!/usr/bin/env python3
"""Writes the panel-shaped JSON the benchmark's nginx serves.

    gen_fixtures.py OUT_DIR

* OUT_DIR/servers.json    GET /api/client: 100 servers, each with its allocations and startup
                          variables included (as `?include=allocations,variables` would), one
                          page (about 67 KB, compact JSON as the panel sends it).
* OUT_DIR/resources.json  GET /api/client/servers/<id>/resources: one stats object.
* OUT_DIR/ids.txt         the 100 identifiers, one a line (the clients poll the first one).

Deterministic: the same bytes on every run and every machine.
"""

import json
import os
import sys

N_SERVERS = 100


def server(i):
    ident = "%08x" % (0x1A7CE997 + i * 7919)
    uuid = "%s-%04x-4%03x-8%03x-%012x" % (ident, i, i, i, 0x5E7E12 * (i + 1))
    port = 25565 + i
    return {
        "object": "server",
        "attributes": {
            "server_owner": True,
            "identifier": ident,
            "internal_id": i + 1,
            "uuid": uuid,
            "name": "Survival %03d" % i,
            "node": "node-%d" % (i % 4 + 1),
            "is_node_under_maintenance": False,
            "sftp_details": {"ip": "node%d.example.com" % (i % 4 + 1), "port": 2022},
            "description": "Community server number %d" % i,
            "limits": {
                "memory": 4096,
                "swap": 0,
                "disk": 20480,
                "io": 500,
                "cpu": 200,
                "threads": None,
                "oom_disabled": True,
            },
            "invocation": "java -Xms128M -Xmx4096M -jar server.jar",
            "docker_image": "ghcr.io/pterodactyl/yolks:java_17",
            "egg_features": ["eula", "java_version", "pid_limit"],
            "feature_limits": {"databases": 2, "allocations": 3, "backups": 5},
            "status": None,
            "is_suspended": False,
            "is_installing": False,
            "is_transferring": False,
            "relationships": {
                "allocations": {
                    "object": "list",
                    "data": [
                        {
                            "object": "allocation",
                            "attributes": {
                                "id": i * 2 + 1,
                                "ip": "10.0.%d.%d" % (i // 200, i % 200 + 10),
                                "ip_alias": None,
                                "port": port,
                                "notes": None,
                                "is_default": True,
                            },
                        }
                    ],
                },
                "variables": {
                    "object": "list",
                    "data": [
                        {
                            "object": "egg_variable",
                            "attributes": {
                                "name": "Server Jar File",
                                "description": "The jar file to run.",
                                "env_variable": "SERVER_JARFILE",
                                "default_value": "server.jar",
                                "server_value": "server.jar",
                                "is_editable": True,
                                "rules": "required|string|max:20",
                            },
                        }
                    ],
                },
            },
        },
    }


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    servers = [server(i) for i in range(N_SERVERS)]
    listing = {
        "object": "list",
        "data": servers,
        "meta": {
            "pagination": {
                "total": N_SERVERS,
                "count": N_SERVERS,
                "per_page": N_SERVERS,
                "current_page": 1,
                "total_pages": 1,
                "links": {},
            }
        },
    }
    resources = {
        "object": "stats",
        "attributes": {
            "current_state": "running",
            "is_suspended": False,
            "resources": {
                "memory_bytes": 588701696,
                "cpu_absolute": 12.345,
                "disk_bytes": 130156361,
                "network_rx_bytes": 694220,
                "network_tx_bytes": 337090,
                "uptime": 1234567,
            },
        },
    }
    compact = {"separators": (",", ":")}
    with open(os.path.join(out, "servers.json"), "w") as f:
        json.dump(listing, f, **compact)
    with open(os.path.join(out, "resources.json"), "w") as f:
        json.dump(resources, f, **compact)
    with open(os.path.join(out, "ids.txt"), "w") as f:
        f.write("".join(s["attributes"]["identifier"] + "\n" for s in servers))


if __name__ == "__main__":
    main()
