"""Schemas as the rows a reader sees: name, type, required, constraints, values.

A schema becomes a tree of `Field`s. In a request body, references to named schemas
are expanded in place, so that it shows every property a caller may send, however
deep. A response shows its payload's properties, and links the named models nested
in them to their own entries, which keeps the page small; so does a model's entry.
A schema that contains itself is expanded once and then linked. Request views leave
out read-only properties and response views leave out write-only ones, as the client
does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ..bundle import Bundle
from ..errors import Diagnostics
from ..load import Pointer, parse_pointer
from ..names import pascal_case
from ..schemas import SchemaBuilder, merged_properties

Direction = Literal["request", "response", "model"]
_SCHEMAS_PREFIX = ("components", "schemas")


@dataclass(frozen=True)
class Field:
    """One row of a schema view, with the rows nested under it."""

    name: str  # the wire name; "" for the items of an array or a variant
    type: str  # a short label: "string", "array of Page", "map of string"
    model: str | None  # the model the type names, for a link
    detail: str  # what a named type is, when it is not an object: "string"
    required: bool
    nullable: bool
    read_only: bool
    write_only: bool
    deprecated: bool
    description: str  # HTML
    constraints: tuple[str, ...]  # in words: "1 to 100 characters"
    pattern: str | None  # a regular expression the value matches
    values: tuple[str, ...]  # allowed values, as JSON text
    default: str | None  # as JSON text
    children: tuple[Field, ...]
    # Children left out and linked to the model instead: nested named models of
    # responses and models, and any schema that contains itself.
    linked: bool = False
    open: bool = False  # shown unfolded
    argument: str = ""  # for a request body property: the method's keyword argument


class SchemaViews:
    """Builds fields for the schemas of one document."""

    def __init__(
        self,
        bundle: Bundle,
        model_names: frozenset[str],
        render: Callable[[str], str],
    ) -> None:
        self.bundle = bundle
        self.model_names = model_names
        self.render = render
        self.builder = SchemaBuilder(bundle, Diagnostics())
        self._descriptions: dict[str, str] = {}

    def model_of(self, ref: str) -> str | None:
        """The model generated for a reference to a named schema, if there is one."""
        pointer = parse_pointer(ref.partition("#")[2])
        if len(pointer) == 3 and pointer[:2] == _SCHEMAS_PREFIX:
            name = pascal_case(pointer[2])
            return name if name in self.model_names else None
        return None

    def properties(
        self,
        schema: Any,
        direction: Direction,
        *,
        open_names: frozenset[str] = frozenset(),
    ) -> tuple[Field, ...]:
        """The rows of an object schema's properties (one row for any other schema)."""
        stack = _stack_of(schema)
        target = self._resolve(schema)
        if not (isinstance(target, dict) and _has_properties(target, self.builder)):
            return (self.field("", schema, direction, required=True, stack=stack),)
        fields = self._object_fields(target, direction, stack, open_names)
        return tuple(
            _opened(f) if f.name in open_names and f.children else f for f in fields
        )

    def field(
        self,
        name: str,
        schema: Any,
        direction: Direction,
        *,
        required: bool,
        stack: tuple[str, ...] = (),
        expand: bool = True,
    ) -> Field:
        """The row for one property (or array item) and the rows nested under it.

        With `expand` False, a named model is linked rather than expanded.
        """
        siblings = schema if isinstance(schema, dict) else {}
        ref = siblings.get("$ref") if isinstance(siblings.get("$ref"), str) else None
        target = self._resolve(schema) if ref else schema
        target = target if isinstance(target, dict) else {}
        model = self.model_of(ref) if ref else None
        linked = ref is not None and (
            ref in stack or (model is not None and not expand)
        )
        inner_stack = (*stack, ref) if ref else stack

        nullable, core = _split_null(target)
        shape = self._shape(core, direction, inner_stack, linked=linked, expand=expand)
        description = siblings.get("description") or target.get("description") or ""
        return Field(
            name=name,
            type=model or shape.label,
            model=model or shape.model,
            detail=shape.label if model and shape.label != "object" else "",
            required=required,
            nullable=nullable or bool(siblings.get("nullable")),
            read_only=bool(siblings.get("readOnly") or target.get("readOnly")),
            write_only=bool(siblings.get("writeOnly") or target.get("writeOnly")),
            deprecated=bool(siblings.get("deprecated") or target.get("deprecated")),
            description=self._description(str(description)),
            constraints=_constraints({**core, **_constraint_keys(siblings)}),
            pattern=_pattern({**core, **_constraint_keys(siblings)}),
            values=_values(core),
            default=_json(core["default"]) if "default" in core else None,
            children=shape.children,
            linked=shape.linked,
        )

    # ------------------------------------------------------------------ shapes

    def _shape(
        self,
        schema: dict[str, Any],
        direction: Direction,
        stack: tuple[str, ...],
        *,
        linked: bool,
        expand: bool,
    ) -> _Shape:
        """The type label of a schema and the rows nested under it."""
        if _has_properties(schema, self.builder):
            if linked:
                return _Shape("object", linked=True)
            return _Shape("object", self._object_fields(schema, direction, stack))
        for keyword, word in (("oneOf", "one of"), ("anyOf", "any of")):
            variants = schema.get(keyword)
            if isinstance(variants, list):
                rows = tuple(
                    self.field(
                        "", v, direction, required=True, stack=stack, expand=expand
                    )
                    for v in variants
                )
                labels = ", ".join(row.type for row in rows)
                return _Shape(f"{word}: {labels}", rows)

        # A schema made of one other schema: allOf, array items, map values.
        inner, template = _inner(schema)
        if inner is None:
            return _Shape(_scalar_label(schema))
        row = self.field(
            "", inner, direction, required=True, stack=stack, expand=expand
        )
        return _Shape(template.format(row.type), row.children, row.model, row.linked)

    def _object_fields(
        self,
        schema: dict[str, Any],
        direction: Direction,
        stack: tuple[str, ...],
        expanded: frozenset[str] = frozenset(),
    ) -> tuple[Field, ...]:
        """The rows of an object's properties; named models in `expanded` unfold."""
        properties, required = merged_properties(schema, self.builder)
        rows = []
        for name, (prop, _pointer) in properties.items():
            resolved = self._resolve(prop)
            flags = {**(resolved if isinstance(resolved, dict) else {}), **prop}
            if direction == "request" and flags.get("readOnly"):
                continue
            if direction == "response" and flags.get("writeOnly"):
                continue
            expand = direction == "request" or name in expanded
            row = self.field(
                name, prop, direction,
                required=name in required, stack=stack, expand=expand,
            )  # fmt: skip
            rows.append(row)
        return tuple(rows)

    # ----------------------------------------------------------------- helpers

    def _resolve(self, schema: Any) -> Any:
        seen = 0
        while isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            pointer: Pointer = parse_pointer(schema["$ref"].partition("#")[2])
            schema = self.builder.resolve(pointer)
            seen += 1
            if seen > 32:
                return {}
        return schema

    def _description(self, text: str) -> str:
        if text not in self._descriptions:
            self._descriptions[text] = self.render(text)
        return self._descriptions[text]


