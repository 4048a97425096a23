"""The docs view: what the templates print, with every decision already made.

Plain frozen data built from the bundled document and the client model. Texts from
the document are HTML already (rendered Markdown, highlighted code); names are the ones
the client uses.
"""

from __future__ import annotations

from dataclasses import dataclass

from .schema_view import Field


@dataclass(frozen=True)
class Code:
    """A code sample: its source (what the copy button copies) and its HTML."""

    language: str  # "python", "bash", "json"
    label: str  # shown above the code: "Python", "curl"
    source: str
    html: str


@dataclass(frozen=True)
class ErrorRow:
    status: str  # "404", "5XX", "default"
    codes: tuple[str, ...]  # the error codes the examples show for it
    exception: str  # the client exception raised for it
    retried: bool  # whether the client sends the request again
    description: str  # HTML
    summary: str  # HTML: the description's first sentence


@dataclass(frozen=True)
class ParameterRow:
    name: str  # the wire name
    argument: str  # the method argument
    positional: bool
    location: str  # "path", "query", "header", "cookie"
    field: Field


@dataclass(frozen=True)
class PageNote:
    """How an operation's list continues, for the client and over HTTP."""

    item: str  # the model of the items
    cursor_param: str
    items: str  # dotted paths in the body: "data"
    has_more: str
    next_cursor: str
    total: str | None


@dataclass(frozen=True)
class OperationView:
    anchor: str  # the operationId: a stable deep link
    method: str
    path: str
    summary: str
    description: str  # HTML
    deprecated: bool
    call: str  # "client.projects.create"
    returns: str  # what the method returns: "Project", "SyncCursorPage[Project]"
    parameters: tuple[ParameterRow, ...]
    body: tuple[Field, ...]
    body_media_type: str
    body_required: bool
    request_example: Code | None
    response_status: str
    response_description: str  # HTML
    response: tuple[Field, ...]
    response_example: Code | None
    samples: tuple[Code, ...]  # Python, then curl
    page: PageNote | None
    errors: tuple[ErrorRow, ...]


@dataclass(frozen=True)
class ResourceView:
    anchor: str
    title: str  # the tag as written in the document
    attribute: str  # the client attribute: "projects"
    description: str  # HTML
    operations: tuple[OperationView, ...]


@dataclass(frozen=True)
class EnumValue:
    member: str  # the enum member: "PUBLISHED"
    value: str  # as JSON


@dataclass(frozen=True)
class ModelView:
    anchor: str
    name: str
    kind: str  # "model", "enum", "alias"
    description: str  # HTML
    fields: tuple[Field, ...]
    values: tuple[EnumValue, ...]
    annotation: str  # for an alias: the type it names


@dataclass(frozen=True)
class Facts:
    """Names of the client and conventions of the API that the prose mentions."""

    package: str
    client: str
    async_client: str
    base_error: str
    api_key_env: str
    base_url_env: str
    log_env: str
    auth: str | None
    idempotency_header: str | None
    request_id_header: str | None
    envelope: str | None  # the payload property of the envelope: "data"
    meta: str | None
    error_code: str | None  # where an error body keeps its code: "error.code"


@dataclass(frozen=True)
class Environment:
    name: str
    url: str
    description: str  # HTML


@dataclass(frozen=True)
class GuideSection:
    """A section before the reference: the document's own text and, for the topics
    the generator knows (errors, pagination, ...), what the client does about them."""

    anchor: str
    title: str
    topic: str  # "" for a section that is only the document's text
    prose: str  # HTML from the document
    samples: tuple[Code, ...] = ()
    errors: tuple[ErrorRow, ...] = ()
    environments: tuple[Environment, ...] = ()
    page: PageNote | None = None


@dataclass(frozen=True)
class SearchEntry:
    anchor: str
    title: str
    detail: str  # "GET /projects · client.projects.list", "model"
    group: str  # "Operations", "Models", "Guide"


@dataclass(frozen=True)
class SiteView:
    title: str
    version: str
    summary: str  # HTML
    facts: Facts
    guide: tuple[GuideSection, ...]
    resources: tuple[ResourceView, ...]
    models: tuple[ModelView, ...]
    search: tuple[SearchEntry, ...]
    model_anchors: dict[str, str]  # model name -> element id
