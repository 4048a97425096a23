"""Behaviour under faults: retries, backoff, Retry-After, timeouts, dropped
connections and bodies that are not what the API describes."""

import email.utils
import logging
import time
import uuid
from http import HTTPStatus
from typing import Any

import pytest
import trio

from tests.runtime.conftest import API_KEY
from tests.runtime.payloads import PROJECT, page_reply, project, project_reply
from tests.servers.faults import FaultServer, Reply, envelope, error_body

UNAVAILABLE = Reply(
    503,
    error_body("UNAVAILABLE", "Try again shortly"),
    headers={"X-Request-Id": "req_503"},
)


def test_transient_5xx_is_retried_until_it_passes(
    client: Any, server: FaultServer
) -> None:
    server.script(UNAVAILABLE, UNAVAILABLE, project_reply())

    found = client.projects.retrieve("proj_1")

    assert found.project_id == "proj_1"
    assert server.count == 3
    assert all(
        r.headers["authorization"] == f"Bearer {API_KEY}" for r in server.requests
    )


def test_persistent_5xx_raises_after_every_attempt(
    pkg: Any, client: Any, server: FaultServer
) -> None:
    server.script(
        then=Reply(
            500,
            error_body("INTERNAL_ERROR", "Database down.", region="eu"),
            headers={"X-Request-Id": "req_500"},
        )
    )

    with pytest.raises(pkg.InternalServerError) as caught:
        client.projects.retrieve("proj_1")

    error = caught.value
    assert str(error) == (
        "GET /projects/proj_1 failed with 500 Internal Server Error after 3 attempts: "
        "Database down (code 'INTERNAL_ERROR', request id req_500)."
    )
    assert error.attempts == 3
    assert error.status_code == 500
    assert error.code == "INTERNAL_ERROR"
    assert error.message == "Database down."
    assert error.details == {"region": "eu"}
    assert error.request_id == "req_500"
    assert error.response.status_code == 500
    assert server.count == 3


def test_429_waits_as_long_as_retry_after_says(
    client: Any, server: FaultServer
) -> None:
    server.script(
        Reply(
            429, error_body("RATE_LIMITED", "Slow down"), headers={"Retry-After": "1"}
        ),
        project_reply(),
    )

    started = time.monotonic()
    client.projects.retrieve("proj_1")

    assert time.monotonic() - started >= 0.95
    assert server.count == 2


def test_retry_after_as_an_http_date_is_honoured(
    client: Any, server: FaultServer
) -> None:
    when = email.utils.formatdate(time.time() + 2, usegmt=True)
    server.script(Reply(503, headers={"Retry-After": when}), project_reply())

    started = time.monotonic()
    client.projects.retrieve("proj_1")

    # The date has whole seconds, so the wait is between one and two seconds.
    assert 0.9 <= time.monotonic() - started <= 2.5
    assert server.count == 2


def test_retry_after_beyond_the_cap_raises_at_once(
    pkg: Any, client: Any, server: FaultServer
) -> None:
    server.script(
        then=Reply(
            429,
            error_body("RATE_LIMITED", "Too many requests"),
            headers={"Retry-After": "120", "X-Request-Id": "req_429"},
        )
    )

    with pytest.raises(pkg.RateLimitError) as caught:
        client.projects.retrieve("proj_1")

    assert str(caught.value) == (
        "GET /projects/proj_1 failed with 429 Too Many Requests: Too many requests "
        "(code 'RATE_LIMITED', request id req_429, retry after 120 s)."
    )
    assert caught.value.retry_after == 120
    assert caught.value.attempts == 1
    assert server.count == 1


def test_no_retry_is_planned_past_the_deadline(
    pkg: Any, client: Any, server: FaultServer
) -> None:
    server.script(then=Reply(429, headers={"Retry-After": "1"}))
    hurried = client.with_options(retry_deadline=0.5)

    started = time.monotonic()
    with pytest.raises(pkg.RateLimitError) as caught:
        hurried.projects.retrieve("proj_1")

    assert time.monotonic() - started < 0.5
    assert str(caught.value) == (
        "GET /projects/proj_1 failed with 429 Too Many Requests (retry after 1 s)."
    )
    assert server.count == 1


