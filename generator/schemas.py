"""Schemas to Python types: models, enums, aliases, and the annotations that use them.

Every schema becomes a `PyType`: an annotation plus what it needs (imports,
definitions).
Named schemas (`components/schemas/X`, and any other reference target) become
definitions; inline objects and enums become definitions named after where they stand
(`Page` + `seo` -> `PageSeo`). msgspec decodes the result, so unions are kept within
what
it can decode without guessing: see `_legal_union`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from .bundle import Bundle
from .errors import Diagnostics
from .load import Pointer, parse_pointer
from .model import (
    Definition,
    EnumClass,
    EnumMember,
    ModelClass,
    ModelModule,
    Property,
    TypeAlias,
)
from .names import (
    UniqueNames,
    constant_case,
    pascal_case,
    python_literal,
    snake_case,
)

# Names a model module or a resource module imports beside the models; a definition
# with one of these names would shadow them, so it takes a `Model` suffix instead.
RESERVED_CLASS_NAMES = frozenset(
    {
        "Any", "Literal", "TypeAlias", "Model", "Enum", "IntEnum", "StrEnum",
        "NotGiven", "OpenStrEnum", "OpenIntEnum", "NOT_GIVEN", "Body", "Headers",
        "Query", "Timeout", "FileContent", "FileTypes", "ResponseSpec",
        "CursorPagination", "SyncCursorPage", "AsyncCursorPage", "AsyncPaginator",
        "SyncAPIResource", "AsyncAPIResource", "UNSET", "UnsetType",
    }
)  # fmt: skip
# Attributes the runtime's Model base class defines.
RESERVED_PROPERTY_NAMES = frozenset({"to_dict", "to_json", "model_extra", "model_meta"})
# Names that annotations use. Inside a class body an attribute of the same name would
# hide them from the annotations after it (`list: list[str]` then `ids: list[int]`),
# for msgspec and type checkers alike, so such a property takes a trailing underscore.
ANNOTATION_NAMES = frozenset(
    {"list", "dict", "str", "int", "float", "bool", "bytes", "datetime", "uuid"}
)

# Characters msgspec refuses in the JSON name of a field.
_UNDECODABLE_NAME = re.compile(r'[\\"\x00-\x1f]')
_STRING_FORMATS = {
    "date-time": ("datetime.datetime", "import datetime", "str"),
    "date": ("datetime.date", "import datetime", "str"),
    "time": ("datetime.time", "import datetime", "str"),
    "uuid": ("uuid.UUID", "import uuid", "str"),
    "byte": ("bytes", None, "str"),  # base64 text: msgspec decodes it to bytes
    "binary": ("bytes", None, "bytes"),
}
_SCHEMA_KEYWORDS = frozenset(
    {"type", "properties", "items", "allOf", "oneOf", "anyOf", "enum", "const",
     "additionalProperties", "$ref", "not", "format", "prefixItems"}
)  # fmt: skip


@dataclass(frozen=True)
class PyType:
    """A Python annotation for a schema, with what it needs to be importable."""

    annotation: str
    # What the value is on the wire, for deciding which unions msgspec can decode:
    # str, int, float, bool, none, bytes, array, object, tagged, any.
    category: str
    imports: frozenset[str] = frozenset()
    definitions: frozenset[str] = frozenset()
    nullable: bool = False

    def or_none(self) -> PyType:
        if self.nullable or self.category in ("none", "any"):
            return self
        return replace(self, annotation=f"{self.annotation} | None", nullable=True)


ANY = PyType("Any", "any", frozenset({"from typing import Any"}))
NONE = PyType("None", "none")
_SCALARS = {
    "integer": PyType("int", "int"),
    "number": PyType("float", "float"),
    "boolean": PyType("bool", "bool"),
    "null": NONE,
}


def _combine(*types: PyType) -> tuple[frozenset[str], frozenset[str]]:
    imports: frozenset[str] = frozenset().union(*(t.imports for t in types))
    definitions: frozenset[str] = frozenset().union(*(t.definitions for t in types))
    return imports, definitions


@dataclass
class _Pending:
    """A definition being built, and the owner whose module it goes into."""

    owner: str
    definition: Definition | None = None
    references: set[str] = field(default_factory=set)
    imports: set[str] = field(default_factory=set)
    # For a model: what each property (by wire name) needs, so that a property
    # taken out again (a discriminator's) takes its imports with it.
    needs: dict[str, tuple[frozenset[str], frozenset[str]]] = field(
        default_factory=dict
    )


class SchemaBuilder:
    """Turns schemas into `PyType`s, collecting the definitions they need."""

    def __init__(self, bundle: Bundle, diagnostics: Diagnostics) -> None:
        self.bundle = bundle
        self.diagnostics = diagnostics
        self.class_names = UniqueNames(RESERVED_CLASS_NAMES)
        self.pending: dict[str, _Pending] = {}
        self.named: dict[Pointer, PyType] = {}
        self.tags: dict[str, tuple[str, str]] = {}  # model -> (tag property, tag value)
        self.untaggable: set[str] = set()
        self.operation: str | None = None  # for grouping warnings

    # ------------------------------------------------------------------ entry points

    def type_of(
        self, schema: Any, pointer: Pointer, hint: str, owner: str | None = None
    ) -> PyType:
        """The type for `schema` at `pointer`; inline definitions named by `hint`."""
        if not isinstance(schema, dict):
            return ANY if schema is not False else NONE
        ref = schema.get("$ref")
        if isinstance(ref, str):
            return self.reference(ref)

        nullable, schema = _split_null(schema)
        result = self._type_of(schema, pointer, hint, owner or hint)
        return result.or_none() if nullable else result

    def reference(self, ref: str) -> PyType:
        """The type of a named schema; it is built once, the first time it is needed."""
        target = parse_pointer(ref.partition("#")[2])
        known = self.named.get(target)
        if known is not None:
            return known

        name = self._class_name(target[-1] if target else "Root")
        placeholder = PyType(name, "object", definitions=frozenset({name}))
        self.named[target] = placeholder
        self.pending[name] = _Pending(owner=name)
        schema = self.resolve(target)
        built = self._define(name, schema, target)
        self.named[target] = built
        return built

    def modules(self) -> tuple[ModelModule, ...]:
        """The definitions built so far, grouped into modules without import cycles."""
        definitions = {name: self._finish(name, p) for name, p in self.pending.items()}
        owners = {name: p.owner for name, p in self.pending.items()}
        graph: dict[str, set[str]] = {owner: set() for owner in owners.values()}
        for name, pending in self.pending.items():
            graph[owners[name]].update(
                owners[ref] for ref in pending.references if ref in owners
            )

        groups = sorted(_strongly_connected(graph), key=min)
        module_names = UniqueNames({"__init__"})
        module_of: dict[str, str] = {}
        for group in groups:
            module = module_names.claim(snake_case(min(group), prefix="m"))
            module_of.update((owner, module) for owner in group)

        owned: dict[str, list[str]] = {}
        for name, owner in owners.items():
            owned.setdefault(owner, []).append(name)
        modules = []
        for group in groups:
            members = sorted(n for owner in group for n in owned[owner])
            module = module_of[min(group)]
            imports: set[str] = set()
            for name in members:
                imports |= self.pending[name].imports
                imports |= {
                    f"from .{module_of[owners[ref]]} import {ref}"
                    for ref in self.pending[name].references
                    if ref in owners and owners[ref] not in group
                }
            ordered = _definition_order([definitions[n] for n in members], self.pending)
            modules.append(ModelModule(module, tuple(ordered), tuple(sorted(imports))))
        return tuple(sorted(modules, key=lambda m: m.name))

    def module_of(self) -> dict[str, str]:
        """Definition name -> module name (call after `modules`)."""
        return {d.name: m.name for m in self.modules() for d in m.definitions}

    def resolve(self, pointer: Pointer) -> Any:
        """The value at a pointer of the bundle (references were checked by `load`)."""
        value: Any = self.bundle.data
        for token in pointer:
            value = value[int(token)] if isinstance(value, list) else value[token]
        return value

    def deref(self, value: Any) -> Any:
        """A value with its chain of references followed (`{$ref}` to `{$ref}` ...).

        The chain is followed 64 steps at most, so that a cycle of bare references
        ends; the value reached then still is a reference.
        """
        for _ in range(64):
            if not (isinstance(value, dict) and isinstance(value.get("$ref"), str)):
                break
            value = self.resolve(parse_pointer(value["$ref"].partition("#")[2]))
        return value

    # ------------------------------------------------------------------- internals

    def _warn(self, message: str, pointer: Pointer) -> None:
        self.diagnostics.warn(message, self.bundle.location(pointer), self.operation)

    def _define(self, name: str, schema: Any, pointer: Pointer) -> PyType:
        """Build the definition `name` for a named schema and return its type."""
        pending = self.pending[name]
        nullable, core = (
            _split_null(schema) if isinstance(schema, dict) else (False, schema)
        )
        reference = PyType(name, "object", definitions=frozenset({name}))
        description = _description(core)

        if isinstance(core, dict) and _is_object_with_properties(core, self):
            pending.definition = self._model(name, core, pointer, name)
            if isinstance(core.get("discriminator"), dict) and not (
                "oneOf" in core or "anyOf" in core
            ):
                # Inheritance spelt with a discriminator on the parent alone: where
                # the parent is expected, its subtypes are not told apart.
                self._warn(
                    f"The schema {name!r} has a discriminator but no oneOf or anyOf "
                    "listing its subtypes; where it is expected, a body is read as "
                    f"{name} alone, and a subtype's own properties through "
                    "`model_extra`. List the subtypes in a oneOf to read them as such.",
                    (*pointer, "discriminator"),
                )
        elif isinstance(core, dict) and "enum" in core and "$ref" not in core:
            enum = self._enum(name, core)
            if enum is None:
                inner = self._type_of(core, pointer, name, name)
                pending.definition = TypeAlias(name, description, inner.annotation)
                pending.imports |= inner.imports | {"from typing import TypeAlias"}
                pending.references |= inner.definitions
            else:
                pending.definition = enum
                reference = replace(
                    reference, category="int" if enum.base == "int" else "str"
                )
        else:
            inner = self.type_of(core, pointer, name, name)
            if name in inner.definitions:
                self._warn(
                    f"The schema {name!r} is an alias that refers to itself; it is "
                    "typed "
                    "as Any.",
                    pointer,
                )
                inner = ANY
            pending.definition = TypeAlias(name, description, inner.annotation)
            pending.imports |= inner.imports | {"from typing import TypeAlias"}
            pending.references |= inner.definitions
            reference = replace(inner, annotation=name, definitions=frozenset({name}))

        return reference.or_none() if nullable else reference

    def _type_of(
        self, schema: dict[str, Any], pointer: Pointer, hint: str, owner: str
    ) -> PyType:
        if "const" in schema:
            return _literal([schema["const"]])
        if "allOf" in schema:
            return self._all_of(schema, pointer, hint, owner)
        for keyword in ("oneOf", "anyOf"):
            if keyword in schema:
                return self._union_schema(schema, keyword, pointer, hint, owner)
        if "enum" in schema:
            return self._inline_enum(schema, hint, owner)

        types = schema.get("type")
        if isinstance(types, list):
            members = [
                self._type_of({**schema, "type": t}, pointer, hint, owner)
                for t in types
            ]
            return self._legal_union(members, pointer)
        if types == "object" or (
            types is None
            and ("properties" in schema or "additionalProperties" in schema)
        ):
            return self._object(schema, pointer, hint, owner)
        if types == "array":
            return self._array(schema, pointer, hint, owner)
        if types == "string":
            return _string(schema.get("format"))
        return _SCALARS.get(types, ANY) if isinstance(types, str) else ANY

    def _object(
        self, schema: dict[str, Any], pointer: Pointer, hint: str, owner: str
    ) -> PyType:
        if schema.get("properties"):
            return self._inline_model(schema, pointer, hint, owner)

        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and extra:
            value = self.type_of(
                extra, (*pointer, "additionalProperties"), f"{hint}Value", owner
            )
            imports, definitions = _combine(value)
            return PyType(
                f"dict[str, {value.annotation}]", "object", imports, definitions
            )
        return PyType("dict[str, Any]", "object", ANY.imports)

    def _array(
        self, schema: dict[str, Any], pointer: Pointer, hint: str, owner: str
    ) -> PyType:
        items = schema.get("items")
        if isinstance(items, dict):
            item = self.type_of(items, (*pointer, "items"), f"{hint}Item", owner)
        else:
            item = ANY
        imports, definitions = _combine(item)
        return PyType(f"list[{item.annotation}]", "array", imports, definitions)

    def _model(
        self, name: str, schema: dict[str, Any], pointer: Pointer, owner: str
    ) -> ModelClass:
        pending = self.pending[name]
        properties, required = merged_properties(schema, self, pointer)
        names = UniqueNames(RESERVED_PROPERTY_NAMES)
        built: list[Property] = []
        for wire_name, (prop_schema, prop_pointer) in properties.items():
            if isinstance(prop_schema, dict) and prop_schema.get("writeOnly"):
                continue  # sent, never received: not part of the response model
            if _UNDECODABLE_NAME.search(wire_name):
                self._warn(
                    f"The property {wire_name!r} of {name} has a backslash, a double "
                    "quote or a control character in its name, which msgspec cannot "
                    "decode into a field; it is left out of the model, and read "
                    "through `model_extra` and `to_dict()`.",
                    prop_pointer,
                )
                continue
            prop_name = names.claim(property_name(wire_name))
            hint = name + pascal_case(wire_name, prefix="Field")
            prop_type = self.type_of(prop_schema, prop_pointer, hint, owner)
            pending.references |= prop_type.definitions
            prop = _property(
                prop_name, wire_name, prop_type, prop_schema, wire_name in required
            )
            imports = set(prop_type.imports)
            if prop.default == "UNSET":
                imports.add("from msgspec import UNSET, UnsetType")
            pending.imports |= imports
            pending.needs[wire_name] = (frozenset(imports), prop_type.definitions)
            built.append(prop)

        rename = tuple((p.name, p.wire_name) for p in built if p.name != p.wire_name)
        return ModelClass(
            name=name,
            description=_description(schema),
            properties=tuple(built),
            rename=rename,
            deprecated=bool(schema.get("deprecated")),
        )

    def _all_of(
        self, schema: dict[str, Any], pointer: Pointer, hint: str, owner: str
    ) -> PyType:
        parts = schema["allOf"]
        others = {k for k in schema if k in _SCHEMA_KEYWORDS and k != "allOf"}
        if len(parts) == 1 and not others:
            return self.type_of(parts[0], (*pointer, "allOf", "0"), hint, owner)
        if _is_object_with_properties(schema, self):
            return self._inline_model(schema, pointer, hint, owner)
        # allOf of non-objects (a string with extra constraints, say): the first part.
        return self.type_of(parts[0], (*pointer, "allOf", "0"), hint, owner)

    def _inline_model(
        self, schema: dict[str, Any], pointer: Pointer, hint: str, owner: str
    ) -> PyType:
        name = self._inline_name(hint)
        self.pending[name] = _Pending(owner=owner)
        self.pending[name].definition = self._model(name, schema, pointer, owner)
        return PyType(name, "object", definitions=frozenset({name}))

    def _union_schema(
        self,
        schema: dict[str, Any],
        keyword: str,
        pointer: Pointer,
        hint: str,
        owner: str,
    ) -> PyType:
        variants = schema[keyword]
        members = [
            self.type_of(v, (*pointer, keyword, str(i)), f"{hint}Variant{i + 1}", owner)
            for i, v in enumerate(variants)
        ]
        discriminator = schema.get("discriminator")
        if isinstance(discriminator, dict) and isinstance(
            discriminator.get("propertyName"), str
        ):
            self._assign_tags(variants, discriminator, members, pointer)
            members = [
                replace(m, category="tagged") if m.annotation in self.tags else m
                for m in members
            ]
        else:
            members = self._tag_by_constant(variants, members, pointer)
        return self._legal_union(members, pointer)

    def _tag_by_constant(
        self, variants: list[Any], members: list[PyType], pointer: Pointer
    ) -> list[PyType]:
        """Tag the object variants of a union by a constant they share, if they do.

        Only the variants that are JSON objects need telling apart (a string beside
        them is told by its JSON type, as in Stripe's "an id or the object").
        """
        objects = [i for i, m in enumerate(members) if m.category == "object"]
        if len(objects) < 2 or any(members[i].annotation not in self.pending
                                   for i in objects):  # fmt: skip
            return members
        implied = self._implied_tag([variants[i] for i in objects])
        if implied is None:
            return members
        prop, values = implied
        tagged = list(members)
        for index, value in zip(objects, values, strict=True):
            self._tag(members[index].annotation, (prop, value), [value], pointer)
            tagged[index] = replace(members[index], category="tagged")
        return tagged

    def _implied_tag(self, variants: list[Any]) -> tuple[str, list[str]] | None:
        """A property every variant requires, with a different constant in each.

        Unions written without a discriminator often have one all the same (`type:
        {const: circle}` beside `type: {enum: [square]}`); decoding by it is exact,
        where telling JSON objects apart any other way is guesswork.
        """
        constants: list[dict[str, str]] = []
        for variant in variants:
            schema = self.deref(variant)
            if not isinstance(schema, dict):
                return None
            properties, required = merged_properties(schema, self)
            found = {}
            for name in sorted(required & properties.keys()):
                value = _constant(self.deref(properties[name][0]))
                if isinstance(value, str):
                    found[name] = value
            constants.append(found)
        common = set.intersection(*(set(found) for found in constants))
        for name in sorted(common):
            values = [found[name] for found in constants]
            if len(set(values)) == len(values):
                return name, values
        return None

    def _assign_tags(
        self,
        variants: list[Any],
        discriminator: dict[str, Any],
        members: list[PyType],
        pointer: Pointer,
    ) -> None:
        """Tag each variant model with its discriminator value: decoded by tag."""
        prop = discriminator["propertyName"]
        by_target: dict[str, list[str]] = {}
        for value, ref in (discriminator.get("mapping") or {}).items():
            by_target.setdefault(str(ref), []).append(str(value))

        for variant, member in zip(variants, members, strict=True):
            ref = variant.get("$ref") if isinstance(variant, dict) else None
            model = member.annotation
            if not isinstance(ref, str) or model not in self.pending:
                continue
            values = by_target.get(ref) or [ref.rsplit("/", 1)[-1]]
            self._tag(model, (prop, values[0]), values, pointer)

    def _tag(
        self, model: str, tag: tuple[str, str], values: list[str], pointer: Pointer
    ) -> None:
        """Make `model` a tagged struct, unless it already has another tag."""
        if len(values) > 1 or self.tags.get(model, tag) != tag:
            self.untaggable.add(model)
            self._warn(
                f"The schema {model!r} takes more than one discriminator value "
                f"({sorted(set(values) | {self.tags.get(model, tag)[1]})}); unions "
                "containing it are decoded as plain dictionaries.",
                pointer,
            )
        self.tags[model] = tag

    def _legal_union(self, members: list[PyType], pointer: Pointer) -> PyType:
        """A union msgspec can decode unambiguously, widening members where it cannot.

        msgspec decodes a union by the JSON type of the value, so a union may hold at
        most one string-like, one integer-like, one array-like and one object-like
        member; several models are allowed only when all are tagged.
        """
        nullable = any(m.category == "none" or m.nullable for m in members)
        members = [
            replace(m, nullable=False, annotation=_strip_none(m.annotation))
            for m in members
            if m.category != "none"
        ]
        if any(m.category == "any" for m in members):
            return ANY
        if any(
            m.category == "tagged" and m.annotation in self.untaggable for m in members
        ):
            members = [
                replace(m, category="object") if m.category == "tagged" else m
                for m in members
            ]

        by_category: dict[str, list[PyType]] = {}
        for member in members:
            if member.annotation not in {
                m.annotation for m in by_category.get(member.category, [])
            }:
                by_category.setdefault(member.category, []).append(member)
        if "tagged" in by_category and "object" in by_category:
            by_category["object"] += by_category.pop("tagged")

        widened = {
            "str": PyType("str", "str"),
            "int": PyType("int", "int"),
            "array": PyType("list[Any]", "array", ANY.imports),
            "object": PyType("dict[str, Any]", "object", ANY.imports),
            "bytes": PyType("bytes", "bytes"),
        }
        chosen: list[PyType] = []
        for category, group in by_category.items():
            if len(group) > 1 and category in widened:
                if category in ("object", "array"):
                    names = ", ".join(m.annotation for m in group)
                    self._warn(
                        f"The union of {names} cannot be told apart without a "
                        "discriminator "
                        f"(each is a JSON {category}); it is typed "
                        f"{widened[category].annotation} and decoded without checking.",
                        pointer,
                    )
                chosen.append(widened[category])
            else:
                chosen.extend(group)

        if not chosen:
            return NONE
        imports, definitions = _combine(*chosen)
        result = PyType(
            " | ".join(m.annotation for m in chosen),
            chosen[0].category if len(chosen) == 1 else "union",
            imports,
            definitions,
        )
        return result.or_none() if nullable else result

    def _inline_enum(self, schema: dict[str, Any], hint: str, owner: str) -> PyType:
        name = self._inline_name(hint)
        enum = self._enum(name, schema)
        if enum is None:
            return _literal_or_base(schema["enum"])
        self.pending[name] = _Pending(owner=owner, definition=enum)
        return PyType(
            name, "int" if enum.base == "int" else "str", definitions=frozenset({name})
        )

    def _enum(self, name: str, schema: dict[str, Any]) -> EnumClass | None:
        values = [v for v in schema["enum"] if v is not None]
        base: Literal["str", "int"]
        if values and all(isinstance(v, str) for v in values):
            base = "str"
        elif values and all(
            isinstance(v, int) and not isinstance(v, bool) for v in values
        ):
            base = "int"
        else:
            return None
        names = UniqueNames()
        members = tuple(
            EnumMember(names.claim(_member_name(value)), python_literal(value))
            for value in dict.fromkeys(values)
        )
        return EnumClass(name, _description(schema), members, base)

    def _inline_name(self, hint: str) -> str:
        return self._class_name(hint)

    def _class_name(self, text: str) -> str:
        """A new, distinct class name: `Query` becomes `QueryModel`, not `Query2`."""
        name = pascal_case(text)
        if name in RESERVED_CLASS_NAMES:
            name += "Model"
        return self.class_names.claim(name, separator="")

    def _finish(self, name: str, pending: _Pending) -> Definition:
        definition = pending.definition
        assert definition is not None, f"definition {name} was never built"
        if (
            isinstance(definition, ModelClass)
            and name in self.tags
            and name not in self.untaggable
        ):
            tag_field, tag = self.tags[name]
            attribute = next(
                (p.name for p in definition.properties if p.wire_name == tag_field),
                property_name(tag_field),
            )
            properties = tuple(
                p for p in definition.properties if p.wire_name != tag_field
            )
            rename = tuple(r for r in definition.rename if r[1] != tag_field)
            needs = [pending.needs[p.wire_name] for p in properties]
            pending.imports = set().union(*(imports for imports, _ in needs))
            pending.references = set().union(*(refs for _, refs in needs))
            definition = replace(
                definition,
                properties=properties,
                rename=rename,
                tag_field=tag_field,
                tag=tag,
                tag_attribute=attribute,
            )
        return definition


# ------------------------------------------------------------------------- helpers


def property_name(wire_name: str) -> str:
    """A property's attribute name: `createdAt` -> `created_at`, `list` -> `list_`."""
    name = snake_case(wire_name, prefix="field")
    if name in RESERVED_PROPERTY_NAMES | ANNOTATION_NAMES:
        name += "_"  # like a keyword: `to_dict` -> `to_dict_`
    return name


def _member_name(value: str | int) -> str:
    """`in-progress` -> IN_PROGRESS; `-createdAt` (descending) -> CREATED_AT_DESC."""
    text = str(value)
    if text == "":
        return "EMPTY"
    if text.startswith("-") and len(text) > 1 and not text[1:].isdigit():
        return constant_case(text[1:]) + "_DESC"
    return constant_case(text)


def _constant(schema: Any) -> Any:
    """The one value a schema allows (`const`, or an enum of one), else None."""
    if not isinstance(schema, dict):
        return None
    if "const" in schema:
        return schema["const"]
    values = [v for v in schema.get("enum") or () if v is not None]
    return values[0] if len(values) == 1 else None


def _split_null(schema: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
    """Separate "may be null" from the rest of a schema, in both dialects."""
    nullable = bool(schema.get("nullable"))
    types = schema.get("type")
    if isinstance(types, list) and "null" in types:
        nullable = True
        rest = [t for t in types if t != "null"]
        schema = {**schema, "type": rest[0] if len(rest) == 1 else rest}
        if not rest:
            schema = {k: v for k, v in schema.items() if k != "type"} | {"type": "null"}
    for keyword in ("oneOf", "anyOf"):
        variants = schema.get(keyword)
        if isinstance(variants, list):
            rest = [
                v
                for v in variants
                if not (isinstance(v, dict) and v.get("type") == "null" and len(v) == 1)
            ]
            if len(rest) < len(variants):
                nullable = True
                schema = {**schema, keyword: rest}
                if len(rest) == 1 and not schema.get("discriminator"):
                    schema = {k: v for k, v in schema.items() if k != keyword} | {
                        "allOf": rest
                    }
    if "enum" in schema and None in schema["enum"]:
        nullable = True
    return nullable, schema


def _is_object_with_properties(schema: dict[str, Any], builder: SchemaBuilder) -> bool:
    properties, _ = merged_properties(schema, builder)
    return bool(properties)


def merged_properties(
    schema: dict[str, Any],
    builder: SchemaBuilder,
    pointer: Pointer = (),
    seen: frozenset[Pointer] = frozenset(),
) -> tuple[dict[str, tuple[Any, Pointer]], set[str]]:
    """Properties and required names of a schema, with every `allOf` part merged in.

    Each property comes with the pointer where it is written, for messages.
    """
    properties: dict[str, tuple[Any, Pointer]] = {}
    required: set[str] = set()
    for index, part in enumerate(schema.get("allOf") or ()):
        part_pointer: Pointer = (*pointer, "allOf", str(index))
        resolved = part
        if isinstance(part, dict) and isinstance(part.get("$ref"), str):
            part_pointer = parse_pointer(part["$ref"].partition("#")[2])
            if part_pointer in seen:
                continue  # an allOf cycle adds nothing new
            resolved = builder.resolve(part_pointer)
        if isinstance(resolved, dict):
            inherited, inherited_required = merged_properties(
                resolved, builder, part_pointer, seen | {part_pointer}
            )
            properties.update(inherited)
            required |= inherited_required
    for name, prop in (schema.get("properties") or {}).items():
        properties[name] = (prop, (*pointer, "properties", name))
    required |= {r for r in schema.get("required") or () if isinstance(r, str)}
    return properties, required


def _property(
    name: str, wire_name: str, prop_type: PyType, schema: Any, required: bool
) -> Property:
    description = _description(schema) if isinstance(schema, dict) else ""
    deprecated = bool(isinstance(schema, dict) and schema.get("deprecated"))
    if required:
        return Property(
            name, wire_name, prop_type.annotation, None, description, deprecated
        )
    default = schema.get("default") if isinstance(schema, dict) else None
    if (
        isinstance(default, str | int | float | bool)
        and prop_type.category in ("str", "int", "float", "bool")
        and prop_type.annotation.split(" |")[0] in ("str", "int", "float", "bool")
    ):
        return Property(
            name,
            wire_name,
            prop_type.annotation,
            python_literal(default),
            description,
            deprecated,
        )
    if prop_type.nullable and not (isinstance(schema, dict) and schema.get("readOnly")):
        # Optional and nullable: absent (UNSET) and null (None) are different values,
        # on the way in and out; a null is sent, an UNSET property is left out. A
        # read-only property is never sent, so it reads both as None.
        annotation = f"{_strip_none(prop_type.annotation)} | UnsetType | None"
        return Property(name, wire_name, annotation, "UNSET", description, deprecated)
    return Property(
        name, wire_name, prop_type.or_none().annotation, "None", description, deprecated
    )


def _description(schema: Any) -> str:
    if not isinstance(schema, dict):
        return ""
    text = schema.get("description") or schema.get("title") or ""
    return text if isinstance(text, str) else ""


def _string(fmt: Any) -> PyType:
    if fmt in _STRING_FORMATS:
        annotation, module, category = _STRING_FORMATS[fmt]
        return PyType(
            annotation, category, frozenset({module}) if module else frozenset()
        )
    return PyType("str", "str")


def _literal(values: Iterable[Any]) -> PyType:
    values = list(values)
    if all(isinstance(v, str) for v in values):
        category = "str"
    elif all(isinstance(v, bool) for v in values):
        category = "bool"
    elif all(isinstance(v, int) for v in values):
        category = "int"
    else:
        return ANY
    literal = ", ".join(python_literal(v) for v in values)
    return PyType(
        f"Literal[{literal}]", category, frozenset({"from typing import Literal"})
    )


def _literal_or_base(values: list[Any]) -> PyType:
    values = [v for v in values if v is not None]
    return _literal(values) if values else NONE


def _strip_none(annotation: str) -> str:
    return (
        annotation[: -len(" | None")] if annotation.endswith(" | None") else annotation
    )


def _definition_order(
    definitions: list[Definition], pending: dict[str, _Pending]
) -> list[Definition]:
    """Enums, then classes, then aliases after all they name (they run at import)."""
    enums = [d for d in definitions if isinstance(d, EnumClass)]
    classes = [d for d in definitions if isinstance(d, ModelClass)]
    aliases = {d.name: d for d in definitions if isinstance(d, TypeAlias)}
    ordered: list[Definition] = []
    placed: set[str] = set()

    def place(name: str, trail: frozenset[str] = frozenset()) -> None:
        if name in placed or name in trail:
            return
        for ref in sorted(pending[name].references):
            if ref in aliases:
                place(ref, trail | {name})
        placed.add(name)
        ordered.append(aliases[name])

    for name in sorted(aliases):
        place(name)
    return [*enums, *classes, *ordered]


def _strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative so that deep schema graphs cannot overflow."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[set[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                groups.append(group)
    return groups
