"""A small typed program that uses every operation of the CODEFLUSS client.

It is written as a consumer writes code against the package: it reads
CODEFLUSS_API_KEY and CODEFLUSS_BASE_URL, builds a small site, publishes, copies and
deletes it, once with `Codefluss` and once with `AsyncCodefluss`. The tests run it
against the sandbox and check it with `mypy --strict`, so the package's types must
describe what the calls really return.

    python tests/client/consumer.py
"""

import asyncio
import datetime

from codefluss import (
    APIResponse,
    AsyncAPIResponse,
    AsyncCodefluss,
    AsyncCursorPage,
    Codefluss,
    NotFoundError,
    SyncCursorPage,
)
from codefluss.models import (
    Asset,
    DeletedResource,
    Element,
    ElementStyles,
    ElementTree,
    ElementType,
    Meta,
    Page,
    PageSeo,
    PageStatus,
    Project,
    ProjectsListSort,
    ProjectStatus,
)

# Each part names itself in a header, so that a test can tell their requests apart.
PART_HEADER = "X-Consumer-Part"
LOGO = b"GIF89a\x10\x00\x10\x00" + bytes(16)


def use_projects(client: Codefluss) -> Project:
    project = client.projects.create(name="Consumer Site", description="A test site")
    fetched: Project = client.projects.retrieve(project.id)
    created: datetime.datetime = fetched.created_at
    renamed = client.projects.update(project.id, name="Consumer", description=None)
    assert renamed.description is None and renamed.created_at == created

    live: SyncCursorPage[Project] = client.projects.list(status="published")
    newest_first = client.projects.list(sort=ProjectsListSort.CREATED_AT_DESC, limit=1)
    total: int | None = newest_first.total
    assert [p.id for p in live] == [] and total == 1
    return renamed


def use_pages(client: Codefluss, project: Project) -> Page:
    about = client.pages.create(project.id, title="About", seo=PageSeo(title="Us"))
    team = client.pages.create(project.id, title="Team", parent_id=about.id)
    seo_title: str | None = client.pages.retrieve(project.id, about.id).seo.title
    assert seo_title == "Us" and team.path == "/about/team"
    children = client.pages.list(project.id, parent_id=about.id)
    assert [page.id for page in children.data] == [team.id]

    client.pages.update(project.id, team.id, parent_id=None, seo={"noIndex": True})
    published = client.pages.publish(project.id, about.id)
    status: PageStatus = client.pages.unpublish(project.id, about.id).status
    assert published.status is PageStatus.PUBLISHED and status is PageStatus.DRAFT

    copy = client.pages.duplicate(project.id, team.id, title="Team copy")
    removed: DeletedResource = client.pages.delete(project.id, copy.id)
    assert removed.deleted
    return about


def use_elements(client: Codefluss, project: Project, page: Page) -> None:
    ids = (project.id, page.id)
    section = client.elements.create(*ids, type=ElementType.SECTION)
    text: Element = client.elements.create(
        *ids, type="text", parent_id=section.id, props={"text": "Hi"}
    )
    tree: ElementTree = client.elements.tree(*ids)
    assert [child.id for child in tree.elements[0].children] == [text.id]

    texts = client.elements.list(*ids, type=ElementType.TEXT)
    assert client.elements.retrieve(*ids, text.id) in texts.data
    styles = ElementStyles(desktop={"font-size": "18px", "opacity": 0.8})
    client.elements.update(*ids, text.id, name="Greeting", styles=styles)
    moved = client.elements.move(*ids, text.id, parent_id=None, position=0)
    assert moved.parent_id is None

    copy = client.elements.duplicate(*ids, section.id)
    client.elements.delete(*ids, copy.id)


def use_assets(client: Codefluss, project: Project) -> None:
    logo: Asset = client.assets.upload(
        project.id, file=("logo.gif", LOGO, "image/gif"), alt_text="Logo"
    )
    width: int | None = client.assets.retrieve(project.id, logo.id).width
    images = client.assets.list(project.id, mime_type="image/")
    assert width == 16 and [asset.id for asset in images] == [logo.id]

    client.assets.update(project.id, logo.id, alt_text=None, file_name="mark.gif")
    client.assets.delete(project.id, logo.id)


