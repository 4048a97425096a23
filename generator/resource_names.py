"""The names of resources, of their classes and of their methods.

An operation belongs to the resource of its first tag, else of its first static path
segment that does not only prefix or version the API. Its method name comes from
`x-method-name`, its operationId or its path's shape, and a resource's class name is
kept clear of every name its modules import. See ARCHITECTURE.md, "Method names".
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from .model import Resource
from .names import UniqueNames, snake_case

# Client attributes a resource cannot be named.
CLIENT_ATTRIBUTES = frozenset(
    {"with_options", "close", "base_url", "api_key", "max_retries", "timeout",
     "environment", "with_raw_response", "aclose", "copy"}
)  # fmt: skip
# Names the client module and every resource module import or define; a resource
# class (or its Async and WithRawResponse twins) of the same name would shadow them.
_RESOURCE_MODULE_NAMES = frozenset(
    {
        "Environment", "APIConventions", "AsyncAPIClient", "SyncAPIClient", "Mapping",
        "ClassVar", "Literal", "Any", "TYPE_CHECKING", "Timeout", "NotGiven", "Body",
        "Headers", "Query", "FileContent", "FileTypes", "ResponseSpec",
        "CursorPagination", "SyncCursorPage", "AsyncCursorPage", "AsyncPaginator",
        "SyncAPIResource", "AsyncAPIResource",
    }
)  # fmt: skip
# Modules that annotations in a resource class name; a method of the same name would
# hide them from the annotations after it.
_ANNOTATION_MODULES = frozenset({"datetime", "uuid"})
# Path segments that prefix or version a whole API (`api`, `v1`, `v2.1`, `v1beta1`):
# grouping untagged operations by them would put every operation in one resource.
_PREFIX_SEGMENT = re.compile(r"^(?:api|v\d+(?:\.\d+)*(?:(?:alpha|beta)\d*)?)$", re.I)
# Words a method name does without: `get-a-classroom` is `retrieve`, not `a`.
_ARTICLES = frozenset({"a", "an", "the"})
# Verbs that read one object: `getProject` is `retrieve`, `getElementTree` is `tree`.
_VERB_ALIASES = {
    "get": "retrieve",
    "read": "retrieve",
    "fetch": "retrieve",
    "show": "retrieve",
}


def resource_label(operation: dict[str, Any], path: str) -> str:
    """The resource of an operation: its first tag, else its first static segment
    after any that only prefix or version the API (`/v1/charges` -> charges)."""
    tags = operation.get("tags")
    if isinstance(tags, list) and tags and isinstance(tags[0], str) and tags[0].strip():
        return tags[0]
    segments = [s for s in path.split("/") if s and not s.startswith("{")]
    while len(segments) > 1 and _PREFIX_SEGMENT.match(segments[0]):
        segments = segments[1:]
    return segments[0] if segments else "default"


def method_names(
    resource: str, operations: list[tuple[str, str, dict[str, Any]]]
) -> list[str]:
    """The method name of each of a resource's operations (path, method, operation).

    When two operations arrive at one name, the later one spells out its whole
    operationId.
    """
    names = UniqueNames({"with_raw_response"})
    chosen = []
    for path, method, operation in operations:
        preferred = _method_name(resource, path, method, operation)
        if preferred in names:
            preferred = snake_case(operation.get("operationId") or f"{method} {path}")
        if preferred in _ANNOTATION_MODULES:
            preferred += "_"
        chosen.append(names.claim(preferred))
    return chosen


def _method_name(
    resource: str, path: str, method: str, operation: dict[str, Any]
) -> str:
    """The Python method name for an operation (see ARCHITECTURE.md, "Method names")."""
    explicit = operation.get("x-method-name")
    if isinstance(explicit, str) and explicit.strip():
        return snake_case(explicit)

    resource_words = set(resource.split("_"))
    resource_words |= {w[:-1] for w in resource_words if w.endswith("s")}
    resource_words |= {w[:-3] + "y" for w in resource_words if w.endswith("ies")}
    operation_id = operation.get("operationId")
    if isinstance(operation_id, str) and operation_id.strip():
        words = [
            w
            for w in snake_case(operation_id).split("_")
            if w not in resource_words and w not in _ARTICLES
        ]
        if words == [method]:
            # Nothing but the HTTP method (Stripe's `GetCharges`, `PostCharges`):
            # the path's shape says whether it lists, creates or retrieves.
            return _shape_name(path, method)
        if words:
            if words[0] in _VERB_ALIASES and len(words) > 1:
                words = words[1:]
            elif len(words) == 1:
                words = [_VERB_ALIASES.get(words[0], words[0])]
            return snake_case("_".join(words))
    return _shape_name(path, method)


def _shape_name(path: str, method: str) -> str:
    """A name from the path's shape, for operations without a usable operationId.

    `GET /pets` -> list, `POST /pets` -> create, `GET|PATCH|PUT|POST|DELETE /pets/{id}`
    -> retrieve|update|update|update|delete (a `POST` to an item updates it, as in
    Stripe's API); an action segment after an item keeps its name for `POST`
    (`POST /projects/{id}/publish` -> publish) and takes the verb otherwise
    (`PUT /pets/{id}/photo` -> update_photo, `GET /pets/{id}/photo` -> photo).
    """
    segments = [s for s in path.split("/") if s]
    on_item = bool(segments) and segments[-1].startswith("{")
    if segments and not on_item and len(segments) > 1 and segments[-2].startswith("{"):
        action = snake_case(segments[-1])
        prefix = {"put": "update", "patch": "update", "delete": "delete"}.get(method)
        return f"{prefix}_{action}" if prefix else action
    verbs = {
        ("get", False): "list", ("post", False): "create", ("get", True): "retrieve",
        ("put", True): "update", ("patch", True): "update", ("post", True): "update",
        ("delete", True): "delete",
    }  # fmt: skip
    last = segments[-1] if segments else ""
    return verbs.get((method, on_item), snake_case(f"{method} {last}"))


def class_names(
    resources: tuple[Resource, ...], client_class: str, model_names: set[str]
) -> tuple[Resource, ...]:
    """Give each resource a class name that shadows nothing its modules import.

    The client module imports `X` and `AsyncX`; the resource module defines those and
    `XWithRawResponse`, `AsyncXWithRawResponse` beside the models it imports. When
    any of them is taken, the name takes a `Resource` suffix ("Pets" beside a model
    named Pets is `PetsResource`), then a number.
    """
    names = UniqueNames(
        {client_class, f"Async{client_class}", *_RESOURCE_MODULE_NAMES, *model_names}
    )
    named = []
    for resource in resources:
        base, number = resource.class_name, 1
        candidate = base
        while any(n in names for n in _class_family(candidate)):
            number += 1
            candidate = f"{base}Resource" if number == 2 else f"{base}Resource{number}"
        for name in _class_family(candidate):
            names.claim(name)
        named.append(replace(resource, class_name=candidate))
    return tuple(named)


def _class_family(name: str) -> tuple[str, ...]:
    return (
        name,
        f"Async{name}",
        f"{name}WithRawResponse",
        f"Async{name}WithRawResponse",
    )
