"""Every operation of the generated client against the sandbox, sync and async.

Each flow checks what a call returns (typed models, snake_case attributes, `datetime`
values, enums) and what the server did (its store and its record of requests).
Then: updates that send null or leave a property out, raw responses, and the
properties and enum values a newer server may send.

Pagination, errors and client settings have their own modules.
"""

import datetime
import json
import struct
import zlib
from pathlib import Path
from typing import Any

from codefluss import (
    APIResponse,
    AsyncCodefluss,
    AsyncCursorPage,
    Codefluss,
    SyncCursorPage,
)
from codefluss.models import (
    Asset,
    DeletedResource,
    Element,
    ElementNode,
    ElementStyles,
    ElementTree,
    ElementType,
    Meta,
    Page,
    PageOpenGraph,
    PageSeo,
    PageStatus,
    Project,
    ProjectStatus,
)

from tests.client.conftest import (
    ASSET_OPERATIONS,
    ELEMENT_OPERATIONS,
    PAGE_OPERATIONS,
    PROJECT_OPERATIONS,
    body_of,
    operations,
)
from tests.servers.sandbox import Sandbox


def png(width: int, height: int) -> bytes:
    """The start of a PNG file: enough for the sandbox to read its size."""
    chunk = b"IHDR" + struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    length = struct.pack(">I", len(chunk) - 4)
    crc = struct.pack(">I", zlib.crc32(chunk))
    return b"\x89PNG\r\n\x1a\n" + length + chunk + crc


PHOTO = png(640, 480)


def assert_utc(*values: object) -> None:
    for value in values:
        assert isinstance(value, datetime.datetime), value
        assert value.utcoffset() == datetime.timedelta(0), value


def assert_project(project: object, **expected: object) -> Project:
    assert isinstance(project, Project)
    assert project.id.startswith("proj_")
    assert isinstance(project.status, ProjectStatus)
    assert_utc(project.created_at, project.updated_at)
    assert {name: getattr(project, name) for name in expected} == expected
    return project


def assert_page(page: object, **expected: object) -> Page:
    assert isinstance(page, Page)
    assert page.id.startswith("page_")
    assert isinstance(page.status, PageStatus)
    assert isinstance(page.seo, PageSeo)
    assert isinstance(page.open_graph, PageOpenGraph)
    assert_utc(page.created_at, page.updated_at)
    assert {name: getattr(page, name) for name in expected} == expected
    return page


def assert_element(element: object, **expected: object) -> Element:
    assert isinstance(element, Element)
    assert element.id.startswith("el_")
    assert isinstance(element.type, ElementType)
    assert isinstance(element.styles, ElementStyles)
    assert_utc(element.created_at, element.updated_at)
    assert {name: getattr(element, name) for name in expected} == expected
    return element


def assert_asset(asset: object, **expected: object) -> Asset:
    assert isinstance(asset, Asset)
    assert asset.id.startswith("asset_")
    assert_utc(asset.created_at, asset.updated_at)
    assert {name: getattr(asset, name) for name in expected} == expected
    return asset


def assert_deleted(result: object, record_id: str, table: dict[str, Any]) -> None:
    assert isinstance(result, DeletedResource)
    assert (result.id, result.deleted) == (record_id, True)
    assert record_id not in table


# ----------------------------------------------------------------------------------
# Flows through every operation, sync


def test_projects(client: Codefluss, sandbox: Sandbox) -> None:
    stored = sandbox.api.store.projects

    project = client.projects.create(
        name="Studio Blog", slug="studio-blog", description="Our blog"
    )
    assert_project(
        project,
        name="Studio Blog",
        slug="studio-blog",
        description="Our blog",
        status=ProjectStatus.DRAFT,
        published_at=None,
    )
    assert stored[project.id]["name"] == "Studio Blog"
    assert client.projects.retrieve(project.id) == project
    listed = client.projects.list()
    assert isinstance(listed, SyncCursorPage)
    assert listed.data == [project]

    renamed = client.projects.update(project.id, name="Studio Journal")
    assert_project(renamed, name="Studio Journal", description="Our blog")
    assert stored[project.id]["name"] == "Studio Journal"

    client.pages.create(project.id, title="Home")  # publishing needs a page
    published = client.projects.publish(project.id)
    assert_project(published, status=ProjectStatus.PUBLISHED)
    assert_utc(published.published_at)
    assert stored[project.id]["status"] == "published"
    unpublished = client.projects.unpublish(project.id)
    assert_project(
        unpublished, status=ProjectStatus.DRAFT, published_at=published.published_at
    )
    assert stored[project.id]["status"] == "draft"

    copy = client.projects.duplicate(project.id, name="Studio Journal 2")
    assert_project(copy, name="Studio Journal 2", slug="studio-blog-copy")
    assert copy.id != project.id
    copied_pages = sandbox.api.store.pages.values()
    assert [p["title"] for p in copied_pages if p["projectId"] == copy.id] == ["Home"]

    assert_deleted(client.projects.delete(project.id), project.id, stored)
    assert set(operations(sandbox)) >= PROJECT_OPERATIONS


