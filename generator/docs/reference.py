"""The reference part of the docs: resources, their operations, and the models.

Each operation is shown with the names the client gives it, its parameters and
schemas as the document defines them, its examples, code samples and errors.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import replace
from typing import Any

from ..model import EnumClass, ModelClass, Operation, Property, Resource, TypeAlias
from ..names import UniqueNames
from . import markdown
from .context import Context
from .examples import Examples
from .schema_view import Field
from .view import (
    Code,
    EnumValue,
    ErrorRow,
    ModelView,
    OperationView,
    PageNote,
    ParameterRow,
    ResourceView,
)

# The statuses the runtime sends again (see ARCHITECTURE.md, "Retries"; the docs
# tests check this against the generated package).
RETRIED_STATUSES = frozenset({"408", "429"})


def retried(status: str) -> bool:
    """Whether the client retries a response with this status."""
    return status in RETRIED_STATUSES or status.upper().startswith("5")


class Anchors:
    """Element ids of the page: unique, operations' own ids first."""

    def __init__(self) -> None:
        self._names = UniqueNames()

    def claim(self, preferred: str) -> str:
        text = re.sub(r"[^A-Za-z0-9_.:-]+", "-", preferred).strip("-") or "section"
        return self._names.claim(text, separator="-")


def code(language: str, label: str, source: str) -> Code:
    """A code sample; its text ends with one newline, as a file does."""
    source = source.rstrip("\n") + "\n"
    return Code(language, label, source, markdown.highlight(source, language))


def json_code(value: Any) -> Code | None:
    if value is ...:
        return None
    return code("json", "JSON", json.dumps(value, indent=2, ensure_ascii=False))


def dotted(pointer: str) -> str:
    """A JSON pointer as a dotted path: `/page/hasMore` -> `page.hasMore`."""
    return ".".join(
        t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]
    )


