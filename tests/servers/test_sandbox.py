"""The sandbox server, exercised over HTTP with plain httpx."""

from __future__ import annotations

import http.client
import struct
import subprocess
import sys
import threading
import zlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.servers import sandbox as sandbox_module
from tests.servers.sandbox import Sandbox, run_sandbox

API_KEY = "sk_test_123"
READ_ONLY_KEY = "sk_read_only"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with run_sandbox(api_keys={API_KEY}, read_only_keys={READ_ONLY_KEY}) as server:
        yield server


@pytest.fixture
def client(sandbox: Sandbox) -> Iterator[httpx.Client]:
    sandbox.reset()
    headers = {"Authorization": f"Bearer {API_KEY}"}
    with httpx.Client(base_url=sandbox.base_url, headers=headers) as http:
        yield http


def data(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is True
    return body["data"]


def assert_error(
    response: httpx.Response,
    status: int,
    code: str,
    *,
    field: str | None = None,
    reason: str | None = None,
    message: str | None = None,
) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == code
    assert body["meta"]["requestId"] == response.headers["X-Request-Id"]
    details: dict[str, Any] = body["error"]["details"]
    if field is not None:
        assert details["field"] == field
    if reason is not None:
        assert details["reason"] == reason
    if message is not None:
        assert body["error"]["message"] == message
    return details


def new_project(client: httpx.Client, name: str = "My Website", **body: Any) -> Any:
    return data(client.post("/projects", json={"name": name, **body}), 201)


def new_page(client: httpx.Client, project: dict[str, Any], **body: Any) -> Any:
    body.setdefault("title", "About")
    return data(client.post(f"/projects/{project['id']}/pages", json=body), 201)


def new_element(client: httpx.Client, page: dict[str, Any], **body: Any) -> Any:
    body.setdefault("type", "section")
    path = f"/projects/{page['projectId']}/pages/{page['id']}/elements"
    return data(client.post(path, json=body), 201)


def page_url(page: dict[str, Any]) -> str:
    return f"/projects/{page['projectId']}/pages/{page['id']}"


def element_url(page: dict[str, Any], element: dict[str, Any]) -> str:
    return f"{page_url(page)}/elements/{element['id']}"


def png(width: int, height: int) -> bytes:
    """A minimal PNG file of the given size."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    crc = struct.pack(">I", zlib.crc32(chunk))
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(header)) + chunk + crc


# ----------------------------------------------------------------------------------
# Envelopes, headers and routing


def test_success_envelope_carries_meta_and_headers(client: httpx.Client) -> None:
    response = client.post("/projects", json={"name": "My Website"})

    body = response.json()
    assert response.status_code == 201
    assert body["success"] is True
    assert body["meta"]["requestId"].startswith("req_")
    assert body["meta"]["timestamp"].endswith("Z")
    assert response.headers["X-Request-Id"] == body["meta"]["requestId"]
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert int(response.headers["Content-Length"]) == len(response.content)
    for name in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
        assert int(response.headers[name]) >= 0


def test_unknown_id_is_404_naming_the_path_parameter(client: httpx.Client) -> None:
    response = client.get("/projects/proj_missing")

    assert_error(
        response,
        404,
        "NOT_FOUND",
        field="projectId",
        reason="No project with the id 'proj_missing' exists in this account",
        message="Project not found",
    )


def test_malformed_path_id_is_400(client: httpx.Client) -> None:
    response = client.get("/projects/not-an-id")

    assert_error(
        response,
        400,
        "VALIDATION_ERROR",
        field="projectId",
        reason="Project ID must be a project id such as proj_abc123",
    )


def test_unknown_route_is_404(client: httpx.Client) -> None:
    assert_error(client.get("/nothing"), 404, "NOT_FOUND")
    assert_error(client.put("/projects"), 404, "NOT_FOUND")


def test_requests_are_recorded_and_reset(
    client: httpx.Client, sandbox: Sandbox
) -> None:
    client.get("/projects")
    response = client.post("/projects", json={"name": "Recorded"})

    last = sandbox.requests[-1]
    assert (last.method, last.path, last.status) == ("POST", "/v1/projects", 201)
    assert last.request_id == response.headers["X-Request-Id"]
    assert last.headers["authorization"] == f"Bearer {API_KEY}"
    assert len(sandbox.requests) == 2

    sandbox.reset()
    assert len(sandbox.requests) == 0
    assert data(client.get("/projects")) == []


# ----------------------------------------------------------------------------------
# Authentication, read-only keys and rate limits


def test_missing_key_is_401_with_challenge(sandbox: Sandbox) -> None:
    response = httpx.get(f"{sandbox.base_url}/projects")

    assert_error(response, 401, "UNAUTHORIZED", message="Missing API key")
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "X-RateLimit-Limit" in response.headers


@pytest.mark.parametrize("header", ["Bearer wrong", "Basic c2s6eA==", "Bearer"])
def test_unknown_key_or_scheme_is_401(sandbox: Sandbox, header: str) -> None:
    response = httpx.get(
        f"{sandbox.base_url}/projects", headers={"Authorization": header}
    )

    assert_error(response, 401, "UNAUTHORIZED")
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_read_only_key_reads_but_cannot_write(sandbox: Sandbox) -> None:
    headers = {"Authorization": f"Bearer {READ_ONLY_KEY}"}
    with httpx.Client(base_url=sandbox.base_url, headers=headers) as reader:
        assert reader.get("/projects").status_code == 200
        response = reader.post("/projects", json={"name": "Not allowed"})

    assert_error(response, 403, "FORBIDDEN", message="The API key is read-only")


def test_without_configured_keys_any_key_is_accepted() -> None:
    with run_sandbox(api_keys=None) as open_sandbox:
        headers = {"Authorization": "Bearer anything"}
        response = httpx.get(f"{open_sandbox.base_url}/projects", headers=headers)

    assert response.status_code == 200


def test_rate_limit_per_key_with_retry_after() -> None:
    with run_sandbox(api_keys={"a", "b"}, rate_limit=3) as limited:
        url = f"{limited.base_url}/projects"
        first, second, third, fourth = (
            httpx.get(url, headers={"Authorization": "Bearer a"}) for _ in range(4)
        )
        other_key = httpx.get(url, headers={"Authorization": "Bearer b"})

    remaining = [r.headers["X-RateLimit-Remaining"] for r in (first, second, third)]
    assert remaining == ["2", "1", "0"]
    assert first.headers["X-RateLimit-Limit"] == "3"
    details = assert_error(fourth, 429, "RATE_LIMITED")
    assert 1 <= int(fourth.headers["Retry-After"]) <= 60
    assert details["retryAfter"] == int(fourth.headers["Retry-After"])
    assert fourth.headers["X-RateLimit-Remaining"] == "0"
    assert other_key.status_code == 200


# ----------------------------------------------------------------------------------
# Idempotent POST requests


def test_idempotent_retry_replays_the_first_response(client: httpx.Client) -> None:
    headers = {"Idempotency-Key": "key-1"}
    first = client.post("/projects", json={"name": "Once"}, headers=headers)
    retry = client.post("/projects", json={"name": "Once"}, headers=headers)

    assert retry.status_code == 201
    assert retry.content == first.content
    assert retry.headers["X-Request-Id"] == first.headers["X-Request-Id"]
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert client.get("/projects").json()["pagination"]["total"] == 1


def test_idempotency_key_reused_with_another_body_is_400(client: httpx.Client) -> None:
    headers = {"Idempotency-Key": "key-2"}
    client.post("/projects", json={"name": "First"}, headers=headers)
    response = client.post("/projects", json={"name": "Second"}, headers=headers)

    assert_error(
        response,
        400,
        "VALIDATION_ERROR",
        field="Idempotency-Key",
        reason="Key reused with a different request body",
        message="Idempotency key already used",
    )


def test_idempotency_keys_belong_to_one_api_key() -> None:
    with run_sandbox(api_keys=None) as open_sandbox:
        url = f"{open_sandbox.base_url}/projects"
        bodies = [
            httpx.post(
                url,
                json={"name": "Shared key"},
                headers={"Authorization": f"Bearer {owner}", "Idempotency-Key": "k"},
            ).json()
            for owner in ("one", "two")
        ]

    assert bodies[0]["data"]["id"] != bodies[1]["data"]["id"]


def test_idempotency_key_length_is_checked(client: httpx.Client) -> None:
    headers = {"Idempotency-Key": "k" * 256}
    response = client.post("/projects", json={"name": "Long key"}, headers=headers)

    assert_error(response, 400, "VALIDATION_ERROR", field="Idempotency-Key")


def test_idempotent_upload_ignores_the_multipart_boundary(client: httpx.Client) -> None:
    project = new_project(client)
    url = f"/projects/{project['id']}/assets"
    headers = {"Idempotency-Key": "upload-1"}
    files = {"file": ("logo.png", png(4, 2), "image/png")}

    first = client.post(url, files=files, headers=headers)
    retry = client.post(url, files=files, headers=headers)

    assert retry.json()["data"]["id"] == first.json()["data"]["id"]
    assert retry.headers["Idempotent-Replayed"] == "true"


# ----------------------------------------------------------------------------------
# Projects


def test_project_flow(client: httpx.Client) -> None:
    project = new_project(client, "My Website", description="A site")
    assert project["id"].startswith("proj_") and len(project["id"]) == 21
    assert project["slug"] == "my-website"
    assert project["status"] == "draft"
    assert project["publishedAt"] is None

    url = f"/projects/{project['id']}"
    assert data(client.get(url)) == project
    updated = data(client.patch(url, json={"name": "My Studio", "description": None}))
    assert (updated["name"], updated["slug"], updated["description"]) == (
        "My Studio",
        "my-website",
        None,
    )

    empty = client.post(f"{url}/publish")
    assert_error(
        empty,
        400,
        "VALIDATION_ERROR",
        field="projectId",
        reason="A project needs at least one page to be published",
    )
    new_page(client, project)
    published = data(client.post(f"{url}/publish"))
    assert published["status"] == "published"
    assert published["publishedAt"] is not None
    unpublished = data(client.post(f"{url}/unpublish"))
    assert unpublished["status"] == "draft"
    assert unpublished["publishedAt"] == published["publishedAt"]

    assert data(client.delete(url)) == {"id": project["id"], "deleted": True}
    assert_error(client.get(url), 404, "NOT_FOUND")
    assert_error(client.delete(url), 404, "NOT_FOUND")


def test_derived_slugs_get_a_number_and_given_ones_must_be_free(
    client: httpx.Client,
) -> None:
    first = new_project(client, "Café Übersicht!")
    second = new_project(client, "Café Übersicht!")
    symbols = new_project(client, "!!!")

    assert first["slug"] == "cafe-ubersicht"
    assert second["slug"] == "cafe-ubersicht-2"
    assert symbols["slug"] == "project"
    response = client.post(
        "/projects", json={"name": "Other", "slug": "cafe-ubersicht"}
    )
    assert_error(
        response,
        400,
        "VALIDATION_ERROR",
        field="slug",
        reason="Another project of this account already uses the slug 'cafe-ubersicht'",
        message="Slug is already in use",
    )
    patch = client.patch(f"/projects/{second['id']}", json={"slug": "cafe-ubersicht"})
    assert_error(patch, 400, "VALIDATION_ERROR", field="slug")
    same = client.patch(f"/projects/{first['id']}", json={"slug": "cafe-ubersicht"})
    assert same.status_code == 200


@pytest.mark.parametrize(
    ("body", "field", "message", "reason"),
    [
        (
            {"name": "ab"},
            "name",
            "Invalid project name",
            "Name must be at least 3 characters",
        ),
        ({"name": "x" * 101}, "name", None, "Name must be at most 100 characters"),
        ({}, "name", None, "Name is required"),
        ({"name": 42}, "name", None, "Name must be a string"),
        ({"name": "Fine", "slug": "Bad Slug"}, "slug", "Invalid project slug", None),
        (
            {"name": "Fine", "slug": "ab"},
            "slug",
            None,
            "Slug must be at least 3 characters",
        ),
        ({"name": "Fine", "slug": "ok-\n"}, "slug", None, None),
        ({"name": "Fine", "description": "x" * 501}, "description", None, None),
        (
            {"name": "Fine", "description": 1},
            "description",
            None,
            "Description must be a string or null",
        ),
        ({"name": "Fine", "color": "red"}, "color", "Unknown property 'color'", None),
        (
            {"name": "Fine", "id": "proj_x"},
            "id",
            "'id' cannot be set",
            "ID is read-only and set by the server",
        ),
        ({"name": "Fine", "status": "published"}, "status", None, None),
    ],
)
def test_create_project_validation(
    client: httpx.Client,
    body: dict[str, Any],
    field: str,
    message: str | None,
    reason: str | None,
) -> None:
    response = client.post("/projects", json=body)

    assert_error(
        response, 400, "VALIDATION_ERROR", field=field, message=message, reason=reason
    )


def test_malformed_or_non_object_bodies_are_400(client: httpx.Client) -> None:
    broken = client.post(
        "/projects", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    array = client.post("/projects", json=["name"])

    assert_error(
        broken, 400, "VALIDATION_ERROR", message="The request body is not valid JSON"
    )
    assert_error(
        array, 400, "VALIDATION_ERROR", message="The request body must be a JSON object"
    )


def test_update_project_needs_a_property_and_keeps_types(client: httpx.Client) -> None:
    url = f"/projects/{new_project(client)['id']}"

    empty = client.patch(url, json={})
    null_name = client.patch(url, json={"name": None})

    assert_error(
        empty, 400, "VALIDATION_ERROR", message="The request body has no properties"
    )
    assert_error(
        null_name, 400, "VALIDATION_ERROR", field="name", reason="Name must be a string"
    )


def test_list_projects_filters_and_sorts(client: httpx.Client) -> None:
    beta = new_project(client, "Beta Site")
    alpha = new_project(client, "Alpha Site")
    gamma = new_project(client, "Gamma Shop")
    new_page(client, gamma)
    client.post(f"/projects/{gamma['id']}/publish")

    def names(**params: Any) -> list[str]:
        return [p["name"] for p in data(client.get("/projects", params=params))]

    assert names() == ["Gamma Shop", "Alpha Site", "Beta Site"]
    assert names(sort="createdAt") == ["Beta Site", "Alpha Site", "Gamma Shop"]
    assert names(sort="name") == ["Alpha Site", "Beta Site", "Gamma Shop"]
    assert names(sort="-name") == ["Gamma Shop", "Beta Site", "Alpha Site"]
    assert names(status="published") == ["Gamma Shop"]
    assert names(search="SITE", sort="name") == ["Alpha Site", "Beta Site"]
    assert names(search="beta-") == ["Beta Site"]
    assert {alpha["id"], beta["id"]} <= {p["id"] for p in data(client.get("/projects"))}


def test_pagination_walks_every_page_with_a_total(client: httpx.Client) -> None:
    for number in range(45):
        new_project(client, f"Project {number:02}")

    seen, cursor, pages = [], None, 0
    while True:
        params: dict[str, Any] = {"limit": 20, "sort": "name"}
        if cursor:
            params["cursor"] = cursor
        body = client.get("/projects", params=params).json()
        seen += [p["name"] for p in body["data"]]
        pages += 1
        assert body["pagination"]["total"] == 45
        cursor = body["pagination"]["nextCursor"]
        assert (cursor is not None) == body["pagination"]["hasMore"]
        if cursor is None:
            break

    assert pages == 3
    assert seen == [f"Project {n:02}" for n in range(45)]


def test_page_size_cap_shortens_pages() -> None:
    with run_sandbox(api_keys=None, page_size_cap=2) as capped:
        http = httpx.Client(
            base_url=capped.base_url, headers={"Authorization": "Bearer k"}
        )
        for number in range(5):
            new_project(http, f"Capped {number}")
        body = http.get("/projects", params={"limit": 50}).json()
        http.close()

    assert len(body["data"]) == 2
    assert body["pagination"] == {
        "hasMore": True,
        "nextCursor": body["pagination"]["nextCursor"],
        "total": 5,
    }


def test_cursor_misuse_is_400(client: httpx.Client) -> None:
    for number in range(3):
        new_project(client, f"Cursor {number}")
    cursor = client.get("/projects", params={"limit": 1}).json()["pagination"][
        "nextCursor"
    ]

    garbage = client.get("/projects", params={"cursor": "garbage!"})
    other_sort = client.get("/projects", params={"cursor": cursor, "sort": "name"})
    other_filter = client.get("/projects", params={"cursor": cursor, "search": "x"})
    same_filters = client.get("/projects", params={"cursor": cursor, "limit": 2})

    assert_error(
        garbage, 400, "VALIDATION_ERROR", field="cursor", reason="Cursor is malformed"
    )
    assert_error(other_sort, 400, "VALIDATION_ERROR", field="cursor")
    assert_error(other_filter, 400, "VALIDATION_ERROR", field="cursor")
    assert len(data(same_filters)) == 2


@pytest.mark.parametrize(
    ("params", "field", "reason"),
    [
        ({"limit": 0}, "limit", "Limit must be between 1 and 100"),
        ({"limit": 101}, "limit", "Limit must be between 1 and 100"),
        ({"limit": "ten"}, "limit", "Limit must be an integer"),
        (
            {"status": "gone"},
            "status",
            "Status must be one of: draft, published, archived",
        ),
        ({"sort": "slug"}, "sort", None),
        ({"search": ""}, "search", "Search must be at least 1 character"),
    ],
)
def test_list_query_validation(
    client: httpx.Client, params: dict[str, Any], field: str, reason: str | None
) -> None:
    response = client.get("/projects", params=params)

    assert_error(response, 400, "VALIDATION_ERROR", field=field, reason=reason)
    assert response.json()["error"]["message"] == f"Invalid query parameter {field}"


def test_duplicate_project_copies_pages_and_elements(client: httpx.Client) -> None:
    project = new_project(client, "Original")
    about = new_page(client, project, title="About")
    new_page(client, project, title="Team", parentId=about["id"])
    section = new_element(client, about)
    new_element(
        client, about, type="text", parentId=section["id"], props={"text": "Hi"}
    )
    asset = data(
        client.post(
            f"/projects/{project['id']}/assets",
            files={"file": ("logo.png", png(2, 2), "image/png")},
        ),
        201,
    )
    client.post(f"/projects/{project['id']}/publish")

    duplicate = client.post(f"/projects/{project['id']}/duplicate")
    again = client.post(f"/projects/{project['id']}/duplicate", json={"name": "Named"})

    copy = data(duplicate, 201)
    assert (copy["name"], copy["slug"], copy["status"]) == (
        "Original (copy)",
        "original-copy",
        "draft",
    )
    assert data(again, 201)["slug"] == "original-copy-2"
    pages = data(
        client.get(f"/projects/{copy['id']}/pages", params={"sort": "position"})
    )
    assert [(p["path"], p["status"]) for p in pages] == [
        ("/about", "draft"),
        ("/about/team", "draft"),
    ]
    tree = data(client.get(f"{page_url(pages[0])}/elements/tree"))
    assert tree["elements"][0]["children"][0]["props"] == {"text": "Hi"}
    assert tree["elements"][0]["id"] != section["id"]
    assets = data(client.get(f"/projects/{copy['id']}/assets"))
    assert [(a["fileName"], a["width"]) for a in assets] == [("logo.png", 2)]
    assert assets[0]["id"] != asset["id"]
    assert assets[0]["url"].startswith(f"https://cdn.codefluss.com/{copy['id']}/")


def test_delete_project_cascades(client: httpx.Client) -> None:
    project = new_project(client)
    page = new_page(client, project)
    element = new_element(client, page)
    asset = data(
        client.post(
            f"/projects/{project['id']}/assets",
            files={"file": ("a.txt", b"hi", "text/plain")},
        ),
        201,
    )

    client.delete(f"/projects/{project['id']}")

    for url in (
        page_url(page),
        element_url(page, element),
        f"/projects/{project['id']}/assets/{asset['id']}",
    ):
        assert client.get(url).status_code == 404
    store = client.get("/projects").json()["pagination"]["total"]
    assert store == 0


# ----------------------------------------------------------------------------------
# Pages


def test_page_flow_with_paths_home_page_and_publishing(client: httpx.Client) -> None:
    project = new_project(client)
    home = new_page(client, project, title="Home", isHomePage=True)
    about = new_page(client, project, title="About Us")
    team = new_page(client, project, title="Team", parentId=about["id"])
    assert (home["path"], about["path"], team["path"]) == (
        "/",
        "/about-us",
        "/about-us/team",
    )
    assert team["id"].startswith("page_") and team["status"] == "draft"
    assert (team["seo"], team["openGraph"]) == ({}, {})

    data(client.patch(page_url(about), json={"slug": "about"}))
    assert data(client.get(page_url(team)))["path"] == "/about/team"

    data(client.patch(page_url(about), json={"isHomePage": True}))
    assert data(client.get(page_url(home)))["isHomePage"] is False
    assert data(client.get(page_url(about)))["path"] == "/"

    published = data(client.post(f"{page_url(team)}/publish"))
    assert (published["status"], published["hasUnpublishedChanges"]) == (
        "published",
        False,
    )
    edited = data(client.patch(page_url(team), json={"seo": {"title": "Team | Site"}}))
    assert edited["hasUnpublishedChanges"] is True
    assert (
        data(client.post(f"{page_url(team)}/publish"))["hasUnpublishedChanges"] is False
    )
    new_element(client, team)
    assert data(client.get(page_url(team)))["hasUnpublishedChanges"] is True
    unpublished = data(client.post(f"{page_url(team)}/unpublish"))
    assert (unpublished["status"], unpublished["hasUnpublishedChanges"]) == (
        "draft",
        False,
    )


def test_publishing_a_project_publishes_its_pages(client: httpx.Client) -> None:
    project = new_project(client)
    page = new_page(client, project)

    client.post(f"/projects/{project['id']}/publish")

    assert data(client.get(page_url(page)))["status"] == "published"


def test_unpublishing_a_draft_changes_nothing(client: httpx.Client) -> None:
    project = new_project(client)
    page = new_page(client, project)

    same_project = data(client.post(f"/projects/{project['id']}/unpublish"))
    same_page = data(client.post(f"{page_url(page)}/unpublish"))

    assert same_project == project
    assert same_page == page


def test_page_positions_and_slugs_among_siblings(client: httpx.Client) -> None:
    project = new_project(client)
    first = new_page(client, project, title="First")
    second = new_page(client, project, title="Second")
    inserted = new_page(client, project, title="First", position=0)

    pages = data(
        client.get(f"/projects/{project['id']}/pages", params={"sort": "position"})
    )
    assert [(p["id"], p["position"]) for p in pages] == [
        (inserted["id"], 0),
        (first["id"], 1),
        (second["id"], 2),
    ]
    assert inserted["slug"] == "first-2"
    taken = client.post(
        f"/projects/{project['id']}/pages", json={"title": "X", "slug": "second"}
    )
    assert_error(
        taken,
        400,
        "VALIDATION_ERROR",
        field="slug",
        reason="Another page with the same parent already uses the slug 'second'",
    )
    child = new_page(
        client, project, title="Child", slug="second", parentId=first["id"]
    )
    assert child["path"] == "/first/second"
    beyond = client.post(
        f"/projects/{project['id']}/pages", json={"title": "X", "position": 5}
    )
    assert_error(
        beyond,
        400,
        "VALIDATION_ERROR",
        field="position",
        reason="Position must be between 0 and 3",
    )

    moved = data(client.patch(page_url(second), json={"position": 0}))
    assert moved["position"] == 0
    order = data(
        client.get(f"/projects/{project['id']}/pages", params={"sort": "position"})
    )
    assert [p["position"] for p in order if p["parentId"] is None] == [0, 1, 2]


def test_page_parent_rules(client: httpx.Client) -> None:
    project = new_project(client)
    other = new_page(client, new_project(client, "Other"))
    parent = new_page(client, project, title="Parent")
    child = new_page(client, project, title="Child", parentId=parent["id"])
    grandchild = new_page(client, project, title="Grandchild", parentId=child["id"])

    foreign = client.post(
        f"/projects/{project['id']}/pages", json={"title": "X", "parentId": other["id"]}
    )
    cycle = client.patch(page_url(parent), json={"parentId": grandchild["id"]})
    itself = client.patch(page_url(parent), json={"parentId": parent["id"]})
    bad_id = client.post(
        f"/projects/{project['id']}/pages", json={"title": "X", "parentId": "el_1"}
    )

    assert_error(
        foreign,
        400,
        "VALIDATION_ERROR",
        field="parentId",
        message="Invalid parent page",
    )
    assert_error(
        cycle,
        400,
        "VALIDATION_ERROR",
        field="parentId",
        reason="A page cannot be moved below itself or one of its child pages",
    )
    assert_error(itself, 400, "VALIDATION_ERROR", field="parentId")
    assert_error(
        bad_id,
        400,
        "VALIDATION_ERROR",
        field="parentId",
        reason="Parent ID must be a page id such as page_abc123",
    )

    moved = data(client.patch(page_url(grandchild), json={"parentId": None}))
    assert (moved["path"], moved["position"]) == ("/grandchild", 1)
    children = data(
        client.get(
            f"/projects/{project['id']}/pages", params={"parentId": parent["id"]}
        )
    )
    assert [p["id"] for p in children] == [child["id"]]


def test_delete_page_with_children_is_refused(client: httpx.Client) -> None:
    project = new_project(client)
    parent = new_page(client, project, title="Parent")
    child = new_page(client, project, title="Child", parentId=parent["id"])
    element = new_element(client, child)

    refused = client.delete(page_url(parent))
    assert_error(
        refused, 400, "VALIDATION_ERROR", field="pageId", reason="Page has child pages"
    )

    assert data(client.delete(page_url(child))) == {"id": child["id"], "deleted": True}
    assert client.get(element_url(child, element)).status_code == 404
    assert client.delete(page_url(parent)).status_code == 200


def test_page_of_another_project_is_404(client: httpx.Client) -> None:
    page = new_page(client, new_project(client, "One"))
    other = new_project(client, "Two")

    response = client.get(f"/projects/{other['id']}/pages/{page['id']}")

    assert_error(response, 404, "NOT_FOUND", field="pageId", message="Page not found")


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        ({"title": ""}, "title", "Title must be at least 1 character"),
        ({"title": "x" * 201}, "title", "Title must be at most 200 characters"),
        (
            {"title": "T", "seo": {"canonicalUrl": "not a url"}},
            "seo.canonicalUrl",
            "SEO canonical URL must be an absolute http or https URL",
        ),
        ({"title": "T", "seo": {"keywords": "x"}}, "seo.keywords", None),
        ({"title": "T", "seo": {"title": "x" * 256}}, "seo.title", None),
        ({"title": "T", "openGraph": {"imageUrl": 5}}, "openGraph.imageUrl", None),
        (
            {"title": "T", "isHomePage": "yes"},
            "isHomePage",
            "Is home page must be a boolean",
        ),
        ({"title": "T", "position": -1}, "position", "Position must be at least 0"),
        ({"title": "T", "path": "/x"}, "path", None),
        ({"title": "T", "seo": None}, "seo", "SEO must be an object"),
    ],
)
def test_create_page_validation(
    client: httpx.Client, body: dict[str, Any], field: str, reason: str | None
) -> None:
    project = new_project(client)

    response = client.post(f"/projects/{project['id']}/pages", json=body)

    assert_error(response, 400, "VALIDATION_ERROR", field=field, reason=reason)


def test_duplicate_page_copies_elements_next_to_the_original(
    client: httpx.Client,
) -> None:
    project = new_project(client)
    about = new_page(client, project, title="About")
    last = new_page(client, project, title="Last")
    section = new_element(client, about, name="Hero")
    new_element(client, about, type="heading", parentId=section["id"])
    client.post(f"{page_url(about)}/publish")

    copy = data(client.post(f"{page_url(about)}/duplicate"), 201)
    moved = data(
        client.post(
            f"{page_url(about)}/duplicate",
            json={"title": "Under", "parentId": last["id"]},
        ),
        201,
    )

    assert (copy["title"], copy["slug"], copy["position"]) == (
        "About (copy)",
        "about-copy",
        1,
    )
    assert copy["status"] == "draft" and copy["publishedAt"] is None
    assert data(client.get(page_url(last)))["position"] == 2
    tree = data(client.get(f"{page_url(copy)}/elements/tree"))["elements"]
    assert [(e["name"], e["children"][0]["type"]) for e in tree] == [
        ("Hero", "heading")
    ]
    assert moved["path"] == "/last/about-copy"


# ----------------------------------------------------------------------------------
# Elements


def test_element_flow(client: httpx.Client) -> None:
    page = new_page(client, new_project(client))
    section = new_element(
        client, page, name="Hero", styles={"desktop": {"padding": "8px"}}
    )
    heading = new_element(
        client,
        page,
        type="heading",
        parentId=section["id"],
        props={"text": "Hi", "level": 1},
    )
    assert heading["id"].startswith("el_")
    assert (heading["parentId"], heading["position"], heading["pageId"]) == (
        section["id"],
        0,
        page["id"],
    )

    url = element_url(page, heading)
    assert data(client.get(url)) == heading
    updated = data(client.patch(url, json={"props": {"text": "Hello"}, "name": None}))
    assert (updated["props"], updated["name"]) == ({"text": "Hello"}, None)
    styled = data(
        client.patch(
            url, json={"styles": {"mobile": {"font-size": "20px", "opacity": 0.5}}}
        )
    )
    assert styled["styles"] == {"mobile": {"font-size": "20px", "opacity": 0.5}}

    assert data(client.delete(element_url(page, section))) == {
        "id": section["id"],
        "deleted": True,
    }
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        ({}, "type", "Type is required"),
        ({"type": "carousel"}, "type", None),
        (
            {"type": "text", "name": "x" * 101},
            "name",
            "Name must be at most 100 characters",
        ),
        ({"type": "text", "props": []}, "props", "Props must be an object"),
        ({"type": "text", "styles": {"print": {}}}, "styles.print", None),
        (
            {"type": "text", "styles": {"desktop": {"color": ["red"]}}},
            "styles.desktop.color",
            "Styles desktop color must be a string or a number",
        ),
        ({"type": "text", "parentId": "page_1"}, "parentId", None),
        ({"type": "text", "children": []}, "children", None),
    ],
)
def test_create_element_validation(
    client: httpx.Client, body: dict[str, Any], field: str, reason: str | None
) -> None:
    page = new_page(client, new_project(client))

    response = client.post(f"{page_url(page)}/elements", json=body)

    assert_error(response, 400, "VALIDATION_ERROR", field=field, reason=reason)


def test_element_parent_and_position_rules(client: httpx.Client) -> None:
    project = new_project(client)
    page = new_page(client, project)
    other_page = new_page(client, project, title="Other")
    text = new_element(client, page, type="text")
    foreign = new_element(client, other_page)
    url = f"{page_url(page)}/elements"

    under_text = client.post(url, json={"type": "text", "parentId": text["id"]})
    under_foreign = client.post(url, json={"type": "text", "parentId": foreign["id"]})
    beyond = client.post(url, json={"type": "text", "position": 2})

    assert_error(
        under_text,
        400,
        "VALIDATION_ERROR",
        field="parentId",
        reason="Element of type 'text' cannot have children",
        message="Invalid parent element",
    )
    assert_error(under_foreign, 400, "VALIDATION_ERROR", field="parentId")
    assert_error(
        beyond,
        400,
        "VALIDATION_ERROR",
        field="position",
        reason="Position must be between 0 and 1",
    )
    assert client.get(element_url(page, foreign)).status_code == 404


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        ({"type": "image"}, "type", "The type of an element cannot be changed"),
        ({"parentId": None}, "parentId", "Use the move operation to change the parent"),
        ({"position": 0}, "position", "Use the move operation to change the position"),
        ({}, None, None),
    ],
)
def test_update_element_refuses_tree_changes(
    client: httpx.Client, body: dict[str, Any], field: str | None, reason: str | None
) -> None:
    page = new_page(client, new_project(client))
    element = new_element(client, page)

    response = client.patch(element_url(page, element), json=body)

    assert_error(response, 400, "VALIDATION_ERROR", field=field, reason=reason)


def test_move_renumbers_old_and_new_siblings(client: httpx.Client) -> None:
    page = new_page(client, new_project(client))
    left = new_element(client, page, type="container", name="left")
    right = new_element(client, page, type="container", name="right")
    a, b, c = (
        new_element(client, page, type="text", name=n, parentId=left["id"])
        for n in "abc"
    )
    d = new_element(client, page, type="text", name="d", parentId=right["id"])

    moved = data(
        client.post(
            f"{element_url(page, b)}/move",
            json={"parentId": right["id"], "position": 0},
        )
    )
    assert (moved["parentId"], moved["position"]) == (right["id"], 0)

    def names(parent: dict[str, Any]) -> list[tuple[str, int]]:
        params = {"parentId": parent["id"]}
        items = data(client.get(f"{page_url(page)}/elements", params=params))
        return [(e["name"], e["position"]) for e in items]

    assert names(left) == [("a", 0), ("c", 1)]
    assert names(right) == [("b", 0), ("d", 1)]

    reordered = data(
        client.post(f"{element_url(page, a)}/move", json={"parentId": left["id"]})
    )
    assert reordered["position"] == 1
    assert names(left) == [("c", 0), ("a", 1)]
    to_root = data(
        client.post(
            f"{element_url(page, d)}/move", json={"parentId": None, "position": 1}
        )
    )
    assert to_root["position"] == 1
    roots = data(client.get(f"{page_url(page)}/elements/tree"))["elements"]
    assert [e["name"] for e in roots] == ["left", "d", "right"]
    assert c["position"] == 2


def test_move_refuses_cycles_non_containers_and_bad_positions(
    client: httpx.Client,
) -> None:
    page = new_page(client, new_project(client))
    outer = new_element(client, page, type="section")
    inner = new_element(client, page, type="container", parentId=outer["id"])
    text = new_element(client, page, type="text")
    move = f"{element_url(page, outer)}/move"

    into_child = client.post(move, json={"parentId": inner["id"]})
    into_self = client.post(move, json={"parentId": outer["id"]})
    into_text = client.post(move, json={"parentId": text["id"]})
    too_far = client.post(move, json={"parentId": None, "position": 2})
    missing = client.post(move, json={"position": 0})

    reason = "An element cannot be moved into itself or one of its descendants"
    assert_error(into_child, 400, "VALIDATION_ERROR", field="parentId", reason=reason)
    assert_error(into_self, 400, "VALIDATION_ERROR", field="parentId", reason=reason)
    assert_error(into_text, 400, "VALIDATION_ERROR", field="parentId")
    assert_error(
        too_far,
        400,
        "VALIDATION_ERROR",
        field="position",
        reason="Position must be between 0 and 1",
    )
    assert_error(
        missing,
        400,
        "VALIDATION_ERROR",
        field="parentId",
        reason="Parent ID is required",
    )
    assert data(client.get(element_url(page, text)))["position"] == 1


def test_tree_nests_children_in_order(client: httpx.Client) -> None:
    page = new_page(client, new_project(client))
    section = new_element(client, page, name="section")
    form = new_element(client, page, type="form", name="form", parentId=section["id"])
    new_element(client, page, type="input", name="email", parentId=form["id"])
    new_element(
        client, page, type="heading", name="title", parentId=section["id"], position=0
    )
    new_element(client, page, type="divider", name="rule")

    tree = data(client.get(f"{page_url(page)}/elements/tree"))

    def outline(nodes: list[dict[str, Any]]) -> list[Any]:
        return [(n["name"], outline(n["children"])) for n in nodes]

    assert tree["pageId"] == page["id"]
    assert outline(tree["elements"]) == [
        ("section", [("title", []), ("form", [("email", [])])]),
        ("rule", []),
    ]


def test_duplicate_element_copies_the_subtree_after_the_original(
    client: httpx.Client,
) -> None:
    page = new_page(client, new_project(client))
    first = new_element(client, page, name="first")
    new_element(client, page, type="text", name="child", parentId=first["id"])
    new_element(client, page, name="last")

    copy = data(client.post(f"{element_url(page, first)}/duplicate"), 201)

    assert (copy["name"], copy["position"]) == ("first", 1)
    roots = data(client.get(f"{page_url(page)}/elements/tree"))["elements"]
    assert [(e["name"], e["position"], len(e["children"])) for e in roots] == [
        ("first", 0, 1),
        ("first", 1, 1),
        ("last", 2, 0),
    ]
    assert roots[1]["children"][0]["id"] != roots[0]["children"][0]["id"]


def test_delete_element_removes_the_subtree_and_renumbers(client: httpx.Client) -> None:
    page = new_page(client, new_project(client))
    first = new_element(client, page, name="first")
    child = new_element(client, page, type="text", parentId=first["id"])
    last = new_element(client, page, name="last")

    client.delete(element_url(page, first))

    assert client.get(element_url(page, child)).status_code == 404
    assert data(client.get(element_url(page, last)))["position"] == 0
    assert client.get(f"{page_url(page)}/elements").json()["pagination"]["total"] == 1


def test_list_elements_orders_by_parent_then_position_across_pages(
    client: httpx.Client,
) -> None:
    page = new_page(client, new_project(client))
    section = new_element(client, page, name="s")
    for name in "xyz":
        new_element(client, page, type="text", name=name, parentId=section["id"])
    new_element(client, page, type="image", name="pic")

    names, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = client.get(f"{page_url(page)}/elements", params=params).json()
        names += [e["name"] for e in body["data"]]
        cursor = body["pagination"]["nextCursor"]
        if cursor is None:
            break

    assert names == ["s", "pic", "x", "y", "z"]
    images = data(client.get(f"{page_url(page)}/elements", params={"type": "image"}))
    assert [e["name"] for e in images] == ["pic"]
    newest = data(
        client.get(f"{page_url(page)}/elements", params={"sort": "-createdAt"})
    )
    assert newest[0]["name"] == "pic"


# ----------------------------------------------------------------------------------
# Assets


def test_asset_flow(client: httpx.Client) -> None:
    project = new_project(client)
    url = f"/projects/{project['id']}/assets"
    image = data(
        client.post(
            url,
            files={
                "file": ("team photo.png", png(640, 480), "application/octet-stream")
            },
            data={"altText": "The team"},
        ),
        201,
    )
    document = data(
        client.post(url, files={"file": ("notes.txt", b"hello", "text/plain")}), 201
    )

    assert image["id"].startswith("asset_")
    assert (image["mimeType"], image["width"], image["height"]) == (
        "image/png",
        640,
        480,
    )
    assert image["size"] == len(png(640, 480))
    assert (
        image["url"]
        == f"https://cdn.codefluss.com/{project['id']}/{image['id']}/team%20photo.png"
    )
    assert (document["mimeType"], document["width"], document["altText"]) == (
        "text/plain",
        None,
        None,
    )

    assert [a["id"] for a in data(client.get(url, params={"mimeType": "IMAGE/"}))] == [
        image["id"]
    ]
    assert [a["id"] for a in data(client.get(url, params={"search": "NOTES"}))] == [
        document["id"]
    ]
    assert [a["id"] for a in data(client.get(url, params={"search": "team"}))] == [
        image["id"]
    ]

    renamed = data(
        client.patch(
            f"{url}/{image['id']}", json={"fileName": "team.png", "altText": None}
        )
    )
    assert (renamed["fileName"], renamed["altText"], renamed["url"]) == (
        "team.png",
        None,
        image["url"],
    )
    assert data(client.delete(f"{url}/{image['id']}")) == {
        "id": image["id"],
        "deleted": True,
    }
    assert client.get(f"{url}/{image['id']}").status_code == 404


def test_upload_validation(client: httpx.Client) -> None:
    url = f"/projects/{new_project(client)['id']}/assets"
    a_file = {"file": ("a.txt", b"x", "text/plain")}

    no_file = client.post(url, files={"other": ("a.txt", b"x", "text/plain")})
    as_json = client.post(url, json={"file": "x"})
    long_alt = client.post(url, files=a_file, data={"altText": "x" * 501})
    unknown = client.post(url, files=a_file, data={"caption": "x"})
    patch_size = client.patch(f"{url}/asset_missing", json={"size": 1})

    assert_error(
        no_file,
        400,
        "VALIDATION_ERROR",
        field="file",
        reason="A 'file' part with a filename is required",
    )
    assert_error(as_json, 400, "VALIDATION_ERROR", field="file")
    assert_error(
        long_alt,
        400,
        "VALIDATION_ERROR",
        field="altText",
        reason="Alt text must be at most 500 characters",
    )
    assert_error(unknown, 400, "VALIDATION_ERROR", field="caption")
    assert_error(patch_size, 404, "NOT_FOUND", field="assetId")


def test_upload_refuses_a_file_over_the_size_limit(
    client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox_module, "MAX_ASSET_BYTES", 4)
    url = f"/projects/{new_project(client)['id']}/assets"

    response = client.post(url, files={"file": ("big.bin", b"12345", "text/plain")})

    assert_error(response, 400, "VALIDATION_ERROR", field="file")


def test_list_assets_validates_the_media_type_filter(client: httpx.Client) -> None:
    url = f"/projects/{new_project(client)['id']}/assets"

    response = client.get(url, params={"mimeType": "image"})

    assert_error(response, 400, "VALIDATION_ERROR", field="mimeType")


# ----------------------------------------------------------------------------------
# HTTP behaviour and start-up


def test_keep_alive_chunked_and_oversized_bodies(sandbox: Sandbox) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", sandbox.port)
    auth = {"Authorization": f"Bearer {API_KEY}"}

    connection.request("GET", "/v1/projects", headers=auth)
    assert connection.getresponse().read()
    # An iterable body without a length makes http.client send it chunked.
    connection.request(
        "POST",
        "/v1/projects",
        body=iter([b'{"name": ', b'"Chunked"}']),
        headers={**auth, "Content-Type": "application/json"},
    )
    chunked = connection.getresponse()
    assert chunked.status == 201 and b"Chunked" in chunked.read()

    connection.putrequest("POST", "/v1/projects")
    connection.putheader("Authorization", auth["Authorization"])
    connection.putheader("Content-Length", str(100 * 1024 * 1024))
    connection.endheaders()
    oversized = connection.getresponse()
    assert oversized.status == 400
    assert oversized.getheader("Connection") == "close"
    connection.close()


def test_concurrent_writes_are_all_kept(sandbox: Sandbox, client: httpx.Client) -> None:
    def create(number: int) -> None:
        new_project(client, f"Concurrent {number}")

    threads = [threading.Thread(target=create, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert client.get("/projects").json()["pagination"]["total"] == 20


async def test_async_client(sandbox: Sandbox) -> None:
    headers = {"Authorization": f"Bearer {API_KEY}"}
    async with httpx.AsyncClient(base_url=sandbox.base_url, headers=headers) as http:
        created = await http.post("/projects", json={"name": "Async"})
        listed = await http.get("/projects", params={"search": "async"})

    assert created.status_code == 201
    assert [p["id"] for p in listed.json()["data"]] == [created.json()["data"]["id"]]


def test_command_line_prints_the_base_url() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.servers.sandbox",
            "--port",
            "0",
            "--api-key",
            "cli",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        response = httpx.get(
            f"{base_url}/projects", headers={"Authorization": "Bearer cli"}
        )
    finally:
        process.terminate()
        process.wait(timeout=5)

    assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
    assert response.status_code == 200
