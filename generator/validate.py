"""Validate a bundled document: the OpenAPI version, then openapi-spec-validator.

The generator's own checks (names that collide after conversion, constructs it cannot
express) run while the model is built, where the names are chosen; see `build`.
"""

from __future__ import annotations

import re
from typing import Any

from jsonschema.exceptions import ValidationError
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from .bundle import Bundle
from .errors import Diagnostics
from .load import Pointer

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
            f"This is a Swagger {data['swagger']} document; the generator reads OpenAPI "
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

    validator_class = (
        OpenAPIV30SpecValidator
        if version.startswith("3.0")
        else OpenAPIV31SpecValidator
    )
    for error in validator_class(bundle.data).iter_errors():
        pointer = _error_pointer(error)
        message = f"The document is not valid OpenAPI {version}: {_describe(error)}"
        if lenient and error.validator in _HARMLESS_KEYWORDS:
            diagnostics.warn(
                message + " (ignored with --lenient)", bundle.location(pointer)
            )
        else:
            diagnostics.error(message, bundle.location(pointer))


def _error_pointer(error: ValidationError) -> Pointer:
    return tuple(str(token) for token in error.absolute_path)


def _describe(error: ValidationError) -> str:
    """One sentence for a validation error: the message of its most specific cause."""
    best: Any = error
    # A failed `oneOf`/`anyOf` explains itself through the branch that came closest.
    while best.context:
        best = max(
            best.context, key=lambda e: (len(e.absolute_path), -len(e.schema_path))
        )
    message: str = best.message
    if len(message) > 300:
        message = message[:297] + "..."
    return message.rstrip(".") + "."
