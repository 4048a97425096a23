"""Helpers shared by the generator's unit tests: small documents written to tmp_path."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import black
import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = Path(sys.executable)

# The smallest documents each version accepts; tests add what they are about.
MINIMAL_31 = """\
openapi: 3.1.0
info:
  title: Demo
  version: 1.0.0
paths: {}
"""
MINIMAL_30 = MINIMAL_31.replace("3.1.0", "3.0.3")

# A small but complete API: two operations, a model in another file.
DEMO_SPEC = """\
openapi: 3.1.0
info:
  title: Demo
  version: 1.0.0
paths:
  /items:
    get:
      operationId: listItems
      summary: List the items.
      responses:
        '200':
          description: The items.
          content:
            application/json:
              schema:
                type: array
                items:
                  $ref: 'schemas/item.yaml#/Item'
  /items/{item_id}:
    get:
      operationId: getItem
      parameters:
        - name: item_id
          in: path
          required: true
          schema:
            type: string
      responses:
        '200':
          description: The item.
          content:
            application/json:
              schema:
                $ref: 'schemas/item.yaml#/Item'
"""
DEMO_ITEM = """\
Item:
  type: object
  required: [id]
  properties:
    id:
      type: string
    label:
      type: string
"""

WriteFiles = Callable[..., Path]


def write_files(root: Path, files: dict[str, str]) -> Path:
    """Write `files` (relative path -> dedented text) under `root`; returns `root`."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def write(tmp_path: Path) -> WriteFiles:
    """`write({"openapi.yaml": ..., "schemas/a.yaml": ...})` -> the root file's path."""

    def write(files: dict[str, str], root: str = "openapi.yaml") -> Path:
        return write_files(tmp_path / "spec", files) / root

    return write


@pytest.fixture
def demo_spec(tmp_path: Path) -> Path:
    """The demo document with its generator.yaml (package `demo`)."""
    files = {
        "openapi.yaml": DEMO_SPEC,
        "schemas/item.yaml": DEMO_ITEM,
        "generator.yaml": "package: demo\n",
    }
    return write_files(tmp_path / "spec", files) / "openapi.yaml"


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file (path -> bytes) and directory (path -> None) under `root`."""
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): None if path.is_dir() else path.read_bytes()
        for path in sorted(root.rglob("*"))
    }


@pytest.fixture(scope="session")
def black_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One black cache for the session, apart from the user's own."""
    return tmp_path_factory.mktemp("black-cache")


def demo(root: Path, spec: str = DEMO_SPEC) -> Path:
    """The demo document under `root`, with a generator.yaml; returns its root file."""
    files = {"openapi.yaml": spec, "schemas/item.yaml": DEMO_ITEM}
    files["generator.yaml"] = "package: demo\n"
    return write_files(root, files) / "openapi.yaml"


def start(*args: str | Path, cache: Path, group: bool = False) -> subprocess.Popen[str]:
    """Start `python -m generator ARGS` from the repository root, with its own cache;
    with `group`, in a process group of its own, whose id is its pid."""
    heed_sigint()
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    return subprocess.Popen(
        [str(PYTHON), "-m", "generator", *map(str, args)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        process_group=0 if group else None,
    )


def heed_sigint() -> None:
    """Let the programs this process starts be stopped by SIGINT.

    Ctrl-C stops a program started from a terminal. A shell that runs these tests as
    a background job ignores SIGINT, and the programs they start would inherit that;
    a handler of this process's own is not inherited.
    """
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def format_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts black is asked to format."""
    calls: list[str] = []
    original = black.format_str

    def counting(text: str, *, mode: black.Mode) -> str:
        calls.append(text)
        return original(text, mode=mode)

    monkeypatch.setattr(black, "format_str", counting)
    return calls