def finish_project(client: Codefluss, project: Project) -> None:
    raw: APIResponse[Project] = client.projects.with_raw_response.publish(project.id)
    meta: Meta = raw.meta
    status: ProjectStatus = raw.parse().status
    assert meta.request_id == raw.request_id and status is ProjectStatus.PUBLISHED

    client.projects.unpublish(project.id)
    copy = client.projects.duplicate(project.id, name="Consumer copy")
    for each in (copy, project):
        client.projects.delete(each.id)
    try:
        client.projects.retrieve(project.id)
    except NotFoundError as error:
        request_id: str | None = error.request_id
        assert error.status_code == 404 and request_id is not None
    else:
        raise AssertionError("The deleted project can still be retrieved.")


def build_site(client: Codefluss) -> None:
    """Build a site with pages, elements and assets, publish it, copy it, delete it."""
    project = use_projects(client)
    page = use_pages(client, project)
    use_elements(client, project, page)
    use_assets(client, project)
    finish_project(client, project)


async def use_projects_async(client: AsyncCodefluss) -> Project:
    project = await client.projects.create(name="Async Site")
    fetched: Project = await client.projects.retrieve(project.id)
    await client.projects.update(fetched.id, description=None)

    names = [each.name async for each in client.projects.list(limit=1)]
    first: AsyncCursorPage[Project] = await client.projects.list(status="draft")
    assert names == ["Async Site"] and first.data[0].id == project.id
    return project


async def use_pages_async(client: AsyncCodefluss, project: Project) -> Page:
    about = await client.pages.create(project.id, title="About")
    assert (await client.pages.retrieve(project.id, about.id)).id == about.id
    assert [page.id async for page in client.pages.list(project.id)] == [about.id]

    await client.pages.update(project.id, about.id, seo={"title": "About us"})
    await client.pages.publish(project.id, about.id)
    await client.pages.unpublish(project.id, about.id)
    copy = await client.pages.duplicate(project.id, about.id)
    await client.pages.delete(project.id, copy.id)
    return about


async def use_elements_async(
    client: AsyncCodefluss, project: Project, page: Page
) -> None:
    ids = (project.id, page.id)
    box = await client.elements.create(*ids, type=ElementType.CONTAINER)
    button = await client.elements.create(*ids, type="button", parent_id=box.id)
    tree = await client.elements.tree(*ids)
    assert tree.elements[0].children[0].id == button.id

    assert [each.id async for each in client.elements.list(*ids)] == [box.id, button.id]
    await client.elements.retrieve(*ids, button.id)
    await client.elements.update(*ids, button.id, props={"label": "Go"})
    await client.elements.move(*ids, button.id, parent_id=None)
    copy = await client.elements.duplicate(*ids, box.id)
    await client.elements.delete(*ids, copy.id)


async def use_assets_async(client: AsyncCodefluss, project: Project) -> None:
    logo = await client.assets.upload(project.id, file=("logo.gif", LOGO))
    assert (await client.assets.retrieve(project.id, logo.id)).mime_type == "image/gif"
    assert [asset.id async for asset in client.assets.list(project.id)] == [logo.id]
    await client.assets.update(project.id, logo.id, alt_text="Logo")
    await client.assets.delete(project.id, logo.id)


async def finish_project_async(client: AsyncCodefluss, project: Project) -> None:
    raw: AsyncAPIResponse[AsyncCursorPage[Project]] = (
        await client.projects.with_raw_response.list(limit=1)
    )
    assert raw.status_code == 200 and raw.parse().data[0].id == project.id
    published = await client.projects.publish(project.id)
    await client.projects.unpublish(project.id)
    copy = await client.projects.duplicate(project.id)
    assert published.published_at is not None and copy.published_at is None
    await client.projects.delete(copy.id)
    await client.projects.delete(project.id)


async def build_site_async() -> None:
    """The same as `build_site`, with the async client."""
    async with AsyncCodefluss(default_headers={PART_HEADER: "async"}) as client:
        project = await use_projects_async(client)
        page = await use_pages_async(client, project)
        await use_elements_async(client, project, page)
        await use_assets_async(client, project)
        await finish_project_async(client, project)


def main() -> None:
    with Codefluss(default_headers={PART_HEADER: "sync"}) as client:
        build_site(client)
    asyncio.run(build_site_async())
    print("Every operation ran, with Codefluss and with AsyncCodefluss.")


if __name__ == "__main__":
    main()