def test_pages(client: Codefluss, sandbox: Sandbox) -> None:
    stored = sandbox.api.store.pages
    project = client.projects.create(name="Studio Blog")

    home = client.pages.create(
        project.id,
        title="Home",
        is_home_page=True,
        seo=PageSeo(title="Studio", no_index=True),
        open_graph={"imageUrl": "https://cdn.example.com/og.png"},
    )
    assert_page(
        home,
        project_id=project.id,
        path="/",
        is_home_page=True,
        status=PageStatus.DRAFT,
        has_unpublished_changes=False,
        seo=PageSeo(title="Studio", no_index=True),
        published_at=None,
    )
    assert home.open_graph.image_url == "https://cdn.example.com/og.png"
    assert body_of(sandbox.requests[-1]) == {
        "title": "Home",
        "isHomePage": True,
        "seo": {"title": "Studio", "noIndex": True},
        "openGraph": {"imageUrl": "https://cdn.example.com/og.png"},
    }

    about = client.pages.create(project.id, title="About")
    team = client.pages.create(project.id, title="Team", parent_id=about.id)
    assert_page(team, path="/about/team", parent_id=about.id, position=0)
    assert stored[team.id]["parentId"] == about.id
    assert client.pages.list(project.id, parent_id=about.id).data == [team]
    assert client.pages.retrieve(project.id, team.id) == team

    moved = client.pages.update(project.id, team.id, slug="people", parent_id=None)
    assert_page(moved, path="/people", parent_id=None, title="Team")
    assert stored[team.id]["parentId"] is None

    published = client.pages.publish(project.id, home.id)
    assert_page(published, status=PageStatus.PUBLISHED, has_unpublished_changes=False)
    assert_utc(published.published_at)
    edited = client.pages.update(project.id, home.id, title="Welcome")
    assert_page(edited, title="Welcome", has_unpublished_changes=True)
    unpublished = client.pages.unpublish(project.id, home.id)
    assert_page(unpublished, status=PageStatus.DRAFT, has_unpublished_changes=False)
    assert stored[home.id]["status"] == "draft"

    copy = client.pages.duplicate(project.id, about.id, title="About us")
    assert_page(copy, title="About us", slug="about-copy", status=PageStatus.DRAFT)
    assert copy.id in stored

    assert_deleted(client.pages.delete(project.id, copy.id), copy.id, stored)
    assert set(operations(sandbox)) >= PAGE_OPERATIONS


def test_elements(client: Codefluss, sandbox: Sandbox) -> None:
    stored = sandbox.api.store.elements
    project = client.projects.create(name="Studio Blog")
    page = client.pages.create(project.id, title="Home")
    ids = (project.id, page.id)

    section = client.elements.create(*ids, type=ElementType.SECTION, name="Hero")
    heading = client.elements.create(
        *ids,
        type=ElementType.HEADING,
        parent_id=section.id,
        props={"text": "Welcome", "level": 1},
        styles=ElementStyles(desktop={"font-size": "48px", "opacity": 0.9}),
    )
    assert_element(
        heading,
        page_id=page.id,
        parent_id=section.id,
        type=ElementType.HEADING,
        name=None,
        position=0,
        props={"text": "Welcome", "level": 1},
        styles=ElementStyles(desktop={"font-size": "48px", "opacity": 0.9}),
    )
    assert body_of(sandbox.requests[-1])["styles"] == {
        "desktop": {"font-size": "48px", "opacity": 0.9}
    }
    text = client.elements.create(
        *ids, type=ElementType.TEXT, parent_id=section.id, props={"text": "Hi"}
    )
    assert_element(text, position=1)

    tree = client.elements.tree(*ids)
    assert isinstance(tree, ElementTree)
    assert tree.page_id == page.id
    [root] = tree.elements
    assert isinstance(root, ElementNode)
    assert (root.id, root.type, root.name) == (section.id, ElementType.SECTION, "Hero")
    assert [child.id for child in root.children] == [heading.id, text.id]
    assert all(isinstance(child, ElementNode) for child in root.children)
    assert root.children[0].children == []

    assert client.elements.list(*ids, type=ElementType.HEADING).data == [heading]
    assert client.elements.retrieve(*ids, text.id) == text

    renamed = client.elements.update(*ids, text.id, name="Intro", props={"x": 1})
    assert_element(renamed, name="Intro", props={"x": 1}, type=ElementType.TEXT)
    assert stored[text.id]["props"] == {"x": 1}

    moved = client.elements.move(*ids, text.id, parent_id=None, position=0)
    assert_element(moved, parent_id=None, position=0)
    assert (stored[text.id]["parentId"], stored[section.id]["position"]) == (None, 1)

    copy = client.elements.duplicate(*ids, section.id)
    assert_element(copy, type=ElementType.SECTION, name="Hero", position=2)
    assert copy.id != section.id
    assert [e["parentId"] for e in stored.values()].count(copy.id) == 1

    assert_deleted(client.elements.delete(*ids, section.id), section.id, stored)
    assert heading.id not in stored  # deleting an element deletes its children
    assert set(operations(sandbox)) >= ELEMENT_OPERATIONS


