"""A synthetic document of 1,000 operations generates a method for every operation.

The document comes from `benchmarks.synthetic`; it goes through load, bundle, build
and render as `generate` runs them (black only changes layout, and validation is
covered by the benchmark tests), and every rendered file must compile. No timing is
asserted here: `make bench` measures time.
"""

from __future__ import annotations

import ast
import json
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.synthetic import build_document
from generator.build import build_package
from generator.bundle import bundle
from generator.config import load_config
from generator.errors import Diagnostics
from generator.load import load_document
from generator.render import RenderedFile, render_package
from tests.realworld.run import document_operations, generated_operations

OPERATIONS = 1000


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The synthetic document, and the rendered files of its package."""
    root = tmp_path_factory.mktemp("scale")
    spec = root / "openapi.json"
    spec.write_text(json.dumps(build_document(OPERATIONS)), encoding="utf-8")
    diagnostics = Diagnostics()
    package = build_package(
        bundle(load_document(spec)), load_config(spec, None, "synthetic"), diagnostics
    )
    assert not diagnostics.errors
    files: list[RenderedFile] = render_package(package)
    for file in files:
        (root / file.path).parent.mkdir(parents=True, exist_ok=True)
        (root / file.path).write_text(file.text, encoding="utf-8")
    return root, {file.path: file.text for file in files}


def test_every_operation_has_a_method(rendered: tuple[Path, dict[str, str]]) -> None:
    root, _ = rendered
    document = json.loads((root / "openapi.json").read_text(encoding="utf-8"))
    expected = document_operations(document)
    found = generated_operations(root / "synthetic" / "resources")

    assert len(expected) == OPERATIONS
    assert found == expected, f"missing: {sorted(expected - found)[:5]}"


def test_every_method_is_defined_once_per_client_flavour(
    rendered: tuple[Path, dict[str, str]],
) -> None:
    _, files = rendered
    methods: Counter[str] = Counter()
    for path, text in files.items():
        if "/resources/" not in path or path.endswith("__init__.py"):
            continue
        for node in ast.parse(text).body:
            if isinstance(node, ast.ClassDef) and node.bases:
                flavour = ast.unparse(node.bases[0])
                methods[flavour] += sum(
                    isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                    and item.name != "with_raw_response"
                    for item in node.body
                )
    assert methods == {"SyncAPIResource": OPERATIONS, "AsyncAPIResource": OPERATIONS}


def test_the_whole_output_compiles(rendered: tuple[Path, dict[str, str]]) -> None:
    _, files = rendered
    python = {path: text for path, text in files.items() if path.endswith(".py")}
    assert len(python) > OPERATIONS // 5, "a module per resource, and the models"
    for path, text in python.items():
        compile(text, path, "exec", dont_inherit=True)
