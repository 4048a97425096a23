"""The retry arithmetic: Retry-After parsing and full-jitter backoff."""

import email.utils
import time
from typing import Any

import httpx
import pytest


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("3", 3.0), ("0.5", 0.5), ("-2", 0.0), ("soon", None), ("inf", None)],
)
def test_retry_after_in_seconds(pkg: Any, value: str, seconds: float | None) -> None:
    headers = httpx.Headers({"Retry-After": value})

    assert pkg._retry.retry_after(headers) == seconds


def test_retry_after_as_a_date(pkg: Any) -> None:
    later = email.utils.formatdate(time.time() + 30, usegmt=True)
    earlier = email.utils.formatdate(time.time() - 30, usegmt=True)

    assert 28 <= pkg._retry.retry_after(httpx.Headers({"Retry-After": later})) <= 30
    assert pkg._retry.retry_after(httpx.Headers({"Retry-After": earlier})) == 0.0
    assert pkg._retry.retry_after(httpx.Headers()) is None


def test_backoff_grows_by_two_within_the_cap(pkg: Any) -> None:
    draws = {
        retry: [pkg._retry.backoff_delay(retry, 0.5) for _ in range(200)]
        for retry in (1, 2, 3, 6)
    }

    for retry, ceiling in ((1, 0.5), (2, 1.0), (3, 2.0), (6, 8.0)):
        assert all(0.0 <= delay <= ceiling for delay in draws[retry])
        # Full jitter spreads the draws over the whole range.
        assert max(draws[retry]) > ceiling * 0.75
        assert min(draws[retry]) < ceiling * 0.25


@pytest.mark.parametrize(
    ("status", "retried"),
    [(400, False), (404, False), (408, True), (429, True), (500, True), (599, True)],
)
def test_which_statuses_are_retried(pkg: Any, status: int, retried: bool) -> None:
    assert pkg._retry.is_retryable_status(status) is retried
