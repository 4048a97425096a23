"""The fixture's `projects` resource, in the shape the generator emits."""

from functools import cached_property
from typing import Any

from .._base_client import (
    AsyncAPIResource,
    CursorPagination,
    ResponseSpec,
    SyncAPIResource,
    path_param,
)
from .._pagination import AsyncCursorPage, AsyncPaginator, SyncCursorPage
from .._response import (
    async_to_raw_response_wrapper,
    to_raw_response_wrapper,
)
from .._types import NOT_GIVEN, Body, FileTypes, Headers, NotGiven, Query, Timeout
from ..models import (
    Deleted,
    DeletedResponse,
    Project,
    ProjectList,
    ProjectResponse,
    ProjectSettings,
    ProjectStatus,
)

_PROJECT: ResponseSpec[Project] = ResponseSpec(ProjectResponse, envelope="data")
_DELETED: ResponseSpec[Deleted] = ResponseSpec(DeletedResponse, envelope="data")
_LIST: ResponseSpec[list[Project]] = ResponseSpec(
    ProjectList,
    envelope="data",
    pagination=CursorPagination(
        items=("data",),
        has_more=("pagination", "has_more"),
        next_cursor=("pagination", "next_cursor"),
        total=("pagination", "total"),
        cursor_param="cursor",
    ),
)
_EXPORT: ResponseSpec[str] = ResponseSpec(str, kind="text")