def test_max_retries_bounds_the_attempts(
    pkg: Any, client: Any, server: FaultServer
) -> None:
    server.script(then=UNAVAILABLE)

    with pytest.raises(pkg.InternalServerError) as caught:
        client.with_options(max_retries=0).projects.retrieve("proj_1")
    assert caught.value.attempts == 1
    assert str(caught.value) == (
        "GET /projects/proj_1 failed with 503 Service Unavailable: Try again shortly "
        "(code 'UNAVAILABLE', request id req_503)."
    )

    with pytest.raises(pkg.InternalServerError) as caught:
        client.with_options(max_retries=4).projects.retrieve("proj_1")
    assert caught.value.attempts == 5
    assert server.count == 6


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
def test_client_errors_are_not_retried(
    pkg: Any, client: Any, server: FaultServer, status: int
) -> None:
    server.script(then=Reply(status, error_body("REFUSED", "Not this way")))

    with pytest.raises(pkg.APIStatusError) as caught:
        client.projects.retrieve("proj_1")

    assert str(caught.value) == (
        f"GET /projects/proj_1 failed with {status} {HTTPStatus(status).phrase}: "
        "Not this way (code 'REFUSED')."
    )
    assert caught.value.attempts == 1
    assert server.count == 1


def test_408_is_retried(client: Any, server: FaultServer) -> None:
    server.script(Reply(408), project_reply())

    client.projects.retrieve("proj_1")

    assert server.count == 2


def test_slow_answers_time_out_on_every_attempt(
    pkg: Any, client: Any, server: FaultServer
) -> None:
    server.script(then=Reply(200, envelope(PROJECT), delay=1.0))

    started = time.monotonic()
    with pytest.raises(pkg.APITimeoutError) as caught:
        client.with_options(max_retries=1).projects.retrieve("proj_1", timeout=0.2)

    assert str(caught.value) == (
        "GET /projects/proj_1 timed out after 2 attempts: "
        "no answer within the read timeout of 0.2 s."
    )
    assert isinstance(caught.value, pkg.APIConnectionError)
    assert caught.value.attempts == 2
    assert server.count == 2
    assert time.monotonic() - started < 1.5


def test_a_slow_answer_then_a_quick_one_succeeds(
    client: Any, server: FaultServer
) -> None:
    server.script(Reply(200, envelope(PROJECT), delay=1.0), project_reply())

    found = client.projects.retrieve("proj_1", timeout=0.2)

    assert found.name == "My Website"
    assert server.count == 2


def test_a_dropped_connection_is_retried(client: Any, server: FaultServer) -> None:
    server.script(Reply(drop=True), project_reply())

    client.projects.retrieve("proj_1")

    assert server.count == 2


def test_connections_dropped_every_time_raise_a_connection_error(
    pkg: Any, client: Any, server: FaultServer
) -> None:
    server.script(then=Reply(drop=True))

    with pytest.raises(pkg.APIConnectionError) as caught:
        client.projects.retrieve("proj_1")

    assert not isinstance(caught.value, pkg.APITimeoutError)
    assert str(caught.value) == (
        "GET /projects/proj_1 failed after 3 attempts: the server closed the "
        "connection without a full answer (Server disconnected without sending a "
        "response)."
    )
    assert caught.value.attempts == 3
    assert server.count == 3


def test_a_refused_connection_names_the_server(pkg: Any) -> None:
    with FaultServer() as gone:
        url = gone.url
    client = pkg.Faultpkg(api_key=API_KEY, base_url=url, max_retries=1)

    with pytest.raises(pkg.APIConnectionError) as caught:
        client.with_options(retry_backoff=0.01).projects.retrieve("proj_1")

    assert str(caught.value).startswith(
        f"GET /projects/proj_1 failed after 2 attempts: could not connect to {url} ("
    )
    client.close()


