"""Models in the shape the generator emits, for the runtime tests."""

import datetime
import enum

import msgspec

from ._models import Model


class ProjectStatus(enum.Enum):
    """A project's publication state; values the SDK does not know are kept."""

    DRAFT = "draft"
    PUBLISHED = "published"

    @classmethod
    def _missing_(cls, value: object) -> "ProjectStatus | None":
        if not isinstance(value, str):
            return None
        # One pseudo-member per unknown value, so equal values compare equal.
        member = cls._value2member_map_.get(value)
        if member is None:
            member = object.__new__(cls)
            member._name_ = value.upper()
            member._value_ = value
            member = cls._value2member_map_.setdefault(value, member)
        return member  # type: ignore[return-value]


class ProjectSettings(
    Model, kw_only=True, omit_defaults=True, rename={"custom_domain": "customDomain"}
):
    """Settings of a project."""

    custom_domain: str | None = None


class Project(
    Model,
    kw_only=True,
    omit_defaults=True,
    rename={"created_at": "createdAt", "project_id": "projectId"},
):
    """A website project."""

    project_id: str
    name: str
    description: str | None = None
    status: ProjectStatus = ProjectStatus.DRAFT
    created_at: datetime.datetime
    tags: list[str] = msgspec.field(default_factory=list)
    settings: ProjectSettings | None = None


class Meta(Model, kw_only=True, omit_defaults=True, rename={"request_id": "requestId"}):
    """The envelope's metadata."""

    request_id: str
    timestamp: datetime.datetime | None = None


class Pagination(
    Model,
    kw_only=True,
    omit_defaults=True,
    rename={"has_more": "hasMore", "next_cursor": "nextCursor"},
):
    """Where a list goes on."""

    has_more: bool
    next_cursor: str | None = None
    total: int | None = None


class ProjectResponse(Model, kw_only=True, omit_defaults=True):
    """The envelope around one project."""

    success: bool
    data: Project
    meta: Meta


class ProjectList(Model, kw_only=True, omit_defaults=True):
    """The envelope around one page of projects."""

    success: bool
    data: list[Project]
    pagination: Pagination
    meta: Meta


class Deleted(Model, kw_only=True, omit_defaults=True):
    """What a delete returns."""

    id: str
    deleted: bool


class DeletedResponse(Model, kw_only=True, omit_defaults=True):
    """The envelope around a delete's result."""

    success: bool
    data: Deleted
    meta: Meta
