"""The example values a document gives for a parameter, a schema or a media type.

The generator prints them into docstrings and the README, the docs site builds its
code samples from them; both read them here, so a parameter shows one example in
both places. `...` stands for "no example": no JSON value is `...`, while `None` is
the example `null`.

References are followed by the `deref` the caller passes, so that these functions
need neither the bundle nor a schema builder.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Deref = Callable[[Any], Any]


def parameter_example(
    parameter: dict[str, Any], deref: Deref, *, fallback: bool = False
) -> Any:
    """A parameter's example: its own, the first of its `examples`, else its schema's.

    `fallback` goes on to the schema's default, constant or first enum value (see
    `schema_example`). `...` when there is none.
    """
    if "example" in parameter:
        return parameter["example"]
    found = _first_value(parameter.get("examples"), deref)
    if found is not ...:
        return found
    return schema_example(deref(parameter.get("schema")), fallback=fallback)


def schema_example(schema: Any, *, fallback: bool = False) -> Any:
    """A schema's `example`, else the first of its `examples`; `...` when it has none.

    With `fallback`, a schema without an example gives its default, its constant or
    its first enum value: a code sample needs some value that the API accepts, where
    a docstring shows an example only when the document gives one.
    """
    if not isinstance(schema, dict):
        return ...
    if "example" in schema:
        return schema["example"]
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return examples[0]
    if fallback:
        for key in ("default", "const"):
            if key in schema:
                return schema[key]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return schema["enum"][0]
    return ...


def media_example(media: Any, deref: Deref) -> Any:
    """A media type's `example`, else the value of the first of its `examples`."""
    if not isinstance(media, dict):
        return ...
    if "example" in media:
        return media["example"]
    return _first_value(media.get("examples"), deref)


def _first_value(examples: Any, deref: Deref) -> Any:
    """The `value` of the first Example object of an `examples` map, or `...`."""
    if not isinstance(examples, dict) or not examples:
        return ...
    first = deref(next(iter(examples.values())))
    return first["value"] if isinstance(first, dict) and "value" in first else ...
