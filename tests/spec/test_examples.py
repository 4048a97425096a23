"""Checks of the CODEFLUSS API description in spec/.

Every example (media type, parameter, header and schema-level) must match its
schema, and every operation must follow the conventions the API reference
promises: one tag, the shared error responses, the request id and rate limit
headers, an `Idempotency-Key` parameter on POST, and a success example.

The description is split over several files, so `$ref`s are resolved through a
`referencing` registry that reads each file from disk, relative to the file
that refers to it. Failure messages name the operation and the place in the
spec as `file#/json/pointer`, relative to spec/.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urldefrag, urljoin, urlsplit
from urllib.request import url2pathname

import pytest
import yaml
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_DIR = Path(__file__).resolve().parents[2] / "spec"
ROOT_URI = (SPEC_DIR / "openapi.yaml").as_uri()

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
STATUS_CODES = {"200", "201", "400", "401", "403", "404", "429", "500"}
ALWAYS_RESPONDS = ("401", "403", "429", "500")
EVERY_RESPONSE_HEADERS = (
    "X-Request-Id",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
)
# Keywords whose values are subschemas, or maps or lists of subschemas.
SUBSCHEMA = (
    "not",
    "if",
    "then",
    "else",
    "items",
    "contains",
    "propertyNames",
    "additionalProperties",
    "unevaluatedItems",
    "unevaluatedProperties",
)
SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas")
SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")


# Loading and resolving --------------------------------------------------------


def _path_of(uri: str) -> Path:
    return Path(url2pathname(urlsplit(uri).path))


@functools.cache
def _load(uri: str) -> Any:
    with _path_of(uri).open(encoding="utf-8") as file:
        return yaml.safe_load(file)


def _retrieve(uri: str) -> Resource[Any]:
    return DRAFT202012.create_resource(_load(uri))


REGISTRY: Registry[Any] = Registry(retrieve=_retrieve)


def _escape(key: object) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


@dataclass(frozen=True)
class Node:
    """A value in the spec together with where it is: a file URI and a JSON pointer."""

    value: Any
    uri: str
    pointer: str = ""

    def __getitem__(self, key: str | int) -> Node:
        return Node(self.value[key], self.uri, f"{self.pointer}/{_escape(key)}")

    def __contains__(self, key: str) -> bool:
        return isinstance(self.value, dict) and key in self.value

    def resolved(self) -> Node:
        """Follow `$ref`s, across files, until a value that is not a reference."""
        node = self
        while isinstance(node.value, dict) and "$ref" in node.value:
            ref = node.value["$ref"]
            contents = REGISTRY.resolver(base_uri=node.uri).lookup(ref).contents
            uri, fragment = urldefrag(urljoin(node.uri, ref))
            node = Node(contents, uri, fragment)
        return node

    @property
    def location(self) -> str:
        """Where the value is, as `file#/pointer` relative to spec/."""
        return f"{_path_of(self.uri).relative_to(SPEC_DIR).as_posix()}#{self.pointer}"

    @property
    def absolute(self) -> str:
        return f"{self.uri}#{quote(self.pointer, safe='/~')}"


# Walking the operations -------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    node: Node
    path_item: Node

    def __str__(self) -> str:
        name = self.node.value.get("operationId", "<no operationId>")
        return f"{name} ({self.method.upper()} {self.path})"

    def parameters(self) -> list[Node]:
        nodes = []
        for owner in (self.path_item, self.node):
            if "parameters" in owner:
                params = owner["parameters"]
                nodes += [params[i].resolved() for i in range(len(params.value))]
        return nodes

    def request_body(self) -> Node | None:
        return (
            self.node["requestBody"].resolved() if "requestBody" in self.node else None
        )

    def responses(self) -> dict[str, Node]:
        responses = self.node["responses"]
        return {str(code): responses[code].resolved() for code in responses.value}


def _operations() -> list[Operation]:
    root = Node(_load(ROOT_URI), ROOT_URI)
    operations = []
    for path in root["paths"].value:
        item = root["paths"][path].resolved()
        for method in HTTP_METHODS:
            if method in item:
                operations.append(Operation(method, path, item[method], item))
    return operations


OPERATIONS = _operations()


# Collecting the examples ------------------------------------------------------


@dataclass(frozen=True)
class Example:
    """One example value, the schema it must match, and the operation it belongs to."""

    operation: str
    value: Node
    schema: Node

    @property
    def id(self) -> str:
        return f"{self.operation.split()[0]}:{self.value.location}"


def _named_examples(owner: Node) -> Iterator[Node]:
    """The example values of a media type, parameter or header object."""
    if "example" in owner:
        yield owner["example"]
    if "examples" in owner:
        for name in owner["examples"].value:
            example = owner["examples"][name].resolved()
            if "value" in example:
                yield example["value"]


def _subschemas(schema: Node) -> Iterator[Node]:
    if not isinstance(schema.value, dict):
        return
    for keyword in SUBSCHEMA:
        if keyword in schema:
            yield schema[keyword]
    for keyword in SUBSCHEMA_MAPS:
        if keyword in schema:
            yield from (schema[keyword][name] for name in schema[keyword].value)
    for keyword in SUBSCHEMA_LISTS:
        if keyword in schema:
            yield from (schema[keyword][i] for i in range(len(schema[keyword].value)))


def _schema_examples(operation: str, schema: Node, seen: set[str]) -> Iterator[Example]:
    """The `examples` of a schema and of every schema it contains or refers to."""
    schema = schema.resolved()
    if schema.absolute in seen or not isinstance(schema.value, dict):
        return
    seen.add(schema.absolute)
    if isinstance(schema.value.get("examples"), list):
        for i in range(len(schema.value["examples"])):
            yield Example(operation, schema["examples"][i], schema)
    for subschema in _subschemas(schema):
        yield from _schema_examples(operation, subschema, seen)


def _examples_of(owner: Node, operation: str, seen: set[str]) -> Iterator[Example]:
    """The examples of a parameter, header or media type, and those of its schema."""
    if "schema" not in owner:
        return
    for value in _named_examples(owner):
        yield Example(operation, value, owner["schema"])
    yield from _schema_examples(operation, owner["schema"], seen)


def _media_types(owner: Node) -> Iterator[Node]:
    if "content" in owner:
        yield from (owner["content"][name] for name in owner["content"].value)


def _operation_examples(operation: Operation, seen: set[str]) -> Iterator[Example]:
    name = str(operation)
    for parameter in operation.parameters():
        yield from _examples_of(parameter, name, seen)
    body = operation.request_body()
    if body is not None:
        for media in _media_types(body):
            yield from _examples_of(media, name, seen)
    for response in operation.responses().values():
        for header_name in response.value.get("headers", {}):
            yield from _examples_of(
                response["headers"][header_name].resolved(), name, seen
            )
        for media in _media_types(response):
            yield from _examples_of(media, name, seen)


def _all_examples() -> list[Example]:
    seen: set[str] = set()
    examples = [ex for op in OPERATIONS for ex in _operation_examples(op, seen)]
    # A shared example (an error response, a header) is checked once per schema.
    unique = {(ex.value.absolute, ex.schema.absolute): ex for ex in reversed(examples)}
    return sorted(unique.values(), key=lambda ex: ex.id)


EXAMPLES = _all_examples()


# Validating -------------------------------------------------------------------

FORMAT_CHECKER = FormatChecker()


@FORMAT_CHECKER.checks("uri", raises=ValueError)
def _is_uri(value: object) -> bool:
    """An absolute URI: a scheme, then a host or path, and no whitespace."""
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    has_scheme = re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", parts.scheme) is not None
    return (
        has_scheme and bool(parts.netloc or parts.path) and not re.search(r"\s", value)
    )


def _errors(value: Any, schema: Node) -> list[str]:
    """How `value` fails to match `schema`: one `/pointer: message` line per error."""
    validator = Draft202012Validator(
        {"$ref": schema.absolute}, registry=REGISTRY, format_checker=FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(value), key=lambda error: list(error.path))
    return [
        "".join(f"/{_escape(part)}" for part in error.path) + f": {error.message}"
        for error in errors
    ]


def test_the_spec_has_examples_to_check() -> None:
    assert len(EXAMPLES) > len(OPERATIONS), f"only {len(EXAMPLES)} examples were found"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example.id)
def test_example_matches_its_schema(example: Example) -> None:
    errors = _errors(example.value.value, example.schema)

    if errors:
        pytest.fail(
            f"{example.operation}: the example at {example.value.location} does not "
            f"match the schema at {example.schema.location}:\n  "
            + "\n  ".join(f"{example.value.location}{error}" for error in errors),
            pytrace=False,
        )


@pytest.mark.parametrize(
    ("fmt", "good", "bad"),
    [
        ("date-time", "2026-01-22T12:00:00Z", "2026-01-22 12:00"),
        ("uri", "https://api.codefluss.com/v1/projects", "not a uri"),
    ],
)
def test_formats_are_really_checked(fmt: str, good: str, bad: str) -> None:
    assert fmt in FORMAT_CHECKER.checkers, f"no checker for format {fmt!r} is installed"
    assert FORMAT_CHECKER.conforms(good, fmt)
    assert not FORMAT_CHECKER.conforms(bad, fmt)


# Operation conventions --------------------------------------------------------

# The published operations: the SDK, the sandbox and the docs are built against them.
PROJECT = "/projects/{projectId}"
PAGE = PROJECT + "/pages/{pageId}"
ELEMENT = PAGE + "/elements/{elementId}"
ASSET = PROJECT + "/assets/{assetId}"
PUBLISHED_OPERATIONS = {
    "listProjects": ("get", "/projects", "Projects"),
    "createProject": ("post", "/projects", "Projects"),
    "getProject": ("get", PROJECT, "Projects"),
    "updateProject": ("patch", PROJECT, "Projects"),
    "deleteProject": ("delete", PROJECT, "Projects"),
    "publishProject": ("post", PROJECT + "/publish", "Projects"),
    "unpublishProject": ("post", PROJECT + "/unpublish", "Projects"),
    "duplicateProject": ("post", PROJECT + "/duplicate", "Projects"),
    "listPages": ("get", PROJECT + "/pages", "Pages"),
    "createPage": ("post", PROJECT + "/pages", "Pages"),
    "getPage": ("get", PAGE, "Pages"),
    "updatePage": ("patch", PAGE, "Pages"),
    "deletePage": ("delete", PAGE, "Pages"),
    "publishPage": ("post", PAGE + "/publish", "Pages"),
    "unpublishPage": ("post", PAGE + "/unpublish", "Pages"),
    "duplicatePage": ("post", PAGE + "/duplicate", "Pages"),
    "listElements": ("get", PAGE + "/elements", "Elements"),
    "getElementTree": ("get", PAGE + "/elements/tree", "Elements"),
    "createElement": ("post", PAGE + "/elements", "Elements"),
    "getElement": ("get", ELEMENT, "Elements"),
    "updateElement": ("patch", ELEMENT, "Elements"),
    "deleteElement": ("delete", ELEMENT, "Elements"),
    "moveElement": ("post", ELEMENT + "/move", "Elements"),
    "duplicateElement": ("post", ELEMENT + "/duplicate", "Elements"),
    "listAssets": ("get", PROJECT + "/assets", "Assets"),
    "uploadAsset": ("post", PROJECT + "/assets", "Assets"),
    "getAsset": ("get", ASSET, "Assets"),
    "updateAsset": ("patch", ASSET, "Assets"),
    "deleteAsset": ("delete", ASSET, "Assets"),
}


def test_operations_are_the_published_ones() -> None:
    found = {
        op.node.value.get("operationId"): (
            op.method,
            op.path,
            *op.node.value.get("tags", []),
        )
        for op in OPERATIONS
    }

    assert found == PUBLISHED_OPERATIONS


def _report(problems: list[str]) -> None:
    """Fail with every problem found, one per line, without a traceback."""
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def _defined_tags() -> set[str]:
    return {tag["name"] for tag in _load(ROOT_URI).get("tags", [])}


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_operation_is_documented(operation: Operation) -> None:
    value, where = operation.node.value, operation.node.location
    problems = []

    for key in ("operationId", "summary", "description"):
        if not str(value.get(key) or "").strip():
            problems.append(f"{operation}: {where} has no {key}")
    tags = value.get("tags", [])
    if len(tags) != 1:
        problems.append(
            f"{operation}: {where}/tags is {tags!r}; expected exactly one tag"
        )
    problems += [
        f"{operation}: {where}/tags names {tag!r}, not defined in openapi.yaml#/tags"
        for tag in tags
        if tag not in _defined_tags()
    ]
    _report(problems)


def test_operation_ids_are_unique() -> None:
    seen: dict[str, str] = {}
    problems = []

    for operation in OPERATIONS:
        operation_id = operation.node.value.get("operationId")
        if operation_id in seen:
            problems.append(
                f"{operation}: operationId {operation_id!r} at "
                f"{operation.node.location} is already used at {seen[operation_id]}"
            )
        seen[operation_id] = operation.node.location
    _report(problems)


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_operation_has_the_expected_responses(operation: Operation) -> None:
    codes = set(operation.responses())
    where = operation.node["responses"].location
    has_path_id = "{" in operation.path
    takes_input = operation.request_body() is not None or any(
        p.value["in"] in ("path", "query") for p in operation.parameters()
    )
    successes = sorted(code for code in codes if code.startswith("2"))
    problems = []

    if not codes <= STATUS_CODES:
        problems.append(
            f"{operation}: {where} has undocumented {sorted(codes - STATUS_CODES)}"
        )
    problems += [
        f"{operation}: {where} has no {code!r}"
        for code in ALWAYS_RESPONDS
        if code not in codes
    ]
    if ("404" in codes) != has_path_id:
        problems.append(
            f"{operation}: {where} must have '404' exactly when the path has an id "
            f"(path has an id: {has_path_id})"
        )
    # Malformed path ids, query parameters and bodies are all answered with 400.
    if takes_input and "400" not in codes:
        problems.append(f"{operation}: {where} takes input but has no '400'")
    if len(successes) != 1:
        problems.append(
            f"{operation}: {where} has success responses {successes}; expected one"
        )
    _report(problems)


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_responses_carry_the_common_headers(operation: Operation) -> None:
    problems = []

    for code, response in operation.responses().items():
        headers = response.value.get("headers", {})
        expected = [
            *EVERY_RESPONSE_HEADERS,
            *(["Retry-After"] if code == "429" else []),
        ]
        problems += [
            f"{operation}: the {code!r} response at {response.location} "
            f"has no {name} header"
            for name in expected
            if name not in headers
        ]
    _report(problems)


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_operation_has_examples(operation: Operation) -> None:
    body = operation.request_body()
    problems = []

    for media in _media_types(body) if body is not None else ():
        if not list(_named_examples(media)):
            problems.append(
                f"{operation}: the request body at {media.location} has no example"
            )
    for code, response in operation.responses().items():
        media_types = list(_media_types(response))
        if not media_types:
            problems.append(
                f"{operation}: the {code!r} response at {response.location} "
                "has no body"
            )
        problems += [
            f"{operation}: the {code!r} response at {media.location} has no example"
            for media in media_types
            if not list(_named_examples(media))
        ]
    _report(problems)


def _envelope(schema: Node) -> Node | None:
    """The schema with `x-envelope` that `schema` is or includes through `allOf`."""
    schema = schema.resolved()
    if "x-envelope" in schema:
        return schema
    for i in range(len(schema.value.get("allOf", []))):
        found = _envelope(schema["allOf"][i])
        if found is not None:
            return found
    return None


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_success_responses_use_the_envelope(operation: Operation) -> None:
    is_list = operation.node.value.get("operationId", "").startswith("list")
    problems = []

    for code, response in operation.responses().items():
        if not code.startswith("2"):
            continue
        if "application/json" not in response.value.get("content", {}):
            problems.append(
                f"{operation}: the {code!r} response at {response.location} "
                "has no application/json body"
            )
            continue
        schema = response["content"]["application/json"]["schema"]
        envelope = _envelope(schema)
        if envelope is None:
            problems.append(
                f"{operation}: the schema at {schema.location} includes no "
                "schema with x-envelope"
            )
        elif ("x-pagination" in envelope) != is_list:
            problems.append(
                f"{operation}: the schema at {schema.location} "
                f"{'lacks' if is_list else 'has'} x-pagination ({envelope.location})"
            )
    _report(problems)


@pytest.mark.parametrize(
    "operation", [op for op in OPERATIONS if op.method == "post"], ids=str
)
def test_post_accepts_an_idempotency_key(operation: Operation) -> None:
    keys = [
        p
        for p in operation.parameters()
        if p.value["in"] == "header" and p.value["name"] == "Idempotency-Key"
    ]

    if not keys:
        _report(
            [f"{operation}: {operation.node.location} has no Idempotency-Key parameter"]
        )


# Consistency between files ----------------------------------------------------


def _spec_files() -> list[Path]:
    """The files of the API description: the root, its path items and components."""
    parts = [
        *(SPEC_DIR / "paths").glob("*.yaml"),
        *(SPEC_DIR / "components").glob("*.yaml"),
    ]
    return [SPEC_DIR / "openapi.yaml", *sorted(parts)]


def _references(value: Any, uri: str) -> Iterator[tuple[str, str]]:
    """Every `$ref` in `value` as (file URI, first pointer segment of the target)."""
    if isinstance(value, dict):
        if isinstance(value.get("$ref"), str):
            target, fragment = urldefrag(urljoin(uri, value["$ref"]))
            yield target, fragment.split("/")[1] if fragment.startswith("/") else ""
        for item in value.values():
            yield from _references(item, uri)
    elif isinstance(value, list):
        for item in value:
            yield from _references(item, uri)


def test_every_file_and_component_is_used() -> None:
    files = _spec_files()
    referenced = {
        ref
        for path in files
        for ref in _references(_load(path.as_uri()), path.as_uri())
    }

    _report(
        [
            f"{path.relative_to(SPEC_DIR).as_posix()}#/{key} is never referenced"
            for path in files[1:]
            for key in _load(path.as_uri())
            if (path.as_uri(), key) not in referenced
        ]
    )


def test_component_names_are_unique_per_kind() -> None:
    # The bundler names a component by its key, so a key used twice would be renamed.
    owners: dict[tuple[str, str], str] = {}
    problems = []

    for path in _spec_files()[1:]:
        if path.parent.name != "components":
            continue
        kind = path.stem.split("-")[0]
        where = path.relative_to(SPEC_DIR).as_posix()
        for key in _load(path.as_uri()):
            if (kind, key) in owners:
                problems.append(
                    f"{where}#/{key} is also defined in {owners[kind, key]}"
                )
            owners[kind, key] = f"{where}#/{key}"
    _report(problems)


# Request bodies repeat the constraints of the resource's properties; they must agree.
REQUEST_SCHEMAS = {
    "schemas-projects.yaml": (
        "Project",
        ["ProjectCreate", "ProjectUpdate", "ProjectDuplicate"],
    ),
    "schemas-pages.yaml": ("Page", ["PageCreate", "PageUpdate", "PageDuplicate"]),
    "schemas-elements.yaml": (
        "Element",
        ["ElementCreate", "ElementUpdate", "ElementMove"],
    ),
    "schemas-assets.yaml": ("Asset", ["AssetUpload", "AssetUpdate"]),
}
CONSTRAINTS = (
    "$ref",
    "type",
    "format",
    "pattern",
    "enum",
    "const",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "additionalProperties",
)


@pytest.mark.parametrize(
    ("file", "resource", "request_schema"),
    [
        (file, resource, request)
        for file, (resource, requests) in REQUEST_SCHEMAS.items()
        for request in requests
    ],
)
def test_request_properties_agree_with_the_resource(
    file: str, resource: str, request_schema: str
) -> None:
    schemas = _load((SPEC_DIR / "components" / file).as_uri())
    stored = schemas[resource]["properties"]
    sent = schemas[request_schema]["properties"]
    where = f"components/{file}#/{request_schema}"
    problems = []

    if schemas[request_schema].get("additionalProperties") is not False:
        problems.append(f"{where} must set additionalProperties: false")
    for name in sorted(sent.keys() & stored.keys()):
        problems += [
            f"{where}/properties/{name}/{keyword} is {sent[name].get(keyword)!r}, but "
            f"#/{resource}/properties/{name}/{keyword} is {stored[name].get(keyword)!r}"
            for keyword in CONSTRAINTS
            if sent[name].get(keyword) != stored[name].get(keyword)
        ]
    _report(problems)
