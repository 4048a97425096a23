"""The fixture's client classes, in the shape the generator emits."""

from collections.abc import Mapping
from functools import cached_property
from typing import ClassVar, Literal

import httpx

from ._base_client import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    APIConventions,
    AsyncAPIClient,
    SyncAPIClient,
)
from ._types import Timeout
from .resources.projects import AsyncProjects, Projects

_ENVIRONMENTS = {
    "production": "https://api.faultpkg.invalid/v1",
    "staging": "https://api.staging.faultpkg.invalid/v1",
}
_CONVENTIONS = APIConventions(
    auth="bearer",
    request_id_header="X-Request-Id",
    idempotency_header="Idempotency-Key",
    error_code=("error", "code"),
    error_message=("error", "message"),
    error_details=("error", "details"),
    meta_field="meta",
)


class Faultpkg(SyncAPIClient):
    """The fixture API's client."""

    _environments: ClassVar[dict[str, str]] = _ENVIRONMENTS
    _conventions: ClassVar[APIConventions] = _CONVENTIONS

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        environment: Literal["production", "staging"] = "production",
        timeout: float | Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.Client | None = None,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            environment=environment,
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
            default_headers=default_headers,
            default_query=default_query,
        )

    @cached_property
    def projects(self) -> Projects:
        """Website projects."""
        return Projects(self)


class AsyncFaultpkg(AsyncAPIClient):
    """The fixture API's async client."""

    _environments: ClassVar[dict[str, str]] = _ENVIRONMENTS
    _conventions: ClassVar[APIConventions] = _CONVENTIONS

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        environment: Literal["production", "staging"] = "production",
        timeout: float | Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            environment=environment,
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
            default_headers=default_headers,
            default_query=default_query,
        )

    @cached_property
    def projects(self) -> AsyncProjects:
        """Website projects."""
        return AsyncProjects(self)
