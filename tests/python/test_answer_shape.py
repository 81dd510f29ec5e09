"""How an answer's bytes become Python objects: documents no seeded state makes, served by the
fake panel's ``document`` fault, built into the one shape with every key a shared ``str``."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pterodactyl
from conftest import OWNER_KEY, SURVIVAL, Panel


def _serve(panel: Panel, document: Any) -> None:
    panel.document("/resources", json.dumps(document))


def test_many_distinct_keys_build_the_same_dicts_and_share_their_keys(
    client: pterodactyl.Client, panel: Panel
) -> None:
    # More distinct keys than the builder's key table has slots (so keys evict each other), in
    # items that repeat them, inside relationships and plain nested objects.
    items = [
        {
            **{f"key_{n}": i * 1000 + n for n in range(600)},
            "nested": {"object": "not an envelope", "key_7": "kept", "\u00e9t\u00e9": True},
            "relationships": {
                "allocations": [{"id": i, "key_599": "last"}],
                "missing": None,
            },
        }
        for i in range(20)
    ]
    document = {
        "object": "list",
        "data": [
            {
                "object": "thing",
                "attributes": {
                    **{k: v for k, v in item.items() if k != "relationships"},
                    "relationships": {
                        "allocations": {
                            "object": "list",
                            "data": [
                                {"object": "allocation", "attributes": a}
                                for a in item["relationships"]["allocations"]
                            ],
                        },
                        "missing": {"object": "null_resource", "attributes": None},
                    },
                },
            }
            for item in items
        ],
    }
    _serve(panel, document)
    answer = client.call("server.resources", server=SURVIVAL)
    assert answer == items

    def same_key_objects(a: dict[str, Any], b: dict[str, Any]) -> bool:
        return len(a) == len(b) and all(x is y for x, y in zip(a, b))

    for item in answer[1:]:
        assert same_key_objects(answer[0], item)
        first, inner = answer[0]["relationships"]["allocations"][0], item["relationships"]["allocations"][0]
        assert same_key_objects(first, inner)


def test_an_object_that_only_looks_like_an_envelope_keeps_every_key_in_order(
    client: pterodactyl.Client, panel: Panel
) -> None:
    # At the top, where an envelope may stand: `object` names it, but there are no attributes.
    document = {"data": 1, "object": "stats", "meta": {"a": 1}, "other": [{"object": "x"}]}
    _serve(panel, document)
    answer = client.call("server.resources", server=SURVIVAL)
    assert answer == document
    assert list(answer) == ["data", "object", "meta", "other"]


def test_page_iterators_build_each_page_as_an_answer(client: pterodactyl.Client, panel: Panel) -> None:
    # Every item a walk hands out is the dict `list()` answers for its page, with the page's
    # keys shared by every dict on it (a page is built in one pass, as an answer is), blocking
    # and async.
    pages = [client.servers.list(per_page=2, page=n)["data"] for n in (1, 2, 3)]
    walked = list(client.servers.iter(per_page=2))
    assert walked == [server for page in pages for server in page]

    async def walk() -> list[dict[str, Any]]:
        async with pterodactyl.AsyncClient(panel.url, OWNER_KEY) as aclient:
            return [s async for s in aclient.servers.iter(per_page=2)]

    assert asyncio.run(walk()) == walked
    for first, second in (walked[0:2], walked[2:4]):
        assert list(first) == list(second)
        assert all(a is b for a, b in zip(first, second)), "keys of one page are one str each"
