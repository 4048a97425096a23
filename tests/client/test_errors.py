"""Errors raised from the sandbox's real error responses, and idempotent retries.

Each error is checked for its class, status, code, message, details and request
id, and for the sentence it prints.
"""

import uuid
from typing import Any

import pytest
from codefluss import (
    APIStatusError,
    AsyncCodefluss,
    AuthenticationError,
    BadRequestError,
    Codefluss,
    CodeflussError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
)

from tests.client.conftest import API_KEY, READ_ONLY_KEY
from tests.servers.sandbox import ApiError, Sandbox, error_response, run_sandbox


def assert_status_error(
    error: APIStatusError, sandbox: Sandbox, status: int, code: str, message: str
) -> None:
    request_id = sandbox.requests[-1].request_id
    assert isinstance(error, APIStatusError)
    assert isinstance(error, CodeflussError)
    assert (error.status_code, error.code, error.message) == (status, code, message)
    assert error.request_id == request_id
    assert error.response.headers["X-Request-Id"] == request_id
    assert error.body["meta"]["requestId"] == request_id


def test_an_invalid_body_raises_bad_request_naming_the_field(
    client: Codefluss, sandbox: Sandbox
) -> None:
    with pytest.raises(BadRequestError) as caught:
        client.projects.create(name="AB")

    error = caught.value
    assert_status_error(error, sandbox, 400, "VALIDATION_ERROR", "Invalid project name")
    assert error.details == {
        "field": "name",
        "reason": "Name must be at least 3 characters",
    }
    assert str(error) == (
        "POST /projects failed with 400 Bad Request: Invalid project name "
        f"(code 'VALIDATION_ERROR', request id {error.request_id})."
    )


def test_a_slug_in_use_raises_bad_request_naming_the_slug(
    client: Codefluss, sandbox: Sandbox
) -> None:
    client.projects.create(name="Studio Blog", slug="studio")

    with pytest.raises(BadRequestError) as caught:
        client.projects.create(name="Studio Shop", slug="studio")

    assert_status_error(
        caught.value, sandbox, 400, "VALIDATION_ERROR", "Slug is already in use"
    )
    assert caught.value.details == {
        "field": "slug",
        "reason": "Another project of this account already uses the slug 'studio'",
    }
    assert len(sandbox.api.store.projects) == 1


def test_an_unknown_key_raises_authentication_error(
    client: Codefluss, sandbox: Sandbox
) -> None:
    stranger = client.with_options(api_key="sk_revoked")

    with pytest.raises(AuthenticationError) as caught:
        stranger.projects.list()

    error = caught.value
    assert_status_error(error, sandbox, 401, "UNAUTHORIZED", "Invalid API key")
    assert error.details == {"reason": "The API key is unknown or revoked"}
    assert str(error) == (
        "GET /projects failed with 401 Unauthorized: Invalid API key "
        f"(code 'UNAUTHORIZED', request id {error.request_id})."
    )
    assert sandbox.requests[-1].headers["authorization"] == "Bearer sk_revoked"


def test_a_read_only_key_raises_permission_denied_on_writes(
    client: Codefluss, sandbox: Sandbox
) -> None:
    reader = client.with_options(api_key=READ_ONLY_KEY)
    assert reader.projects.list().data == []

    with pytest.raises(PermissionDeniedError) as caught:
        reader.projects.create(name="Studio Blog")

    error = caught.value
    assert_status_error(error, sandbox, 403, "FORBIDDEN", "The API key is read-only")
    assert error.details == {
        "reason": "This key may only read; use a key with write access"
    }
    assert str(error) == (
        "POST /projects failed with 403 Forbidden: The API key is read-only "
        f"(code 'FORBIDDEN', request id {error.request_id})."
    )
    assert sandbox.api.store.projects == {}


def test_a_missing_resource_raises_not_found(
    client: Codefluss, sandbox: Sandbox
) -> None:
    with pytest.raises(NotFoundError) as caught:
        client.projects.retrieve("proj_doesnotexist")

    error = caught.value
    assert_status_error(error, sandbox, 404, "NOT_FOUND", "Project not found")
    assert error.details == {
        "field": "projectId",
        "reason": "No project with the id 'proj_doesnotexist' exists in this account",
    }
    assert str(error) == (
        "GET /projects/proj_doesnotexist failed with 404 Not Found: Project not found "
        f"(code 'NOT_FOUND', request id {error.request_id})."
    )