def test_assets(client: Codefluss, sandbox: Sandbox, tmp_path: Path) -> None:
    stored = sandbox.api.store.assets
    project = client.projects.create(name="Studio Blog")

    photo = client.assets.upload(
        project.id, file=("team.png", PHOTO, "image/png"), alt_text="The team"
    )
    assert_asset(
        photo,
        project_id=project.id,
        file_name="team.png",
        mime_type="image/png",
        size=len(PHOTO),
        width=640,
        height=480,
        alt_text="The team",
    )
    assert photo.url.endswith(f"/{photo.id}/team.png")
    upload = sandbox.requests[-1]
    assert upload.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert PHOTO in upload.body
    assert b'name="altText"' in upload.body

    brochure = tmp_path / "brochure.pdf"
    brochure.write_bytes(b"%PDF-1.7 a brochure")
    from_path = client.assets.upload(project.id, file=brochure)
    assert_asset(from_path, file_name="brochure.pdf", mime_type="application/pdf")
    with brochure.open("rb") as handle:
        from_handle = client.assets.upload(project.id, file=handle)
    assert_asset(from_handle, file_name="brochure.pdf", width=None, alt_text=None)

    assert client.assets.list(project.id, mime_type="image/").data == [photo]
    assert client.assets.retrieve(project.id, photo.id) == photo

    renamed = client.assets.update(
        project.id, photo.id, alt_text=None, file_name="crew.png"
    )
    assert_asset(renamed, file_name="crew.png", alt_text=None, url=photo.url)
    assert stored[photo.id]["altText"] is None

    assert_deleted(client.assets.delete(project.id, photo.id), photo.id, stored)
    assert set(operations(sandbox)) >= ASSET_OPERATIONS


def test_update_sends_null_for_none_and_leaves_out_what_is_omitted(
    client: Codefluss, sandbox: Sandbox
) -> None:
    stored = sandbox.api.store.projects
    project = client.projects.create(name="Studio Blog", description="Our blog")

    renamed = client.projects.update(project.id, name="Studio Journal")
    assert body_of(sandbox.requests[-1]) == {"name": "Studio Journal"}
    assert renamed.description == "Our blog"
    assert stored[project.id]["description"] == "Our blog"

    cleared = client.projects.update(project.id, description=None)
    assert body_of(sandbox.requests[-1]) == {"description": None}
    assert (cleared.name, cleared.description) == ("Studio Journal", None)
    assert stored[project.id]["description"] is None


# ----------------------------------------------------------------------------------
# The same flows, async


