"""The Python clients of `make bench`, run in the bench's virtualenv.

    python bench_py.py once CLIENT OP BASE SECONDS [THREADS]   prints "CALLS SECONDS CPU"
    python bench_py.py worker       reads "run CLIENT OP BASE SECONDS THREADS" lines on stdin and
                                    answers "ok CALLS SECONDS CPU" or "err MESSAGE", one a line
                                    (CPU: the process's CPU seconds, every thread)

CLIENT:
  pterodactyl  this project's package: client.server(id).resources(), client.servers.list(),
               client.server(id).power("start")
  pydactyl     py-dactyl: PterodactylClient(url, key).client.servers.get_server_utilization(id),
               .list_servers(), .send_power_action(id, "start") (the `client.servers` object is
               made once and reused, which only helps py-dactyl)
  requests     a bare requests.Session with the same headers, + response.json()
OP: small (GET resources), large (GET the server list), post (POST power, 204).
Environment: BENCH_KEY, BENCH_ID, BENCH_CA (the PEM file of the CA trusted for https).

Every call checks its answer, so no client wins by skipping work.
"""

import os
import sys
import threading
import time

KEY = os.environ.get("BENCH_KEY", "ptlc_benchmarkBENCHMARK0123456789abcdefABCDEF")
SERVER_ID = os.environ.get("BENCH_ID", "1a7ce997")
CA = os.environ.get("BENCH_CA", "")
WARMUP = 0.15

# requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a session's own `verify` (the env
# value is merged per request and wins over `session.verify`), which would make py-dactyl and the
# bare session ignore the bench's CA. The bench states its trust explicitly, so drop them.
for _var in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
    os.environ.pop(_var, None)


class Unexpected(Exception):
    pass


def _state(v):
    if isinstance(v, dict):
        return v.get("current_state")
    return getattr(v, "current_state", None)


def _count(v):
    if isinstance(v, dict):
        v = v.get("data", v)
    elif hasattr(v, "data"):
        v = v.data
    return len(v)


def make_pterodactyl(base):
    import pterodactyl

    kwargs = {}
    if base.startswith("https://"):
        kwargs["ca_cert"] = CA
    client = pterodactyl.Client(base, KEY, **kwargs)

    def small():
        r = client.server(SERVER_ID).resources()
        if _state(r) != "running":
            raise Unexpected("resources: %r" % (r,))

    def large():
        r = client.servers.list()
        if _count(r) != 100:
            raise Unexpected("list: %d servers" % _count(r))

    def post():
        client.server(SERVER_ID).power("start")

    return {"small": small, "large": large, "post": post}


def make_pydactyl(base):
    from pydactyl import PterodactylClient

    api = PterodactylClient(base, KEY)
    if base.startswith("https://"):
        api._session.verify = CA  # the session every pydactyl call goes through
    servers = api.client.servers

    def small():
        r = servers.get_server_utilization(SERVER_ID)
        if r.get("current_state") != "running":
            raise Unexpected("resources: %r" % (r,))

    def large():
        r = servers.list_servers()
        if len(r.data) != 100:
            raise Unexpected("list: %d servers" % len(r.data))

    def post():
        r = servers.send_power_action(SERVER_ID, "start")
        if getattr(r, "status_code", 204) != 204:
            raise Unexpected("power: %r" % (r,))

    return {"small": small, "large": large, "post": post}


def make_requests(base):
    import requests

    s = requests.Session()
    s.headers.update({"Authorization": "Bearer " + KEY, "Accept": "application/json"})
    if base.startswith("https://"):
        s.verify = CA
    root = base.rstrip("/") + "/api/client"
    res_url = "%s/servers/%s/resources" % (root, SERVER_ID)
    power_url = "%s/servers/%s/power" % (root, SERVER_ID)

    def small():
        r = s.get(res_url)
        if r.status_code != 200 or r.json()["attributes"]["current_state"] != "running":
            raise Unexpected("resources: %d" % r.status_code)

    def large():
        r = s.get(root)
        if r.status_code != 200 or len(r.json()["data"]) != 100:
            raise Unexpected("list: %d" % r.status_code)

    def post():
        r = s.post(power_url, json={"signal": "start"})
        if r.status_code != 204:
            raise Unexpected("power: %d" % r.status_code)

    return {"small": small, "large": large, "post": post}


MAKERS = {"pterodactyl": make_pterodactyl, "pydactyl": make_pydactyl, "requests": make_requests}


def timed(fn, seconds):
    now = time.perf_counter
    start = now()
    end = start + seconds
    n = 0
    while True:
        fn()
        n += 1
        t = now()
        if t >= end:
            return n, t - start


class Worker:
    def __init__(self):
        self.cache = {}

    def run(self, client, op, base, seconds, threads):
        if client not in MAKERS:
            raise ValueError("unknown client %r" % client)
        key = (client, base)
        if key not in self.cache:
            self.cache[key] = MAKERS[client](base)
        ops = self.cache[key]
        if op not in ops:
            raise ValueError("unknown operation %r" % op)
        fn = ops[op]
        if threads <= 1:
            timed(fn, WARMUP)
            cpu0 = time.process_time()
            n, s = timed(fn, seconds)
            return n, s, time.process_time() - cpu0
        # N threads sharing the one client: each warms up, then all start together.
        ready = threading.Barrier(threads + 1)
        go = threading.Barrier(threads + 1)
        results = [None] * threads

        def body(i):
            try:
                try:
                    timed(fn, WARMUP)
                finally:
                    ready.wait()
                    go.wait()
                results[i] = timed(fn, seconds)
            except BaseException as e:  # reported below
                results[i] = e

        ts = [threading.Thread(target=body, args=(i,)) for i in range(threads)]
        for t in ts:
            t.start()
        ready.wait()
        cpu0 = time.process_time()
        go.wait()
        for t in ts:
            t.join()
        cpu = time.process_time() - cpu0
        for r in results:
            if isinstance(r, BaseException):
                raise r
        return sum(r[0] for r in results), max(r[1] for r in results), cpu


def parse_run(w, args):
    if len(args) < 4:
        raise ValueError("usage: CLIENT OP BASE SECONDS [THREADS]")
    threads = int(args[4]) if len(args) > 4 else 1
    return w.run(args[0], args[1], args[2], float(args[3]), threads)


def main():
    w = Worker()
    if len(sys.argv) > 1 and sys.argv[1] == "once":
        n, s, cpu = parse_run(w, sys.argv[2:])
        print("%d %.6f %.6f" % (n, s, cpu))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "worker":
        for line in sys.stdin:
            parts = line.split()
            if not parts:
                continue
            if parts[0] == "quit":
                break
            try:
                if parts[0] != "run":
                    raise ValueError("unknown command %r" % line)
                n, s, cpu = parse_run(w, parts[1:])
                reply = "ok %d %.6f %.6f" % (n, s, cpu)
            except Exception as e:  # one line back to the orchestrator, whatever failed
                reply = "err %s: %s" % (type(e).__name__, str(e).replace("\n", " ")[:500])
            sys.stdout.write(reply + "\n")
            sys.stdout.flush()
        return
    sys.exit(__doc__)


if __name__ == "__main__":
    main()
