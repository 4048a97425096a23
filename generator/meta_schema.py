"""A fast proof that a schema is valid against the OpenAPI 3.1 dialect.

openapi-spec-validator checks every schema of a document with a new validator for
the dialect's meta-schema, whose eight documents are joined by `$ref` and
`$dynamicRef`; resolving those again for each schema was most of its second pass.
`meta_schema_proof` builds, once, a validator for a flattened copy of that
meta-schema. It only ever proves a schema valid: `validate.py` sends a schema it
rejects to the library's own check, which words the error, so messages do not
depend on this module. The tests compare its verdicts with the library's on every
schema of the repository's documents and on random schema-like values.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import referencing.exceptions
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from openapi_schema_validator import OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

# The registry openapi-schema-validator's validators use; it does not export it. A
# version that moved it leaves no proof: the library then checks every schema itself,
# with the same verdicts, its semantic pass about three times slower.
OAS_DIALECTS: Registry[Any] | None
try:
    from openapi_schema_validator._specifications import REGISTRY as OAS_DIALECTS
except ImportError:
    OAS_DIALECTS = None

if TYPE_CHECKING:
    from referencing._core import Resolver  # not exported, but what lookups return

# Keywords of a Draft 2020-12 schema, by what their value holds.
_ONE_SCHEMA = frozenset(
    {
        "additionalProperties", "propertyNames", "items", "contains", "not", "if",
        "then", "else", "unevaluatedProperties", "unevaluatedItems", "contentSchema",
    }
)  # fmt: skip
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "dependentSchemas"})
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_ASSERTIONS = frozenset(
    {
        "type", "enum", "const", "multipleOf", "maximum", "exclusiveMaximum",
        "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern",
        "maxItems", "minItems", "uniqueItems", "maxContains", "minContains",
        "maxProperties", "minProperties", "required", "dependentRequired", "format",
    }
)  # fmt: skip
# Keywords that name, describe or hold definitions, and assert nothing.
_ANNOTATIONS = frozenset(
    {
        "$id", "$schema", "$vocabulary", "$anchor", "$dynamicAnchor", "$comment",
        "$defs", "title", "description", "default", "deprecated", "examples",
        "readOnly", "writeOnly",
    }
)  # fmt: skip
# Keywords that assert something of the instance alone, whatever their neighbours:
# an `allOf` branch's copy of one can move into the schema holding the `allOf`.
# (`properties` moves too, where no `additionalProperties` or `patternProperties`
# depends on which properties it names.)
_INDEPENDENT = (_ASSERTIONS - {"maxContains", "minContains"}) | {
    "propertyNames", "not", "anyOf", "oneOf", "$ref",
}  # fmt: skip
_PROPERTY_GROUP = frozenset(
    {"additionalProperties", "patternProperties", "unevaluatedProperties"}
)
_UNEVALUATED = frozenset({"unevaluatedProperties", "unevaluatedItems"})
# Keywords whose schemas apply to the same instance as the schema holding them, and
# so take part in what `unevaluated*` counts as evaluated.
_SAME_INSTANCE = frozenset(
    {"allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas"}
)
_DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"


class _UnflattenableError(Exception):
    """The meta-schema has a shape the flattening does not know to copy faithfully."""


@functools.cache
def meta_schema_proof(format_checker: FormatChecker) -> Validator | None:
    """A fast validator that finds a schema valid exactly when the OpenAPI 3.1
    dialect's meta-schema does; None if the meta-schema cannot be flattened, or its
    registry not found.

    The library checks each schema with a new validator for the dialect's
    meta-schema, which spreads over eight documents joined by `$ref` and
    `$dynamicRef`; resolving those through `referencing` is most of the work, again
    for every schema. This validator checks against one flattened copy instead: the
    references inlined, `$dynamicRef: "#meta"` made a `$ref` to the root (where a
    check starts at the dialect's root, the outermost dynamic anchor `meta` is the
    root, so every such reference resolves there), annotations left out, and `allOf`
    branches merged where that cannot change a verdict. It is used only to prove a
    schema valid; a schema it rejects is checked by the library, which words the
    error.
    """
    meta = OAS31Validator.META_SCHEMA
    if OAS_DIALECTS is None:
        return None
    if validator_for(meta, default=OAS31Validator) is not Draft202012Validator:
        return None
    resolver = OAS_DIALECTS.resolver_with_root(Resource.from_contents(meta))
    try:
        flat = _Flattener(meta).flatten(meta, resolver)
    except (_UnflattenableError, referencing.exceptions.Unresolvable):
        return None
    return Draft202012Validator(_folded(flat), format_checker=format_checker)


class _Flattener:
    """Copies a Draft 2020-12 meta-schema into one schema without references."""

    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.open: set[int] = set()  # the objects being copied: a `$ref` loop

    def flatten(self, node: Any, resolver: Resolver[Any]) -> Any:
        if isinstance(node, bool):
            return node
        if not isinstance(node, dict) or id(node) in self.open:
            raise _UnflattenableError(node)
        if node.get("$schema", _DRAFT_2020_12) != _DRAFT_2020_12:
            raise _UnflattenableError(node["$schema"])
        if "$id" in node:
            resolver = resolver.in_subresource(DRAFT202012.create_resource(node))
        self.open.add(id(node))
        flat: dict[str, Any] = {}
        inlined = [self.inlined(k, v, resolver) for k, v in node.items()]
        for key, value in node.items():
            if key not in _ANNOTATIONS and key not in ("$ref", "$dynamicRef"):
                flat[key] = self.copied(key, value, resolver)
        self.open.discard(id(node))
        inlined = [schema for schema in inlined if schema is not None]
        if inlined:
            flat["allOf"] = [*flat.get("allOf", []), *inlined]
        return flat

    def inlined(self, key: str, value: Any, resolver: Resolver[Any]) -> Any:
        """What a `$ref` or `$dynamicRef` stands for; None for other keywords."""
        if key == "$ref":
            target = resolver.lookup(value)
            return self.flatten(target.contents, target.resolver)
        if key == "$dynamicRef":
            if value != "#meta" or resolver.lookup(value).contents is not self.root:
                raise _UnflattenableError(value)
            return {"$ref": "#"}
        return None

    def copied(self, key: str, value: Any, resolver: Resolver[Any]) -> Any:
        if key in _ONE_SCHEMA:
            return self.flatten(value, resolver)
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            return {name: self.flatten(v, resolver) for name, v in value.items()}
        if key in _SCHEMA_LISTS and isinstance(value, list):
            return [self.flatten(v, resolver) for v in value]
        if key in _ASSERTIONS:
            return value
        raise _UnflattenableError(key)


def _folded(node: Any, keep_shape: bool = False) -> Any:
    """`node` with the `allOf` branches merged into it where no verdict can change.

    Where `unevaluated*` counts what its neighbours evaluated (`keep_shape`), the
    schemas applying to that instance keep their shape.
    """
    if isinstance(node, bool):
        return node
    keep_shape = keep_shape or not _UNEVALUATED.isdisjoint(node)
    folded: dict[str, Any] = {}
    for key, value in node.items():
        if key != "allOf":
            inherited = keep_shape and key in _SAME_INSTANCE
            folded[key] = _folded_value(key, value, inherited)
    branches = [_folded(branch, keep_shape) for branch in node.get("allOf", [])]
    if keep_shape:
        if branches:
            folded["allOf"] = branches
        return folded

    unmerged: list[Any] = []
    while branches:
        branch = branches.pop(0)
        if branch is True:
            continue
        if branch is False or not _UNEVALUATED.isdisjoint(branch):
            unmerged.append(branch)
            continue
        rest = _merge(folded, branch, branches)
        if rest:
            unmerged.append(rest)
    if unmerged:
        folded["allOf"] = unmerged
    return folded


def _folded_value(key: str, value: Any, keep_shape: bool) -> Any:
    if key in _ONE_SCHEMA:
        return _folded(value, keep_shape)
    if key in _SCHEMA_MAPS:
        return {name: _folded(schema, keep_shape) for name, schema in value.items()}
    if key in _SCHEMA_LISTS:
        return [_folded(schema, keep_shape) for schema in value]
    return value


def _merge(into: dict[str, Any], branch: dict[str, Any], queue: list[Any]) -> Any:
    """Move what can move of `branch` into `into`; return the rest of it.

    The branch's own `allOf` joins the queue of branches still to merge.
    """
    rest: dict[str, Any] = {}
    for key, value in branch.items():
        if key == "allOf":
            queue.extend(value)
        elif key in _INDEPENDENT and (key not in into or _same(into[key], value)):
            into[key] = value
        elif key == "properties" and _PROPERTY_GROUP.isdisjoint(
            into.keys() | branch.keys()
        ):
            into["properties"] = _merged_properties(into.get("properties", {}), value)
        else:
            rest[key] = value
    return rest


def _merged_properties(first: dict[str, Any], second: dict[str, Any]) -> Any:
    merged = dict(first)
    for name, schema in second.items():
        if name in merged and not _same(merged[name], schema):
            merged[name] = _folded({"allOf": [merged[name], schema]})
        else:
            merged[name] = schema
    return merged


def _same(first: Any, second: Any) -> bool:
    # repr tells 1, 1.0 and True apart, which == does not.
    return repr(first) == repr(second)
