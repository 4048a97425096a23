"""The document's examples, and the objects they describe.

Snippets take their values from the examples the document gives: a request body's
first example, a parameter's example, the properties of a schema. The response
examples together describe a small world of objects (a project, its pages, their
elements), each known by its id; a snippet that needs an object of that world creates
it first, with the values the examples give it.

An object *kind* is read from the paths: a `POST` on a collection path `C` creates the
objects that the item path `C/{param}` names, and the pattern of `param` recognises
their ids in any example.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .. import document_examples
from ..bundle import Bundle
from ..load import parse_pointer
from ..model import ModelClass, Operation, Package, Resource
from ..names import pascal_case

JSON_TYPES = ("application/json",)


@dataclass(frozen=True)
class Kind:
    """Objects created by one operation and named by one path parameter."""

    parameter: str  # the path parameter's wire name: "projectId"
    pattern: re.Pattern[str] | None  # recognises the ids in examples
    item_path: str  # "/projects/{projectId}"
    resource: Resource
    create: Operation
    model: str  # the model the create operation returns: "Project"
    id_attribute: str  # its attribute holding the id: "id"
    id_wire: str

    def matches(self, value: Any) -> bool:
        return (
            self.pattern is not None
            and isinstance(value, str)
            and self.pattern.search(value) is not None
        )


class Examples:
    """Examples and kinds of one document, and the operations they belong to."""

    def __init__(self, bundle: Bundle, package: Package) -> None:
        self.bundle = bundle
        self.data = bundle.data
        self.package = package
        self.models = {
            d.name: d
            for m in package.modules
            for d in m.definitions
            if isinstance(d, ModelClass)
        }
        self.kinds = self._kinds()
        self.world = self._world()

    # -------------------------------------------------------------- the document

    def operation(self, operation: Operation) -> dict[str, Any]:
        """The document's operation object for a model operation."""
        path_item = self.data["paths"][operation.path]
        found = path_item[operation.http_method.lower()]
        return found if isinstance(found, dict) else {}

    def deref(self, value: Any) -> Any:
        for _ in range(32):
            if not (isinstance(value, dict) and isinstance(value.get("$ref"), str)):
                return value
            target: Any = self.data
            for token in parse_pointer(value["$ref"].partition("#")[2]):
                target = (
                    target[int(token)] if isinstance(target, list) else target[token]
                )
            value = target
        return value

    def parameter(
        self, operation: Operation, wire_name: str, location: str
    ) -> dict[str, Any]:
        """The document's parameter object (operation level over path level)."""
        path_item = self.data["paths"][operation.path]
        for source in (self.operation(operation), path_item):
            for parameter in source.get("parameters") or []:
                resolved = self.deref(parameter)
                if (
                    isinstance(resolved, dict)
                    and resolved.get("name") == wire_name
                    and resolved.get("in") == location
                ):
                    return resolved
        return {}

    def parameter_example(self, parameter: dict[str, Any]) -> Any:
        """A parameter's example, else a value its schema allows; `...` if neither."""
        return document_examples.parameter_example(parameter, self.deref, fallback=True)

    def schema_example(self, schema: Any) -> Any:
        """A schema's own example, default, constant or first enum value; else `...`."""
        return document_examples.schema_example(self.deref(schema), fallback=True)

    def request_example(self, operation: Operation) -> tuple[str, Any]:
        """The media type and first example of the request body (`...` if none)."""
        body = self.deref(self.operation(operation).get("requestBody"))
        content = body.get("content") if isinstance(body, dict) else None
        if not isinstance(content, dict) or not content:
            return "", ...
        media_type = _preferred(content)
        return media_type, self._media_example(content[media_type])

    def response_example(self, operation: Operation) -> tuple[str, Any]:
        """The status and first example of the first successful JSON response."""
        responses = self.operation(operation).get("responses") or {}
        for status in sorted(str(s) for s in responses):
            if not status.startswith("2"):
                continue
            response = self.deref(responses.get(status, responses.get(int(status))))
            content = response.get("content") if isinstance(response, dict) else None
            if isinstance(content, dict) and content:
                return status, self._media_example(content[_preferred(content)])
            return status, ...
        return "", ...

    def error_examples(self, operation: Operation, status: str) -> list[Any]:
        """Every example body of one error response of an operation."""
        responses = self.operation(operation).get("responses") or {}
        response = self.deref(responses.get(status, responses.get(_int(status))))
        content = response.get("content") if isinstance(response, dict) else None
        if not isinstance(content, dict):
            return []
        media = self.deref(content.get(_preferred(content))) if content else None
        if not isinstance(media, dict):
            return []
        found = [
            self.deref(e).get("value") for e in (media.get("examples") or {}).values()
        ]
        if "example" in media:
            found.append(media["example"])
        return [value for value in found if value is not None]

    def schema_properties(self, model: str) -> dict[str, Any]:
        """The properties of the named schema a model was made from."""
        for name, schema in (
            self.data.get("components", {}).get("schemas") or {}
        ).items():
            if _pascal_equal(name, model):
                return dict(self.properties(schema))
        return {}

    def properties(self, schema: Any) -> Iterator[tuple[str, Any]]:
        schema = self.deref(schema)
        if not isinstance(schema, dict):
            return
        for part in schema.get("allOf") or []:
            yield from self.properties(part)
        for name, prop in (schema.get("properties") or {}).items():
            yield name, self.deref(prop)

    def _media_example(self, media: Any) -> Any:
        return document_examples.media_example(self.deref(media), self.deref)

    # ------------------------------------------------------------------ kinds

    def _kinds(self) -> list[Kind]:
        paths = self.data.get("paths") or {}
        kinds = []
        for resource in self.package.resources:
            for operation in resource.operations:
                model = self.models.get(operation.response.return_annotation)
                if operation.http_method != "POST" or model is None:
                    continue
                for path in paths:
                    match = re.fullmatch(
                        re.escape(operation.path) + r"/\{([^}/]+)\}", path
                    )
                    if match is not None:
                        kinds.append(
                            self._kind(resource, operation, model, path, match[1])
                        )
        return kinds

    def _kind(
        self,
        resource: Resource,
        operation: Operation,
        model: ModelClass,
        item_path: str,
        parameter: str,
    ) -> Kind:
        schema: dict[str, Any] = {}
        for method in ("get", "patch", "put", "delete"):
            item = self.data["paths"][item_path]
            for source in (item.get(method) or {}, item):
                for candidate in source.get("parameters") or []:
                    resolved = self.deref(candidate)
                    if isinstance(resolved, dict) and resolved.get("name") == parameter:
                        schema = self.deref(resolved.get("schema")) or {}
        pattern = schema.get("pattern") if isinstance(schema, dict) else None

        # The id is the property with the parameter's pattern, else one named like it.
        properties = self.schema_properties(model.name)
        patterns = {n: (s or {}).get("pattern") for n, s in properties.items()}
        by_pattern = [
            p for p in model.properties if patterns.get(p.wire_name) == pattern
        ]
        by_name = [p for p in model.properties if p.wire_name in (parameter, "id")]
        id_property = (by_pattern if pattern else [])[:1] or by_name[:1]
        chosen = id_property[0] if id_property else model.properties[0]
        return Kind(
            parameter=parameter,
            pattern=re.compile(pattern) if isinstance(pattern, str) else None,
            item_path=item_path,
            resource=resource,
            create=operation,
            model=model.name,
            id_attribute=chosen.name,
            id_wire=chosen.wire_name,
        )

    def kind_of_parameter(self, path: str, parameter: str) -> Kind | None:
        """The kind a path parameter of `path` names."""
        for kind in self.kinds:
            if kind.parameter == parameter and (
                path == kind.item_path or path.startswith(kind.item_path + "/")
            ):
                return kind
        return None

    def kind_of_value(self, value: Any) -> Kind | None:
        """The kind whose ids look like `value`."""
        return next((kind for kind in self.kinds if kind.matches(value)), None)

    # ------------------------------------------------------------------ world

    def _world(self) -> dict[str, tuple[Kind, dict[str, Any]]]:
        """Every object of a known kind in the response examples, by id (first wins)."""
        world: dict[str, tuple[Kind, dict[str, Any]]] = {}
        for resource in self.package.resources:
            for operation in resource.operations:
                _, example = self.response_example(operation)
                for record in _objects(example):
                    for kind in self.kinds:
                        value = record.get(kind.id_wire)
                        if isinstance(value, str) and kind.matches(value):
                            world.setdefault(value, (kind, record))
        return world


def _objects(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _objects(item)
    elif isinstance(value, list):
        for item in value:
            yield from _objects(item)


def _preferred(content: dict[str, Any]) -> str:
    for media_type in content:
        base = media_type.split(";")[0].strip().lower()
        if base in JSON_TYPES or base.endswith("+json"):
            return media_type
    return next(iter(content))


def _pascal_equal(schema_name: str, model: str) -> bool:
    return pascal_case(schema_name) == model


def _int(status: str) -> int | str:
    return int(status) if status.isdigit() else status
