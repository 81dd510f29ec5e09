"""The Python rows of the async bench (tests/bench/async.py): many calls in flight at once.

    python async_bench_py.py CLIENT BASE BATCHES IN_FLIGHT

One batch is one GET /api/client/servers/<id>/resources for each identifier of the file
BENCH_IDS (500 distinct ones, one a line), awaited by IN_FLIGHT asyncio tasks that each take the
next identifier until none is left (so every row has the same calls outstanding). One warm-up
batch (it opens the connections), then BATCHES measured ones, each printed as
"WALL_SECONDS CPU_SECONDS" (CPU: the whole process, every thread, the Rust runtime's too).

CLIENT, each on the default asyncio event loop, each call checking the server is "running":
  pterodactyl-async  this project's package: await client.server(id).resources()
  pydactyl-async     py-dactyl's AsyncPterodactylClient (on aiohttp):
                     await api.client.servers.get_server_utilization(id)
  aiohttp            a bare aiohttp.ClientSession with the same headers, + await response.json()

Environment: BENCH_KEY, BENCH_IDS, BENCH_CA (the PEM file of the CA trusted for https).
"""

import asyncio
import os
import ssl
import sys
import time

KEY = os.environ.get("BENCH_KEY", "ptlc_benchmarkBENCHMARK0123456789abcdefABCDEF")
CA = os.environ.get("BENCH_CA", "")


class Unexpected(Exception):
    pass


def _ssl_context(base):
    return ssl.create_default_context(cafile=CA) if base.startswith("https://") and CA else None


async def make_pterodactyl(base):
    import pterodactyl

    kwargs = {"ca_cert": CA} if base.startswith("https://") and CA else {}
    client = pterodactyl.AsyncClient(base, KEY, **kwargs)

    async def call(server_id):
        r = await client.server(server_id).resources()
        if r["current_state"] != "running":
            raise Unexpected("resources: %r" % (r,))

    return call, client.close


async def make_pydactyl(base):
    import aiohttp
    from pydactyl import AsyncPterodactylClient

    api = AsyncPterodactylClient(base, KEY)
    await api.__aenter__()
    ctx = _ssl_context(base)
    if ctx is not None:
        # py-dactyl opens a default aiohttp session; the same one, trusting the bench's CA.
        await api.close()
        api._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=ctx))
    servers = api.client.servers  # made once and reused, which only helps py-dactyl

    async def call(server_id):
        r = await servers.get_server_utilization(server_id)
        if r.get("current_state") != "running":
            raise Unexpected("utilization: %r" % (r,))

    return call, api.close


async def make_aiohttp(base):
    import aiohttp

    session = aiohttp.ClientSession(
        headers={"Authorization": "Bearer " + KEY, "Accept": "application/json"},
        connector=aiohttp.TCPConnector(ssl=_ssl_context(base) or True),
    )
    root = base.rstrip("/") + "/api/client/servers/"

    async def call(server_id):
        async with session.get(root + server_id + "/resources") as resp:
            if resp.status != 200:
                raise Unexpected("status %d" % resp.status)
            v = await resp.json()
        if v["attributes"]["current_state"] != "running":
            raise Unexpected("resources: %r" % (v,))

    return call, session.close


MAKERS = {"pterodactyl-async": make_pterodactyl, "pydactyl-async": make_pydactyl, "aiohttp": make_aiohttp}


async def batch(call, ids, in_flight):
    it = iter(ids)

    async def worker():
        for server_id in it:
            await call(server_id)

    await asyncio.gather(*(worker() for _ in range(in_flight)))


async def main(client, base, batches, in_flight):
    with open(os.environ["BENCH_IDS"]) as f:
        ids = [line.strip() for line in f if line.strip()]
    call, close = await MAKERS[client](base)
    try:
        await batch(call, ids, in_flight)
        for _ in range(batches):
            t0, c0 = time.perf_counter(), time.process_time()
            await batch(call, ids, in_flight)
            print("%.6f %.6f" % (time.perf_counter() - t0, time.process_time() - c0), flush=True)
    finally:
        await close()


if __name__ == "__main__":
    if len(sys.argv) != 5 or sys.argv[1] not in MAKERS:
        sys.exit("usage: async_bench_py.py %s BASE BATCHES IN_FLIGHT" % "|".join(MAKERS))
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