class Reference:
    """Builds the resource and model views of one document."""

    def __init__(self, context: Context, anchors: Anchors) -> None:
        self.context = context
        self.package = context.package
        self.examples = context.examples
        self.schemas = context.schemas
        self.anchors = anchors
        # Operations keep their operationId as their id, so they claim theirs first.
        self.operation_anchors = {
            id(op): anchors.claim(op.operation_id or f"{op.http_method} {op.path}")
            for r in context.package.resources
            for op in r.operations
        }

    def resources(self) -> tuple[ResourceView, ...]:
        order = self._document_order()
        views = []
        for resource in self.package.resources:
            operations = sorted(
                resource.operations,
                key=lambda op: order.get((op.path, op.http_method), 0),
            )
            views.append(
                ResourceView(
                    anchor=self.anchors.claim(resource.name),
                    title=self._tag(resource),
                    attribute=resource.name,
                    description=markdown.render(resource.description, heading_offset=2),
                    operations=tuple(self.operation(resource, op) for op in operations),
                )
            )
        return tuple(views)

    def operation(self, resource: Resource, operation: Operation) -> OperationView:
        document = self.examples.operation(operation)
        call = self.context.planner.call(resource, operation)
        python = self.context.samples.python(call)
        _, request = self.examples.request_example(operation)
        status, response = self.examples.response_example(operation)
        media_type, body_schema, body_required = self._body(document)
        response_spec = self._response(document, status)
        envelope = self._envelope_wire(operation)
        return OperationView(
            anchor=self.operation_anchors[id(operation)],
            method=operation.http_method,
            path=operation.path,
            summary=operation.summary or f"{operation.http_method} {operation.path}",
            description=markdown.render(operation.description, heading_offset=3),
            deprecated=operation.deprecated,
            call=call.target,
            returns=self._returns(operation),
            parameters=self._parameters(operation),
            body=self._arguments(operation, body_schema),
            body_media_type=media_type,
            body_required=body_required,
            request_example=json_code(request) if media_type.endswith("json") else None,
            response_status=status,
            response_description=markdown.render(
                str(response_spec.get("description") or ""), heading_offset=4
            ),
            response=self._response_fields(response_spec, envelope),
            response_example=json_code(response),
            samples=(
                code("python", "Python", python),
                code("bash", "curl", self.context.samples.curl(operation)),
            ),
            page=self.page_note(operation),
            errors=self.errors(operation),
        )

    def errors(self, operation: Operation) -> tuple[ErrorRow, ...]:
        rows = []
        for error in operation.errors:
            codes: list[str] = []
            for body in self.examples.error_examples(operation, error.status):
                found = _at(body, self.package.conventions.error_code or ())
                if isinstance(found, str) and found not in codes:
                    codes.append(found)
            rows.append(
                ErrorRow(
                    status=error.status,
                    codes=tuple(codes),
                    exception=error.exception,
                    retried=retried(error.status),
                    description=markdown.render(error.description, heading_offset=4),
                    summary=markdown.render_inline(
                        markdown.first_sentence(error.description)
                    ),
                )
            )
        return tuple(rows)

    def page_note(self, operation: Operation) -> PageNote | None:
        pagination = operation.response.pagination
        marker = self._pagination_marker(operation)
        if pagination is None or marker is None:
            return None
        total = marker.get("total")
        return PageNote(
            item=pagination.item_annotation,
            cursor_param=pagination.cursor_param,
            items=dotted(str(marker.get("items", ""))),
            has_more=dotted(str(marker.get("hasMore", ""))),
            next_cursor=dotted(str(marker.get("nextCursor", ""))),
            total=dotted(total) if isinstance(total, str) else None,
        )

    # ------------------------------------------------------------------- models

    def models(self) -> tuple[ModelView, ...]:
        definitions = sorted(
            (d for m in self.package.modules for d in m.definitions),
            key=lambda d: d.name,
        )
        views = []
        for definition in definitions:
            schema = self._component(definition.name)
            description = definition.description
            fields: tuple[Field, ...] = ()
            values: tuple[EnumValue, ...] = ()
            annotation = ""
            if isinstance(definition, ModelClass):
                fields = (
                    self.schemas.properties(schema, "model")
                    if schema is not None
                    else tuple(self._model_field(p) for p in definition.properties)
                )
            elif isinstance(definition, EnumClass):
                values = tuple(
                    EnumValue(
                        m.name,
                        json.dumps(ast.literal_eval(m.value), ensure_ascii=False),
                    )
                    for m in definition.members
                )
            elif isinstance(definition, TypeAlias):
                annotation = definition.annotation
                if schema is not None:
                    fields = (self.schemas.field("", schema, "model", required=True),)
            views.append(
                ModelView(
                    anchor=self.anchors.claim(definition.name),
                    name=definition.name,
                    kind=definition.kind,
                    description=markdown.render(description, heading_offset=3),
                    fields=fields,
                    values=values,
                    annotation=annotation,
                )
            )
        return tuple(views)

    # ------------------------------------------------------------------ helpers

    def _parameters(self, operation: Operation) -> tuple[ParameterRow, ...]:
        rows = []
        for parameter in operation.parameters:
            if parameter.location not in ("path", "query", "header", "cookie"):
                continue
            spec = self.examples.parameter(
                operation, parameter.wire_name, parameter.location
            )
            field = self.schemas.field(
                parameter.wire_name, spec.get("schema") or {}, "request",
                required=parameter.required,
            )  # fmt: skip
            description = str(spec.get("description") or "")
            field = replace(
                field,
                description=(
                    markdown.render(description, heading_offset=4)
                    if description
                    else field.description
                ),
                deprecated=parameter.deprecated,
            )
            rows.append(
                ParameterRow(
                    name=parameter.wire_name,
                    argument=parameter.name,
                    positional=parameter.location == "path",
                    location=parameter.location,
                    field=field,
                )
            )
        return tuple(rows)

    def _arguments(self, operation: Operation, schema: Any) -> tuple[Field, ...]:
        """The request body's rows, each with the keyword argument that sets it."""
        if schema is None:
            return ()
        arguments = {
            p.wire_name: p.name
            for p in operation.parameters
            if p.location in ("body", "form", "file")
        }
        return tuple(
            replace(row, argument=arguments.get(row.name, ""))
            for row in self.schemas.properties(schema, "request")
        )

    def _body(self, document: dict[str, Any]) -> tuple[str, Any, bool]:
        body = self.examples.deref(document.get("requestBody"))
        content = body.get("content") if isinstance(body, dict) else None
        if not isinstance(content, dict) or not content:
            return "", None, False
        media_type = next(
            (m for m in content if m.split(";")[0].strip().endswith("json")),
            next(iter(content)),
        )
        media = self.examples.deref(content[media_type]) or {}
        return media_type, media.get("schema"), bool(body.get("required"))

    def _response(self, document: dict[str, Any], status: str) -> dict[str, Any]:
        responses = document.get("responses") or {}
        found = self.examples.deref(responses.get(status, responses.get(_int(status))))
        return found if isinstance(found, dict) else {}

    def _response_fields(
        self, response: dict[str, Any], envelope: str | None
    ) -> tuple[Field, ...]:
        content = response.get("content")
        if not isinstance(content, dict) or not content:
            return ()
        media_type = next((m for m in content if "json" in m), next(iter(content)))
        schema = (self.examples.deref(content[media_type]) or {}).get("schema")
        if schema is None:
            return ()
        opened = frozenset({envelope}) if envelope else frozenset()
        return self.schemas.properties(schema, "response", open_names=opened)

    def _envelope_wire(self, operation: Operation) -> str | None:
        envelope = operation.response.envelope
        model = self.examples.models.get(operation.response.body_annotation)
        if envelope is None or model is None:
            return None
        prop = next((p for p in model.properties if p.name == envelope), None)
        return prop.wire_name if prop else None

    def _returns(self, operation: Operation) -> str:
        pagination = operation.response.pagination
        if pagination is not None:
            return f"SyncCursorPage[{pagination.item_annotation}]"
        return operation.response.return_annotation.replace("builtins.", "")

    def _pagination_marker(self, operation: Operation) -> dict[str, Any] | None:
        document = self.examples.operation(operation)
        status, _ = self.examples.response_example(operation)
        response = self._response(document, status)
        for media in (response.get("content") or {}).values():
            found = _marker(self.examples, (media or {}).get("schema"), "x-pagination")
            if isinstance(found, dict):
                return found
        return None

    def _component(self, name: str) -> Any:
        for key in (self.examples.data.get("components") or {}).get("schemas") or {}:
            if self.schemas.model_of(f"#/components/schemas/{key}") == name:
                return {"$ref": f"#/components/schemas/{key}"}
        return None

    def _model_field(self, prop: Property) -> Field:
        return Field(
            name=prop.wire_name, type=prop.annotation, model=None, detail="",
            required=prop.default is None, nullable=prop.annotation.endswith("| None"),
            read_only=False, write_only=False, deprecated=prop.deprecated,
            description=markdown.render(prop.description, heading_offset=4),
            constraints=(), pattern=None, values=(), default=None, children=(),
        )  # fmt: skip

    def _tag(self, resource: Resource) -> str:
        for operation in resource.operations:
            tags = self.examples.operation(operation).get("tags")
            if isinstance(tags, list) and tags and isinstance(tags[0], str):
                return tags[0]
        return resource.class_name

    def _document_order(self) -> dict[tuple[str, str], int]:
        order: dict[tuple[str, str], int] = {}
        for path, item in (self.examples.data.get("paths") or {}).items():
            for method in item if isinstance(item, dict) else {}:
                order[(path, method.upper())] = len(order)
        return order


def _marker(examples: Examples, schema: Any, key: str) -> Any:
    schema = examples.deref(schema)
    if not isinstance(schema, dict):
        return None
    if key in schema:
        return schema[key]
    for part in schema.get("allOf") or ():
        found = _marker(examples, part, key)
        if found is not None:
            return found
    return None


def _at(body: Any, path: tuple[str, ...]) -> Any:
    for token in path:
        if not isinstance(body, dict):
            return None
        body = body.get(token)
    return body if path else None


def _int(status: str) -> int | str:
    return int(status) if status.isdigit() else status
