"""The items of a page or of a list result find what the server sent only when asked.

Reading a page links none of its items to the body; an item asked for its unknown
properties or meta finds itself in its page's list, and an item that outlives that
list is linked to the body when the list is freed. A body therefore lives as long as
its page's list or any item that outlives it, and no longer.
"""

import copy
import gc
import importlib
import weakref
from typing import Any

import msgspec

from tests.runtime.payloads import project
from tests.servers.faults import FaultServer, Reply, envelope


def page_of_distinct_items(
    indexes: range, *, next_cursor: str | None, total: int = 7
) -> Reply:
    """A page whose every project carries an unknown property of its own."""
    return Reply(
        200,
        envelope(
            [project(i, futureField={"n": i}) for i in indexes],
            request_id=f"req_page_{indexes.start}",
            pagination={
                "hasMore": next_cursor is not None,
                "nextCursor": next_cursor,
                "total": total,
            },
        ),
    )


def script_three_pages(server: FaultServer) -> None:
    """Pages of 3, 3 and 1 projects, linked by cursors c2 and c3."""
    server.script(
        page_of_distinct_items(range(0, 3), next_cursor="c2"),
        page_of_distinct_items(range(3, 6), next_cursor="c3"),
        page_of_distinct_items(range(6, 7), next_cursor=None),
    )


def assert_sent_as_item(item: Any, index: int, request_id: str) -> None:
    """`item` answers with what the server sent for project `index`."""
    assert item.project_id == f"proj_{index}"
    assert item.model_extra == {"futureField": {"n": index}}
    as_dict = item.to_dict()
    assert as_dict["futureField"] == {"n": index}
    assert as_dict["settings"] == {"customDomain": "example.com", "theme": "dark"}
    assert item.model_meta.request_id == request_id


def body_of(page: Any) -> Any:
    """The raw body a page's items were decoded from, which the page's list holds."""
    return page.data._origins.raw


def test_reading_a_page_links_none_of_its_items(
    client: Any, server: FaultServer
) -> None:
    server.script(page_of_distinct_items(range(0, 3), next_cursor=None))

    page = client.projects.list()

    # An item's instance dictionary is where a link to the body would be kept.
    assert [vars(item) for item in page.data] == [{}, {}, {}]
    assert isinstance(page.data, list)
    assert page.data == list(page.data)


def test_an_item_asked_after_its_page_is_read_finds_what_was_sent(
    client: Any, server: FaultServer
) -> None:
    server.script(page_of_distinct_items(range(0, 3), next_cursor=None))

    page = client.projects.list()

    assert_sent_as_item(page.data[1], 1, "req_page_0")
    assert_sent_as_item(page.data[0], 0, "req_page_0")
    assert_sent_as_item(page.data[2], 2, "req_page_0")


def test_an_item_keeps_its_place_when_the_list_is_changed(
    client: Any, server: FaultServer
) -> None:
    server.script(page_of_distinct_items(range(0, 3), next_cursor=None))
    page = client.projects.list()

    page.data.reverse()
    removed = page.data.pop(0)
    page.data.append(page.data[0])

    assert_sent_as_item(removed, 2, "req_page_0")
    assert [item.model_extra["futureField"]["n"] for item in page.data] == [1, 0, 1]


def test_items_of_later_pages_of_a_walk_find_what_was_sent(
    client: Any, server: FaultServer
) -> None:
    script_three_pages(server)

    items = list(client.projects.list(limit=3))

    # Every page has been dropped by the walk; the items outlived them.
    assert len(items) == 7
    for index, item in enumerate(items):
        assert_sent_as_item(item, index, f"req_page_{index - index % 3}")


def test_items_of_several_live_pages_are_told_apart(
    client: Any, server: FaultServer
) -> None:
    script_three_pages(server)

    first = client.projects.list(limit=3)
    second = first.get_next_page()
    third = second.get_next_page()

    assert_sent_as_item(third.data[0], 6, "req_page_6")
    assert_sent_as_item(first.data[2], 2, "req_page_0")
    assert_sent_as_item(second.data[0], 3, "req_page_3")
    # Items are found by identity: an equal copy made by hand is not one of them.
    made = msgspec.structs.replace(first.data[0])
    assert made == first.data[0]
    assert made.model_extra == {}
    assert made.model_meta is None


