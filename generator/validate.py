"""Validate a bundled document: the OpenAPI version, then openapi-spec-validator.

openapi-spec-validator checks a document in two passes: a structural one, against the
schema of OpenAPI, and a semantic one, which walks paths and components and checks
each schema against its dialect's meta-schema, each default against its schema, and
the path parameters against the path templates. Its checks and its messages are kept;
three things are added, through its own classes:

- speed: the structural validator is built once, from a registry crawled in advance,
  and a schema of the OpenAPI 3.1 dialect is first tried against a flattened copy of
  the dialect's meta-schema (`meta_schema.py`); only a schema that copy does not
  find valid is checked the library's way, which words the error;
- places: each error of the semantic pass is reported at the schema, default,
  operation, parameter list or tag list it was found in;
- robustness: the library fails, instead of reporting, on a path template Python's
  format-string parser cannot read and on a `$ref` chain that leads back to where it
  started; those become located errors, and the rest of the document is still checked.

The generator's own checks (names that collide after conversion, constructs it cannot
express) run while the model is built, where the names are chosen; see `build`.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from jsonschema_path import SchemaPath
from openapi_schema_validator import OAS31Validator

# The registry the library's own meta-schema check resolves the OpenAPI dialects in;
# the package does not export it.
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from openapi_spec_validator.schemas import schema_v30, schema_v31
from openapi_spec_validator.validation.exceptions import (
    DuplicateOperationIDError,
    OpenAPIValidationError,
)
from openapi_spec_validator.validation.keywords import (
    KeywordValidator,
    OpenAPIV30SchemaValidator,
    OpenAPIV30ValueValidator,
    OpenAPIV31SchemaValidator,
    OpenAPIV31ValueValidator,
    OperationValidator,
    ParametersValidator,
    SchemaValidator,
    TagsValidator,
    ValueValidator,
)
from openapi_spec_validator.validation.registries import KeywordValidatorRegistry
from referencing import Registry, Resource

from .bundle import Bundle
from .errors import Diagnostics
from .load import (
    HTTP_METHODS,
    Document,
    Pointer,
    parse_pointer,
    path_operations,
    pointer_str,
    walk,
)
from .meta_schema import meta_schema_proof

_SUPPORTED = re.compile(r"^3\.[01]\.\d+$")

# Validation errors that cannot change the generated code: an unknown keyword where the
# schema of OpenAPI allows none, and a name listed twice in `required`. With
# `--lenient` they are reported as warnings; every other error stays fatal.
_HARMLESS_KEYWORDS = frozenset(
    {"additionalProperties", "unevaluatedProperties", "uniqueItems"}
)


def check_version(bundle: Bundle, diagnostics: Diagnostics) -> str | None:
    """The document's OpenAPI version when it is one the generator reads, else None."""
    data = bundle.data
    if "swagger" in data:
        diagnostics.error(
            f"This is a Swagger {data['swagger']} document; the generator reads "
            "OpenAPI "
            "3.0 and 3.1. Convert it first, for example with `npx swagger2openapi "
            "input.yaml --outfile openapi.yaml --yaml`, then generate from the result.",
            bundle.location(("swagger",)),
        )
        return None
    version = data.get("openapi")
    if not isinstance(version, str) or not _SUPPORTED.match(version):
        diagnostics.error(
            f"The document's `openapi` field is {version!r}; expected a version string "
            "3.0.x or 3.1.x.",
            bundle.location(("openapi",) if "openapi" in data else ()),
        )
        return None
    return version


def validate(
    bundle: Bundle, diagnostics: Diagnostics, *, lenient: bool = False
) -> None:
    """Report every validation error of the document as a diagnostic."""
    version = check_version(bundle, diagnostics)
    if version is None:
        return
    _check_operation_ids(bundle, diagnostics)

    report = _Report(bundle, diagnostics, version, lenient)
    checker = structural_validator(version[:3])
    structural = list(checker.iter_errors(bundle.data))
    for error in structural:
        report(error, ())
    if any(_harmless_causes(error) is None for error in structural):
        # The validator's second pass (parameters, schemas, defaults) reads the
        # document as the first pass says it must be; on one that is not, it fails
        # with a KeyError instead of reporting. The errors above are fatal anyway.
        return

    for error, place in semantic_errors(bundle, version, report):
        if isinstance(error, DuplicateOperationIDError):
            continue  # reported with both places by _check_operation_ids
        pointer, description = _explain(error)
        if (place + pointer, description) not in report.described:
            # In OpenAPI 3.0 the second pass checks again the schemas the first
            # pass checked: those errors were reported already.
            report(error, place)


