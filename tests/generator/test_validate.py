"""validate: the OpenAPI version, openapi-spec-validator, and the operationIds."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.bundle import bundle
from generator.errors import Diagnostics, SpecError
from generator.load import load_document
from generator.pipeline import load_and_validate
from generator.validate import validate, warm_up_bundle

from .conftest import DEMO_ITEM, DEMO_SPEC, MINIMAL_30, MINIMAL_31, WriteFiles


def diagnose(root: Path, *, lenient: bool = False) -> list[str]:
    """Every diagnostic of the document at `root`, as printed."""
    diagnostics = Diagnostics()
    validate(bundle(load_document(root)), diagnostics, lenient=lenient)
    return [str(d) for d in diagnostics.items]


ITEMS_30 = """\
openapi: 3.0.3
info:
  title: Demo
  version: 1.0.0
paths:
  /items:
    get:
      operationId: listItems
      parameters:
        - name: limit
          in: query
          schema:
            type: integer
            nullable: true
      responses:
        '200':
          description: The items.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Item'
components:
  schemas:
    Item:
      type: object
      required: [id]
      properties:
        id: {type: string}
"""


def test_valid_30_document_has_no_diagnostics(write: WriteFiles) -> None:
    assert diagnose(write({"openapi.yaml": ITEMS_30})) == []
    assert diagnose(write({"openapi.yaml": MINIMAL_30})) == []


def test_valid_31_document_has_no_diagnostics(write: WriteFiles) -> None:
    root = write({"openapi.yaml": DEMO_SPEC, "schemas/item.yaml": DEMO_ITEM})
    assert diagnose(root) == []
    assert diagnose(write({"openapi.yaml": MINIMAL_31})) == []


def test_swagger_2_is_refused_with_the_conversion(write: WriteFiles) -> None:
    root = write(
        {"openapi.yaml": "swagger: '2.0'\ninfo: {title: Demo, version: '1'}\n"}
    )
    assert diagnose(root) == [
        f"{root}:1 at /swagger: error: This is a Swagger 2.0 document; the generator "
        "reads OpenAPI 3.0 and 3.1. Convert it first, for example with `npx "
        "swagger2openapi input.yaml --outfile openapi.yaml --yaml`, then generate "
        "from the result."
    ]


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("openapi: 4.0.0", "'4.0.0'"),
        ("openapi: 4.0", "4.0"),
        ("openapi: '3.1'", "'3.1'"),
    ],
)
def test_other_versions_are_refused(write: WriteFiles, line: str, shown: str) -> None:
    root = write({"openapi.yaml": MINIMAL_31.replace("openapi: 3.1.0", line)})
    assert diagnose(root) == [
        f"{root}:1 at /openapi: error: The document's `openapi` field is {shown}; "
        "expected a version string 3.0.x or 3.1.x."
    ]


def test_missing_version(write: WriteFiles) -> None:
    root = write({"openapi.yaml": "info: {title: Demo, version: '1'}\npaths: {}\n"})
    assert diagnose(root) == [
        f"{root}:1 at /: error: The document's `openapi` field is None; "
        "expected a version string 3.0.x or 3.1.x."
    ]


def test_response_without_description_in_30(write: WriteFiles) -> None:
    root = write({"openapi.yaml": ITEMS_30.replace("description: The items.", "")})
    assert diagnose(root) == [
        f"{root}:16 at /paths/~1items/get/responses/200: error: The document is not "
        "valid OpenAPI 3.0.3: 'description' is a required property."
    ]


def test_parameter_without_in(write: WriteFiles) -> None:
    # The validator's second pass would fail with a KeyError on this document.
    root = write({"openapi.yaml": ITEMS_30.replace("in: query", "")})
    assert diagnose(root) == [
        f"{root}:10 at /paths/~1items/get/parameters/0: error: The document is not "
        "valid OpenAPI 3.0.3: 'in' is a required property."
    ]


def test_error_in_a_referenced_file_names_that_file(write: WriteFiles) -> None:
    text = ITEMS_30.replace(
        "$ref: '#/components/schemas/Item'", "$ref: 'schemas/item.yaml#/Item'"
    )
    root = write(
        {
            "openapi.yaml": text,
            "schemas/item.yaml": DEMO_ITEM.replace("type: object", "type: thing"),
        }
    )
    assert diagnose(root) == [
        f"{root.parent / 'schemas/item.yaml'}:2 at /Item/type: error: The document "
        "is not valid OpenAPI 3.0.3: 'thing' is not one of ['array', 'boolean', "
        "'integer', 'number', 'object', 'string']."
    ]


def test_schema_error_in_31_is_reported_at_the_schema(write: WriteFiles) -> None:
    # OpenAPI 3.1 schemas are checked by the validator's second pass. The schema is
    # reached through a $ref from the response, and reported where it is written.
    root = write(
        {
            "openapi.yaml": DEMO_SPEC,
            "schemas/item.yaml": DEMO_ITEM.replace("type: object", "type: thing"),
        }
    )
    assert diagnose(root) == [
        f"{root.parent / 'schemas/item.yaml'}:2 at /Item/type: error: The document is "
        "not valid OpenAPI 3.1.0: 'thing' is not one of ['array', 'boolean', "
        "'integer', 'null', 'number', 'object', 'string']."
    ]


def test_lenient_turns_an_unknown_keyword_into_a_warning(write: WriteFiles) -> None:
    text = ITEMS_30.replace("required: [id]", "required: [id]\n      colour: blue")
    root = write({"openapi.yaml": text})
    error = (
        f"{root}:24 at /components/schemas/Item: error: The document is not valid "
        "OpenAPI 3.0.3: 'colour' does not match any of the regexes: '^x-'."
    )
    warning = (
        f"{root}:24 at /components/schemas/Item: warning: The document is not valid "
        "OpenAPI 3.0.3: 'colour' does not match any of the regexes: '^x-'. "
        "(ignored with --lenient)"
    )
    assert diagnose(root) == [error]
    assert diagnose(root, lenient=True) == [warning]


def test_lenient_turns_a_repeated_required_name_into_a_warning(
    write: WriteFiles,
) -> None:
    root = write({"openapi.yaml": ITEMS_30.replace("[id]", "[id, id]")})
    assert diagnose(root, lenient=True) == [
        f"{root}:26 at /components/schemas/Item/required: warning: The document is "
        "not valid OpenAPI 3.0.3: ['id', 'id'] has non-unique elements. "
        "(ignored with --lenient)"
    ]


def test_lenient_unknown_keyword_in_31_operation(write: WriteFiles) -> None:
    text = DEMO_SPEC.replace("summary: List", "colour: blue\n      summary: List")
    root = write({"openapi.yaml": text, "schemas/item.yaml": DEMO_ITEM})
    message = (
        f"{root}:7 at /paths/~1items/get: {{}}: The document is not valid OpenAPI "
        "3.1.0: Unevaluated properties are not allowed ('colour' was unexpected)."
    )
    assert diagnose(root) == [message.format("error")]
    assert diagnose(root, lenient=True) == [
        message.format("warning") + " (ignored with --lenient)"
    ]


def test_lenient_keeps_a_structural_error_fatal(write: WriteFiles) -> None:
    text = ITEMS_30.replace("required: [id]", "required: [id]\n      colour: blue")
    text = text.replace("in: query", "in: body")
    root = write({"openapi.yaml": text})
    messages = diagnose(root, lenient=True)
    assert messages == [
        f"{root}:11 at /paths/~1items/get/parameters/0/in: error: The document is "
        "not valid OpenAPI 3.0.3: 'body' is not one of ['path', 'query', 'header', "
        "'cookie'].",
        f"{root}:24 at /components/schemas/Item: warning: The document is not valid "
        "OpenAPI 3.0.3: 'colour' does not match any of the regexes: '^x-'. "
        "(ignored with --lenient)",
    ]


def test_duplicate_operation_ids_name_both_operations(write: WriteFiles) -> None:
    text = DEMO_SPEC.replace("operationId: getItem", "operationId: listItems")
    root = write({"openapi.yaml": text, "schemas/item.yaml": DEMO_ITEM})
    assert diagnose(root) == [
        f"{root}:21 at /paths/~1items~1{{item_id}}/get/operationId: error: The "
        "operationId 'listItems' of GET /items/{item_id} is already used by GET "
        f"/items ({root}:8 at /paths/~1items/get/operationId); every operation needs "
        "its own operationId."
    ]


def test_path_parameter_mismatch_is_reported_at_the_operation(
    write: WriteFiles,
) -> None:
    text = DEMO_SPEC.replace("name: item_id", "name: id")
    root = write({"openapi.yaml": text, "schemas/item.yaml": DEMO_ITEM})
    prefix = (
        f"{root}:20 at /paths/~1items~1{{item_id}}/get: error: The document is not "
        "valid OpenAPI 3.1.0: "
    )
    assert sorted(diagnose(root)) == [
        prefix + "Path parameter 'id' for 'get' operation in '/items/{item_id}' was "
        "not resolved.",
        prefix + "Path parameter 'item_id' for 'get' operation in '/items/{item_id}' "
        "was not resolved.",
    ]


def test_load_and_validate_raises_every_error_together(write: WriteFiles) -> None:
    text = ITEMS_30.replace("in: query", "").replace("description: The items.", "")
    root = write({"openapi.yaml": text})
    with pytest.raises(SpecError) as error:
        load_and_validate(root, Diagnostics())
    assert str(error.value).splitlines() == [
        "The OpenAPI document has 2 errors:",
        f"  {root}:10 at /paths/~1items/get/parameters/0: error: The document is not "
        "valid OpenAPI 3.0.3: 'in' is a required property.",
        f"  {root}:16 at /paths/~1items/get/responses/200: error: The document is not "
        "valid OpenAPI 3.0.3: 'description' is a required property.",
    ]


SECOND_PASS_31 = """\
openapi: 3.1.0
info:
  title: Demo
  version: 1.0.0
