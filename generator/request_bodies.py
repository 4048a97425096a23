"""An operation's request body: the arguments its method takes for it.

An object body with properties becomes one keyword argument per property (a file
of a multipart body is a file argument; a read-only property, set by the server, is
left out); any other body is a single `body` argument. The first request example
gives the keyword arguments that READMEs and docs show.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .annotations import optional, strip_optional
from .bundle import Bundle
from .document_examples import media_example
from .document_values import choose_media_type, is_json
from .errors import Diagnostics
from .load import Pointer
from .model import Parameter, ParameterLocation
from .names import UniqueNames, pascal_case, python_literal
from .parameters import ParameterBuilder
from .schemas import PyType, SchemaBuilder, merged_properties


class BodyBuilder:
    """Builds the arguments of request bodies."""

    def __init__(
        self,
        bundle: Bundle,
        schemas: SchemaBuilder,
        diagnostics: Diagnostics,
        parameters: ParameterBuilder,
    ) -> None:
        self.bundle = bundle
        self.schemas = schemas
        self.diagnostics = diagnostics
        self.parameters = parameters

    def body(
        self, operation: dict[str, Any], pointer: Pointer, hint: str, names: UniqueNames
    ) -> tuple[Any, list[Parameter], Parameter | None]:
        """The body's kind, and its property arguments or its single `body` argument."""
        body = self.schemas.deref(operation.get("requestBody"))
        if not isinstance(body, dict) or not isinstance(body.get("content"), dict):
            return "none", [], None
        media_type, media = choose_media_type(body["content"])
        kind = _body_kind(media_type)
        schema = media.get("schema") if isinstance(media, dict) else None
        schema_value = self.schemas.deref(schema) if schema is not None else {}
        required_body = bool(body.get("required"))
        body_pointer = (*pointer, "requestBody", "content", media_type, "schema")

        properties: dict[str, tuple[Any, Pointer]] = {}
        required: set[str] = set()
        if kind != "binary" and isinstance(schema_value, dict):
            properties, required = merged_properties(
                schema_value, self.schemas, body_pointer
            )
        if not properties:
            py_type = (
                PyType("FileContent", "bytes") if kind == "binary"
                else self.schemas.type_of(schema or {}, body_pointer, f"{hint}Body")
            )  # fmt: skip
            name = names.claim("body")
            annotation = (
                py_type.annotation if required_body else optional(py_type.annotation)
            )
            return (
                kind,
                [],
                Parameter(name, "body", "body", annotation, required_body, "NOT_GIVEN"),
            )

        # An optional body makes every property optional: the call may send none.
        required = required if required_body else set()
        return kind, self._properties(kind, properties, required, hint, names), None

    def media_type(self, operation: dict[str, Any]) -> str:
        """The media type the body is sent as ("" without a body)."""
        body = self.schemas.deref(operation.get("requestBody"))
        content = body.get("content") if isinstance(body, dict) else None
        return (
            choose_media_type(content)[0]
            if isinstance(content, dict) and content
            else ""
        )

    def example_arguments(
        self, operation: dict[str, Any], body_parameters: list[Parameter]
    ) -> tuple[tuple[str, str], ...]:
        """Keyword arguments from the first request example, for docs and READMEs."""
        body = self.schemas.deref(operation.get("requestBody"))
        content = body.get("content") if isinstance(body, dict) else None
        if not isinstance(content, dict) or not content:
            return ()
        _, media = choose_media_type(content)
        example = media_example(media, self.schemas.deref)
        if not isinstance(example, dict):
            return ()
        by_wire = {p.wire_name: p for p in body_parameters if p.location != "file"}
        return tuple(
            (by_wire[key].name, python_literal(value))
            for key, value in example.items()
            if key in by_wire
        )

    def _properties(
        self,
        kind: str,
        properties: dict[str, tuple[Any, Pointer]],
        required: set[str],
        hint: str,
        names: UniqueNames,
    ) -> list[Parameter]:
        """One argument per property the client sends (`required`: the ones it must)."""
        built = []
        for wire_name, (prop_schema, prop_pointer) in properties.items():
            resolved = self.schemas.deref(prop_schema)
            if isinstance(resolved, dict) and resolved.get("readOnly"):
                continue  # set by the server; never sent
            location: ParameterLocation = "body"
            if kind in ("multipart", "form"):
                location = "file" if _is_binary(resolved, self.schemas) else "form"
            py_type = (
                PyType("FileTypes", "bytes") if location == "file"
                else self.schemas.type_of(
                    prop_schema, prop_pointer, hint + pascal_case(wire_name)
                )
            )  # fmt: skip
            if py_type.category == "object" and py_type.definitions:
                # A nested object: its model, or a dict sent as it is (API names).
                # The model is the one responses use, so it also has the schema's
                # read-only properties; a required one must be given to build it,
                # and is then sent. A dict leaves them out.
                self._check_read_only(wire_name, resolved, prop_pointer)
                annotation = f"{strip_optional(py_type.annotation)} | dict[str, Any]"
                py_type = replace(
                    py_type,
                    annotation=annotation + (" | None" if py_type.nullable else ""),
                    imports=py_type.imports | {"from typing import Any"},
                )
            spec = resolved if isinstance(resolved, dict) else {}
            parameter = self.parameters.parameter(
                wire_name, location, py_type, wire_name in required, spec, names
            )
            built.append(_with_constant(parameter, spec, py_type))
        return built

    def _check_read_only(self, wire_name: str, schema: Any, pointer: Pointer) -> None:
        """Warn when a nested body model can only be built with read-only values."""
        if not isinstance(schema, dict):
            return
        properties, required = merged_properties(schema, self.schemas)
        read_only = sorted(
            name
            for name in required & properties.keys()
            if _is_read_only(self.schemas.deref(properties[name][0]))
        )
        if read_only:
            self.diagnostics.warn(
                f"The body property {wire_name!r} is an object whose model requires "
                f"the read-only properties {read_only}; a model built to send sends "
                "them too. Pass a dict to send the object without them.",
                self.bundle.location(pointer),
                self.schemas.operation,
            )


def _body_kind(media_type: str) -> Any:
    if is_json(media_type):
        return "json"
    if media_type == "multipart/form-data":
        return "multipart"
    if media_type == "application/x-www-form-urlencoded":
        return "form"
    return "binary"


def _is_binary(schema: Any, schemas: SchemaBuilder) -> bool:
    schema = schemas.deref(schema)
    if not isinstance(schema, dict):
        return False
    if (
        schema.get("format") == "binary"
        or schema.get("contentMediaType")
        or schema.get("contentEncoding") == "binary"
    ):
        return True
    return schema.get("type") == "array" and _is_binary(schema.get("items"), schemas)


def _is_read_only(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("readOnly") is True


def _with_constant(
    parameter: Parameter, schema: dict[str, Any], py_type: PyType
) -> Parameter:
    """A required property with a `const` value is an argument that defaults to it.

    It is sent on every call, so the caller need not spell out `kind="note"`; an
    optional constant stays optional, and is sent only when given.
    """
    if "const" not in schema or py_type.category == "any" or not parameter.required:
        return parameter
    return replace(
        parameter,
        annotation=py_type.annotation,
        required=False,
        default=python_literal(schema["const"]),
    )