# A small flawless document that passes through both passes and a schema of each kind.
_WARM_UP = {
    "openapi": "3.1.0",
    "info": {"title": "Warm-up", "version": "1"},
    "paths": {
        "/items/{id}": {
            "parameters": [
                {
                    "name": "id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                }
            ],
            "get": {
                "operationId": "getItem",
                "responses": {
                    "200": {
                        "description": "The item.",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Item"}
                            }
                        },
                    }
                },
            },
        }
    },
    "components": {
        "schemas": {
            "Item": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "string", "default": "a"},
                    "tags": {"type": ["array", "null"], "items": {"type": "string"}},
                    "kind": {"oneOf": [{"const": "a"}, {"enum": ["b", "c"]}]},
                },
            }
        }
    },
}


def warm_up() -> None:
    """Build what the first validation in a process builds (the 3.1 validators and
    their caches), by validating a small document; a process started early for
    validation does this while it waits for its work."""
    validate(warm_up_bundle(), Diagnostics())


def warm_up_bundle() -> Bundle:
    """The small document `warm_up` validates (flawless, so both passes run)."""
    path = Path("warm-up.json")
    return Bundle(_WARM_UP, Document(path, {path: _WARM_UP}))


@dataclass
class _Report:
    """Turns validation errors into diagnostics, as warnings where --lenient allows."""

    bundle: Bundle
    diagnostics: Diagnostics
    version: str
    lenient: bool
    # What was reported where: (pointer, description).
    described: set[tuple[Pointer, str]] = field(default_factory=set)

    def __call__(self, error: ValidationError, place: Pointer) -> None:
        """Report `error`, whose paths are relative to the object at `place`."""
        prefix = f"The document is not valid OpenAPI {self.version}: "
        causes = _harmless_causes(error) if self.lenient else None
        for cause in causes or [error]:
            pointer, description = _explain(cause)
            self.described.add((place + pointer, description))
            location = self.bundle.location(place + pointer)
            if causes is None:
                self.diagnostics.error(prefix + description, location)
            else:
                self.diagnostics.warn(
                    f"{prefix}{description} (ignored with --lenient)", location
                )

    def fatal(self, message: str, pointer: Pointer) -> None:
        self.diagnostics.error(message, self.bundle.location(pointer))


def _harmless_causes(error: ValidationError) -> list[ValidationError] | None:
    """The errors behind `error` when none can change the generated code, else None."""
    if error.validator in _HARMLESS_KEYWORDS:
        return [error]
    if error.validator not in ("oneOf", "anyOf") or not error.context:
        return None
    # "A schema or a reference" fails as a whole; it is harmless when one of its
    # branches fails only for harmless reasons.
    branches: dict[Any, list[ValidationError]] = {}
    for cause in error.context:
        branches.setdefault(cause.relative_schema_path[0], []).append(cause)
    for causes in branches.values():
        found = [_harmless_causes(cause) for cause in causes]
        if all(leaves is not None for leaves in found):
            return [leaf for leaves in found if leaves for leaf in leaves]
    return None


def _check_operation_ids(bundle: Bundle, diagnostics: Diagnostics) -> None:
    """Each operationId names one operation; the generated method names rely on it."""
    first: dict[str, tuple[str, Pointer]] = {}
    for path, method, operation in path_operations(bundle.data.get("paths")):
        operation_id = operation.get("operationId")
        if not isinstance(operation_id, str):
            continue
        label = f"{method.upper()} {path}"
        pointer = ("paths", path, method, "operationId")
        if operation_id not in first:
            first[operation_id] = (label, pointer)
            continue
        other, other_pointer = first[operation_id]
        diagnostics.error(
            f"The operationId {operation_id!r} of {label} is already used by "
            f"{other} ({bundle.location(other_pointer)}); every operation needs "
            "its own operationId.",
            bundle.location(pointer),
            label,
        )


def _explain(error: ValidationError) -> tuple[Pointer, str]:
    """Where and what, in a sentence: the most specific cause of a validation error."""
    best: Any = error
    while best.context:
        # A failed `oneOf`/`anyOf` explains itself through the branch that got
        # furthest into the document, and the simplest explanation there. "A
        # parameter or a reference" also fails as a reference, which says nothing
        # about a parameter written out in full.
        deepest = max(len(cause.absolute_path) for cause in best.context)
        candidates = [c for c in best.context if len(c.absolute_path) == deepest]
        candidates = [c for c in candidates if not _wants_reference(c)] or candidates
        if len(candidates) > 1 and all(c.validator == "enum" for c in candidates):
            # One branch per allowed value (`in: path`, `in: query`, ...).
            allowed = [value for c in candidates for value in c.validator_value]
            found = candidates[0].instance
            return (
                _error_pointer(candidates[0]),
                f"{found!r} is not one of {allowed!r}.",
            )
        best = min(candidates, key=lambda cause: len(cause.relative_schema_path))
    message: str = best.message
    if len(message) > 300:
        message = message[:297] + "..."
    return _error_pointer(best), message.rstrip(".") + "."


