"""The Python examples of generated/README.md run, in order, against the sandbox.

The blocks are executed one after the other in one namespace, as a reader would
paste them into one session, with CODEFLUSS_API_KEY and CODEFLUSS_BASE_URL set.
"""

import contextlib
import io
import os
import re
import subprocess
import sys

import pytest
from codefluss.models import Project

from tests.client.conftest import API_KEY, GENERATED, operations
from tests.servers.sandbox import Sandbox

README = GENERATED / "README.md"
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```$", re.DOTALL | re.MULTILINE)
# The sections whose examples must be code a reader can run.
SECTIONS_WITH_CODE = (
    "Use", "Pagination", "Errors", "Retries and timeouts", "Raw responses", "Async",
)  # fmt: skip


def python_blocks(text: str) -> list[str]:
    return PYTHON_BLOCK.findall(text)


def sections(text: str) -> dict[str, str]:
    """The README's second-level sections by title."""
    parts = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def run_block(index: int, block: str, namespace: dict[str, object]) -> str | None:
    """Run one block; return what went wrong, naming the block, or None."""
    first_line = block.strip().splitlines()[0]
    code = compile(block, f"{README.name}, python block {index}", "exec")
    try:
        exec(code, namespace)  # noqa: S102  (the README's own examples)
    except Exception as error:
        return (
            f"README python block {index} ({first_line!r}) failed: "
            f"{type(error).__name__}: {error}"
        )
    return None


def test_the_blocks_are_found_as_written() -> None:
    text = (
        "intro\n```python\na = 1\n```\n```sh\nls\n```\n```python\nb = 2\nc = 3\n```\n"
    )

    assert python_blocks(text) == ["a = 1\n", "b = 2\nc = 3\n"]


def test_every_section_about_use_has_python_examples() -> None:
    found = sections(README.read_text(encoding="utf-8"))

    missing = [s for s in SECTIONS_WITH_CODE if not python_blocks(found.get(s, ""))]
    assert not missing, f"README sections without a python example: {missing}"
    assert "Logging" in found
    assert "CODEFLUSS_LOG" in found["Logging"]


def test_the_examples_run_against_the_sandbox(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CODEFLUSS_API_KEY", API_KEY)
    monkeypatch.setenv("CODEFLUSS_BASE_URL", sandbox.base_url)
    blocks = python_blocks(README.read_text(encoding="utf-8"))
    assert blocks, f"{README} has no python code blocks"
    namespace: dict[str, object] = {"__name__": "__readme__"}
    printed = io.StringIO()

    failure = None
    with contextlib.redirect_stdout(printed):
        for index, block in enumerate(blocks):
            failure = run_block(index, block, namespace)
            if failure is not None:
                break
    if failure is not None:
        pytest.fail(failure, pytrace=False)

    assert {
        "createProject",
        "createPage",
        "createElement",
        "listProjects",
        "getProject",
    } <= set(operations(sandbox))
    project = namespace["project"]
    assert isinstance(project, Project)
    assert project.id in printed.getvalue()


def test_the_logging_section_holds_for_the_first_example(sandbox: Sandbox) -> None:
    """`CODEFLUSS_LOG=info` gives one line per request, and never the key."""
    first_block = python_blocks(README.read_text(encoding="utf-8"))[0]
    environment = {
        **os.environ,
        "CODEFLUSS_API_KEY": API_KEY,
        "CODEFLUSS_BASE_URL": sandbox.base_url,
        "CODEFLUSS_LOG": "info",
        "PYTHONPATH": str(GENERATED),
    }

    result = subprocess.run(
        [sys.executable, "-c", first_block],
        env=environment,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == len(sandbox.requests) == 3, result.stderr
    for line, request in zip(lines, sandbox.requests, strict=True):
        assert f"INFO codefluss: POST {sandbox.base_url}" in line
        assert f'"{request.status} Created"' in line
    assert API_KEY not in result.stderr
