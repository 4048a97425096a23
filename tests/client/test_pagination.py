"""Lists walked across several pages of the sandbox, sync and async.

Pages are made small with `limit` or with the sandbox's `page_size_cap`; counting
the sandbox's recorded requests shows when each page is fetched.
"""

from typing import Any

import pytest
from codefluss import (
    AsyncCodefluss,
    AsyncCursorPage,
    AsyncPaginator,
    Codefluss,
    CodeflussError,
)
from codefluss.models import ElementType, Meta, ProjectsListSort

from tests.client.conftest import API_KEY
from tests.servers.sandbox import Sandbox, run_sandbox


def create_projects(client: Codefluss, count: int) -> list[str]:
    """Create projects; return their ids newest first, the order lists use."""
    ids = [client.projects.create(name=f"Project {n}").id for n in range(count)]
    return ids[::-1]


def test_iterating_fetches_each_page_only_when_it_is_reached(
    client: Codefluss, sandbox: Sandbox
) -> None:
    ids = create_projects(client, 7)
    sandbox.requests.clear()

    items = iter(client.projects.list(limit=3))
    first_page = [next(items).id for _ in range(3)]
    assert len(sandbox.requests) == 1
    fourth = next(items).id
    assert len(sandbox.requests) == 2
    rest = [project.id for project in items]

    assert [*first_page, fourth, *rest] == ids
    assert len(sandbox.requests) == 3
    cursors = [request.query.get("cursor") for request in sandbox.requests]
    assert cursors[0] is None and all(cursors[1:])
    assert {r.query["limit"] for r in sandbox.requests} == {"3"}


def test_a_page_exposes_its_batch_and_the_way_on(
    client: Codefluss, sandbox: Sandbox
) -> None:
    ids = create_projects(client, 5)

    first = client.projects.list(limit=2)
    assert [p.id for p in first.data] == ids[:2]
    assert (first.has_more, first.total, first.has_next_page()) == (True, 5, True)
    assert isinstance(first.next_cursor, str)
    assert isinstance(first.meta, Meta)
    assert first.meta.request_id == sandbox.requests[-1].request_id

    second = first.get_next_page()
    assert [p.id for p in second.data] == ids[2:4]
    last = second.get_next_page()
    assert [p.id for p in last.data] == ids[4:]
    assert (last.has_more, last.next_cursor, last.total) == (False, None, 5)
    assert not last.has_next_page()
    with pytest.raises(CodeflussError) as caught:
        last.get_next_page()
    assert str(caught.value) == (
        "There is no next page: this page is the last one (has_more is false); "
        "check has_next_page() before asking for the next page."
    )

    batches = [[p.id for p in page.data] for page in first.iter_pages()]
    assert batches == [ids[:2], ids[2:4], ids[4:]]


def test_next_pages_keep_the_filters_and_sort(
    client: Codefluss, sandbox: Sandbox
) -> None:
    for name in ("Blog D", "Shop A", "Blog B", "Blog C", "Shop B", "Blog A"):
        client.projects.create(name=name)
    sandbox.requests.clear()

    found = client.projects.list(search="blog", sort=ProjectsListSort.NAME, limit=1)
    assert [project.name for project in found] == [
        "Blog A",
        "Blog B",
        "Blog C",
        "Blog D",
    ]
    assert len(sandbox.requests) == 4
    for request in sandbox.requests:
        assert (request.query["search"], request.query["sort"]) == ("blog", "name")


def test_pages_shorter_than_the_limit_are_followed() -> None:
    with (
        run_sandbox(api_keys={API_KEY}, page_size_cap=2) as capped,
        Codefluss(api_key=API_KEY, base_url=capped.base_url) as client,
    ):
        ids = create_projects(client, 5)

        pages = list(client.projects.list(limit=100).iter_pages())

    assert [[p.id for p in page.data] for page in pages] == [ids[:2], ids[2:4], ids[4:]]
    assert {page.total for page in pages} == {5}


def test_every_list_walks_its_pages(client: Codefluss, sandbox: Sandbox) -> None:
    project = client.projects.create(name="Studio Blog")
    page = client.pages.create(project.id, title="Page 0")
    pages = [page.id] + [
        client.pages.create(project.id, title=f"Page {n}").id for n in (1, 2)
    ]
    elements = [
        client.elements.create(project.id, page.id, type=ElementType.TEXT).id
        for _ in range(3)
    ]
    assets = [
        client.assets.upload(project.id, file=(f"{n}.txt", b"text")).id
        for n in range(3)
    ]
    sandbox.requests.clear()

    assert [p.id for p in client.pages.list(project.id, limit=2)] == pages[::-1]
    assert [
        e.id for e in client.elements.list(project.id, page.id, limit=2)
    ] == elements
    assert [a.id for a in client.assets.list(project.id, limit=2)] == assets[::-1]
    assert len(sandbox.requests) == 6


