"""Client construction, settings, per-call options and how requests are built."""

import datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.runtime.conftest import API_KEY
from tests.runtime.payloads import project_reply
from tests.servers.faults import FaultServer, Reply, envelope

DELETED = Reply(200, envelope({"id": "proj_1", "deleted": True}))


def test_the_key_and_url_fall_back_to_environment_variables(
    pkg: Any, server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAULTPKG_API_KEY", "sk_from_env")
    monkeypatch.setenv("FAULTPKG_BASE_URL", server.url + "/v1/")
    server.script(then=project_reply())

    with pkg.Faultpkg() as client:
        client.projects.retrieve("proj_1")

    assert client.base_url == server.url + "/v1"
    assert server.requests[0].path == "/v1/projects/proj_1"
    assert server.requests[0].headers["authorization"] == "Bearer sk_from_env"


def test_arguments_win_over_environment_variables(
    pkg: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAULTPKG_API_KEY", "sk_from_env")
    monkeypatch.setenv("FAULTPKG_BASE_URL", "http://from-env.invalid")

    client = pkg.Faultpkg(api_key="sk_given", base_url="http://given.invalid")

    assert client.api_key == "sk_given"
    assert client.base_url == "http://given.invalid"


@pytest.mark.parametrize("key", [None, ""])
def test_no_key_at_all_is_refused_at_construction(pkg: Any, key: str | None) -> None:
    with pytest.raises(pkg.FaultpkgError) as caught:
        pkg.Faultpkg(api_key=key)

    assert str(caught.value) == (
        "No API key was given: pass api_key=... to Faultpkg() or set the "
        "FAULTPKG_API_KEY environment variable."
    )
    with pytest.raises(pkg.FaultpkgError, match=r"to AsyncFaultpkg\(\) or set"):
        pkg.AsyncFaultpkg()


def test_environments_choose_the_server(pkg: Any) -> None:
    assert pkg.Faultpkg(api_key=API_KEY).base_url == "https://api.faultpkg.invalid/v1"
    staging = pkg.Faultpkg(api_key=API_KEY, environment="staging")
    assert staging.base_url == "https://api.staging.faultpkg.invalid/v1"
    assert staging.environment == "staging"


def test_an_unknown_environment_names_the_known_ones(pkg: Any) -> None:
    with pytest.raises(pkg.FaultpkgError) as caught:
        pkg.Faultpkg(api_key=API_KEY, environment="prod")

    assert str(caught.value) == (
        "Unknown environment 'prod': the environments are 'production', 'staging'; "
        "pass one of them, or base_url=... for another server."
    )


def test_max_retries_must_not_be_negative(pkg: Any) -> None:
    with pytest.raises(pkg.FaultpkgError) as caught:
        pkg.Faultpkg(api_key=API_KEY, max_retries=-1)

    assert str(caught.value) == "max_retries must be 0 or more, got -1."


def test_repr_shows_settings_but_never_the_key(pkg: Any) -> None:
    client = pkg.Faultpkg(api_key=API_KEY, base_url="http://h.invalid", timeout=5.0)

    assert repr(client) == (
        "Faultpkg(base_url='http://h.invalid', max_retries=2, timeout=5.0)"
    )
    assert API_KEY not in repr(client._headers)


def test_with_options_copies_and_shares_the_pool(pkg: Any, server: FaultServer) -> None:
    original = pkg.Faultpkg(
        api_key=API_KEY, base_url=server.url, default_headers={"X-Team": "web"}
    )
    copy = original.with_options(
        timeout=3.0, max_retries=5, default_headers={"X-Trace": "on"}
    )
    server.script(then=project_reply())

    copy.projects.retrieve("proj_1")
    copy.close()

    assert (copy.timeout, copy.max_retries) == (3.0, 5)
    assert (original.timeout, original.max_retries) != (3.0, 5)
    assert copy._http is original._http
    assert not original.is_closed
    headers = server.requests[0].headers
    assert (headers["x-team"], headers["x-trace"]) == ("web", "on")
    assert copy.projects is not original.projects
    assert copy.projects._client is copy
    original.close()
    assert original.is_closed


def test_with_options_can_change_the_environment_and_key(
    pkg: Any, server: FaultServer
) -> None:
    client = pkg.Faultpkg(api_key=API_KEY, base_url=server.url)
    server.script(then=project_reply())

    staging = client.with_options(environment="staging", api_key="sk_other")
    rekeyed = client.with_options(api_key="sk_other")
    rekeyed.projects.retrieve("proj_1")
    client.projects.retrieve("proj_1")

    assert staging.base_url == "https://api.staging.faultpkg.invalid/v1"
    assert rekeyed._http is client._http
    assert [r.headers["authorization"] for r in server.requests] == [
        "Bearer sk_other",
        f"Bearer {API_KEY}",
    ]
    client.close()


def test_a_given_http_client_is_used_and_left_open(
    pkg: Any, server: FaultServer
) -> None:
    server.script(then=project_reply())
    http = httpx.Client(headers={"X-Proxy-Tag": "mine"}, timeout=7.0)

    with pkg.Faultpkg(api_key=API_KEY, base_url=server.url, http_client=http) as c:
        c.projects.retrieve("proj_1")
        assert c.timeout == http.timeout

    assert not http.is_closed
    assert server.requests[0].headers["x-proxy-tag"] == "mine"
    http.close()


def test_requests_carry_identity_and_auth(client: Any, server: FaultServer) -> None:
    server.script(then=project_reply())

    client.projects.retrieve("proj_1")

    headers = server.requests[0].headers
    assert headers["user-agent"] == "faultpkg-python/1.0.0"
    assert headers["accept"] == "application/json"
    assert headers["authorization"] == f"Bearer {API_KEY}"


def test_per_call_extras_merge_into_the_request(
    client: Any, server: FaultServer
) -> None:
    server.script(then=project_reply())

    client.projects.create(
        name="Site",
        extra_headers={"X-Debug": "1", "User-Agent": "custom/2"},
        extra_query={"dry_run": True},
        extra_body={"internal": {"note": "hi"}},
    )

    sent = server.requests[0]
    assert sent.headers["x-debug"] == "1"
    assert sent.headers["user-agent"] == "custom/2"
    assert sent.query == {"dry_run": ["true"]}
    assert sent.json() == {"name": "Site", "internal": {"note": "hi"}}
    assert sent.headers["content-type"] == "application/json"


def test_patch_keeps_omitted_apart_from_null(client: Any, server: FaultServer) -> None:
    server.script(then=project_reply())

    client.projects.update("proj_1", description=None)
    client.projects.update("proj_1", name="Renamed")
    client.projects.update("proj_1")

    bodies = [r.json() for r in server.requests]
    assert bodies == [{"description": None}, {"name": "Renamed"}, {}]
    assert all(r.method == "PATCH" for r in server.requests)


def test_not_given_is_dropped_at_every_level(
    pkg: Any, client: Any, server: FaultServer
) -> None:
    server.script(then=project_reply())

    client.projects.update(
        "proj_1",
        metadata={
            "keep": None,
            "drop": pkg.NOT_GIVEN,
            "nested": {"drop": pkg.NOT_GIVEN, "list": [1, pkg.NOT_GIVEN, None]},
        },
    )

    assert server.requests[0].json() == {
        "metadata": {"keep": None, "nested": {"list": [1, None]}}
    }


def test_models_dates_and_enums_in_bodies_use_the_wire_form(
    models: Any, client: Any, server: FaultServer
) -> None:
    server.script(then=project_reply())
    when = datetime.datetime(2026, 1, 22, 12, 0, tzinfo=datetime.UTC)

    client.projects.create(
        name="Site",
        settings=models.ProjectSettings(custom_domain="example.com"),
        extra_body={"publishAt": when, "status": models.ProjectStatus.PUBLISHED},
    )

    assert server.requests[0].json() == {
        "name": "Site",
        "settings": {"customDomain": "example.com"},
        "publishAt": "2026-01-22T12:00:00Z",
        "status": "published",
    }


def test_query_lists_repeat_and_booleans_read_true_false(
    models: Any, client: Any, server: FaultServer
) -> None:
    server.script(then=Reply(200, envelope([], pagination={"hasMore": False})))

    client.projects.list(
        tags=["shop", "blog"], archived=False, status=models.ProjectStatus.PUBLISHED
    )

    assert server.requests[0].query == {
        "tags": ["shop", "blog"],
        "archived": ["false"],
        "status": ["published"],
    }


def test_default_query_and_header_parameters(pkg: Any, server: FaultServer) -> None:
    server.script(then=project_reply())
    client = pkg.Faultpkg(
        api_key=API_KEY, base_url=server.url, default_query={"locale": "de"}
    )

    client.projects.retrieve("proj_1", if_none_match='"v1"')
    client.projects.retrieve("proj_1")

    first, second = server.requests
    assert first.query == second.query == {"locale": ["de"]}
    assert first.headers["if-none-match"] == '"v1"'
    assert "if-none-match" not in second.headers
    client.close()


@pytest.mark.parametrize(
    ("project_id", "path"),
    [
        ("a/b", "/projects/a%2Fb"),
        ("..", "/projects/%2E%2E"),
        ("über uns", "/projects/%C3%BCber%20uns"),
    ],
)
def test_path_parameters_stay_inside_their_segment(
    client: Any, server: FaultServer, project_id: str, path: str
) -> None:
    server.script(then=DELETED)

    client.projects.delete(project_id)

    assert server.requests[0].path == path


def test_an_empty_path_parameter_is_refused(pkg: Any, client: Any) -> None:
    with pytest.raises(pkg.FaultpkgError) as caught:
        client.projects.retrieve("")

    assert str(caught.value) == (
        "Path parameter 'project_id' is empty: pass a non-empty value, such as the "
        "id returned when the resource was created."
    )


def test_files_go_as_multipart_and_survive_a_retry(
    client: Any, server: FaultServer, tmp_path: Path
) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG-bytes")
    server.script(Reply(503), project_reply(), project_reply())

    client.projects.upload_logo("proj_1", file=logo, alt_text="Our logo")
    client.projects.upload_logo("proj_1", file=("mark.svg", b"<svg/>", "image/svg+xml"))

    first, retry, second = server.requests
    assert first.body == retry.body
    assert first.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert b'name="file"; filename="logo.png"' in first.body
    assert b"\x89PNG-bytes" in first.body
    assert b'name="altText"\r\n\r\nOur logo' in first.body
    assert b"Content-Type: image/svg+xml" in second.body
    assert b'name="altText"' not in second.body


def test_a_text_response_is_returned_as_text(client: Any, server: FaultServer) -> None:
    server.script(then=Reply(200, "name,status\nMy Website,published\n"))

    assert client.projects.export("proj_1") == "name,status\nMy Website,published\n"


def test_status_errors_map_to_their_classes(pkg: Any, server: FaultServer) -> None:
    client = pkg.Faultpkg(api_key=API_KEY, base_url=server.url, max_retries=0)
    expected = {
        400: pkg.BadRequestError,
        401: pkg.AuthenticationError,
        403: pkg.PermissionDeniedError,
        404: pkg.NotFoundError,
        409: pkg.ConflictError,
        418: pkg.APIStatusError,
        422: pkg.UnprocessableEntityError,
        429: pkg.RateLimitError,
        500: pkg.InternalServerError,
        503: pkg.InternalServerError,
    }
    for status, error_class in expected.items():
        server.script(Reply(status))
        with pytest.raises(error_class) as caught:
            client.projects.retrieve("proj_1")
        assert type(caught.value) is error_class
        assert str(caught.value) == (
            f"GET /projects/proj_1 failed with {status} {HTTPStatus(status).phrase}."
        )
        assert isinstance(caught.value, pkg.APIError)
        assert isinstance(caught.value, pkg.FaultpkgError)
        assert caught.value.status_code == status
    client.close()


def test_the_error_hierarchy(pkg: Any) -> None:
    assert issubclass(pkg.APIStatusError, pkg.APIError)
    assert issubclass(pkg.APITimeoutError, pkg.APIConnectionError)
    assert issubclass(pkg.APIConnectionError, pkg.APIError)
    assert issubclass(pkg.APIResponseValidationError, pkg.APIError)
    assert issubclass(pkg.APIError, pkg.FaultpkgError)
    assert not issubclass(pkg.APIResponseValidationError, pkg.APIStatusError)


def test_the_request_id_falls_back_to_the_error_body(
    pkg: Any, client: Any, server: FaultServer
) -> None:
    body = {
        "success": False,
        "error": {"code": "FORBIDDEN", "message": "Not yours"},
        "meta": {"requestId": "req_in_body"},
    }
    server.script(then=Reply(403, body))

    with pytest.raises(pkg.PermissionDeniedError) as caught:
        client.projects.retrieve("proj_1")

    assert caught.value.request_id == "req_in_body"
    assert str(caught.value) == (
        "GET /projects/proj_1 failed with 403 Forbidden: Not yours "
        "(code 'FORBIDDEN', request id req_in_body)."
    )


async def test_the_async_client_is_an_async_context_manager(
    pkg: Any, server: FaultServer
) -> None:
    server.script(then=project_reply())

    async with pkg.AsyncFaultpkg(api_key=API_KEY, base_url=server.url) as client:
        found = await client.projects.retrieve("proj_1")
        updated = await client.projects.update("proj_1", description=None)

    assert client.is_closed
    assert found == updated
    assert server.requests[1].json() == {"description": None}
