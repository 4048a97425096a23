"""Cursor pages: walking all pages lazily, sync and async."""

import gc
import itertools
import weakref
from typing import Any

import pytest

from tests.runtime.payloads import page_reply
from tests.servers.faults import FaultServer

NAMES = [f"Site {i}" for i in range(7)]


def script_three_pages(server: FaultServer) -> None:
    """Pages of 3, 3 and 1 projects, linked by cursors c2 and c3."""
    server.script(
        page_reply(range(0, 3), next_cursor="c2"),
        page_reply(range(3, 6), next_cursor="c3"),
        page_reply(range(6, 7), next_cursor=None),
    )


def test_iterating_walks_every_page(client: Any, server: FaultServer) -> None:
    script_three_pages(server)

    names = [p.name for p in client.projects.list(limit=3, tags=["shop"])]

    assert names == NAMES
    assert [r.query for r in server.requests] == [
        {"limit": ["3"], "tags": ["shop"]},
        {"limit": ["3"], "tags": ["shop"], "cursor": ["c2"]},
        {"limit": ["3"], "tags": ["shop"], "cursor": ["c3"]},
    ]


def test_the_next_page_is_fetched_only_when_needed(
    client: Any, server: FaultServer
) -> None:
    script_three_pages(server)

    page = client.projects.list(limit=3)
    assert server.count == 1

    items = iter(page)
    assert [p.name for p in itertools.islice(items, 3)] == NAMES[:3]
    assert server.count == 1
    assert next(items).name == "Site 3"
    assert server.count == 2


def test_a_page_exposes_its_items_and_cursor(client: Any, server: FaultServer) -> None:
    script_three_pages(server)

    first = client.projects.list(limit=3)

    assert [p.name for p in first.data] == NAMES[:3]
    assert (first.has_more, first.next_cursor, first.total) == (True, "c2", 7)
    assert first.has_next_page()
    assert first.meta.request_id == "req_page_0"
    assert repr(first) == (
        "<SyncCursorPage of 3 items, has_more=True, next_cursor='c2'>"
    )

    second = first.get_next_page()
    assert [p.name for p in second.data] == NAMES[3:6]
    assert second.get_next_page().next_cursor is None


def test_iter_pages_yields_each_page_once(client: Any, server: FaultServer) -> None:
    script_three_pages(server)

    sizes = [len(page.data) for page in client.projects.list(limit=3).iter_pages()]

    assert sizes == [3, 3, 1]
    assert server.count == 3


def test_walking_pages_keeps_only_the_current_one(
    client: Any, server: FaultServer
) -> None:
    script_three_pages(server)
    seen: list[weakref.ref[Any]] = []

    for page in client.projects.list(limit=3).iter_pages():
        seen.append(weakref.ref(page))
        del page
        gc.collect()
        assert [ref() is None for ref in seen[:-1]] == [True] * (len(seen) - 1)

    assert len(seen) == 3


def test_asking_past_the_last_page_says_why(
    pkg: Any, client: Any, server: FaultServer
) -> None:
    server.script(page_reply(range(0, 1), next_cursor=None))

    last = client.projects.list()

    assert not last.has_next_page()
    with pytest.raises(pkg.FaultpkgError) as caught:
        last.get_next_page()
    assert str(caught.value) == (
        "There is no next page: this page is the last one (has_more is false); "
        "check has_next_page() before asking for the next page."
    )
    assert server.count == 1


async def test_async_for_walks_every_page(
    async_client: Any, server: FaultServer
) -> None:
    script_three_pages(server)

    names = [p.name async for p in async_client.projects.list(limit=3)]

    assert names == NAMES
    assert [r.query.get("cursor") for r in server.requests] == [None, ["c2"], ["c3"]]


async def test_async_pages_are_fetched_only_when_needed(
    pkg: Any, async_client: Any, server: FaultServer
) -> None:
    script_three_pages(server)

    paginator = async_client.projects.list(limit=3)
    assert server.count == 0
    first = await paginator
    assert isinstance(first, pkg.AsyncCursorPage)
    assert server.count == 1

    items = aiter(first)
    names = [(await anext(items)).name for _ in range(3)]
    assert names == NAMES[:3]
    assert server.count == 1
    assert (await anext(items)).name == "Site 3"
    assert server.count == 2


async def test_async_iter_pages_and_get_next_page(
    async_client: Any, server: FaultServer
) -> None:
    script_three_pages(server)

    first = await async_client.projects.list(limit=3)
    sizes = [len(page.data) async for page in first.iter_pages()]

    assert sizes == [3, 3, 1]
    script_three_pages(server)
    second = await (await async_client.projects.list(limit=3)).get_next_page()
    assert [p.name for p in second.data] == NAMES[3:6]
