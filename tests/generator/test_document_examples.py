"""document_examples: the example of a parameter, a schema and a media type."""

from __future__ import annotations

from typing import Any

from generator.document_examples import (
    media_example,
    parameter_example,
    schema_example,
)

NAMED = {"#/components/examples/Bolt": {"value": "w_1"}}


def deref(value: Any) -> Any:
    """Follows the one reference these tests use."""
    if isinstance(value, dict) and "$ref" in value:
        return NAMED[value["$ref"]]
    return value


def test_a_parameter_s_own_example_comes_before_its_examples_and_schema() -> None:
    parameter = {
        "example": "own",
        "examples": {"first": {"value": "listed"}},
        "schema": {"example": "schema"},
    }
    assert parameter_example(parameter, deref) == "own"
    del parameter["example"]
    assert parameter_example(parameter, deref) == "listed"
    parameter["examples"] = {"empty": {"summary": "no value"}}
    assert parameter_example(parameter, deref) == "schema"


def test_a_named_example_is_followed() -> None:
    parameter = {"examples": {"bolt": {"$ref": "#/components/examples/Bolt"}}}
    assert parameter_example(parameter, deref) == "w_1"


def test_null_is_an_example_and_ellipsis_means_none() -> None:
    assert parameter_example({"example": None}, deref) is None
    assert parameter_example({"schema": {"type": "string"}}, deref) is ...
    assert schema_example(None) is ...


def test_a_schema_s_example_comes_before_its_examples() -> None:
    assert schema_example({"example": 1, "examples": [2]}) == 1
    assert schema_example({"examples": [2, 3]}) == 2


def test_the_fallback_gives_a_default_constant_or_enum_value() -> None:
    schema: dict[str, Any] = {"default": "a", "const": "b", "enum": ["c"]}
    assert schema_example(schema) is ...
    assert schema_example(schema, fallback=True) == "a"
    del schema["default"]
    assert schema_example(schema, fallback=True) == "b"
    del schema["const"]
    assert parameter_example({"schema": schema}, deref, fallback=True) == "c"


def test_a_media_type_s_example_or_its_first_example_s_value() -> None:
    assert media_example({"example": {"id": 1}}, deref) == {"id": 1}
    bolt = {"examples": {"bolt": {"$ref": "#/components/examples/Bolt"}}}
    assert media_example(bolt, deref) == "w_1"
    assert media_example({"schema": {}}, deref) is ...
    assert media_example(None, deref) is ...