def test_a_page_of_another_project_raises_not_found(
    client: Codefluss, sandbox: Sandbox
) -> None:
    mine = client.projects.create(name="Studio Blog")
    theirs = client.projects.create(name="Studio Shop")
    page = client.pages.create(theirs.id, title="Home")

    with pytest.raises(NotFoundError) as caught:
        client.pages.retrieve(mine.id, page.id)

    assert_status_error(caught.value, sandbox, 404, "NOT_FOUND", "Page not found")
    assert caught.value.details == {
        "field": "pageId",
        "reason": f"No page with the id '{page.id}' exists in this project",
    }


def test_too_many_requests_raise_rate_limit_error() -> None:
    with (
        run_sandbox(api_keys={API_KEY}, rate_limit=2) as limited,
        Codefluss(api_key=API_KEY, base_url=limited.base_url, max_retries=0) as client,
    ):
        client.projects.list()
        client.projects.list()
        with pytest.raises(RateLimitError) as caught:
            client.projects.list()

        error = caught.value
        assert_status_error(error, limited, 429, "RATE_LIMITED", "Too many requests")
    wait = int(error.response.headers["Retry-After"])
    assert 0 < wait <= 60
    assert error.retry_after == wait
    assert error.details == {
        "reason": "At most 2 requests per 60 s",
        "retryAfter": wait,
    }
    assert error.response.headers["X-RateLimit-Remaining"] == "0"
    assert str(error) == (
        "GET /projects failed with 429 Too Many Requests: Too many requests "
        f"(code 'RATE_LIMITED', request id {error.request_id}, retry after {wait} s)."
    )


async def test_async_errors_carry_the_same_fields(
    async_client: AsyncCodefluss, sandbox: Sandbox
) -> None:
    with pytest.raises(BadRequestError) as invalid:
        await async_client.projects.create(name="Studio Blog", slug="Not A Slug")
    assert_status_error(
        invalid.value, sandbox, 400, "VALIDATION_ERROR", "Invalid project slug"
    )
    assert invalid.value.details["field"] == "slug"

    with pytest.raises(NotFoundError) as missing:
        await async_client.projects.retrieve("proj_doesnotexist")
    assert_status_error(missing.value, sandbox, 404, "NOT_FOUND", "Project not found")

    with pytest.raises(NotFoundError) as missing_page:
        async for _ in async_client.pages.list("proj_doesnotexist"):
            pass
    assert missing_page.value.details["field"] == "projectId"


# ----------------------------------------------------------------------------------
# Idempotent retries


def fail_first_attempt(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the sandbox answer the next request with 503, then behave again."""
    execute = sandbox.api.execute
    failures = [True]

    def flaky(matched: Any, params: Any, request: Any, request_id: str) -> Any:
        if failures and failures.pop():
            busy = ApiError(503, "UNAVAILABLE", "The sandbox is busy")
            return error_response(busy, request_id)
        return execute(matched, params, request, request_id)

    monkeypatch.setattr(sandbox.api, "execute", flaky)


def assert_one_key_across_attempts(sandbox: Sandbox, project_id: str) -> None:
    posts = [r for r in sandbox.requests if r.method == "POST"]
    assert [r.status for r in posts] == [503, 201]
    keys = {r.headers["idempotency-key"] for r in posts}
    assert len(keys) == 1
    uuid.UUID(keys.pop())  # the client generates a UUID per call
    assert list(sandbox.api.store.projects) == [project_id]


def test_a_retried_create_reuses_its_idempotency_key(
    client: Codefluss, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_first_attempt(sandbox, monkeypatch)

    project = client.with_options(retry_backoff=0.01).projects.create(name="Studio")

    assert_one_key_across_attempts(sandbox, project.id)


async def test_an_async_retried_create_reuses_its_idempotency_key(
    async_client: AsyncCodefluss, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_first_attempt(sandbox, monkeypatch)

    fast = async_client.with_options(retry_backoff=0.01)
    project = await fast.projects.create(name="Studio")

    assert_one_key_across_attempts(sandbox, project.id)


def test_each_call_gets_its_own_key_and_a_given_key_is_replayed(
    client: Codefluss, sandbox: Sandbox
) -> None:
    client.projects.create(name="Studio Blog")
    client.projects.create(name="Studio Blog")
    generated = [r.headers["idempotency-key"] for r in sandbox.requests]
    assert len(set(generated)) == 2
    assert len(sandbox.api.store.projects) == 2

    first = client.projects.with_raw_response.create(
        name="Studio Shop", idempotency_key="create-studio-shop"
    )
    again = client.projects.with_raw_response.create(
        name="Studio Shop", idempotency_key="create-studio-shop"
    )
    assert sandbox.requests[-1].headers["idempotency-key"] == "create-studio-shop"
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.parse().id == first.parse().id
    assert len(sandbox.api.store.projects) == 3