def test_post_retries_reuse_one_generated_idempotency_key(
    client: Any, server: FaultServer
) -> None:
    server.script(UNAVAILABLE, Reply(drop=True), project_reply(), project_reply())

    client.projects.create(name="My Website")
    client.projects.create(name="My Website")

    keys = [r.headers["idempotency-key"] for r in server.requests]
    assert len(keys) == 4
    assert keys[0] == keys[1] == keys[2] != keys[3]
    assert uuid.UUID(keys[0]).version == 4
    assert [r.json() for r in server.requests] == [{"name": "My Website"}] * 4


def test_post_with_a_given_idempotency_key_sends_it_on_every_attempt(
    client: Any, server: FaultServer
) -> None:
    server.script(UNAVAILABLE, project_reply())

    client.projects.create(name="My Website", idempotency_key="create-site-1")

    assert [r.headers["idempotency-key"] for r in server.requests] == [
        "create-site-1",
        "create-site-1",
    ]


def test_post_without_an_idempotency_key_is_never_retried(
    pkg: Any, client: Any, server: FaultServer
) -> None:
    server.script(then=UNAVAILABLE)
    with pytest.raises(pkg.InternalServerError) as caught:
        client.projects.create(name="My Website", idempotency_key=None)
    assert caught.value.attempts == 1

    server.script(then=Reply(drop=True))
    with pytest.raises(pkg.APIConnectionError) as dropped:
        client.projects.create(name="My Website", idempotency_key=None)
    assert dropped.value.attempts == 1

    assert server.count == 2
    assert all("idempotency-key" not in r.headers for r in server.requests)


def test_get_and_patch_send_no_idempotency_key(
    client: Any, server: FaultServer
) -> None:
    server.script(then=project_reply())

    client.projects.retrieve("proj_1")
    client.projects.update("proj_1", name="Renamed")

    assert all("idempotency-key" not in r.headers for r in server.requests)


def test_a_body_that_is_not_json_raises_a_validation_error(
    pkg: Any, client: Any, server: FaultServer
) -> None:
    server.script(then=Reply(200, "not json", headers={"X-Request-Id": "req_bad"}))

    with pytest.raises(pkg.APIResponseValidationError) as caught:
        client.projects.retrieve("proj_1")

    assert str(caught.value) == (
        "GET /projects/proj_1 returned 200 OK with a body that is not valid JSON "
        "(JSON is malformed: invalid character (byte 4))."
    )
    assert caught.value.status_code == 200
    assert caught.value.request_id == "req_bad"
    assert server.count == 1


def test_a_body_missing_a_required_property_raises_a_validation_error(
    pkg: Any, client: Any, server: FaultServer
) -> None:
    incomplete = {key: value for key, value in PROJECT.items() if key != "name"}
    server.script(then=Reply(200, envelope(incomplete)))

    with pytest.raises(pkg.APIResponseValidationError) as caught:
        client.projects.retrieve("proj_1")

    assert str(caught.value) == (
        "GET /projects/proj_1 returned 200 OK with a body that does not match "
        "ProjectResponse: Object missing required field `name` - at `$.data`."
    )


def test_a_wrong_type_deep_in_a_page_is_located(
    pkg: Any, client: Any, server: FaultServer
) -> None:
    items = [project(i) for i in range(5)]
    items[3]["createdAt"] = 1768473000
    body = envelope(items, pagination={"hasMore": False, "nextCursor": None})
    server.script(then=Reply(200, body))

    with pytest.raises(pkg.APIResponseValidationError) as caught:
        client.projects.list()

    assert str(caught.value) == (
        "GET /projects returned 200 OK with a body that does not match ProjectList: "
        "Expected `datetime`, got `int` - at `$.data[3].createdAt`."
    )


def test_an_error_body_that_is_not_json_still_gives_the_status_error(
    pkg: Any, client: Any, server: FaultServer
) -> None:
    server.script(
        then=Reply(502, "<html>Bad gateway</html>", headers={"X-Request-Id": "req_gw"})
    )

    with pytest.raises(pkg.InternalServerError) as caught:
        client.projects.retrieve("proj_1")

    error = caught.value
    assert str(error) == (
        "GET /projects/proj_1 failed with 502 Bad Gateway after 3 attempts "
        "(request id req_gw)."
    )
    assert (error.code, error.message, error.details, error.body) == (
        None,
        "502 Bad Gateway",
        None,
        None,
    )


