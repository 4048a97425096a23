"""Results as models: unknown properties and enum values kept, the envelope's meta,
the API's JSON back out, and the raw-response view."""

import datetime
from typing import Any

import msgspec

from tests.runtime.payloads import PROJECT, page_reply, project_reply
from tests.servers.faults import FaultServer, Reply, envelope


def test_a_result_is_a_typed_model_with_snake_case_names(
    client: Any, server: FaultServer
) -> None:
    server.script(then=project_reply())

    found = client.projects.retrieve("proj_1")

    assert found.project_id == "proj_1"
    assert found.created_at == datetime.datetime(
        2026, 1, 15, 10, 30, tzinfo=datetime.UTC
    )
    assert found.settings.custom_domain == "example.com"
    assert found.status.value == "published"


def test_unknown_properties_are_kept(client: Any, server: FaultServer) -> None:
    server.script(then=project_reply())

    found = client.projects.retrieve("proj_1")

    assert found.model_extra == {"futureField": {"added": "later"}}
    assert found.settings.model_extra == {}
    # The fixture's models omit properties left at their default, as generated
    # models do; everything else the server sent comes back.
    sent = {key: value for key, value in PROJECT.items() if value is not None}
    assert found.to_dict() == sent


def test_to_dict_round_trips_and_shows_current_values(
    models: Any, client: Any, server: FaultServer
) -> None:
    server.script(then=project_reply())
    found = client.projects.retrieve("proj_1")

    again = msgspec.json.decode(found.to_json(), type=models.Project)
    assert again == found
    found.name = "Renamed"
    found.settings.custom_domain = None
    data = found.to_dict()
    assert data["name"] == "Renamed"
    assert data["settings"] == {"theme": "dark"}
    assert data["futureField"] == {"added": "later"}


def test_models_built_by_hand_have_no_extra_and_no_meta(models: Any) -> None:
    made = models.Project(
        project_id="proj_9",
        name="Local",
        created_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )

    assert made.model_extra == {}
    assert made.model_meta is None
    assert made.to_dict()["projectId"] == "proj_9"
    assert made.to_dict()["createdAt"] == "2026-01-01T00:00:00Z"


def test_an_unknown_enum_value_is_accepted(
    models: Any, client: Any, server: FaultServer
) -> None:
    server.script(then=project_reply(status="archived"))

    found = client.projects.retrieve("proj_1")

    assert found.status.value == "archived"
    assert found.status is models.ProjectStatus("archived")
    assert found.to_dict()["status"] == "archived"


def test_the_envelope_meta_stays_reachable(client: Any, server: FaultServer) -> None:
    server.script(then=project_reply(request_id="req_meta"))

    found = client.projects.retrieve("proj_1")

    assert found.model_meta.request_id == "req_meta"


def test_page_items_keep_their_unknown_properties_and_meta(
    client: Any, server: FaultServer
) -> None:
    server.script(page_reply(range(0, 3), next_cursor=None))

    items = list(client.projects.list())

    assert [item.model_extra for item in items] == [
        {"futureField": {"added": "later"}}
    ] * 3
    assert items[2].to_dict()["projectId"] == "proj_2"
    assert items[2].model_meta.request_id == "req_page_0"


def test_the_raw_response_shows_status_headers_and_meta(
    pkg: Any, client: Any, server: FaultServer
) -> None:
    server.script(then=project_reply(request_id="req_raw"))

    raw = client.projects.with_raw_response.retrieve("proj_1")

    assert isinstance(raw, pkg.APIResponse)
    assert raw.status_code == 200
    assert raw.headers["x-request-id"] == "req_raw"
    assert raw.request_id == "req_raw"
    assert raw.meta.request_id == "req_raw"
    assert raw.attempts == 1
    assert raw.http_response.json()["data"]["projectId"] == "proj_1"
    parsed = raw.parse()
    assert parsed.project_id == "proj_1"
    assert raw.parse() is parsed
    assert repr(raw) == "<APIResponse GET /projects/proj_1 200 OK>"


def test_the_raw_response_finds_the_request_id_in_the_body(
    client: Any, server: FaultServer
) -> None:
    server.script(then=Reply(200, envelope(PROJECT, request_id="req_body_only")))

    raw = client.projects.with_raw_response.retrieve("proj_1")

    assert raw.request_id == "req_body_only"


def test_the_raw_response_of_a_list_parses_to_a_page(
    pkg: Any, client: Any, server: FaultServer
) -> None:
    server.script(
        page_reply(range(0, 2), next_cursor="c2"),
        page_reply(range(2, 3), next_cursor=None),
    )

    raw = client.projects.with_raw_response.list(limit=2)
    page = raw.parse()

    assert isinstance(page, pkg.SyncCursorPage)
    assert raw.meta.request_id == "req_page_0"
    assert [p.name for p in page] == ["Site 0", "Site 1", "Site 2"]
    assert server.count == 2


def test_the_raw_response_after_retries_counts_them(
    client: Any, server: FaultServer
) -> None:
    server.script(Reply(503), project_reply())

    raw = client.projects.with_raw_response.create(name="Site")

    assert raw.attempts == 2
    assert raw.status_code == 200


async def test_the_async_raw_response(
    pkg: Any, async_client: Any, server: FaultServer
) -> None:
    server.script(
        project_reply(request_id="req_async"),
        page_reply(range(0, 2), next_cursor=None),
    )

    raw = await async_client.projects.with_raw_response.retrieve("proj_1")
    raw_page = await async_client.projects.with_raw_response.list()

    assert isinstance(raw, pkg.AsyncAPIResponse)
    assert raw.request_id == "req_async"
    assert raw.parse().project_id == "proj_1"
    assert isinstance(raw_page.parse(), pkg.AsyncCursorPage)
    assert [p.name async for p in raw_page.parse()] == ["Site 0", "Site 1"]