async def test_async_projects(async_client: AsyncCodefluss, sandbox: Sandbox) -> None:
    client, stored = async_client, sandbox.api.store.projects

    project = await client.projects.create(name="Studio Blog", description="Ours")
    assert_project(project, name="Studio Blog", status=ProjectStatus.DRAFT)
    assert stored[project.id]["description"] == "Ours"
    assert await client.projects.retrieve(project.id) == project
    listed = await client.projects.list()
    assert isinstance(listed, AsyncCursorPage)
    assert listed.data == [project]

    cleared = await client.projects.update(project.id, description=None)
    assert_project(cleared, name="Studio Blog", description=None)
    assert stored[project.id]["description"] is None

    await client.pages.create(project.id, title="Home")
    published = await client.projects.publish(project.id)
    assert_project(published, status=ProjectStatus.PUBLISHED)
    assert_utc(published.published_at)
    unpublished = await client.projects.unpublish(project.id)
    assert_project(unpublished, status=ProjectStatus.DRAFT)
    assert stored[project.id]["status"] == "draft"

    copy = await client.projects.duplicate(project.id)
    assert_project(copy, name="Studio Blog (copy)", slug="studio-blog-copy")
    assert copy.id in stored

    assert_deleted(await client.projects.delete(project.id), project.id, stored)
    assert set(operations(sandbox)) >= PROJECT_OPERATIONS


async def test_async_pages(async_client: AsyncCodefluss, sandbox: Sandbox) -> None:
    client, stored = async_client, sandbox.api.store.pages
    project = await client.projects.create(name="Studio Blog")

    about = await client.pages.create(
        project.id, title="About", seo={"title": "About us"}
    )
    assert_page(about, path="/about", seo=PageSeo(title="About us"))
    team = await client.pages.create(project.id, title="Team", parent_id=about.id)
    assert_page(team, path="/about/team", parent_id=about.id)
    assert (await client.pages.list(project.id, parent_id=about.id)).data == [team]
    assert await client.pages.retrieve(project.id, team.id) == team

    updated = await client.pages.update(project.id, team.id, parent_id=None)
    assert_page(updated, path="/team", parent_id=None)
    assert stored[team.id]["parentId"] is None

    published = await client.pages.publish(project.id, about.id)
    assert_page(published, status=PageStatus.PUBLISHED)
    unpublished = await client.pages.unpublish(project.id, about.id)
    assert_page(unpublished, status=PageStatus.DRAFT)
    assert stored[about.id]["status"] == "draft"

    copy = await client.pages.duplicate(project.id, about.id)
    assert_page(copy, title="About (copy)", slug="about-copy")

    assert_deleted(await client.pages.delete(project.id, copy.id), copy.id, stored)
    assert set(operations(sandbox)) >= PAGE_OPERATIONS


async def test_async_elements(async_client: AsyncCodefluss, sandbox: Sandbox) -> None:
    client, stored = async_client, sandbox.api.store.elements
    project = await client.projects.create(name="Studio Blog")
    page = await client.pages.create(project.id, title="Home")
    ids = (project.id, page.id)

    box = await client.elements.create(*ids, type=ElementType.CONTAINER)
    button = await client.elements.create(
        *ids, type=ElementType.BUTTON, parent_id=box.id, name="Call to action"
    )
    assert_element(button, parent_id=box.id, name="Call to action", props={})
    tree = await client.elements.tree(*ids)
    assert isinstance(tree, ElementTree)
    assert [child.id for child in tree.elements[0].children] == [button.id]
    listed = await client.elements.list(*ids, parent_id=box.id)
    assert listed.data == [button]
    assert await client.elements.retrieve(*ids, button.id) == button

    unnamed = await client.elements.update(*ids, button.id, name=None)
    assert_element(unnamed, name=None)
    assert stored[button.id]["name"] is None
    moved = await client.elements.move(*ids, button.id, parent_id=None)
    assert_element(moved, parent_id=None, position=1)

    copy = await client.elements.duplicate(*ids, button.id)
    assert_element(copy, type=ElementType.BUTTON, position=2)
    assert copy.id in stored

    assert_deleted(await client.elements.delete(*ids, box.id), box.id, stored)
    assert set(operations(sandbox)) >= ELEMENT_OPERATIONS


async def test_async_assets(async_client: AsyncCodefluss, sandbox: Sandbox) -> None:
    client, stored = async_client, sandbox.api.store.assets
    project = await client.projects.create(name="Studio Blog")

    photo = await client.assets.upload(project.id, file=("team.png", PHOTO))
    assert_asset(photo, file_name="team.png", mime_type="image/png", width=640)
    assert PHOTO in sandbox.requests[-1].body
    assert (await client.assets.list(project.id)).data == [photo]
    assert await client.assets.retrieve(project.id, photo.id) == photo

    described = await client.assets.update(project.id, photo.id, alt_text="Team")
    assert_asset(described, alt_text="Team", file_name="team.png")
    assert stored[photo.id]["altText"] == "Team"

    assert_deleted(await client.assets.delete(project.id, photo.id), photo.id, stored)
    assert set(operations(sandbox)) >= ASSET_OPERATIONS