async def test_async_for_fetches_each_page_only_when_it_is_reached(
    async_client: AsyncCodefluss, sandbox: Sandbox
) -> None:
    created = [await async_client.projects.create(name=f"P {n}") for n in range(5)]
    ids = [project.id for project in reversed(created)]
    sandbox.requests.clear()

    paginator = async_client.projects.list(limit=2)
    assert isinstance(paginator, AsyncPaginator)
    assert len(sandbox.requests) == 0
    seen: list[str] = []
    async for project in paginator:
        seen.append(project.id)
        assert len(sandbox.requests) == (len(seen) + 1) // 2

    assert seen == ids
    assert len(sandbox.requests) == 3


async def test_an_async_page_exposes_its_batch_and_the_way_on(
    async_client: AsyncCodefluss, sandbox: Sandbox
) -> None:
    for n in range(5):
        await async_client.projects.create(name=f"Project {n}")

    first = await async_client.projects.list(limit=2)
    assert isinstance(first, AsyncCursorPage)
    assert (len(first.data), first.has_more, first.total) == (2, True, 5)
    assert isinstance(first.next_cursor, str)
    second = await first.get_next_page()
    assert len(second.data) == 2
    assert second.data[0].id not in {p.id for p in first.data}

    sizes = [len(page.data) async for page in first.iter_pages()]
    assert sizes == [2, 2, 1]
    assert not (await second.get_next_page()).has_next_page()


# ----------------------------------------------------------------------------------
# What the server sent with each item, found when asked, after the page is read


def give_each_project_a_launch_plan(sandbox: Sandbox, ids: list[str]) -> None:
    """Add a property the SDK does not know to every project, distinct per project."""
    for seats, project_id in enumerate(ids):
        sandbox.api.store.projects[project_id]["launchPlan"] = {"seats": seats}


def assert_each_found_what_its_page_sent(
    projects: list[Any], ids: list[str], sandbox: Sandbox
) -> None:
    """Five projects walked two to a page: each has its own launch plan, and the
    request id of the page that brought it."""
    request_ids = [request.request_id for request in sandbox.requests]
    assert [p.id for p in projects] == ids
    assert [p.model_extra for p in projects] == [
        {"launchPlan": {"seats": seats}} for seats in range(5)
    ]
    assert [p.model_meta.request_id for p in projects] == [
        request_ids[n // 2] for n in range(5)
    ]


def test_an_item_asked_after_its_page_is_read_finds_what_was_sent(
    client: Codefluss, sandbox: Sandbox
) -> None:
    ids = create_projects(client, 3)
    give_each_project_a_launch_plan(sandbox, ids)
    sandbox.requests.clear()

    page = client.projects.list(limit=3)
    [request] = sandbox.requests

    last = page.data[2]
    assert last.id == ids[2]
    assert last.model_extra == {"launchPlan": {"seats": 2}}
    assert last.to_dict()["launchPlan"] == {"seats": 2}
    assert last.model_meta.request_id == request.request_id
    assert [p.model_extra for p in page.data] == [
        {"launchPlan": {"seats": seats}} for seats in range(3)
    ]


def test_items_of_later_pages_find_what_was_sent_after_the_walk(
    client: Codefluss, sandbox: Sandbox
) -> None:
    ids = create_projects(client, 5)
    give_each_project_a_launch_plan(sandbox, ids)
    sandbox.requests.clear()

    projects = list(client.projects.list(limit=2))

    assert_each_found_what_its_page_sent(projects, ids, sandbox)


async def test_an_async_page_item_finds_what_was_sent_after_the_page_is_read(
    async_client: AsyncCodefluss, sandbox: Sandbox
) -> None:
    created = [await async_client.projects.create(name=f"P {n}") for n in range(3)]
    ids = [project.id for project in reversed(created)]
    give_each_project_a_launch_plan(sandbox, ids)

    page = await async_client.projects.list(limit=3)

    assert page.data[1].model_extra == {"launchPlan": {"seats": 1}}
    assert page.data[1].to_dict()["launchPlan"] == {"seats": 1}
    assert page.data[0].model_meta.request_id == sandbox.requests[-1].request_id


async def test_items_of_later_async_pages_find_what_was_sent_after_the_walk(
    async_client: AsyncCodefluss, sandbox: Sandbox
) -> None:
    created = [await async_client.projects.create(name=f"P {n}") for n in range(5)]
    ids = [project.id for project in reversed(created)]
    give_each_project_a_launch_plan(sandbox, ids)
    sandbox.requests.clear()

    projects = [project async for project in async_client.projects.list(limit=2)]

    assert_each_found_what_its_page_sent(projects, ids, sandbox)