def _wants_reference(error: ValidationError) -> bool:
    return bool(error.validator == "required" and error.validator_value == ["$ref"])


def _error_pointer(error: ValidationError) -> Pointer:
    return tuple(str(token) for token in error.absolute_path)


# ----------------------------------------------------------------- the structural pass


@functools.cache
def structural_validator(version: str) -> Validator:
    """The library's validator for the schema of OpenAPI `version` ("3.0", "3.1").

    It is built as the library builds it, but from a registry crawled in advance. The
    library's validator resolves the `$dynamicRef`s of the 3.1 schema through a
    registry it never crawls, so each one crawls the whole schema again (about three
    quarters of the pass on a large document); the crawled registry finds them at once.
    """
    schema = schema_v30 if version.startswith("3.0") else schema_v31
    resource = Resource.from_contents(schema)
    registry: Registry[Any] = Registry().with_resource(resource.id() or "", resource)
    return validator_for(schema)(schema, registry=registry.crawl())


# ------------------------------------------------------------------- the semantic pass

Place = tuple[Hashable, ...]


def semantic_errors(
    bundle: Bundle, version: str, report: _Report
) -> list[tuple[ValidationError, Pointer]]:
    """The errors of the library's second pass, each with the place it applies to.

    Where the library fails instead of reporting, the cause is found in the document
    and reported, the offending objects are emptied in a copy, and the copy is checked
    again, so that the rest of the document is still checked.
    """
    data = bundle.data
    reported: set[Pointer] = set()
    while True:
        try:
            return _semantic_errors(data, version)
        except (ValueError, RecursionError) as failure:
            if isinstance(failure, ValueError):
                found = _unreadable_path_templates(data)
            else:
                found = _reference_loops(data)
            causes = [cause for cause in found if cause[0] not in reported]
            if not causes:
                raise  # a failure with another cause: not hidden
        for pointer, message in causes:
            report.fatal(message, pointer)
            reported.add(pointer)
        data = _emptied(data, [pointer for pointer, _ in causes])


def _semantic_errors(
    data: dict[str, Any], version: str
) -> list[tuple[ValidationError, Pointer]]:
    spec_class = _SpecValidator30 if version.startswith("3.0") else _SpecValidator31
    validator = spec_class(data)
    errors = list(validator.root_validator(validator.schema_path))
    places = validator.keyword_validators_registry.places
    located = []
    for error in errors:
        # Every validator that yields errors of its own is replaced by one that
        # places them; an error from one added to the library later would carry no
        # place of its own and is reported at the document.
        _, place = places.get(id(error), (error, ()))
        located.append((error, _document_pointer(data, place)))
    return located


def _unreadable_path_templates(data: dict[str, Any]) -> Iterator[tuple[Pointer, str]]:
    """Path items whose path the library cannot read, and why.

    The library finds the parameters of a path template with `string.Formatter`,
    which takes `{id!}`, `{id[}` and a lone `}` for broken format fields and raises
    `ValueError`; it does so for each operation of the path item.
    """
    paths = data.get("paths")
    for path, path_item in (paths if isinstance(paths, dict) else {}).items():
        if not isinstance(path_item, dict) or path_item.keys().isdisjoint(HTTP_METHODS):
            continue
        try:
            list(string.Formatter().parse(path))
        except ValueError as error:
            yield ("paths", path), (
                f"The path {path!r} cannot be checked: openapi-spec-validator reads "
                f"a path as a Python format string and fails on this one ({error}). "
                "Pair every '{' with a '}', and name path parameters without '!', "
                "':', '[' or ']'."
            )


def _reference_loops(data: dict[str, Any]) -> Iterator[tuple[Pointer, str]]:
    """Objects that are only a `$ref`, whose chain of `$ref`s comes back to them.

    The library follows such a chain for ever (a `RecursionError`). Each loop is
    reported once, at its first object in the document.
    """
    targets: dict[Pointer, Pointer] = {}
    for pointer, value in _objects(data):
        reference = value.get("$ref")
        if isinstance(reference, str) and reference.startswith("#"):
            try:
                targets[pointer] = parse_pointer(reference[1:])
            except ValueError:
                continue  # not a JSON pointer: the library reports it

    followed: set[Pointer] = set()
    for start in targets:
        chain: list[Pointer] = []
        at = start
        while at in targets and at not in followed:
            followed.add(at)
            chain.append(at)
            at = targets[at]
        if at in chain:
            loop = chain[chain.index(at) :]
            yield loop[0], _loop_message(loop)