# ----------------------------------------------------------------------------------
# Raw responses


def test_the_raw_response_shows_status_headers_and_request_id(
    client: Codefluss, sandbox: Sandbox
) -> None:
    raw = client.projects.with_raw_response.create(name="Studio Blog")

    assert isinstance(raw, APIResponse)
    assert raw.status_code == 201
    request_id = raw.headers["X-Request-Id"]
    assert raw.request_id == request_id == sandbox.requests[-1].request_id
    assert raw.headers["content-type"].startswith("application/json")
    assert raw.headers["X-RateLimit-Limit"] == "10000"
    assert isinstance(raw.meta, Meta)
    assert raw.meta.request_id == request_id
    assert json.loads(raw.http_response.content)["meta"]["requestId"] == request_id
    assert_utc(raw.meta.timestamp)
    project = raw.parse()
    assert_project(project, name="Studio Blog")
    assert project.model_meta == raw.meta
    assert raw.parse() is project

    fetched = client.projects.with_raw_response.retrieve(project.id)
    assert (fetched.status_code, fetched.parse()) == (200, project)
    listed = client.projects.with_raw_response.list(limit=1)
    page = listed.parse()
    assert isinstance(page, SyncCursorPage)
    assert (page.data, page.meta.request_id) == ([project], listed.request_id)
    deleted = client.projects.with_raw_response.delete(project.id)
    assert isinstance(deleted.parse(), DeletedResource)


async def test_the_async_raw_response(
    async_client: AsyncCodefluss, sandbox: Sandbox
) -> None:
    raw = await async_client.projects.with_raw_response.create(name="Studio Blog")

    assert raw.status_code == 201
    assert raw.request_id == raw.headers["X-Request-Id"]
    assert raw.request_id == sandbox.requests[-1].request_id == raw.meta.request_id
    project = raw.parse()
    assert_project(project, name="Studio Blog")
    listed = await async_client.projects.with_raw_response.list()
    page = listed.parse()
    assert isinstance(page, AsyncCursorPage)
    assert page.data == [project]


# ----------------------------------------------------------------------------------
# Forward compatibility: what the server adds later is kept


def test_unknown_properties_are_kept(client: Codefluss, sandbox: Sandbox) -> None:
    project = client.projects.create(name="Studio Blog")
    page = client.pages.create(project.id, title="Home", seo={"title": "Home"})
    sandbox.api.store.projects[project.id]["launchPlan"] = {"tier": "pro", "seats": 5}
    sandbox.api.store.pages[page.id]["seo"]["ogLocale"] = "de_DE"

    fetched = client.projects.retrieve(project.id)
    assert fetched.model_extra == {"launchPlan": {"tier": "pro", "seats": 5}}
    as_dict = fetched.to_dict()
    assert as_dict["launchPlan"] == {"tier": "pro", "seats": 5}
    assert as_dict["createdAt"] == sandbox.api.store.projects[project.id]["createdAt"]
    assert "created_at" not in as_dict
    [listed] = client.projects.list()
    assert listed.model_extra == {"launchPlan": {"tier": "pro", "seats": 5}}

    fetched_page = client.pages.retrieve(project.id, page.id)
    assert fetched_page.seo.title == "Home"
    assert fetched_page.to_dict()["seo"] == {"title": "Home", "ogLocale": "de_DE"}


def test_unknown_enum_values_are_accepted(client: Codefluss, sandbox: Sandbox) -> None:
    project = client.projects.create(name="Studio Blog")
    page = client.pages.create(project.id, title="Home")
    element = client.elements.create(project.id, page.id, type=ElementType.SECTION)
    sandbox.api.store.projects[project.id]["status"] = "scheduled"
    sandbox.api.store.elements[element.id]["type"] = "carousel"

    fetched = client.projects.retrieve(project.id)
    assert isinstance(fetched.status, ProjectStatus)
    assert fetched.status == "scheduled"
    assert not fetched.status.known
    assert ProjectStatus.DRAFT.known
    assert fetched.to_dict()["status"] == "scheduled"
    [listed] = client.projects.list()
    assert listed.status == "scheduled"

    node = client.elements.tree(project.id, page.id).elements[0]
    assert isinstance(node.type, ElementType)
    assert node.type == "carousel"
    assert client.elements.retrieve(project.id, page.id, element.id).type == "carousel"
