"""Every code sample on the built page works: Python runs and type-checks, curl fits.

The samples are read back from the built page, exactly as a reader copies them. Python
samples run one by one against a freshly reset sandbox server, with the client
generated from the same document, and pass mypy --strict against it. curl commands are
checked against the document: server, path, method, parameters and body.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.docs.conftest import CONFIG, ROOT, built_page
from tests.docs.curl_check import check
from tests.docs.page import CodeBlock, Page
from tests.servers.sandbox import Sandbox, run_sandbox

API_KEY = "sk_test_docs"
RUNNER = ROOT / "tests" / "docs" / "snippet_runner.py"
# The first bytes of the files the samples upload, by extension, so that the server
# detects their type from the content as the API does.
FILE_CONTENTS = {
    ".jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    ".png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01",
    ".pdf": b"%PDF-1.7\n",
}
PYTHON = built_page().code("python")
CURL = built_page().code("bash")


def _ids(blocks: list[CodeBlock]) -> list[str]:
    return [block.name for block in blocks]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with run_sandbox(api_keys={API_KEY}) as running:
        yield running


def run_samples(
    samples: list[tuple[str, str]], sdk: Path, sandbox: Sandbox, work: Path
) -> dict[str, dict[str, Any]]:
    """Run samples in a process of their own, resetting the sandbox before each."""
    for _, source in samples:
        for name in re.findall(r'Path\("([^"]+)"\)', source):
            (work / name).write_bytes(FILE_CONTENTS.get(Path(name).suffix, b"data"))
    listing = work / "samples.json"
    listing.write_text(json.dumps(samples))
    environment = {
        **os.environ,
        "PYTHONPATH": str(sdk),
        f"{CONFIG.env_prefix}_API_KEY": API_KEY,
        f"{CONFIG.env_prefix}_BASE_URL": sandbox.base_url,
    }
    runner = subprocess.Popen(
        [sys.executable, str(RUNNER), str(listing)],
        cwd=work, env=environment, text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )  # fmt: skip
    assert runner.stdin is not None and runner.stdout is not None
    results = {}
    for line in runner.stdout:
        if line.startswith("ready "):
            sandbox.reset()
            runner.stdin.write("\n")
            runner.stdin.flush()
        else:
            result = json.loads(line)
            results[result["name"]] = result
    assert runner.wait(timeout=120) == 0
    return results


def type_check(
    samples: list[tuple[str, str]], sdk: Path, work: Path
) -> dict[str, list[str]]:
    """mypy --strict on samples against the generated package, errors by sample."""
    files = {}
    for name, source in samples:
        module = re.sub(r"\W", "_", name)
        (work / f"{module}.py").write_text(source)
        files[f"{module}.py"] = name
    completed = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary",
         "--cache-dir", str(work / ".mypy_cache"), *sorted(files)],
        cwd=work, env={**os.environ, "MYPYPATH": str(sdk)},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    errors: dict[str, list[str]] = {name: [] for name in files.values()}
    for line in completed.stdout.splitlines():
        file = line.split(":", 1)[0]
        if file in files:
            errors[files[file]].append(line)
        elif line.strip():
            errors.setdefault("(mypy)", []).append(line)
    return errors


@pytest.fixture(scope="module")
def runs(
    page: Page, sdk: Path, sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[str, Any]]:
    """Every Python sample of the page, run against a freshly reset sandbox."""
    samples = [(b.name, b.source) for b in page.code("python")]
    return run_samples(samples, sdk, sandbox, tmp_path_factory.mktemp("samples"))


@pytest.fixture(scope="module")
def mypy_errors(
    page: Page, sdk: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[str]]:
    samples = [(b.name, b.source) for b in page.code("python")]
    return type_check(samples, sdk, tmp_path_factory.mktemp("typed-samples"))


def test_the_page_has_samples() -> None:
    assert len(PYTHON) > 10
    assert len(CURL) > 10


@pytest.mark.parametrize("block", PYTHON, ids=_ids(PYTHON))
def test_python_sample_runs_against_the_sandbox(
    block: CodeBlock, runs: dict[str, dict[str, Any]]
) -> None:
    result = runs[block.name]
    assert (
        result["error"] is None
    ), f"{block.name} failed:\n{result['error']}\n{block.source}"


@pytest.mark.parametrize("block", PYTHON, ids=_ids(PYTHON))
def test_python_sample_type_checks(
    block: CodeBlock, mypy_errors: dict[str, list[str]]
) -> None:
    assert mypy_errors.get("(mypy)", []) == []
    assert mypy_errors[block.name] == [], block.source


@pytest.mark.parametrize("block", CURL, ids=_ids(CURL))
def test_curl_sample_fits_the_document(
    block: CodeBlock, published: dict[str, Any]
) -> None:
    check(block.source, published)


# The checks themselves catch what they are for.

BROKEN = f"""\
from {CONFIG.package} import {CONFIG.client}

client = {CONFIG.client}()
project = client.projects.retrieve("proj_zzz999", nme="x")
"""


def test_a_sample_with_a_wrong_argument_fails_to_type_check(
    sdk: Path, tmp_path: Path
) -> None:
    errors = type_check([("broken", BROKEN)], sdk, tmp_path)
    assert errors["broken"] == [
        'broken.py:4: error: Unexpected keyword argument "nme" for "retrieve" of '
        '"Projects"  [call-arg]',
        'broken.py:4: note: "retrieve" defined in '
        f'"{CONFIG.package}.resources.projects"',
    ]


def test_a_sample_that_fails_against_the_sandbox_is_reported(
    sdk: Path, sandbox: Sandbox, tmp_path: Path
) -> None:
    source = BROKEN.replace(', nme="x"', "")
    results = run_samples([("missing", source)], sdk, sandbox, tmp_path)
    error = results["missing"]["error"]
    assert error.splitlines()[-1].startswith(
        f"{CONFIG.package}._exceptions.NotFoundError: GET /projects/proj_zzz999 "
        "failed with 404"
    )