def test_each_retry_is_logged_with_its_attempt_number(
    client: Any, server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.script(UNAVAILABLE, project_reply())

    with caplog.at_level(logging.INFO, logger="faultpkg"):
        client.projects.retrieve("proj_1")

    retries = [r.getMessage() for r in caplog.records if "Retrying" in r.getMessage()]
    assert len(retries) == 1
    assert retries[0].startswith("Retrying GET /projects/proj_1 in 0.0")
    assert retries[0].endswith(" s after 503 Service Unavailable (attempt 2 of 3)")


async def test_async_transient_5xx_is_retried(
    async_client: Any, server: FaultServer
) -> None:
    server.script(UNAVAILABLE, Reply(drop=True), project_reply())

    found = await async_client.projects.retrieve("proj_1")

    assert found.project_id == "proj_1"
    assert server.count == 3


async def test_async_post_retries_reuse_the_idempotency_key(
    async_client: Any, server: FaultServer
) -> None:
    server.script(UNAVAILABLE, UNAVAILABLE, project_reply())

    await async_client.projects.create(name="My Website")

    keys = {r.headers["idempotency-key"] for r in server.requests}
    assert len(keys) == 1
    assert server.count == 3


async def test_async_429_waits_for_retry_after(
    async_client: Any, server: FaultServer
) -> None:
    server.script(Reply(429, headers={"Retry-After": "1"}), project_reply())

    started = time.monotonic()
    await async_client.projects.retrieve("proj_1")

    assert time.monotonic() - started >= 0.95
    assert server.count == 2


async def test_async_timeouts_and_bad_bodies_raise_the_same_errors(
    pkg: Any, async_client: Any, server: FaultServer
) -> None:
    server.script(then=Reply(200, envelope(PROJECT), delay=1.0))
    with pytest.raises(pkg.APITimeoutError) as timed_out:
        await async_client.with_options(max_retries=0).projects.retrieve(
            "proj_1", timeout=0.2
        )
    assert str(timed_out.value) == (
        "GET /projects/proj_1 timed out: no answer within the read timeout of 0.2 s."
    )

    server.script(then=Reply(200, "not json"))
    with pytest.raises(pkg.APIResponseValidationError, match="not valid JSON"):
        await async_client.projects.retrieve("proj_1")

    server.script(then=Reply(404, error_body("NOT_FOUND", "Project not found")))
    with pytest.raises(pkg.NotFoundError) as missing:
        await async_client.projects.retrieve("proj_9")
    assert str(missing.value) == (
        "GET /projects/proj_9 failed with 404 Not Found: Project not found "
        "(code 'NOT_FOUND')."
    )


async def test_async_pages_retry_too(async_client: Any, server: FaultServer) -> None:
    server.script(
        page_reply(range(0, 2), next_cursor="c2"),
        UNAVAILABLE,
        page_reply(range(2, 4), next_cursor=None),
    )

    names = [p.name async for p in async_client.projects.list(limit=2)]

    assert names == ["Site 0", "Site 1", "Site 2", "Site 3"]
    assert server.count == 3


def test_async_retries_wait_under_trio_too(pkg: Any, server: FaultServer) -> None:
    # The async client is not tied to asyncio: under trio it sends through httpx's
    # trio support and waits to retry on trio's clock.
    server.script(
        UNAVAILABLE, Reply(429, headers={"Retry-After": "1"}), project_reply()
    )
    started = time.monotonic()

    async def main() -> Any:
        made = pkg.AsyncFaultpkg(api_key=API_KEY, base_url=server.url, timeout=2.0)
        async with made.with_options(retry_backoff=0.01) as client:
            return await client.projects.retrieve("proj_1")

    found = trio.run(main)

    assert found.project_id == "proj_1"
    assert server.count == 3
    assert time.monotonic() - started >= 0.95  # it waited as Retry-After said
