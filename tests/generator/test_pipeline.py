"""pipeline: the stages in order; a failed run leaves the output directory as it was.

A regeneration does again only what the change needs: it validates the changed
operations alone, and reuses the last run for a document that has not changed.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from benchmarks.synthetic import build_document, write_document
from generator import build as building
from generator import pipeline, write
from generator import validate as validation
from generator.config import load_config
from generator.errors import Diagnostics, GeneratorError, SpecError
from generator.pipeline import Result, generate, load_and_validate

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
    assert error.value.sources == (spec,)  # the files to watch for the next run
    assert not (tmp_path / "out").exists()


def change_one_operation(spec: Path, document: dict[str, Any], **changes: Any) -> None:
    document["paths"]["/amber-gadgets"]["get"].update(changes)
    spec.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")


def test_a_regeneration_validates_only_the_changed_operation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = write_document(tmp_path / "spec" / "openapi.yaml", 10)
    cache = tmp_path / "cache"
    run(spec, tmp_path / "out", cache)

    validated: list[list[str]] = []
    original = validation.validate

    def recording(bundled: Any, diagnostics: Diagnostics, **options: Any) -> None:
        validated.append(list(bundled.data["paths"]))
        original(bundled, diagnostics, **options)

    monkeypatch.setattr(validation, "validate", recording)
    monkeypatch.setattr(pipeline, "_cores", lambda: 1)  # validate in this process
    change_one_operation(spec, build_document(10), summary="List them all")
    result = run(spec, tmp_path / "out", cache)

    assert validated == [["/amber-gadgets"]]
    assert [change.path for change in result.changes] == [
        "synthetic/resources/amber_gadgets.py"
    ]


def test_a_regeneration_reports_a_new_error_as_a_fresh_validation_does(
    tmp_path: Path,
) -> None:
    spec = write_document(tmp_path / "spec" / "openapi.yaml", 10)
    cache = tmp_path / "cache"
    run(spec, tmp_path / "out", cache)

    document = build_document(10)
    parameters = document["paths"]["/amber-gadgets"]["get"]["parameters"]
    page = {
        "name": "page",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
    }
    change_one_operation(spec, document, parameters=[*parameters, page])
    with pytest.raises(SpecError) as regenerated:
        run(spec, tmp_path / "out", cache)
    with pytest.raises(SpecError) as fresh:
        load_and_validate(spec, Diagnostics())

    assert str(regenerated.value) == str(fresh.value)
    assert "Path parameter 'page' for 'get' operation" in str(fresh.value)


def test_a_regeneration_of_an_unchanged_document_reuses_the_last_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = write_document(tmp_path / "spec" / "openapi.yaml", 10)
    cache = tmp_path / "cache"
    first = run(spec, tmp_path / "out", cache)

    def fail(*_arguments: Any) -> None:
        raise AssertionError("built again")

    monkeypatch.setattr(building, "build_package", fail)
    again = run(spec, tmp_path / "out", cache)
    assert (again.files, again.warnings, again.changes) == (first.files, [], [])
    assert again.package == first.package

    spec.write_text(spec.read_text(encoding="utf-8") + "# a comment\n")
    with pytest.raises(AssertionError, match="built again"):
        run(spec, tmp_path / "out", cache)


def test_the_early_validation_process_validates_and_then_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On more than one core, a process imports the validator while the document is
    # read; it validates what it is sent and ends with the run.
    monkeypatch.setattr(pipeline, "_cores", lambda: 2)
    spec = write_document(tmp_path / "spec" / "openapi.yaml", 10)
    cache = tmp_path / "cache"
    original = spec.read_text(encoding="utf-8")
    run(spec, tmp_path / "out", cache)
    assert multiprocessing.active_children() == []

    # After a change, the process is sent the changed path item to validate first.
    change_one_operation(spec, build_document(10), summary="List them all")
    send = pipeline._ValidatorProcess.send
    sent: list[list[str] | None] = []

    def recording(process: Any, bundled: Any, lenient: bool, first: Any) -> None:
        sent.append(None if first is None else list(first.data["paths"]))
        send(process, bundled, lenient, first)

    with monkeypatch.context() as patched:
        patched.setattr(pipeline._ValidatorProcess, "send", recording)
        run(spec, tmp_path / "out", cache)
        assert sent == [["/amber-gadgets"]]
        assert multiprocessing.active_children() == []

        # Back to a document whose verdict is remembered: nothing is sent to the
        # process, which is stopped; the output is the same as a fresh run's.
        spec.write_text(original, encoding="utf-8")
        again = run(spec, tmp_path / "out", cache)
    assert sent == [["/amber-gadgets"]]
    assert multiprocessing.active_children() == []
    fresh = run(spec, tmp_path / "fresh", tmp_path / "other")
    assert again.files == fresh.files


def test_a_validation_process_that_dies_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "_cores", lambda: 2)
    monkeypatch.setattr(pipeline, "_validator_main", _exit_at_once)
    spec = write_document(tmp_path / "spec" / "openapi.yaml", 10)
    with pytest.raises(GeneratorError) as error:
        run(spec, tmp_path / "out", tmp_path / "cache")
    assert str(error.value) == (
        "The validation process ended without a result; run again, and if it happens "
        "again, validate alone with `python -m generator validate`."
    )
    assert not (tmp_path / "out").exists()
    assert multiprocessing.active_children() == []


def _exit_at_once(connection: Any, _parents_end: Any) -> None:
    connection.close()


def test_a_run_leaves_nothing_frozen_in_the_calling_process(tmp_path: Path) -> None:
    # The run freezes the document and the model against the garbage collector while
    # it works; a program that calls `generate` gets them back collectable.
    spec = write_document(tmp_path / "spec" / "openapi.yaml", 10)
    run(spec, tmp_path / "out", tmp_path / "cache")
    assert gc.get_freeze_count() == 0

    spec.write_text("openapi: 3.1.0\npaths: {}\n", encoding="utf-8")
    with pytest.raises(SpecError):
        run(spec, tmp_path / "out", tmp_path / "cache")
    assert gc.get_freeze_count() == 0


def test_a_program_that_froze_objects_finds_them_as_it_left_them(
    tmp_path: Path,
) -> None:
    spec = write_document(tmp_path / "spec" / "openapi.yaml", 10)
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        run(spec, tmp_path / "out", tmp_path / "cache")
        # Still frozen, and nothing of the run's added (frozen objects that were
        # freed meanwhile have left the count).
        assert 0 < gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()


@pytest.fixture
def session_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Path, dict[str, Any]]:
    """(spec, cache, its data) of a 10-operation document, on what the pipeline takes
    for two cores, so that a session keeps a validation process."""
    monkeypatch.setattr(pipeline, "_cores", lambda: 2)
    spec = write_document(tmp_path / "spec" / "openapi.yaml", 10)
    return spec, tmp_path / "cache", build_document(10)


def fresh_files(spec: Path, directory: Path) -> dict[str, bytes]:
    """What a run of its own, with a cache of its own, makes of `spec`."""
    return run(spec, directory, directory).files


def test_runs_in_a_session_share_one_validation_process(
    tmp_path: Path, session_document: tuple[Path, Path, dict[str, Any]]
) -> None:
    spec, cache, document = session_document
    with pipeline.Session() as session:
        run(spec, tmp_path / "out", cache, session=session)
        [process] = multiprocessing.active_children()
        for summary in ("List them all", "List every one"):
            change_one_operation(spec, document, summary=summary)
            result = run(spec, tmp_path / "out", cache, session=session)
            assert multiprocessing.active_children() == [process]
            assert result.files == fresh_files(spec, tmp_path / summary)
    assert multiprocessing.active_children() == []


def test_a_session_replaces_a_process_left_validating_by_a_stopped_run(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    session_document: tuple[Path, Path, dict[str, Any]],
) -> None:
    # A run stopped while its document is validated must not leave that verdict to
    # the next run: the process is replaced.
    spec, cache, _ = session_document
    during: list[Any] = []

    def interrupt(*_arguments: Any) -> None:
        during.extend(multiprocessing.active_children())
        raise KeyboardInterrupt

    with pipeline.Session() as session:
        with monkeypatch.context() as patched:
            patched.setattr(building, "build_package", interrupt)
            with pytest.raises(KeyboardInterrupt):
                run(spec, tmp_path / "out", cache, session=session)
        [replacement] = multiprocessing.active_children()
        assert [process.pid for process in during] != [replacement.pid]

        spec.write_text("openapi: 3.1.0\npaths: {}\n", encoding="utf-8")
        with pytest.raises(SpecError, match="'info' is a required property"):
            run(spec, tmp_path / "out", cache, session=session)
        assert multiprocessing.active_children() == [replacement]
    assert not (tmp_path / "out").exists()


def test_a_session_goes_on_after_its_validation_process_was_killed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    session_document: tuple[Path, Path, dict[str, Any]],
) -> None:
    spec, cache, document = session_document
    with pipeline.Session() as session:
        run(spec, tmp_path / "out", cache, session=session)
        # Killed while it waits: the next run starts another and notices nothing.
        [first] = multiprocessing.active_children()
        first.kill()
        first.join()
        change_one_operation(spec, document, summary="List them all")
        result = run(spec, tmp_path / "out", cache, session=session)
        assert result.files == fresh_files(spec, tmp_path / "a")
        [second] = multiprocessing.active_children()

        # Killed while it validates: that run fails, the next one starts another.
        build = building.build_package

        def kill(*arguments: Any) -> Any:
            second.kill()
            second.join()
            return build(*arguments)

        with monkeypatch.context() as patched:
            patched.setattr(building, "build_package", kill)
            change_one_operation(spec, document, summary="List every one")
            with pytest.raises(GeneratorError, match="ended without a result"):
                run(spec, tmp_path / "out", cache, session=session)
        change_one_operation(spec, document, summary="List each one")
        result = run(spec, tmp_path / "out", cache, session=session)
        assert result.files == fresh_files(spec, tmp_path / "b")
        [third] = multiprocessing.active_children()
        assert len({first.pid, second.pid, third.pid}) == 3
