"""The renderer writes black's style, so that black finds nothing to change.

black reformats a file a second time whenever its first pass changed it, and black is
most of a cold run's time; the runtime modules are not given to black at all. These
tests hold the templates to that: every rendered Python file of every golden document,
the CODEFLUSS document and a synthetic one is already what black would write.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
from pathlib import Path

import black
import pytest

from benchmarks.synthetic import build_document
from generator.build import build_package
from generator.bundle import bundle
from generator.config import load_config
from generator.errors import Diagnostics
from generator.format import format_files, mode
from generator.load import load_document
from generator.model import Package
from generator.render import RenderedFile, render_package
from tests.golden.cases import CASES, HERE

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = {
    "codefluss": ROOT / "spec" / "openapi.yaml",
    **{case: HERE / case / "openapi.yaml" for case in CASES},
}


def _package(spec: Path, package_name: str | None = None) -> Package:
    config = load_config(spec, package_name=package_name)
    return build_package(bundle(load_document(spec)), config, Diagnostics())


def _differences(files: list[RenderedFile]) -> list[str]:
    found = []
    for file in files:
        if not file.is_python:
            continue
        formatted = black.format_str(file.text, mode=mode())
        if formatted != file.text:
            diff = difflib.unified_diff(
                file.text.splitlines(), formatted.splitlines(), lineterm="", n=1
            )
            found.append(f"{file.path}:\n" + "\n".join(list(diff)[2:14]))
    return found


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_rendered_files_are_already_in_blacks_style(name: str) -> None:
    differences = _differences(render_package(_package(DOCUMENTS[name])))
    assert not differences, "black would change:\n" + "\n\n".join(differences)


def test_a_synthetic_document_renders_in_blacks_style(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(build_document(60)), encoding="utf-8")
    differences = _differences(render_package(_package(spec, "synthetic")))
    assert not differences, "black would change:\n" + "\n\n".join(differences)


def test_runtime_modules_with_the_shortest_names_are_in_blacks_style() -> None:
    # A shorter name can only let black join lines; a longer one can only make a line
    # too long, which marks the module for black (see the next test).
    package = dataclasses.replace(
        _package(DOCUMENTS["codefluss"]),
        package="a",
        distribution="a",
        client_class="A",
        base_error="E",
        env_prefix="A",
    )
    runtime = [f for f in render_package(package) if f.formatted]
    assert len(runtime) >= 10
    assert not _differences(runtime)


def test_a_runtime_module_a_long_name_pushed_too_wide_goes_to_black() -> None:
    package = dataclasses.replace(
        _package(DOCUMENTS["codefluss"]), base_error="E" + "x" * 70
    )
    files = render_package(package)
    core = next(f for f in files if f.path.endswith("/_core.py"))
    assert not core.formatted
    assert max(len(line) for line in core.text.splitlines()) > 88
    formatted = format_files([core])[core.path]
    assert formatted != core.text
    assert formatted == black.format_str(core.text, mode=mode())


LONG = "ConfirmTheMandateDataOfThePaymentIntentCustomerAcceptanceOnline"
LONG_NAMES = f"""\
openapi: 3.1.0
info: {{title: Long names, version: 1.0.0}}
paths:
  /customers/{{customer}}/subscriptions/{{subscription_exposed_id}}/discount:
    parameters:
      - {{name: customer, in: path, required: true, schema: {{type: string}}}}
      - {{name: subscription_exposed_id, in: path, required: true,
         schema: {{type: string}}}}
    get:
      operationId: retrieveTheDiscountOfTheSubscriptionExposedIdOfTheCustomer
      responses:
        "200":
          description: The discount.
          content:
            application/json:
              schema: {{$ref: "#/components/schemas/{LONG}"}}
    post:
      operationId: uploadTheDocumentOfTheDiscountOfTheSubscriptionOfTheCustomerNow
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                file: {{type: string, format: binary}}
      responses:
        "204": {{description: Uploaded.}}
components:
  schemas:
    {LONG}:
      type: object
      required: [status]
      properties:
        status:
          type: string
          enum: [verification_document_id_number_mismatch_with_the_registry_record]
        customer_acceptance_of_the_mandate:
          $ref: "#/components/schemas/{LONG}Variant1Interval"
    {LONG}Variant1Interval:
      type: string
      enum: [day, week]
"""


def test_long_names_render_in_blacks_style(tmp_path: Path) -> None:
    # Long names push lines past 88 columns: the ResponseSpec constant, the raw
    # response wrappers, the imports, enum members and field annotations.
    spec = tmp_path / "openapi.yaml"
    spec.write_text(LONG_NAMES, encoding="utf-8")
    files = render_package(_package(spec, "long"))
    assert max(len(line) for f in files for line in f.text.splitlines()) > 88
    differences = _differences(files)
    assert not differences, "black would change:\n" + "\n\n".join(differences)
