"""pipeline: the stages in order; a failed run leaves the output directory as it was."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator import write
from generator.config import load_config
from generator.errors import SpecError
from generator.pipeline import Result, generate

from .conftest import snapshot, write_files


def renamed(spec: Path) -> None:
    """Rename the demo's model, so that a run creates, updates and deletes files."""
    for path in (spec, spec.parent / "schemas/item.yaml"):
        path.write_text(path.read_text().replace("Item", "Product"))


def run(spec: Path, output: Path, cache: Path, **options: Any) -> Result:
    return generate(spec, output, load_config(spec), cache_dir=cache, **options)


def interrupt_on_call(number: int) -> Callable[[Path, bytes], None]:
    """A `_write_atomically` that is interrupted on its `number`-th call."""
    original = write._write_atomically
    calls = 0

    def interrupted(target: Path, content: bytes) -> None:
        nonlocal calls
        calls += 1
        if calls == number:
            raise KeyboardInterrupt
        original(target, content)

    return interrupted


def test_interrupted_write_leaves_the_directory_as_it_was(
    demo_spec: Path,
    tmp_path: Path,
    black_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    output = tmp_path / "out"
    run(demo_spec, output, black_cache)
    (output / "demo" / "notes.txt").write_text("mine\n")
    renamed(demo_spec)
    before = snapshot(output)
    actions = {
        c.action for c in run(demo_spec, output, black_cache, check=True).changes
    }
    assert actions == {"create", "update", "delete"}

    monkeypatch.setattr(write, "_write_atomically", interrupt_on_call(3))
    with pytest.raises(KeyboardInterrupt):
        run(demo_spec, output, black_cache)

    assert snapshot(output) == before


def test_run_after_the_interruption_completes(
    demo_spec: Path,
    tmp_path: Path,
    black_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    output = tmp_path / "out"
    with monkeypatch.context() as patch:
        patch.setattr(write, "_write_atomically", interrupt_on_call(2))
        with pytest.raises(KeyboardInterrupt):
            run(demo_spec, output, black_cache)
    assert not output.exists()

    result = run(demo_spec, output, black_cache)
    files = {path: data for path, data in snapshot(output).items() if data is not None}
    assert files == result.files


def test_check_computes_the_changes_and_writes_nothing(
    demo_spec: Path, tmp_path: Path, black_cache: Path
) -> None:
    output = tmp_path / "out"
    result = run(demo_spec, output, black_cache, check=True)
    assert not output.exists()
    assert {c.action for c in result.changes} == {"create"}
    assert sorted(c.path for c in result.changes) == sorted(result.files)
    assert "demo/models/item.py" in result.files
    assert result.package is not None and result.package.package == "demo"


def test_stages_report_in_order(
    demo_spec: Path, tmp_path: Path, black_cache: Path
) -> None:
    stages: list[str] = []
    run(
        demo_spec,
        tmp_path / "out",
        black_cache,
        progress=lambda stage, _seconds: stages.append(stage),
    )
    assert stages == ["load", "validate", "build", "render", "format", "write"]


def test_invalid_document_stops_before_anything_is_written(
    tmp_path: Path, black_cache: Path
) -> None:
    spec = (
        write_files(
            tmp_path / "spec",
            {
                "openapi.yaml": "openapi: 3.1.0\npaths: {}\n",
                "generator.yaml": "package: a",
            },
        )
        / "openapi.yaml"
    )
    with pytest.raises(SpecError) as error:
        run(spec, tmp_path / "out", black_cache)
    assert str(error.value) == (
        "The OpenAPI document has 1 error:\n"
        f"  {spec}:1 at /: error: The document is not valid OpenAPI 3.1.0: 'info' is "
        "a required property."
    )
    assert not (tmp_path / "out").exists()