# --------------------------------------------------------------------- helpers


@dataclass(frozen=True)
class _Shape:
    label: str
    children: tuple[Field, ...] = ()
    model: str | None = None
    linked: bool = False


def _inner(schema: dict[str, Any]) -> tuple[Any, str]:
    """The one schema a schema wraps, and how to name the wrapper from its type."""
    parts = schema.get("allOf")
    if isinstance(parts, list) and parts:
        return parts[0], "{}"
    items = schema.get("items")
    if schema.get("type") == "array" or "items" in schema:
        return (items, "array of {}") if isinstance(items, dict) else (None, "")
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict) and extra:
        return extra, "map of {}"
    return None, ""


def _stack_of(schema: Any) -> tuple[str, ...]:
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        return (schema["$ref"],)
    return ()


def _opened(field: Field) -> Field:
    return Field(**{**field.__dict__, "open": True})


def _has_properties(schema: dict[str, Any], builder: SchemaBuilder) -> bool:
    properties, _ = merged_properties(schema, builder)
    return bool(properties)


def _split_null(schema: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
    """Whether a schema admits null, and the schema without that possibility."""
    kind = schema.get("type")
    if isinstance(kind, list) and "null" in kind:
        rest = [k for k in kind if k != "null"]
        core = {**schema, "type": rest[0] if len(rest) == 1 else rest}
        return True, core
    for keyword in ("oneOf", "anyOf"):
        variants = schema.get(keyword)
        if isinstance(variants, list):
            rest = [v for v in variants if v != {"type": "null"}]
            if len(rest) < len(variants):
                return True, {**schema, keyword: rest}
    enum = schema.get("enum")
    if isinstance(enum, list) and None in enum:
        return True, {**schema, "enum": [v for v in enum if v is not None]}
    return bool(schema.get("nullable")), schema


def _scalar_label(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    if "const" in schema and kind is None:
        kind = _json_type(schema["const"])
    if isinstance(kind, list):
        return " or ".join(str(k) for k in kind)
    if kind is None:
        return "any"
    fmt = schema.get("format")
    if kind == "string" and fmt == "binary":
        return "file"
    return f"{kind} ({fmt})" if isinstance(fmt, str) else str(kind)


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    names = {str: "string", list: "array", dict: "object"}
    return next((n for t, n in names.items() if isinstance(value, t)), "null")


def _values(schema: dict[str, Any]) -> tuple[str, ...]:
    if "const" in schema:
        return (_json(schema["const"]),)
    enum = schema.get("enum")
    return tuple(_json(v) for v in enum) if isinstance(enum, list) else ()


_CONSTRAINT_KEYS = frozenset(
    {"minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum",
     "exclusiveMaximum", "multipleOf", "pattern", "minItems", "maxItems",
     "uniqueItems", "minProperties", "maxProperties"}
)  # fmt: skip


def _constraint_keys(schema: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k in _CONSTRAINT_KEYS}


def _constraints(schema: Mapping[str, Any]) -> tuple[str, ...]:
    """The constraints of a schema in words: "3 to 100 characters", "at least 0"."""
    found = [
        _range(schema.get("minLength"), schema.get("maxLength"), "characters"),
        _bounds(schema),
        _range(schema.get("minItems"), schema.get("maxItems"), "items"),
        _range(schema.get("minProperties"), schema.get("maxProperties"), "properties"),
    ]
    if schema.get("multipleOf") is not None:
        found.append(f"a multiple of {_json(schema['multipleOf'])}")
    if schema.get("uniqueItems"):
        found.append("unique items")
    return tuple(text for text in found if text)


def _pattern(schema: Mapping[str, Any]) -> str | None:
    pattern = schema.get("pattern")
    return pattern if isinstance(pattern, str) else None


def _range(low: Any, high: Any, unit: str) -> str:
    if low is not None and high is not None:
        return f"{low} to {high} {unit}" if low != high else f"exactly {low} {unit}"
    if low is not None:
        return f"at least {low} {unit[:-1] if low == 1 else unit}"
    if high is not None:
        return f"at most {high} {unit[:-1] if high == 1 else unit}"
    return ""


def _bounds(schema: Mapping[str, Any]) -> str:
    low, high = schema.get("minimum"), schema.get("maximum")
    above, below = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if isinstance(above, bool):  # OpenAPI 3.0 spells exclusivity as a flag
        above, low = (low, None) if above else (None, low)
    if isinstance(below, bool):
        below, high = (high, None) if below else (None, high)
    words = []
    if low is not None:
        words.append(f"at least {_json(low)}")
    if above is not None:
        words.append(f"more than {_json(above)}")
    if high is not None:
        words.append(f"at most {_json(high)}")
    if below is not None:
        words.append(f"less than {_json(below)}")
    if low is not None and high is not None and len(words) == 2:
        return f"{_json(low)} to {_json(high)}"
    return ", ".join(words)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