tags:
  - name: items
  - name: items
paths:
  /items:
    get:
      operationId: listItems
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
        - {name: limit, in: query, schema: {type: integer}}
      responses:
        '200':
          description: The items.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Item'
components:
  schemas:
    Item:
      type: object
      properties:
        label:
          type: string
          default: 5
    Code:
      type: string
      default: 5
"""


def test_second_pass_errors_are_reported_where_they_were_found(
    write: WriteFiles,
) -> None:
    # The same message at two places is two errors.
    root = write({"openapi.yaml": SECOND_PASS_31})
    prefix = "error: The document is not valid OpenAPI 3.1.0: "
    assert diagnose(root) == [
        f"{root}:5 at /tags: {prefix}Duplicate tag name 'items'.",
        f"{root}:29 at /components/schemas/Item/properties/label/default: {prefix}5 "
        "is not of type 'string'.",
        f"{root}:12 at /paths/~1items/get/parameters: {prefix}Duplicate parameter "
        "'limit'.",
        f"{root}:32 at /components/schemas/Code/default: {prefix}5 is not of type "
        "'string'.",
    ]


def test_the_warm_up_document_passes_both_passes() -> None:
    # A validation process validates it while it waits for its work; with an error
    # the structural pass would stop early and leave the semantic pass cold.
    diagnostics = Diagnostics()
    validate(warm_up_bundle(), diagnostics)
    assert diagnostics.items == []
