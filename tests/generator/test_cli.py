"""The command line, run as a user runs it: `python -m generator` in a subprocess."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from benchmarks.synthetic import write_document
from generator import cli

from .conftest import (
    DEMO_SPEC,
    PYTHON,
    ROOT,
    demo,
    snapshot,
    start,
    write_files,
)


def finish(process: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
    stdout, stderr = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def run(*args: str | Path, cache: Path) -> subprocess.CompletedProcess[str]:
    """`python -m generator ARGS`, run to its end."""
    return finish(start(*args, cache=cache))


def line_of(text: str, fragment: str) -> int:
    """The 1-based line of `text` where `fragment` first appears."""
    return text[: text.index(fragment)].count("\n") + 1


@pytest.fixture(scope="module")
def generated(
    tmp_path_factory: pytest.TempPathFactory, black_cache: Path
) -> tuple[Path, Path, subprocess.CompletedProcess[str]]:
    """The demo document generated once: (spec, output, the finished process)."""
    root = tmp_path_factory.mktemp("cli")
    spec = demo(root / "spec")
    output = root / "out"
    return spec, output, run("generate", spec, output, cache=black_cache)


@pytest.fixture
def output(generated: tuple[Path, Path, object], tmp_path: Path) -> Path:
    """A copy of the generated demo package this test may change."""
    copy = tmp_path / "out"
    shutil.copytree(generated[1], copy)
    return copy


def options(parser: argparse.ArgumentParser) -> list[str]:
    return [o for action in parser._actions for o in action.option_strings]


def test_help_of_each_command_mentions_every_option(black_cache: Path) -> None:
    parser = cli._parser()
    commands = next(
        a for a in parser._actions if isinstance(a, argparse._SubParsersAction)
    )
    # The three start together: each spends most of its time importing.
    top = start("--help", cache=black_cache)
    helps = {
        name: start(name, "--help", cache=black_cache) for name in commands.choices
    }
    top_help = finish(top)
    assert top_help.returncode == 0
    results = {name: finish(process) for name, process in helps.items()}
    for name, subparser in commands.choices.items():
        assert name in top_help.stdout
        result = results[name]
        assert result.returncode == 0, result.stderr
        expected = set(options(subparser)) | ({"SPEC"} if name != "server" else set())
        assert expected <= set(re.findall(r"--?[a-z-]+|[A-Z_]{3,}", result.stdout))
    assert set(commands.choices) == {"generate", "validate", "docs", "server"}
    generate = commands.choices["generate"]
    assert {
        "--config",
        "--package-name",
        "--check",
        "--lenient",
        "--quiet",
        "--no-server",
    } <= set(options(generate))
    assert "{status,stop,run}" in results["server"].stdout


def test_generate_prints_the_summary(
    generated: tuple[Path, Path, subprocess.CompletedProcess[str]],
) -> None:
    _spec, output, result = generated
    assert result.returncode == 0, result.stderr
    files = [p for p in output.rglob("*") if p.is_file()]
    summary = re.search(
        rf"^Generated (\d+) files into {re.escape(str(output))} in \d+\.\d\d s; "
        r"(\d+) changed\.$",
        result.stderr,
        re.MULTILINE,
    )
    assert summary, result.stderr
    assert int(summary[1]) == int(summary[2]) == len(files)
    assert (output / "demo" / "__init__.py").is_file()
    assert result.stdout == ""


def test_second_run_changes_nothing(output: Path, black_cache: Path) -> None:
    spec = demo(output.parent / "spec")
    before = snapshot(output)
    mtimes = {p: p.stat().st_mtime_ns for p in output.rglob("*.py")}

    result = run("generate", spec, output, cache=black_cache)

    assert result.returncode == 0, result.stderr
    assert re.search(r"; 0 changed\.$", result.stderr, re.MULTILINE), result.stderr
    assert snapshot(output) == before
    assert {p: p.stat().st_mtime_ns for p in output.rglob("*.py")} == mtimes


def test_check_passes_when_up_to_date_and_lists_an_edited_file(
    output: Path, black_cache: Path
) -> None:
    spec = demo(output.parent / "spec")

    result = run("generate", spec, output, "--check", cache=black_cache)
    assert result.returncode == 0, result.stderr
    assert result.stderr.endswith(f"{output} is up to date.\n")

    edited = output / "demo" / "models" / "item.py"
    edited.write_text(edited.read_text() + "# edited\n")
    before = snapshot(output)
    result = run("generate", spec, output, "--check", cache=black_cache)
    assert result.returncode == 1
    assert result.stderr.endswith(
        f"1 file(s) in {output} would change:\n  update: demo/models/item.py\n"
    )
    assert snapshot(output) == before  # --check writes nothing


def test_dangling_reference_fails_and_writes_nothing(
    output: Path, black_cache: Path
) -> None:
    text = DEMO_SPEC.replace(
        "'schemas/item.yaml#/Item'\n  /items", "'#/Missing'\n  /items"
    )
    spec = demo(output.parent / "spec", text)
    (output / "demo" / "notes.txt").write_text("mine\n")
    before = snapshot(output)

    result = run("generate", spec, output, cache=black_cache)

    assert result.returncode == 1
    line = line_of(text, "'#/Missing'")
    pointer = (
        "/paths/~1items/get/responses/200/content/application~1json/schema/items/$ref"
    )
    assert result.stderr == (
        "The OpenAPI document has 1 error:\n"
        f"  {spec}:{line} at {pointer}: error: The reference '#/Missing' points "
        "nowhere: nothing is at /Missing.\n"
        "Nothing was written.\n"
    )
    assert snapshot(output) == before


def test_duplicate_operation_id_fails_with_its_place(
    tmp_path: Path, black_cache: Path
) -> None:
    text = DEMO_SPEC.replace("operationId: getItem", "operationId: listItems")
    spec = demo(tmp_path / "spec", text)
    output = tmp_path / "out"

    result = run("generate", spec, output, cache=black_cache)

    assert result.returncode == 1
    second = line_of(text, "operationId: listItems\n      parameters")
    assert (
        f"  {spec}:{second} at /paths/~1items~1{{item_id}}/get/operationId: error: "
        "The operationId 'listItems' of GET /items/{item_id} is already used by GET "
        f"/items ({spec}:{line_of(text, 'operationId: listItems')} at "
        "/paths/~1items/get/operationId); every operation needs its own operationId.\n"
    ) in result.stderr
    assert result.stderr.endswith("Nothing was written.\n")
    assert not output.exists()


def test_swagger_2_fails_with_the_conversion_advice(
    tmp_path: Path, black_cache: Path
) -> None:
    spec = (
        write_files(
            tmp_path,
            {
                "swagger.yaml": "swagger: '2.0'\ninfo: {title: Demo, version: '1'}\n",
                "generator.yaml": "package: demo\n",
            },
        )
        / "swagger.yaml"
    )

    result = run("generate", spec, tmp_path / "out", cache=black_cache)

    assert result.returncode == 1
    assert result.stderr == (
        "The OpenAPI document has 1 error:\n"
        f"  {spec}:1 at /swagger: error: This is a Swagger 2.0 document; the "
        "generator reads OpenAPI 3.0 and 3.1. Convert it first, for example with "
        "`npx swagger2openapi input.yaml --outfile openapi.yaml --yaml`, then "
        "generate from the result.\n"
        "Nothing was written.\n"
    )
    assert not (tmp_path / "out").exists()


def test_output_that_is_a_file_fails_without_a_traceback(
    tmp_path: Path, black_cache: Path
) -> None:
    spec = demo(tmp_path / "spec")
    output = tmp_path / "out"
    output.write_text("not a directory\n")

    result = run("generate", spec, output, cache=black_cache)

    assert result.returncode == 1
    assert result.stderr == (
        f"error: [Errno 20] Not a directory: {str(output / 'README.md')!r}. "
        "The output directory is as it was.\n"
    )
    assert output.read_text() == "not a directory\n"


def test_missing_package_name_is_a_config_error(
    tmp_path: Path, black_cache: Path
) -> None:
    spec = write_files(tmp_path, {"openapi.yaml": DEMO_SPEC}) / "openapi.yaml"
    result = run("generate", spec, tmp_path / "out", cache=black_cache)
    assert result.returncode == 1
    assert result.stderr == (
        "error: No package name: give --package-name NAME, or `package: NAME` in "
        f"{str(tmp_path / 'generator.yaml')!r}.\n"
    )


def test_validate_the_codefluss_document(black_cache: Path) -> None:
    result = run("validate", "spec/openapi.yaml", cache=black_cache)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "spec/openapi.yaml is a valid OpenAPI document.\n"


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_generates_under_every_process_start_method(
    tmp_path: Path, method: str
) -> None:
    # The validation process and black's workers are started by multiprocessing.
    # Under these start methods (the default on macOS, and on Linux from Python
    # 3.14) each is a new interpreter that receives its work pickled, not a copy of
    # the generator's process. 40 operations make enough files for the workers.
    spec = write_document(tmp_path / "spec" / "openapi.yaml", 40)
    launcher = (
        "import multiprocessing, runpy, sys\n"
        "multiprocessing.set_start_method(sys.argv.pop(1))\n"
        "runpy.run_module('generator', run_name='__main__', alter_sys=True)\n"
    )
    completed = subprocess.run(
        [PYTHON, "-c", launcher, method, "generate", spec, tmp_path / "out", "--quiet"],
        cwd=ROOT,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert (completed.returncode, completed.stderr) == (0, "")
    assert (tmp_path / "out" / "synthetic" / "_client.py").is_file()
