"""Validate a bundled document: the OpenAPI version, then openapi-spec-validator.

The generator's own checks (names that collide after conversion, constructs it cannot
express) run while the model is built, where the names are chosen; see `build`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from jsonschema.exceptions import ValidationError
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from openapi_spec_validator.validation.exceptions import DuplicateOperationIDError

from .bundle import Bundle
from .errors import Diagnostics
from .load import Pointer

_SUPPORTED = re.compile(r"^3\.[01]\.\d+$")
_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

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

    validator_class = (
        OpenAPIV30SpecValidator
        if version.startswith("3.0")
        else OpenAPIV31SpecValidator
    )
    report = _Report(bundle, diagnostics, version, lenient)
    validator = validator_class(bundle.data)
    structural = list(validator.schema_validator.iter_errors(bundle.data))
    for error in structural:
        report(error, located=True)
    if any(_harmless_causes(error) is None for error in structural):
        # The validator's second pass (parameters, schemas, defaults) reads the
        # document as the first pass says it must be; on one that is not, it fails
        # with a KeyError instead of reporting. The errors above are fatal anyway.
        return

    for error in validator.root_validator(validator.schema_path):
        if isinstance(error, DuplicateOperationIDError):
            continue  # reported with both places by _check_operation_ids
        if _explain(error)[1] not in report.described:
            # Places in this pass are relative to the object checked, which the
            # validator does not name, so the error is reported at the document.
            # (In OpenAPI 3.0 it re-checks schemas the first pass checked: those
            # errors were reported already, with their places.)
            report(error, located=False)


@dataclass
class _Report:
    """Turns validation errors into diagnostics, as warnings where --lenient allows."""

    bundle: Bundle
    diagnostics: Diagnostics
    version: str
    lenient: bool
    described: set[str] = field(default_factory=set)

    def __call__(self, error: ValidationError, *, located: bool) -> None:
        prefix = f"The document is not valid OpenAPI {self.version}: "
        causes = _harmless_causes(error) if self.lenient else None
        for cause in causes or [error]:
            pointer, description = _explain(cause)
            self.described.add(description)
            location = self.bundle.location(pointer if located else ())
            if causes is None:
                self.diagnostics.error(prefix + description, location)
            else:
                self.diagnostics.warn(
                    f"{prefix}{description} (ignored with --lenient)", location
                )


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
    paths = bundle.data.get("paths")
    for path, path_item in (paths if isinstance(paths, dict) else {}).items():
        if not isinstance(path_item, dict):
            continue
        for method in _HTTP_METHODS:
            operation = path_item.get(method)
            if not isinstance(operation, dict):
                continue
            operation_id = operation.get("operationId")
            label = f"{method.upper()} {path}"
            pointer = ("paths", path, method, "operationId")
            if not isinstance(operation_id, str):
                continue
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
