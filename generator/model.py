"""The intermediate model: what the templates print, with every decision already made.

Plain frozen data, no I/O and no Jinja. Python names here are final (converted, escaped
and made unique); type annotations are final Python source; texts are raw and are
escaped by the template filter of the context they land in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# ---------------------------------------------------------------------------- models


@dataclass(frozen=True)
class Property:
    """One attribute of a generated model."""

    name: str  # the Python attribute
    wire_name: str  # the JSON key
    annotation: str
    default: str | None  # Python source of the default; None for a required property
    description: str = ""
    deprecated: bool = False


@dataclass(frozen=True)
class ModelClass:
    """A msgspec Struct for an object schema."""

    name: str
    description: str
    properties: tuple[Property, ...]
    # msgspec `rename` mapping (Python name -> wire name) for names that differ.
    rename: tuple[tuple[str, str], ...] = ()
    # For a member of a discriminated union: the tag property and this model's value.
    tag_field: str | None = None
    tag: str | None = None
    # The Python name of the tag property, readable on instances (msgspec keeps the tag
    # out of the fields, so the model exposes it as a read-only property).
    tag_attribute: str | None = None
    deprecated: bool = False
    kind: Literal["model"] = "model"


@dataclass(frozen=True)
class EnumMember:
    name: str
    value: str  # Python source of the value


@dataclass(frozen=True)
class EnumClass:
    """An enum that accepts values it does not know (forward compatibility)."""

    name: str
    description: str
    members: tuple[EnumMember, ...]
    base: Literal["str", "int"]
    kind: Literal["enum"] = "enum"


@dataclass(frozen=True)
class TypeAlias:
    """A named type that is not a class: a union, a list, a map, a primitive."""

    name: str
    description: str
    annotation: str
    kind: Literal["alias"] = "alias"


Definition = ModelClass | EnumClass | TypeAlias


@dataclass(frozen=True)
class ModelModule:
    """One module under `models/`: a definition, or several that refer to each other."""

    name: str
    definitions: tuple[Definition, ...]
    imports: tuple[str, ...]  # import lines, sorted


# ------------------------------------------------------------------------ operations


ParameterLocation = Literal["path", "query", "header", "cookie", "body", "form", "file"]


@dataclass(frozen=True)
class Parameter:
    """One keyword (or, for a path parameter, positional) argument of a method."""

    name: str  # the Python argument
    wire_name: str
    location: ParameterLocation
    annotation: str
    required: bool
    default: str  # Python source: "NOT_GIVEN", or a literal for a documented default
    description: str = ""
    deprecated: bool = False
    # Query arrays: `explode` sends `a=1&a=2`; otherwise `a=1,2` (or joined with the
    # delimiter of the spaceDelimited or pipeDelimited style: `a=1 2`, `a=1|2`).
    explode: bool = True
    delimiter: str = ","
    example: str | None = None  # Python source of the documented example value


@dataclass(frozen=True)
class Pagination:
    """How a list operation's pages are walked (attribute paths on the body model)."""

    items: tuple[str, ...]
    has_more: tuple[str, ...]
    next_cursor: tuple[str, ...]
    total: tuple[str, ...] | None
    cursor_param: str
    item_annotation: str


@dataclass(frozen=True)
class Response:
    """What a method decodes and returns."""

    kind: Literal["json", "text", "binary", "none"]
    body_annotation: str  # the model of the whole body ("None" when there is none)
    return_annotation: str
    envelope: str | None = None  # attribute holding the payload, for enveloped bodies
    pagination: Pagination | None = None
    # Other success statuses whose bodies differ from this one: status -> how to read
    # it. The return annotation is then the union of their results.
    alternatives: tuple[tuple[int, Response], ...] = ()


@dataclass(frozen=True)
class ErrorResponse:
    status: str  # "404", "4XX", "default"
    description: str
    exception: str  # the runtime exception raised for it: "NotFoundError"


@dataclass(frozen=True)
class Operation:
    """One method of a resource."""

    name: str  # the Python method name
    operation_id: str
    http_method: str  # "GET"
    path: str  # the path template as written in the document
    path_expression: str  # Python source building the path: an f-string
    summary: str
    description: str
    parameters: tuple[Parameter, ...]
    body_kind: Literal["none", "json", "multipart", "form", "binary"]
    body_media_type: str  # the request body's media type ("" without a body)
    # For a body that is not an object with properties: the single `body` argument.
    body_parameter: Parameter | None
    response: Response
    errors: tuple[ErrorResponse, ...]
    deprecated: bool = False
    idempotency_key: bool = False  # the method takes `idempotency_key=`
    spec_constant: str = ""  # the module-level ResponseSpec name, e.g. "_LIST_RESPONSE"
    # Keyword arguments (name, Python literal) from the first request example.
    example_arguments: tuple[tuple[str, str], ...] = ()

    @property
    def path_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "path")

    @property
    def keyword_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location != "path")

    def located(self, location: ParameterLocation) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == location)


@dataclass(frozen=True)
class Resource:
    """A group of operations: a client attribute and a module under `resources/`."""

    name: str  # the client attribute and module name: "projects"
    class_name: str  # "Projects" (and "AsyncProjects")
    description: str
    operations: tuple[Operation, ...]
    imports: tuple[str, ...]  # model import lines the module needs
    # Builtins that a method of this class shadows (a method named `list`), so that
    # annotations inside the class must spell them `builtins.list`.
    shadowed: tuple[str, ...] = ()


# ---------------------------------------------------------------------------- client


@dataclass(frozen=True)
class Environment:
    name: str
    url: str
    description: str = ""


@dataclass(frozen=True)
class Conventions:
    """What the runtime needs to know about the API; printed into the client class."""

    auth: Literal["bearer", "header"] | None
    auth_header: str  # the header holding the key when auth is "header"
    request_id_header: str | None
    idempotency_header: str | None
    error_code: tuple[str, ...] | None
    error_message: tuple[str, ...] | None
    error_details: tuple[str, ...] | None
    meta_field: str | None


@dataclass(frozen=True)
class Package:
    """Everything generated from one document."""

    package: str  # import name: "codefluss"
    distribution: str  # pip name: "codefluss"
    client_class: str  # "Codefluss"
    base_error: str  # "CodeflussError"
    env_prefix: str  # "CODEFLUSS"
    version: str
    title: str
    description: str
    environments: tuple[Environment, ...]
    conventions: Conventions
    resources: tuple[Resource, ...]
    modules: tuple[ModelModule, ...]
    # Exported model name -> module name, for the lazy `models/__init__.py`.
    exports: tuple[tuple[str, str], ...] = field(default=())