def _loop_message(loop: list[Pointer]) -> str:
    first = loop[0]
    kind = "object"
    if len(first) == 3 and first[0] == "components":
        kind = _COMPONENT_KINDS.get(first[1], kind)
    names = " → ".join(_short_name(pointer) for pointer in [*loop, first])
    if len(loop) == 1:
        return (
            f"The {kind} #{pointer_str(first)} is only a $ref to itself ({names}); it "
            "describes no value. Write out what it describes, or point the $ref "
            "elsewhere."
        )
    return (
        f"The {kind} #{pointer_str(first)} is only a $ref, and its chain of $refs "
        f"leads back to it ({names}); it describes no value. Write out what one of "
        "them describes."
    )


_COMPONENT_KINDS = {
    "schemas": "schema",
    "parameters": "parameter",
    "responses": "response",
    "requestBodies": "request body",
    "headers": "header",
    "examples": "example",
    "links": "link",
    "callbacks": "callback",
    "pathItems": "path item",
    "securitySchemes": "security scheme",
}


def _short_name(pointer: Pointer) -> str:
    """A component by its name, anything else by its pointer."""
    if len(pointer) == 3 and pointer[0] == "components":
        return pointer[2]
    return "#" + pointer_str(pointer)


def _objects(data: Any) -> Iterator[tuple[Pointer, dict[str, Any]]]:
    """Every JSON object in `data` with its pointer, in document order."""
    stack: list[tuple[Pointer, Any]] = [((), data)]
    while stack:
        pointer, value = stack.pop()
        if isinstance(value, dict):
            yield pointer, value
            children = [((*pointer, str(k)), v) for k, v in value.items()]
        elif isinstance(value, list):
            children = [((*pointer, str(i)), v) for i, v in enumerate(value)]
        else:
            continue
        stack.extend(reversed(children))


def _emptied(data: dict[str, Any], pointers: Iterable[Pointer]) -> dict[str, Any]:
    """A copy of `data` with an empty object at each of `pointers`.

    Only the containers on the way are copied; the document itself is not changed.
    """
    copy = dict(data)
    for pointer in pointers:
        if not pointer:
            return {}
        parent: Any = copy
        for token in pointer[:-1]:
            key: Any = int(token) if isinstance(parent, list) else token
            child = parent[key]
            parent[key] = dict(child) if isinstance(child, dict) else list(child)
            parent = parent[key]
        parent[int(pointer[-1]) if isinstance(parent, list) else pointer[-1]] = {}
    return copy


def _document_pointer(data: dict[str, Any], place: Place) -> Pointer:
    """The pointer of the object the library calls `place`.

    The library's places run through references (`.../schema/properties` when
    `schema` is a `$ref`); the pointer is that of the object a reader finds, in the
    component the reference points to.
    """
    pointer: Pointer = ()
    value: Any = data
    for token in place:
        value, pointer = _dereferenced(data, value, pointer)
        if isinstance(value, dict) and token in value:
            value = value[token]
        elif isinstance(value, list) and isinstance(token, int):
            if not 0 <= token < len(value):
                break
            value = value[token]
        else:
            break
        pointer = (*pointer, str(token))
    return _dereferenced(data, value, pointer)[1]


def _dereferenced(data: Any, value: Any, pointer: Pointer) -> tuple[Any, Pointer]:
    """The object a local `$ref` chain from `value` ends at, and its pointer."""
    seen = {pointer}
    while isinstance(value, dict) and isinstance(value.get("$ref"), str):
        reference: str = value["$ref"]
        try:
            target = parse_pointer(reference[1:]) if reference[:1] == "#" else None
            if target is None or target in seen:
                break
            value = walk(data, target)
        except (ValueError, LookupError):
            break
        pointer = target
        seen.add(target)
    return value, pointer


# ------------------------------------------ the library's classes, placing their errors


class _Registry(KeywordValidatorRegistry):
    """The library's keyword validators, with the place of each error they yield."""

    def __init__(self, keyword_validators: Any) -> None:
        super().__init__(keyword_validators)
        # id(error) -> (error, place); the error is kept so that its id stays its own.
        self.places: dict[int, tuple[ValidationError, Place]] = {}

    def placed(
        self, errors: Iterable[ValidationError], place: Place
    ) -> Iterator[ValidationError]:
        """`errors`, each given `place` unless a validator inside gave it one."""
        for error in errors:
            self.places.setdefault(id(error), (error, place))
            yield error


