"""benchmarks.synthetic: documents of any size that are valid and generate a client."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from benchmarks.synthetic import build_document, write_document
from generator.config import load_config
from generator.errors import Diagnostics
from generator.pipeline import generate, load_and_validate

METHODS = ("get", "put", "post", "delete", "patch")


def operations(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (method, path)
        for path, item in document["paths"].items()
        for method in METHODS
        if method in item
    ]


@pytest.mark.parametrize("count", [1, 7, 10, 200])
def test_the_document_has_the_operations_asked_for(count: int) -> None:
    assert len(operations(build_document(count))) == count


def test_the_same_arguments_give_the_same_document() -> None:
    assert build_document(50) == build_document(50)
    assert build_document(50, seed=1) != build_document(50)
    assert operations(build_document(50, seed=1)) == operations(build_document(50))


def test_zero_operations_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one operation, not 0"):
        build_document(0)


def test_the_document_uses_what_the_codefluss_document_uses() -> None:
    document = build_document(15)
    schemas = document["components"]["schemas"]
    assert schemas["SuccessEnvelope"]["x-envelope"] == "data"
    assert schemas["ListEnvelope"]["x-pagination"]["cursorParam"] == "cursor"
    assert "x-error" in schemas["ErrorResponse"]
    assert "discriminator" in schemas["AmberGadgetContent"]
    assert schemas["AmberGadget"]["allOf"][0] == {
        "$ref": "#/components/schemas/StoredObject"
    }
    children = schemas["AmberGadget"]["allOf"][1]["properties"]["children"]
    assert children["items"] == {"$ref": "#/components/schemas/AmberGadget"}
    assert schemas["AmberGadgetStatus"]["enum"]
    nested = "/bold-gadgets/{boldGadgetId}/calm-gadgets/{calmGadgetId}"
    assert nested in document["paths"]


def test_write_document_writes_yaml_and_a_config(tmp_path: Path) -> None:
    spec = write_document(tmp_path / "api" / "openapi.yaml", 10, package="acme")
    assert yaml.safe_load(spec.read_text(encoding="utf-8")) == build_document(10)
    config = load_config(spec)
    assert (config.package, config.client) == ("acme", "Acme")


@pytest.mark.parametrize("count", [10, 200])
def test_the_document_is_valid_and_its_client_imports(
    count: int, tmp_path: Path
) -> None:
    package = f"synthetic_{count}"
    spec = write_document(tmp_path / "spec" / "openapi.yaml", count, package=package)
    diagnostics = Diagnostics()
    load_and_validate(spec, diagnostics)
    assert diagnostics.warnings == []

    output = tmp_path / "out"
    result = generate(spec, output, load_config(spec), cache_dir=tmp_path / "cache")
    assert result.warnings == []
    resources = {r.name for r in result.package.resources} if result.package else set()
    assert len(resources) == count // 5

    script = (
        f"import {package}, {package}.models as models\n"
        f"client = {package}.{package.title().replace('_', '')}("
        "api_key='k', base_url='http://127.0.0.1:9')\n"
        "page_model = models.AmberGadgetList\n"
        "print(type(client.amber_gadgets).__name__, page_model.__name__)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=output,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == ["AmberGadgets", "AmberGadgetList"]
