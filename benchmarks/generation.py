"""Generation benchmarks: this generator against openapi-python-client, by size.

Both tools read the same single-file document: the CODEFLUSS document bundled into
one JSON file, and synthetic documents of growing size. Each tool runs as a user runs
it, as a command in a fresh process, so that imports and start-up count.

- cold: an empty cache, no output directory and no generation server (the run
  starts one at its end, which is waited for before anything else is timed);
- warm: the same command again, nothing changed (openapi-python-client has no cache:
  its rerun is a cold run, so only this generator's is measured);
- one operation changed: one operation gets a new query parameter and summary, then
  the same command runs again over the previous output and cache; as a user's
  command is, it is answered by the generation server the first command started
  (generator/launch.py), and measured once more with `--no-server`, another
  operation changed;
- watching: `generate --watch` runs over that output and cache, and the same
  operation is changed again (another parameter, another summary): the time from
  saving the document to the watcher's report that the output is written.

openapi-python-client is installed in its own environment under `.bench/`, pinned to
`OPC_VERSION`, on first use.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.bundle import bundle
from generator.launch import SWITCH
from generator.load import load_document

from .measure import Run, median, run_process, user_environment
from .synthetic import build_document, dump_yaml

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / ".bench"
OPC_VERSION = "0.29.1"
OPC_ENV = BENCH_DIR / f"openapi-python-client-{OPC_VERSION}"
_METHODS = ("get", "put", "post", "delete", "patch", "options", "head", "trace")


@dataclass(frozen=True)
class Document:
    """A document both tools read, and its variant with one operation changed."""

    name: str
    operations: int
    spec: Path  # where the tools read it; the variants are copied here in turn
    original: Path
    changed: Path
    changed_alone: Path  # changed otherwise, for the command with --no-server
    changed_again: Path  # and otherwise again, for the watcher
    package: str

    @property
    def size(self) -> int:
        return self.original.stat().st_size


@dataclass
class Measurement:
    """The runs of one document; medians are taken when the table is printed."""

    document: Document
    ours_cold: list[Run] = field(default_factory=list)
    theirs_cold: list[Run] = field(default_factory=list)
    ours_warm: list[Run] = field(default_factory=list)
    ours_changed: list[Run] = field(default_factory=list)
    ours_changed_alone: list[Run] = field(default_factory=list)
    ours_watched: list[float] = field(default_factory=list)  # save to report, s
    output: Path | None = None  # the last package this generator wrote

    def seconds(self, runs: list[Run]) -> float:
        return median([run.seconds for run in runs])

    def peak(self, runs: list[Run]) -> float:
        return median([run.peak_bytes for run in runs])


# --------------------------------------------------------------------- documents


def codefluss_document(workdir: Path) -> Document:
    """The CODEFLUSS document, bundled into one JSON file (the peer reads one file)."""
    data = bundle(load_document(ROOT / "spec" / "openapi.yaml")).data
    config = (ROOT / "spec" / "generator.yaml").read_text(encoding="utf-8")
    return _document("CODEFLUSS", data, workdir / "codefluss", ".json", config)


def synthetic_document(workdir: Path, operations: int) -> Document:
    data = build_document(operations)
    package = f"synthetic_{operations}"
    config = f"package: {package}\n"
    return _document(
        f"synthetic {operations}", data, workdir / f"synthetic-{operations}", ".yaml",
        config,
    )  # fmt: skip


def _document(
    name: str, data: dict[str, Any], directory: Path, suffix: str, config: str
) -> Document:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "spec").mkdir(exist_ok=True)
    original = directory / f"original{suffix}"
    changed = directory / f"changed{suffix}"
    changed_alone = directory / f"changed-alone{suffix}"
    changed_again = directory / f"changed-again{suffix}"
    spec = directory / "spec" / f"openapi{suffix}"
    _dump(data, original)
    _dump(
        _change_one_operation(data, "revised", "History", "the change history"), changed
    )
    _dump(
        _change_one_operation(data, "revised alone", "Notes", "the notes"),
        changed_alone,
    )
    _dump(
        _change_one_operation(data, "revised again", "Drafts", "drafts"), changed_again
    )
    shutil.copyfile(original, spec)
    (directory / "spec" / "generator.yaml").write_text(config, encoding="utf-8")
    package = yaml.safe_load(config)["package"]
    return Document(
        name, _count(data), spec, original, changed, changed_alone, changed_again,
        package,
    )  # fmt: skip


def _dump(data: dict[str, Any], path: Path) -> None:
    if path.suffix == ".json":
        text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    else:
        text = dump_yaml(data)
    path.write_text(text, encoding="utf-8")


def _change_one_operation(
    data: dict[str, Any], revision: str, included: str, description: str
) -> dict[str, Any]:
    """A copy where the middle operation has a new summary and a new query parameter,
    `include<included>`."""
    changed: dict[str, Any] = json.loads(json.dumps(data))
    paths = changed["paths"]
    path = list(paths)[len(paths) // 2]
    method = next(m for m in _METHODS if m in paths[path])
    operation = paths[path][method]
    operation["summary"] = f"{operation.get('summary', method)} ({revision})"
    operation.setdefault("parameters", []).append(
        {
            "name": f"include{included}",
            "in": "query",
            "description": f"Whether to include {description}.",
            "schema": {"type": "boolean", "default": False},
        }
    )
    return changed


def _count(data: dict[str, Any]) -> int:
    return sum(
        1 for item in data["paths"].values() for method in _METHODS if method in item
    )


# ------------------------------------------------------------------------- tools


def ensure_peer() -> Path:
    """The `openapi-python-client` command, installed under `.bench/` on first use."""
    command = OPC_ENV / "bin" / "openapi-python-client"
    marker = OPC_ENV / ".installed"
    if command.exists() and marker.exists():
        return command
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(OPC_ENV)], check=True)
    pip = [str(OPC_ENV / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    installed = subprocess.run(
        [*pip, "--disable-pip-version-check", f"openapi-python-client=={OPC_VERSION}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if installed.returncode != 0:
        raise RuntimeError(
            f"Installing openapi-python-client {OPC_VERSION} into {OPC_ENV} failed:\n"
            f"{installed.stdout}{installed.stderr}"
        )
    marker.write_text(OPC_VERSION + "\n", encoding="utf-8")
    return command


def peer_version(command: Path) -> str:
    completed = subprocess.run(
        [str(command), "--version"], capture_output=True, text=True, check=True
    )
    return completed.stdout.strip()


def run_ours(
    document: Document, output: Path, cache: Path, *, server: bool = True
) -> Run:
    """The generate command, as a user runs it: answered by the generation server
    if one runs for `cache`, else alone, then starting one; with `server` off, alone.

    A server the command started is waited for (it warms up for about a second), so
    that it does not run beside what is timed next.
    """
    env = _environment(cache, server)
    command: list[str | Path] = [sys.executable, "-m", "generator", "generate"]
    command += [document.spec, output]
    run = run_process([*command, "--quiet"], env=env, cwd=ROOT)
    if server:
        deadline = time.monotonic() + 120
        while _server(cache, "status") != 0:
            if time.monotonic() > deadline:
                raise RuntimeError("The generation server did not answer in 120 s.")
            time.sleep(0.1)
    return run


def stop_server(cache: Path) -> None:
    """Stop the generation server of the commands that use `cache`."""
    _server(cache, "stop")


def _server(cache: Path, action: str) -> int:
    command = [sys.executable, "-m", "generator", "server", action]
    return subprocess.run(
        command,
        env=_environment(cache, server=True),
        cwd=ROOT,
        capture_output=True,
        check=False,
    ).returncode


def _environment(cache: Path, server: bool) -> dict[str, str]:
    # Explicit either way: a CI variable in the benchmark's environment would
    # otherwise turn the server off.
    return user_environment(XDG_CACHE_HOME=str(cache), **{SWITCH: str(int(server))})


def run_watching(document: Document, output: Path, cache: Path) -> float:
    """Seconds from saving `document.changed_again` over the document to the report
    of `generate --watch` that it has written the output.

    The watcher starts over the output and cache of the run before, which it reuses;
    a second later, as a person would, the document is saved, the way editors save
    (written beside it, then renamed over it).
    """
    env = user_environment(XDG_CACHE_HOME=str(cache))
    command = [sys.executable, "-m", "generator", "generate", document.spec, output]
    watcher = subprocess.Popen(
        [*map(str, command), "--watch"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    # A watcher that hangs is stopped, and then has no more report to read.
    timer = threading.Timer(600, watcher.kill)
    timer.start()
    try:
        _next_report(watcher)
        time.sleep(1.0)
        saved = document.spec.with_name(f".{document.spec.name}.saving")
        shutil.copyfile(document.changed_again, saved)
        started = time.perf_counter()
        saved.replace(document.spec)
        _next_report(watcher)
        return time.perf_counter() - started
    finally:
        timer.cancel()
        # SIGTERM, not SIGINT: a benchmark started in the background ignores SIGINT,
        # and so would the watcher it starts.
        watcher.send_signal(signal.SIGTERM)
        watcher.communicate(timeout=60)


def _next_report(watcher: subprocess.Popen[str]) -> None:
    """Read the watcher's reports up to the next that says it wrote the output."""
    assert watcher.stderr is not None
    said = []
    for line in watcher.stderr:
        said.append(line)
        if "] Generated " in line:
            return
    raise RuntimeError(f"generate --watch stopped without a report:\n{''.join(said)}")


