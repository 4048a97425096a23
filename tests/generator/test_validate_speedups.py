"""The faster ways `validate` runs openapi-spec-validator give the library's answers.

The structural pass uses a validator built from a crawled registry, and a 3.1 schema
is first tried against a flattened copy of the dialect's meta-schema. Both must agree
with the library exactly: the same errors from the structural pass, and the same
verdict, valid or not, on every schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema.exceptions import SchemaError, ValidationError
from jsonschema.protocols import Validator
from openapi_schema_validator import OAS31Validator, oas31_format_checker
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from generator import meta_schema
from generator.bundle import bundle
from generator.errors import Diagnostics
from generator.load import load_document
from generator.meta_schema import meta_schema_proof
from generator.validate import structural_validator, validate

from .conftest import DEMO_ITEM, DEMO_SPEC, ROOT, WriteFiles

DOCUMENTS = [
    ROOT / "spec" / "openapi.yaml",
    *sorted((ROOT / "tests" / "golden").glob("*/openapi.yaml")),
]
# Broken in many ways at once: unknown fields, wrong types, a parameter without `in`,
# a schema that is a number, a response without a description.
BROKEN = (
    DEMO_SPEC.replace("summary: List", "colour: blue\n      summary: List")
    .replace("in: path", "in: body")
    .replace("required: true", "required: yes please")
    .replace("description: The item.", "")
    + "components:\n  schemas:\n    Count: 5\n    Name: {type: [string, 3]}\n"
    + "  parameters:\n    Limit: {name: limit, schema: {type: integer}}\n"
)


def errors(validator: Any, document: Any) -> list[tuple[list[Any], str, list[Any]]]:
    """What the errors of `validator` say, and where, in the order it gives them."""
    return [
        (list(e.absolute_path), e.message, list(e.absolute_schema_path))
        for e in validator.iter_errors(document)
    ]


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_the_structural_pass_reports_what_the_library_reports(
    write: WriteFiles, version: str
) -> None:
    text = BROKEN.replace("openapi: 3.1.0", f"openapi: {version}")
    root = write({"openapi.yaml": text, "schemas/item.yaml": DEMO_ITEM})
    document = bundle(load_document(root)).data
    library = OpenAPIV30SpecValidator if version == "3.0.3" else OpenAPIV31SpecValidator

    found = errors(structural_validator(version[:3]), document)
    assert found == errors(library.schema_validator, document)
    assert len(found) >= 5


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.parent.name)
def test_the_structural_pass_accepts_what_the_library_accepts(document: Path) -> None:
    data = bundle(load_document(document)).data
    version = data["openapi"][:3]
    assert errors(structural_validator(version), data) == []


@pytest.fixture(scope="module")
def proof() -> Validator:
    found = meta_schema_proof(oas31_format_checker)
    assert found is not None, "the 3.1 dialect's meta-schema could not be flattened"
    return found


def library_finds_valid(schema: Any) -> bool:
    """The library's own check of a schema against the OpenAPI 3.1 dialect."""
    try:
        OAS31Validator.check_schema(schema, format_checker=oas31_format_checker)
    except (SchemaError, ValidationError):
        return False
    return True


def objects(value: Any) -> Iterator[Any]:
    """Every object and boolean in `value`, `value` included."""
    if isinstance(value, dict | bool):
        yield value
    children = value.values() if isinstance(value, dict) else value
    if isinstance(value, dict | list):
        for child in children:
            yield from objects(child)


def test_the_proof_agrees_with_the_library_on_every_object_of_the_documents_here(
    proof: Validator,
) -> None:
    # Every object, not only the schemas: path items, responses and examples are
    # schemas the dialect mostly rejects, so both verdicts are tried many times.
    verdicts = {True: 0, False: 0}
    for document in DOCUMENTS:
        for value in objects(bundle(load_document(document)).data):
            verdict = library_finds_valid(value)
            assert proof.is_valid(value) == verdict, value
            verdicts[verdict] += 1
    assert min(verdicts.values()) > 100


def test_the_proof_knows_every_keyword_of_the_dialect(proof: Validator) -> None:
    # The keywords the dialect's vocabularies define, each checked by the proof.
    assert set(proof.schema["properties"]) >= {
        "$id", "$ref", "$defs", "$dynamicRef", "type", "enum", "const", "pattern",
        "properties", "patternProperties", "additionalProperties", "items",
        "prefixItems", "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
        "required", "format", "unevaluatedProperties", "contentSchema",
        "discriminator", "xml", "externalDocs", "example", "dependencies",
    }  # fmt: skip


KEYWORDS = [
    "type", "enum", "const", "pattern", "format", "required", "minimum",
    "exclusiveMinimum", "minItems", "uniqueItems", "properties", "patternProperties",
    "additionalProperties", "items", "prefixItems", "allOf", "anyOf", "oneOf", "not",
    "if", "then", "$ref", "$id", "$anchor", "$defs", "$vocabulary", "dependencies",
    "dependentSchemas", "dependentRequired", "discriminator", "xml", "externalDocs",
    "example", "unevaluatedProperties", "contentSchema", "propertyNames", "nullable",
    "x-extra", "colour",
]  # fmt: skip
NAMES = ["a", "b", "^x-", "[", "url", "name", "propertyName", "mapping", "wrapped"]
TEXTS = [
    "", "a", "a b", "string", "object", "null", "array", "integer", "[", "^x-", "#",
    "#/a", "a#b", "#meta", "http://x.test/y", "uri", "int32",
]  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 3),
    st.floats(allow_nan=False, allow_infinity=False, width=16),
    st.sampled_from(TEXTS),
)
SCHEMA_LIKE = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(KEYWORDS), inner, max_size=4),
        st.dictionaries(st.sampled_from(NAMES), inner, max_size=3),
    ),
    max_leaves=25,
)


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(SCHEMA_LIKE)
def test_the_proof_agrees_with_the_library_on_random_schemas(schema: Any) -> None:
    proof = meta_schema_proof(oas31_format_checker)
    assert proof is not None
    assert proof.is_valid(schema) == library_finds_valid(schema)


def test_without_the_libraries_registry_every_schema_goes_to_the_library(
    write: WriteFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As with a version of openapi-schema-validator that moved its registry.
    root = write({"openapi.yaml": BROKEN, "schemas/item.yaml": DEMO_ITEM})
    bundled = bundle(load_document(root))
    proven = Diagnostics()
    validate(bundled, proven)

    monkeypatch.setattr(meta_schema, "OAS_DIALECTS", None)
    meta_schema_proof.cache_clear()
    try:
        assert meta_schema_proof(oas31_format_checker) is None
        unproven = Diagnostics()
        validate(bundled, unproven)
    finally:
        monkeypatch.undo()
        meta_schema_proof.cache_clear()

    assert unproven.items == proven.items
    assert any("Count" in str(item) for item in proven.items)
