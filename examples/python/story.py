"""A day with one Minecraft server, through the Python client.

    PTERO_URL=https://panel.example.com PTERO_KEY=ptlc_... python story.py

PTERO_SERVER picks the server (default ``d3aac109``, the fake panel's "Survival"). Against a
real panel this really starts the server, changes its allocations, name and startup variable,
and, in the second act, makes a backup, a schedule, a subuser and a file.
"""

from __future__ import annotations

import os
import sys
import time

import pterodactyl


def main() -> int:
    url = os.environ.get("PTERO_URL")
    key = os.environ.get("PTERO_KEY")
    if not url or not key:
        print("set PTERO_URL and PTERO_KEY", file=sys.stderr)
        return 2
    identifier = os.environ.get("PTERO_SERVER", "d3aac109")

    with pterodactyl.Client(url, key, timeout=15) as client:
        print("Servers named like 'survival':")
        for server in client.servers.iter(filter={"name": "survival"}, per_page=10):
            print(f"  {server['identifier']}  {server['name']:<20} {server['node']}")

        srv = client.server(identifier)
        details = srv.details(include=["egg"])
        egg = details["relationships"].get("egg") if "relationships" in details else None
        print(f"\n{details['name']}: {details['description']!r}, egg {egg['name'] if egg else '?'}")
        print(f"  limits: {details['limits']['memory']} MiB, {details['limits']['cpu']}% CPU")

        print(f"  state: {srv.resources()['current_state']}")
        srv.start()
        deadline = time.monotonic() + 60
        while (state := srv.resources()["current_state"]) != "running" and time.monotonic() < deadline:
            time.sleep(0.2)
        print(f"  started: {state}")
        srv.command("say Hello from Python")

        new = srv.allocations.assign()
        print(f"\nAssigned {new['ip']}:{new['port']} (id {new['id']})")
        srv.allocations.set_notes(new["id"], "Dynmap")
        primary = next(a for a in srv.allocations.list() if a["is_default"])
        print(f"  primary for a moment: {srv.allocations.set_primary(new['id'])['port']}")
        srv.allocations.set_primary(primary["id"])
        srv.allocations.delete(new["id"])
        for a in srv.allocations.list():
            mark = "*" if a["is_default"] else " "
            print(f"  {mark} {a['ip']}:{a['port']}  {a['notes'] or ''}")

        srv.settings.rename(details["name"], description="Survival, managed from Python")
        updated = srv.startup.set_variable("MINECRAFT_VERSION", "1.20.6")
        print(f"\nStartup: {updated['meta']['startup_command']}")

        print("\nLatest activity:")
        for entry in srv.activity.list(sort="-timestamp", include=["actor"], per_page=5)["data"]:
            actor = entry["relationships"].get("actor") if "relationships" in entry else None
            who = actor["username"] if actor else "system"
            print(f"  {entry['timestamp']}  {entry['event']:<28} by {who}")

        try:
            client.server("f00dfeed").details()
        except pterodactyl.NotFoundError as e:
            print(f"\nf00dfeed: {e} (HTTP {e.status})")

        second_act(srv)
        console_act(srv)
    return 0


def second_act(srv: pterodactyl.ServerHandle) -> None:
    """A backup, an hourly schedule with a task, a new subuser, a file written and read back."""
    backup = srv.backups.create(name="Before the update", ignored="*.log")
    print(f"\nBackup {backup['name']!r} started ({backup['uuid']})")
    page = srv.backups.list()
    for b in page["data"]:
        state = "running" if b["completed_at"] is None else "done" if b["is_successful"] else "failed"
        print(f"  {b['uuid']}  {b['name']:<20} {state:<8} {b['bytes']} bytes")

    hourly = srv.schedules.create("Hourly reminder", "0", "*", "*", "*", "*", is_active=True)
    task = srv.schedules.tasks.create(hourly["id"], "command", 0, payload="say Vote for us!")
    print(f"\nSchedule #{hourly['id']} {hourly['name']!r}, task #{task['id']}: {task['payload']!r}")
    for s in srv.schedules.list():
        cron = s["cron"]
        when = " ".join(cron[k] for k in ("minute", "hour", "day_of_month", "month", "day_of_week"))
        tasks = s.get("relationships", {}).get("tasks") or []
        print(f"  #{s['id']:<3} {s['name']:<18} {when}  active={s['is_active']} tasks={len(tasks)}")

    added = srv.users.create("moderator@example.com", ["control.console", "file.read"])
    print(f"\nSubuser {added['email']} may {', '.join(added['permissions'])}")
    for u in srv.users.list():
        print(f"  {u['email']:<24} {', '.join(u['permissions'])}")

    srv.files.write("/motd.txt", b"Welcome to Survival!\n")
    print(f"\nWrote /motd.txt; it reads {srv.files.contents_text('/motd.txt')!r}")
    for f in srv.files.list():
        kind = "file" if f["is_file"] else "dir "
        print(f"  {kind} {f['mode']:<10} {f['size']:>8} bytes  {f['name']}")


def console_act(srv: pterodactyl.ServerHandle) -> None:
    """The live console (the Wings websocket): a power action and a command go in; the status
    changes, the boot output and the command's echo come out."""
    print("\nLive console:")
    with srv.console() as console:
        deadline = time.monotonic() + 15
        powered = commanded = False
        while (event := console.next_event(timeout=max(0.0, deadline - time.monotonic()))) is not None:
            if event.name == "status":
                print(f"  [status] {event.state}")
                if not powered:
                    console.set_state("start" if event.state == "offline" else "restart")
                    powered = True
                elif event.state == "running" and not commanded:
                    console.send_command("say Hello from the Python console")
                    commanded = True
            elif event.name == "console output":
                print(f"  {event.line}")
                if event.line == "> say Hello from the Python console":
                    break


if __name__ == "__main__":
    sys.exit(main())