class Projects(SyncAPIResource):
    """Website projects."""

    def list(
        self,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        cursor: str | NotGiven = NOT_GIVEN,
        status: ProjectStatus | NotGiven = NOT_GIVEN,
        tags: list[str] | NotGiven = NOT_GIVEN,
        archived: bool | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> SyncCursorPage[Project]:
        """List projects."""
        return self._client._request_page(
            "GET",
            "/projects",
            response=_LIST,
            page_class=SyncCursorPage[Project],
            query={
                "limit": limit,
                "cursor": cursor,
                "status": status,
                "tags": tags,
                "archived": archived,
            },
            options={
                "extra_headers": extra_headers,
                "extra_query": extra_query,
                "extra_body": extra_body,
                "timeout": timeout,
            },
        )

    def create(
        self,
        *,
        name: str,
        description: str | NotGiven | None = NOT_GIVEN,
        settings: ProjectSettings | NotGiven = NOT_GIVEN,
        idempotency_key: str | NotGiven | None = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> Project:
        """Create a project."""
        return self._client._request(
            "POST",
            "/projects",
            response=_PROJECT,
            json={"name": name, "description": description, "settings": settings},
            idempotency_key=idempotency_key,
            options={
                "extra_headers": extra_headers,
                "extra_query": extra_query,
                "extra_body": extra_body,
                "timeout": timeout,
            },
        )

    def retrieve(
        self,
        project_id: str,
        *,
        if_none_match: str | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> Project:
        """Retrieve a project."""
        return self._client._request(
            "GET",
            f"/projects/{path_param(project_id, 'project_id')}",
            response=_PROJECT,
            headers={"If-None-Match": if_none_match},
            options={
                "extra_headers": extra_headers,
                "extra_query": extra_query,
                "extra_body": extra_body,
                "timeout": timeout,
            },
        )

    def update(
        self,
        project_id: str,
        *,
        name: str | NotGiven = NOT_GIVEN,
        description: str | NotGiven | None = NOT_GIVEN,
        metadata: dict[str, Any] | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> Project:
        """Update a project; properties left out keep their value."""
        return self._client._request(
            "PATCH",
            f"/projects/{path_param(project_id, 'project_id')}",
            response=_PROJECT,
            json={"name": name, "description": description, "metadata": metadata},
            options={
                "extra_headers": extra_headers,
                "extra_query": extra_query,
                "extra_body": extra_body,
                "timeout": timeout,
            },
        )

    def delete(
        self,
        project_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> Deleted:
        """Delete a project."""
        return self._client._request(
            "DELETE",
            f"/projects/{path_param(project_id, 'project_id')}",
            response=_DELETED,
            options={
                "extra_headers": extra_headers,
                "extra_query": extra_query,
                "extra_body": extra_body,
                "timeout": timeout,
            },
        )

    def upload_logo(
        self,
        project_id: str,
        *,
        file: FileTypes,
        alt_text: str | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> Project:
        """Upload a project's logo."""
        return self._client._request(
            "POST",
            f"/projects/{path_param(project_id, 'project_id')}/logo",
            response=_PROJECT,
            files={"file": file},
            data={"altText": alt_text},
            options={
                "extra_headers": extra_headers,
                "extra_query": extra_query,
                "extra_body": extra_body,
                "timeout": timeout,
            },
        )

    def export(
        self,
        project_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> str:
        """Export a project as text."""
        return self._client._request(
            "GET",
            f"/projects/{path_param(project_id, 'project_id')}/export",
            response=_EXPORT,
            options={
                "extra_headers": extra_headers,
                "extra_query": extra_query,
                "extra_body": extra_body,
                "timeout": timeout,
            },
        )

    @cached_property
    def with_raw_response(self) -> "ProjectsWithRawResponse":
        """The same methods, returning the raw response."""
        return ProjectsWithRawResponse(self)


class ProjectsWithRawResponse:
    """`Projects` methods that return an APIResponse."""

    def __init__(self, projects: Projects) -> None:
        self.list = to_raw_response_wrapper(projects.list)
        self.create = to_raw_response_wrapper(projects.create)
        self.retrieve = to_raw_response_wrapper(projects.retrieve)
        self.update = to_raw_response_wrapper(projects.update)
        self.delete = to_raw_response_wrapper(projects.delete)


class AsyncProjects(AsyncAPIResource):
    """Website projects."""

    def list(
        self,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        cursor: str | NotGiven = NOT_GIVEN,
        status: ProjectStatus | NotGiven = NOT_GIVEN,
        tags: list[str] | NotGiven = NOT_GIVEN,
        archived: bool | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> AsyncPaginator[Project]:
        """List projects."""
        return self._client._request_page(
            "GET",
            "/projects",
            response=_LIST,
            page_class=AsyncCursorPage[Project],
            query={
                "limit": limit,
                "cursor": cursor,
                "status": status,
                "tags": tags,
                "archived": archived,
            },
            options={
                "extra_headers": extra_headers,
                "extra_query": extra_query,
                "extra_body": extra_body,
                "timeout": timeout,
            },
        )

    async def create(
        self,
        *,
        name: str,
        description: str | NotGiven | None = NOT_GIVEN,
        settings: ProjectSettings | NotGiven = NOT_GIVEN,
        idempotency_key: str | NotGiven | None = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> Project:
        """Create a project."""
        return await self._client._request(
            "POST",
            "/projects",
            response=_PROJECT,
            json={"name": name, "description": description, "settings": settings},
            idempotency_key=idempotency_key,
            options={
                "extra_headers": extra_headers,
                "extra_query": extra_query,
                "extra_body": extra_body,
                "timeout": timeout,
            },
        )

    async def retrieve(
        self,
        project_id: str,
        *,
        if_none_match: str | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> Project:
        """Retrieve a project."""
        return await self._client._request(
            "GET",
            f"/projects/{path_param(project_id, 'project_id')}",
            response=_PROJECT,
            headers={"If-None-Match": if_none_match},
            options={
                "extra_headers": extra_headers,
                "extra_query": extra_query,
                "extra_body": extra_body,
                "timeout": timeout,
            },
        )

    async def update(
        self,
        project_id: str,
        *,
        name: str | NotGiven = NOT_GIVEN,
        description: str | NotGiven | None = NOT_GIVEN,
        metadata: dict[str, Any] | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> Project:
        """Update a project; properties left out keep their value."""
        return await self._client._request(
            "PATCH",
            f"/projects/{path_param(project_id, 'project_id')}",
            response=_PROJECT,
            json={"name": name, "description": description, "metadata": metadata},
            options={
                "extra_headers": extra_headers,
                "extra_query": extra_query,
                "extra_body": extra_body,
                "timeout": timeout,
            },
        )

    @cached_property
    def with_raw_response(self) -> "AsyncProjectsWithRawResponse":
        """The same methods, returning the raw response."""
        return AsyncProjectsWithRawResponse(self)


class AsyncProjectsWithRawResponse:
    """`AsyncProjects` methods that return an AsyncAPIResponse."""

    def __init__(self, projects: AsyncProjects) -> None:
        self.list = async_to_raw_response_wrapper(projects.list)
        self.create = async_to_raw_response_wrapper(projects.create)
        self.retrieve = async_to_raw_response_wrapper(projects.retrieve)
        self.update = async_to_raw_response_wrapper(projects.update)