def test_the_raw_response_of_a_list_gives_items_that_find_what_was_sent(
    client: Any, server: FaultServer
) -> None:
    server.script(page_of_distinct_items(range(0, 2), next_cursor=None))

    raw = client.projects.with_raw_response.list()

    assert_sent_as_item(raw.parse().data[1], 1, "req_page_0")


def test_the_items_of_a_list_result_find_what_was_sent(
    pkg: Any, models: Any, client: Any, server: FaultServer
) -> None:
    # A method whose result is a whole list rather than a page reads the body
    # through the same path as the generated ones do.
    specs = importlib.import_module(f"{pkg.__name__}._specs")
    server.script(page_of_distinct_items(range(0, 3), next_cursor=None))

    found = client._request(
        "GET",
        "/projects",
        response=specs.ResponseSpec(models.ProjectList, envelope="data"),
    )
    assert [vars(item) for item in found] == [{}, {}, {}]
    kept = found[2]
    del found
    gc.collect()

    assert_sent_as_item(kept, 2, "req_page_0")


async def test_an_async_page_item_asked_after_the_page_is_read(
    async_client: Any, server: FaultServer
) -> None:
    server.script(page_of_distinct_items(range(0, 3), next_cursor=None))

    page = await async_client.projects.list()

    assert [vars(item) for item in page.data] == [{}, {}, {}]
    assert_sent_as_item(page.data[2], 2, "req_page_0")
    assert_sent_as_item(page.data[0], 0, "req_page_0")


async def test_items_of_later_pages_of_an_async_walk_find_what_was_sent(
    async_client: Any, server: FaultServer
) -> None:
    script_three_pages(server)

    items = [item async for item in async_client.projects.list(limit=3)]

    assert len(items) == 7
    for index, item in enumerate(items):
        assert_sent_as_item(item, index, f"req_page_{index - index % 3}")
    script_three_pages(server)
    first = await async_client.projects.list(limit=3)
    third = await (await first.get_next_page()).get_next_page()
    assert_sent_as_item(third.data[0], 6, "req_page_6")


# ----------------------------------------------------------------------------------
# What keeps a body alive


def test_a_page_dropped_with_its_items_frees_its_body(
    client: Any, server: FaultServer
) -> None:
    server.script(page_of_distinct_items(range(0, 3), next_cursor=None))
    page = client.projects.list()
    body = weakref.ref(body_of(page))
    # An item asked while its page lived, and dropped with it, keeps nothing.
    assert page.data[0].model_extra == {"futureField": {"n": 0}}

    del page
    gc.collect()

    assert body() is None


def test_the_list_of_a_dropped_page_keeps_its_body(
    client: Any, server: FaultServer
) -> None:
    server.script(page_of_distinct_items(range(0, 3), next_cursor=None))
    page = client.projects.list()
    body = weakref.ref(body_of(page))
    items = page.data

    del page
    gc.collect()

    assert body() is not None
    assert [vars(item) for item in items] == [{}, {}, {}]
    assert_sent_as_item(items[1], 1, "req_page_0")
    del items
    gc.collect()
    assert body() is None


def test_an_item_kept_after_its_page_keeps_the_body_until_it_goes(
    client: Any, server: FaultServer
) -> None:
    server.script(page_of_distinct_items(range(0, 3), next_cursor=None))
    page = client.projects.list()
    body = weakref.ref(body_of(page))
    kept = page.data[1]
    copied = copy.copy(page.data)
    assert type(copied) is list

    del page
    gc.collect()
    assert body() is not None
    assert_sent_as_item(copied[2], 2, "req_page_0")
    del copied
    gc.collect()
    assert body() is not None

    assert_sent_as_item(kept, 1, "req_page_0")
    del kept
    gc.collect()
    assert body() is None


def test_walking_pages_frees_the_body_of_each_page_passed(
    client: Any, server: FaultServer
) -> None:
    script_three_pages(server)
    bodies: list[weakref.ref[Any]] = []

    for page in client.projects.list(limit=3).iter_pages():
        bodies.append(weakref.ref(body_of(page)))
        del page
        gc.collect()
        assert [body() is None for body in bodies[:-1]] == [True] * (len(bodies) - 1)

    assert len(bodies) == 3
