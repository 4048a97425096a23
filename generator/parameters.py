"""An operation's parameters: the arguments of its method, and the path it sends to.

Path parameters come first, in the order of the path; the rest are keyword-only.
Parameters of the path item and of the operation are merged, the operation's winning.
Headers that OpenAPI says are not parameters (`Accept`, `Content-Type`,
`Authorization`) and the idempotency key (an argument of its own) are left out.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from .annotations import optional, strip_optional
from .bundle import Bundle
from .document_examples import parameter_example
from .document_values import text
from .errors import Diagnostics
from .load import Pointer
from .model import EnumClass, Parameter, ParameterLocation
from .names import UniqueNames, pascal_case, python_literal, snake_case, string_literal
from .schemas import PyType, SchemaBuilder

# Arguments every method has; a parameter of the same name is renamed.
METHOD_ARGUMENTS = frozenset(
    {
        "self",
        "extra_headers",
        "extra_query",
        "extra_body",
        "timeout",
        "idempotency_key",
        "max_retries",
    }
)
# How a query array that is not exploded joins its items, by style.
_DELIMITERS = {"spaceDelimited": " ", "pipeDelimited": "|"}
# Headers OpenAPI says are not described as parameters (ignored if they are).
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})


class ParameterBuilder:
    """Builds the parameters of operations, and the arguments of body properties."""

    def __init__(
        self,
        bundle: Bundle,
        schemas: SchemaBuilder,
        diagnostics: Diagnostics,
        idempotency_header: str | None,
    ) -> None:
        self.bundle = bundle
        self.schemas = schemas
        self.diagnostics = diagnostics
        self.idempotency_header = idempotency_header

    def parameters(
        self,
        path: str,
        path_item: dict[str, Any],
        operation: dict[str, Any],
        pointer: Pointer,
        hint: str,
        names: UniqueNames,
    ) -> list[Parameter]:
        """The path, query, header and cookie arguments of an operation's method."""
        raw = self._declared(path_item, operation)
        order = {name: i for i, name in enumerate(re.findall(r"{([^}]+)}", path))}
        raw.sort(key=lambda p: (p.get("in") != "path", order.get(p.get("name"), 0)))
        idempotency = (self.idempotency_header or "").lower()
        built = []
        for parameter in raw:
            location = parameter.get("in")
            wire_name = str(parameter.get("name"))
            if location == "header" and wire_name.lower() in (
                _IGNORED_HEADERS | {idempotency}
            ):
                continue
            if location not in ("path", "query", "header", "cookie"):
                continue
            schema = parameter.get("schema")
            if schema is None and isinstance(parameter.get("content"), dict):
                media = next(iter(parameter["content"].values()), None)
                schema = media.get("schema") if isinstance(media, dict) else None
            py_type = self.schemas.type_of(
                schema or {}, pointer, hint + pascal_case(wire_name)
            )
            required = bool(parameter.get("required")) or location == "path"
            if location == "query" and py_type.category == "object":
                self._check_object_style(parameter, pointer)
            built.append(
                self.parameter(wire_name, location, py_type, required, parameter, names)
            )
        return built

    def takes_idempotency_key(
        self, path_item: dict[str, Any], operation: dict[str, Any]
    ) -> bool:
        """Whether the operation declares the API's idempotency-key header."""
        idempotency = self.idempotency_header
        return idempotency is not None and any(
            isinstance(p, dict)
            and str(p.get("name", "")).lower() == idempotency.lower()
            for p in self._declared(path_item, operation)
        )

    def parameter(
        self,
        wire_name: str,
        location: ParameterLocation,
        py_type: PyType,
        required: bool,
        spec: dict[str, Any],
        names: UniqueNames,
    ) -> Parameter:
        """One argument, from a parameter object or a body property's schema."""
        base = snake_case(wire_name, prefix="param")
        name = names.claim(base if base not in names else f"{base}_{location}")
        py_type = self._accept_enum_values(py_type)
        annotation = py_type.annotation if required else optional(py_type.annotation)
        schema = spec.get("schema") if isinstance(spec.get("schema"), dict) else spec
        style = spec.get("style", "form")
        explode = spec.get("explode", style == "form")
        example = parameter_example(spec, self.schemas.deref)
        description = text(spec.get("description") or (schema or {}).get("description"))
        deprecated = bool(spec.get("deprecated") or (schema or {}).get("deprecated"))
        if deprecated:
            description = f"Deprecated. {description}".strip()
        return Parameter(
            name=name,
            wire_name=wire_name,
            location=location,
            annotation=annotation,
            required=required,
            default="NOT_GIVEN",
            description=description,
            deprecated=deprecated,
            explode=bool(explode),
            delimiter=_DELIMITERS.get(style, ","),
            example=None if example is ... else python_literal(example),
        )

    def _declared(
        self, path_item: dict[str, Any], operation: dict[str, Any]
    ) -> list[Any]:
        """The parameter objects of the path item and the operation, resolved.

        An operation's parameter replaces the path item's of the same name and place.
        """
        merged: dict[tuple[str, str], Any] = {}
        for parameter in [
            *(path_item.get("parameters") or []),
            *(operation.get("parameters") or []),
        ]:
            resolved = self.schemas.deref(parameter)
            if isinstance(resolved, dict):
                merged[(str(resolved.get("name")), str(resolved.get("in")))] = resolved
        return list(merged.values())

    def _check_object_style(self, parameter: dict[str, Any], pointer: Pointer) -> None:
        """Object query parameters are sent as `name[key]=value` (deepObject) only."""
        style = parameter.get("style", "form")
        if style != "deepObject":
            self.diagnostics.warn(
                f"The query parameter {parameter.get('name')!r} is an object in the "
                f"{style!r} style; the client sends objects in the 'deepObject' style "
                "(`name[key]=value`). Pass the keys through `extra_query` if the API "
                "expects them otherwise.",
                self.bundle.location(pointer),
                self.schemas.operation,
            )

    def _accept_enum_values(self, py_type: PyType) -> PyType:
        """An enum argument also takes its values as plain strings (or integers).

        `status="published"` reads better than `status=ProjectStatus.PUBLISHED`, and
        type checkers still catch a misspelt value through the Literal.
        """
        core = strip_optional(py_type.annotation)
        pending = self.schemas.pending.get(core)
        enum = pending.definition if pending else None
        if not isinstance(enum, EnumClass):
            return py_type
        values = ", ".join(member.value for member in enum.members)
        annotation = f"{core} | Literal[{values}]"
        if py_type.annotation.endswith(" | None"):
            annotation += " | None"
        imports = py_type.imports | {"from typing import Literal"}
        return replace(py_type, annotation=annotation, imports=imports)


def path_expression(path: str, parameters: list[Parameter]) -> str:
    """An f-string building the path: `f"/projects/{_path_param(project_id)}"`."""
    by_wire = {p.wire_name: p.name for p in parameters if p.location == "path"}
    pieces = re.split(r"({[^}]+})", path)
    out = []
    for piece in pieces:
        if piece.startswith("{") and piece.endswith("}") and piece[1:-1] in by_wire:
            out.append("{_path_param(" + by_wire[piece[1:-1]] + ")}")
        else:
            out.append(piece.replace("{", "{{").replace("}", "}}"))
    literal = string_literal("".join(out))
    return "f" + literal if by_wire else literal
