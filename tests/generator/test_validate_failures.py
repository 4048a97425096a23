"""Documents on which openapi-spec-validator fails instead of reporting.

The validator raises `ValueError` for a path template Python's `str.format` cannot
read, and `RecursionError` for a `$ref` chain that comes back to where it started.
Both become located errors, the rest of the document is still checked, and nothing is
written. The documents go through the command line's own entry point.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import cli
from generator.bundle import bundle
from generator.errors import Diagnostics
from generator.load import load_document
from generator.validate import validate

from .conftest import write_files

PATH_TEMPLATE = """\
openapi: {version}
info: {{title: Demo, version: 1.0.0}}
paths:
  '{path}':
    get:
      parameters:
        - name: '{name}'
          in: path
          required: true
          schema: {{type: string}}
      responses:
        '200': {{description: OK}}
"""
SELF_REFERENCE = """\
openapi: {version}
info: {{title: Demo, version: 1.0.0}}
paths: {{}}
components:
  schemas:
    A:
      $ref: '#/components/schemas/A'
"""
# A loop of two schemas, a schema and a response that lead into it, and an error
# elsewhere that the validator's second pass finds once the loop is out of its way.
LOOP = """\
openapi: 3.1.0
info: {title: Demo, version: 1.0.0}
paths:
  /items/{item_id}:
    get:
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Entry'
components:
  schemas:
    Entry:
      $ref: '#/components/schemas/Node'
    Node:
      $ref: '#/components/schemas/Tree'
    Tree:
      $ref: '#/components/schemas/Node'
"""


@pytest.fixture
def spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the document goes, beside its generator.yaml; the cache is the test's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    write_files(tmp_path / "spec", {"generator.yaml": "package: demo\n"})
    return tmp_path / "spec" / "openapi.yaml"


def run(*args: str | Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """`python -m generator ARGS` in this process: its exit code 1 and its stderr."""
    assert cli.main([str(arg) for arg in args]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err.splitlines()


def errors_of(spec: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The errors `validate` prints; `generate` prints them too and writes nothing."""
    output = spec.parent.parent / "out"
    printed = run("generate", spec, output, capsys=capsys)
    assert not output.exists()
    assert run("validate", spec, capsys=capsys) == printed
    assert printed[-1] == "Nothing was written."
    return printed[:-1]


@pytest.mark.parametrize(
    ("path", "name", "reason"),
    [
        ("/a/{id!}", "id!", "unmatched '{' in format spec"),
        ("/a/{id[}", "id[", "expected '}' before end of string"),
    ],
)
@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_a_path_template_the_validator_cannot_read_is_a_located_error(
    spec: Path,
    capsys: pytest.CaptureFixture[str],
    version: str,
    path: str,
    name: str,
    reason: str,
) -> None:
    spec.write_text(PATH_TEMPLATE.format(version=version, path=path, name=name))
    pointer = "/paths/" + path.replace("/", "~1")
    assert errors_of(spec, capsys) == [
        "The OpenAPI document has 1 error:",
        f"  {spec}:4 at {pointer}: error: The path {path!r} cannot be checked: "
        "openapi-spec-validator reads a path as a Python format string and fails on "
        f"this one ({reason}). Pair every '{{' with a '}}', and name path parameters "
        "without '!', ':', '[' or ']'.",
    ]


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_a_schema_that_is_only_a_reference_to_itself_is_a_located_error(
    spec: Path, capsys: pytest.CaptureFixture[str], version: str
) -> None:
    spec.write_text(SELF_REFERENCE.format(version=version))
    assert errors_of(spec, capsys) == [
        "The OpenAPI document has 1 error:",
        f"  {spec}:6 at /components/schemas/A: error: The schema "
        "#/components/schemas/A is only a $ref to itself (A → A); it describes no "
        "value. Write out what it describes, or point the $ref elsewhere.",
    ]


def test_a_loop_of_references_is_reported_once_and_the_rest_is_still_checked(
    spec: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec.write_text(LOOP)
    assert errors_of(spec, capsys) == [
        "The OpenAPI document has 2 errors:",
        f"  {spec}:17 at /components/schemas/Node: error: The schema "
        "#/components/schemas/Node is only a $ref, and its chain of $refs leads back "
        "to it (Node → Tree → Node); it describes no value. Write out what one of "
        "them describes.",
        f"  {spec}:5 at /paths/~1items~1{{item_id}}/get: error: The document is not "
        "valid OpenAPI 3.1.0: Path parameter 'item_id' for 'get' operation in "
        "'/items/{item_id}' was not resolved.",
    ]


def test_the_document_itself_is_left_as_it_was(spec: Path) -> None:
    spec.write_text(LOOP.replace("/items/{item_id}", "/items/{item_id!}"))
    bundled = bundle(load_document(spec))
    diagnostics = Diagnostics()
    validate(bundled, diagnostics)

    assert [d.location.pointer for d in diagnostics.items if d.location] == [
        "/components/schemas/Node",
        "/paths/~1items~1{item_id!}",
    ]
    schemas = bundled.data["components"]["schemas"]
    assert schemas["Node"] == {"$ref": "#/components/schemas/Tree"}
    assert "get" in bundled.data["paths"]["/items/{item_id!}"]
