"""The client's settings as the sandbox sees them.

The base URL, the environment variables, `with_options` and the per-call options
(timeout, extra headers, query parameters and body properties).
"""

import pytest
from codefluss import AsyncCodefluss, Codefluss

from tests.client.conftest import API_KEY, body_of
from tests.servers.sandbox import Sandbox


def test_the_base_url_is_the_one_given(client: Codefluss, sandbox: Sandbox) -> None:
    assert client.base_url == sandbox.base_url
    client.projects.list()
    assert sandbox.requests[-1].path == "/v1/projects"


async def test_the_key_and_url_come_from_the_environment(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CODEFLUSS_API_KEY", API_KEY)
    monkeypatch.setenv("CODEFLUSS_BASE_URL", sandbox.base_url)

    with Codefluss() as client:
        assert client.base_url == sandbox.base_url
        client.projects.create(name="Studio Blog")
    assert client.is_closed
    async with AsyncCodefluss() as async_client:
        assert async_client.base_url == sandbox.base_url
        assert len((await async_client.projects.list()).data) == 1

    assert [r.headers["authorization"] for r in sandbox.requests] == [
        f"Bearer {API_KEY}"
    ] * 2


def test_with_options_changes_a_copy(client: Codefluss, sandbox: Sandbox) -> None:
    tagged = client.with_options(
        default_headers={"X-Team": "web"}, max_retries=0, timeout=7.0
    )
    assert (tagged.max_retries, tagged.timeout) == (0, 7.0)
    assert tagged.base_url == client.base_url
    assert client.max_retries == 2

    tagged.projects.list()
    assert sandbox.requests[-1].headers["x-team"] == "web"
    client.projects.list()
    assert "x-team" not in sandbox.requests[-1].headers

    raw = tagged.projects.with_raw_response.list()
    assert raw.http_response.request.extensions["timeout"]["read"] == 7.0


def test_per_call_options_reach_the_server(client: Codefluss, sandbox: Sandbox) -> None:
    project = client.projects.create(
        name="Studio Blog",
        extra_headers={"X-Trace-Id": "trace-1"},
        extra_body={"description": "Set through extra_body"},
    )
    request = sandbox.requests[-1]
    assert request.headers["x-trace-id"] == "trace-1"
    assert body_of(request) == {
        "name": "Studio Blog",
        "description": "Set through extra_body",
    }
    assert project.description == "Set through extra_body"
    client.projects.create(name="Studio Shop")

    found = client.projects.list(extra_query={"search": "shop"})
    assert [p.name for p in found.data] == ["Studio Shop"]
    assert sandbox.requests[-1].query["search"] == "shop"

    raw = client.projects.with_raw_response.retrieve(project.id, timeout=3.5)
    assert raw.http_response.request.extensions["timeout"] == dict.fromkeys(
        ("connect", "read", "write", "pool"), 3.5
    )


async def test_async_per_call_options_reach_the_server(
    async_client: AsyncCodefluss, sandbox: Sandbox
) -> None:
    project = await async_client.projects.create(name="Studio Blog")

    updated = await async_client.projects.update(
        project.id,
        extra_headers={"X-Trace-Id": "trace-2"},
        extra_query={"dryRun": "false"},
        extra_body={"description": "Set through extra_body"},
        timeout=4.0,
    )

    request = sandbox.requests[-1]
    assert request.headers["x-trace-id"] == "trace-2"
    assert request.query == {"dryRun": "false"}
    assert body_of(request) == {"description": "Set through extra_body"}
    assert updated.description == "Set through extra_body"