def _registry(validator: KeywordValidator) -> _Registry:
    return cast(_Registry, validator.registry)


class _IdList(list[int]):
    """A list of ids that answers `in` from a set.

    The library keeps the ids of the schemas it has checked in lists and asks `in`
    for every schema it meets, a search through thousands of ids on a large
    document. It only appends and asks, so those are the operations kept in step.
    """

    def __init__(self) -> None:
        super().__init__()
        self._members: set[int] = set()

    def append(self, item: int, /) -> None:
        super().append(item)
        self._members.add(item)

    def __contains__(self, item: object, /) -> bool:
        return item in self._members


class _SchemaChecks(SchemaValidator):
    """Checks schemas as the library does, and places its errors."""

    def __init__(self, registry: KeywordValidatorRegistry) -> None:
        super().__init__(registry)
        self.visited_schema_ids = _IdList()
        self.meta_checked_schema_ids = _IdList()

    def __call__(
        self,
        schema: SchemaPath,
        require_properties: bool = True,
        meta_checked: bool = False,
    ) -> Iterator[ValidationError]:
        errors = super().__call__(schema, require_properties, meta_checked)
        return _registry(self).placed(errors, schema.parts)


class _Schemas30(_SchemaChecks, OpenAPIV30SchemaValidator):
    pass


class _Schemas31(_SchemaChecks, OpenAPIV31SchemaValidator):
    def _validate_schema_meta(
        self, schema: SchemaPath, schema_value: Any
    ) -> OpenAPIValidationError | None:
        proof = self._proof(schema, schema_value)
        if proof is not None and proof.is_valid(schema_value):
            return None
        return super()._validate_schema_meta(schema, schema_value)

    def _proof(self, schema: SchemaPath, schema_value: Any) -> Validator | None:
        """The fast validator that can prove `schema_value` valid, if there is one."""
        try:
            dialect = self._get_schema_dialect_id(schema, schema_value)
        except ValueError:
            return None  # the library reports the unknown dialect
        if self._get_validator_class_for_dialect(dialect) is not OAS31Validator:
            return None
        return meta_schema_proof(self.schema_validator_format_checker)


class _ValueChecks(ValueValidator):
    """Checks a schema's default; its errors are placed at the `default`."""

    def __call__(self, schema: SchemaPath, value: Any) -> Iterator[ValidationError]:
        errors = super().__call__(schema, value)
        return _registry(self).placed(errors, (*schema.parts, "default"))


class _Values30(_ValueChecks, OpenAPIV30ValueValidator):
    pass


class _Values31(_ValueChecks, OpenAPIV31ValueValidator):
    pass


class _Parameters(ParametersValidator):
    def __call__(self, parameters: SchemaPath) -> Iterator[ValidationError]:
        errors = super().__call__(parameters)
        return _registry(self).placed(errors, parameters.parts)


class _Operations(OperationValidator):
    def __call__(
        self,
        url: str,
        name: str,
        operation: SchemaPath,
        path_parameters: SchemaPath | None,
    ) -> Iterator[ValidationError]:
        errors = super().__call__(url, name, operation, path_parameters)
        return _registry(self).placed(errors, operation.parts)


class _Tags(TagsValidator):
    def __call__(self, tags: SchemaPath) -> Iterator[ValidationError]:
        return _registry(self).placed(super().__call__(tags), tags.parts)


def _keywords(
    library: type[OpenAPIV30SpecValidator | OpenAPIV31SpecValidator],
    schemas: type[SchemaValidator],
    values: type[ValueValidator],
) -> dict[str, type[KeywordValidator]]:
    """The library's keyword validators for a version, with the ones above instead."""
    return {
        **library.keyword_validators,
        "parameters": _Parameters,
        "operation": _Operations,
        "tags": _Tags,
        "schema": schemas,
        "default": values,
    }


class _SpecValidator30(OpenAPIV30SpecValidator):
    keyword_validators = _keywords(OpenAPIV30SpecValidator, _Schemas30, _Values30)

    def __init__(self, schema: dict[str, Any]) -> None:
        super().__init__(schema)
        self.keyword_validators_registry: _Registry = _Registry(self.keyword_validators)


class _SpecValidator31(OpenAPIV31SpecValidator):
    keyword_validators = _keywords(OpenAPIV31SpecValidator, _Schemas31, _Values31)

    def __init__(self, schema: dict[str, Any]) -> None:
        super().__init__(schema)
        self.keyword_validators_registry: _Registry = _Registry(self.keyword_validators)
