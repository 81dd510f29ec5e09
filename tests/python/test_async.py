"""``AsyncClient``: every call shape awaited, ``async for`` over pages, the retry on 429 without
blocking the event loop, task cancellation, the bound on calls in flight, and the same
exceptions as ``Client``. Plain ``asyncio.run`` (no plugin)."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import pytest

import pterodactyl
from conftest import OWNER_KEY, SUBUSER_KEY, SURVIVAL, Panel, query_of
from pterodactyl import _api


async def recorded(panel: Panel, method: str, suffix: str) -> int:
    """How many requests the panel received with this method and path suffix (asked off the loop)."""
    requests = await asyncio.to_thread(panel.requests)
    return sum(1 for r in requests if r["method"] == method and r["path"].endswith(suffix))


async def until_recorded(panel: Panel, method: str, suffix: str, n: int) -> None:
    for _ in range(2000):
        if await recorded(panel, method, suffix) >= n:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"the panel never received {n} {method} ...{suffix}")


OPERATIONS = pterodactyl.operations()


def _method(root: Any, op: pterodactyl.types.Operation) -> Any:
    """The typed method of `op` under a client (or its server handle)."""
    target = root.server(SURVIVAL) if op["on_server"] else root
    for name in op["method_path"].split("."):
        target = getattr(target, name)
    return target


@pytest.mark.parametrize("op", OPERATIONS, ids=[op["id"] for op in OPERATIONS])
def test_every_operation_has_its_async_twin(panel: Panel, op: pterodactyl.types.Operation) -> None:
    with pterodactyl.Client(panel.url, OWNER_KEY) as client:
        blocking = _method(client, op)
    asynchronous = _method(pterodactyl.AsyncClient(panel.url, OWNER_KEY), op)
    assert inspect.iscoroutinefunction(asynchronous), op["id"]
    assert inspect.signature(asynchronous) == inspect.signature(blocking), op["id"]
    assert asynchronous.__doc__ == blocking.__doc__, op["id"]
    assert type(asynchronous.__self__).__name__ == "Async" + type(blocking.__self__).__name__


def test_every_async_group_is_exported() -> None:
    for name in _api.__all__:
        assert getattr(pterodactyl, name) is getattr(_api, name)
        if not name.startswith("Async"):
            assert "Async" + name in _api.__all__


def test_the_async_tree_mirrors_the_blocking_one() -> None:
    def public(cls: type) -> set[str]:
        return {name for name in dir(cls) if not name.startswith("_")}

    # The generated groups, but for the hand-written blocking-only extras (transfers).
    pairs: list[tuple[set[str], type]] = []
    for name in _api.__all__:
        if not name.startswith("Async"):
            blocking = getattr(_api, name)
            extras = set().union(*(public(base) for base in blocking.__bases__ if base is not _api._Group))
            pairs.append((public(blocking) - extras, getattr(_api, "Async" + name)))
    pairs.append(
        (
            {"call", "iter", "server", "with_timeout", "close", "base_url", "closed", "rate_limit"},
            pterodactyl.AsyncClient,
        )
    )
    pairs.append(({"start", "stop", "restart", "kill", "identifier"}, pterodactyl.AsyncServerHandle))
    for names, asynchronous in pairs:
        assert names <= public(asynchronous), (asynchronous, names - public(asynchronous))
        for name in public(asynchronous):
            member = getattr(asynchronous, name)
            if name in {"iter", "server", "with_timeout", "identifier"} or isinstance(member, property):
                continue
            if callable(member):
                assert inspect.iscoroutinefunction(member), f"{asynchronous.__name__}.{name} is not async"


def test_typed_methods_answer_what_the_blocking_ones_do(panel: Panel, client: pterodactyl.Client) -> None:
    expected = client.server(SURVIVAL).details()

    async def main() -> None:
        async with pterodactyl.AsyncClient(panel.url, OWNER_KEY) as aclient:
            srv = aclient.server(SURVIVAL)
            assert await srv.details() == expected
            assert (await srv.resources())["current_state"] == "offline"
            assert (await aclient.account.get())["username"] == "owner"
            assert (await aclient.permissions())["permissions"]
            assert len(await srv.allocations.list()) == 2
            await srv.files.write("/async.txt", "hello from asyncio\n")
            assert await srv.files.contents_text("/async.txt") == "hello from asyncio\n"
            assert await srv.files.contents("/async.txt") == b"hello from asyncio\n"
            schedule = await srv.schedules.create("Nightly", "0", "4", "*", "*", "*", is_active=True)
            task = await srv.schedules.tasks.create(schedule["id"], "power", 0, payload="restart")
            assert (await srv.schedules.get(schedule["id"]))["relationships"]["tasks"][0]["id"] == task["id"]
            await srv.start()
            await srv.command("say async")
            assert repr(srv) == "<pterodactyl.AsyncServerHandle 'd3aac109'>"
            assert repr(srv.files) == "<pterodactyl.AsyncFiles of <pterodactyl.AsyncServerHandle 'd3aac109'>>"
            assert OWNER_KEY not in repr(aclient)
        assert aclient.closed
        with pytest.raises(pterodactyl.InvalidInputError):
            await aclient.permissions()

    asyncio.run(main())
    assert panel.last_request()["path"].endswith("/command")


def test_the_generic_call_answers_the_one_shape(panel: Panel, client: pterodactyl.Client) -> None:
    expected = client.call("servers.list", filter={"name": "Survival"}, per_page=10)

    async def main() -> Any:
        async with pterodactyl.AsyncClient(panel.url, OWNER_KEY) as aclient:
            assert await aclient.call("server.power", server=SURVIVAL, signal="kill") is None
            return await aclient.call("servers.list", filter={"name": "Survival"}, per_page=10)

    assert asyncio.run(main()) == expected


def test_async_for_walks_every_page_with_the_filters_kept(panel: Panel) -> None:
    async def main() -> tuple[list[str], int]:
        async with pterodactyl.AsyncClient(panel.url, OWNER_KEY) as aclient:
            names = [s["name"] async for s in aclient.servers.iter(filter={"name": "Survival"}, per_page=1)]
            events = [e["event"] async for e in aclient.server(SURVIVAL).activity.iter(per_page=2)]
            ids = [s["identifier"] async for s in aclient.iter("servers.list", per_page=2)]
            with pytest.raises(pterodactyl.InvalidInputError):
                aclient.iter("server.get", server=SURVIVAL)
            assert len(ids) == 5
            return names, len(events)

    names, events = asyncio.run(main())
    assert names == ["Survival", "Survival Test", "Skyblock Survival"]
    assert events == 5
    pages = [r for r in panel.requests() if r["path"].endswith("/api/client") and "name" in r["query"]]
    assert [query_of(r)["page"] for r in pages] == ["1", "2", "3"]
    assert all(query_of(r)["filter[name]"] == "Survival" for r in pages)


def test_a_429_is_retried_without_blocking_the_event_loop(panel: Panel) -> None:
    panel.rate_limit(1, 3000)

    async def main() -> None:
        limited = pterodactyl.AsyncClient(panel.url, OWNER_KEY)
        other = pterodactyl.AsyncClient(panel.url, SUBUSER_KEY)
        await limited.server(SURVIVAL).resources()
        # Answered 429 (Retry-After: about 3 s): it waits, then tries again.
        waiting = asyncio.create_task(limited.server(SURVIVAL).resources())
        await until_recorded(panel, "GET", "/resources", 2)
        # Meanwhile the loop runs other work, another whole call included.
        assert (await other.server(SURVIVAL).details())["identifier"] == SURVIVAL
        assert not waiting.done(), "the retry should still be waiting out Retry-After"
        assert (await waiting)["current_state"] == "offline"
        await limited.close()
        await other.close()

    asyncio.run(main())
    assert sum(1 for r in panel.requests() if r["path"].endswith("/resources")) == 3


def test_cancelling_the_task_cancels_the_request(panel: Panel) -> None:
    panel.slow("/resources", 60_000)

    async def main() -> None:
        async with pterodactyl.AsyncClient(panel.url, OWNER_KEY, max_in_flight=1) as aclient:
            task = asyncio.create_task(aclient.server(SURVIVAL).resources())
            await until_recorded(panel, "GET", "/resources", 1)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            # The call's only place is free again, so the abandoned request is really gone.
            account = await asyncio.wait_for(aclient.account.get(), 30)
            assert account["username"] == "owner"

    asyncio.run(main())


def test_calls_beyond_max_in_flight_wait_their_turn(panel: Panel) -> None:
    panel.slow("/resources", 60_000)

    async def main() -> None:
        async with pterodactyl.AsyncClient(panel.url, OWNER_KEY, max_in_flight=1) as aclient:
            slow = asyncio.create_task(aclient.server(SURVIVAL).resources())
            await until_recorded(panel, "GET", "/resources", 1)
            queued = asyncio.create_task(aclient.account.get())
            await asyncio.sleep(0.2)
            assert await recorded(panel, "GET", "/account") == 0, "a second call went out too early"
            assert not queued.done()
            slow.cancel()
            assert (await asyncio.wait_for(queued, 30))["username"] == "owner"

    asyncio.run(main())


def test_errors_are_the_blocking_clients_exceptions(panel: Panel, client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.NotFoundError) as blocking:
        client.server("nothere1").details()

    async def main() -> None:
        async with pterodactyl.AsyncClient(panel.url, OWNER_KEY, timeout=0.5, max_retries=0) as aclient:
            with pytest.raises(pterodactyl.NotFoundError) as caught:
                await aclient.server("nothere1").details()
            assert caught.value.status == 404
            assert caught.value.errors == blocking.value.errors
            assert str(caught.value) == str(blocking.value)
            with pytest.raises(pterodactyl.InvalidInputError, match=r"server\.power"):
                await aclient.call("server.pwoer")
            with pytest.raises(pterodactyl.InvalidInputError):
                await aclient.server("../account").details()
            with pytest.raises(pterodactyl.InvalidInputError):
                await aclient.call("servers.list", filter={1, 2})
            await asyncio.to_thread(panel.slow, "/resources", 3000)
            with pytest.raises(pterodactyl.TimeoutError):
                await aclient.server(SURVIVAL).resources()
            await asyncio.to_thread(panel.clear_faults)
            await asyncio.to_thread(panel.rate_limit, 1, 60_000)
            await aclient.server(SURVIVAL).resources()
            with pytest.raises(pterodactyl.RateLimitedError) as limited:
                await aclient.server(SURVIVAL).power("start")
            assert limited.value.retry_after is not None and limited.value.retry_after > 0
            assert aclient.rate_limit is not None

    asyncio.run(main())


def test_a_burst_of_calls_each_gets_its_own_answer(panel: Panel, client: pterodactyl.Client) -> None:
    # Answers finishing together are handed over to the loop in one batch: each must still
    # reach the call that asked, errors included.
    identifiers = [s["identifier"] for s in client.servers.list()["data"]]
    asked = [identifiers[i % len(identifiers)] if i % 7 else f"nothere{i % 10}" for i in range(120)]

    async def main() -> list[Any]:
        async with pterodactyl.AsyncClient(panel.url, OWNER_KEY, max_retries=0) as aclient:
            return await asyncio.gather(*(aclient.server(i).details() for i in asked), return_exceptions=True)

    answers = asyncio.run(main())
    for identifier, answer in zip(asked, answers):
        if identifier.startswith("nothere"):
            assert isinstance(answer, pterodactyl.NotFoundError), (identifier, answer)
        else:
            assert answer["identifier"] == identifier


def test_one_client_serves_event_loops_in_several_threads_and_one_after_another(panel: Panel) -> None:
    import threading

    aclient = pterodactyl.AsyncClient(panel.url, OWNER_KEY)

    async def states() -> list[str]:
        answers = await asyncio.gather(*(aclient.server(SURVIVAL).resources() for _ in range(20)))
        return [a["current_state"] for a in answers]

    results: list[list[str]] = []
    threads = [threading.Thread(target=lambda: results.append(asyncio.run(states()))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    # A fresh loop after the others were closed.
    results.append(asyncio.run(states()))
    asyncio.run(aclient.close())
    assert len(results) == 4
    assert all(len(r) == 20 and len(set(r)) == 1 for r in results)