def run_theirs(command: Path, document: Document, output: Path) -> Run:
    # Its post-generation hooks run `ruff`, which lives in the same environment.
    env = user_environment(PATH=f"{command.parent}{os.pathsep}{os.environ['PATH']}")
    arguments: list[str | Path] = ["generate", "--path", document.spec]
    arguments += ["--output-path", output]
    return run_process(
        [command, *arguments, "--meta", "none", "--overwrite"], env=env, cwd=ROOT
    )


# -------------------------------------------------------------------- measuring


def measure(document: Document, peer: Path, rounds: int, scratch: Path) -> Measurement:
    """Run both tools on `document` `rounds` times, alternating which goes first."""
    result = Measurement(document)
    for round_ in range(rounds):
        place = scratch / f"{document.spec.parent.parent.name}-{round_}"
        shutil.rmtree(place, ignore_errors=True)
        ours, theirs, cache = place / "ours", place / "theirs", place / "cache"
        shutil.copyfile(document.original, document.spec)

        if round_ % 2 == 0:
            result.ours_cold.append(run_ours(document, ours, cache))
            result.theirs_cold.append(run_theirs(peer, document, theirs))
        else:
            result.theirs_cold.append(run_theirs(peer, document, theirs))
            result.ours_cold.append(run_ours(document, ours, cache))
        result.ours_warm.append(run_ours(document, ours, cache))

        shutil.copyfile(document.changed, document.spec)
        result.ours_changed.append(run_ours(document, ours, cache))
        shutil.copyfile(document.changed_alone, document.spec)
        result.ours_changed_alone.append(run_ours(document, ours, cache, server=False))
        stop_server(cache)
        result.ours_watched.append(run_watching(document, ours, cache))
        shutil.copyfile(document.original, document.spec)

        shutil.rmtree(theirs, ignore_errors=True)
        if result.output is not None:
            shutil.rmtree(result.output.parent, ignore_errors=True)
        result.output = ours
    return result
