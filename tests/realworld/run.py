"""Generate clients for real public OpenAPI documents and check what comes out.

    .venv/bin/python -m tests.realworld.run [NAME=]DOC ... [--out DIR] [--no-mypy]

For each document: generate the package into DIR (default /tmp/realworld), check that
every operation of the document has a method (the method and path of each call the
generated resources make, against the document's paths), import every generated
module, and run `mypy --strict` on the package. A table of the results is printed at
the end, as Markdown. The documents are not part of the repository; README.md beside
this file says where to get them. The exit status is 1 when any document fails.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from generator.names import snake_case  # noqa: E402 - needs the path set above

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_WARNINGS = re.compile(r"^(\d+) warnings?:$", re.MULTILINE)
_MYPY_ERRORS = re.compile(r"^Found (\d+) errors?", re.MULTILINE)

# Imports every module of a package in a fresh interpreter; prints what failed.
_IMPORT_ALL = """
import importlib, json, pkgutil, sys
package = importlib.import_module(sys.argv[1])
failed, count = {}, 1
for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    count += 1
    try:
        importlib.import_module(info.name)
    except Exception as error:
        failed[info.name] = repr(error)
print(json.dumps({"count": count, "failed": failed}))
"""


@dataclass
class Outcome:
    """What one document gave: sizes, times and the result of each check."""

    name: str
    version: str = "?"
    size: int = 0
    operations: int = 0
    methods: int = 0
    seconds: float = 0.0
    warnings: int = 0
    modules: int = 0
    problems: list[str] = field(default_factory=list)
    mypy: str = "not run"

    @property
    def ok(self) -> bool:
        return not self.problems and self.mypy in ("clean", "not run")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "documents",
        nargs="+",
        metavar="[NAME=]DOC",
        help="a document, named in the table by NAME (default: its file name)",
    )
    parser.add_argument(
        "--out", type=Path, default=Path(tempfile.gettempdir()) / "realworld"
    )
    parser.add_argument("--no-mypy", action="store_true", help="skip mypy --strict")
    parser.add_argument(
        "--lenient", action="store_true", help="pass --lenient to the generator"
    )
    args = parser.parse_args(argv)

    outcomes = []
    for argument in args.documents:
        name, _, path = argument.rpartition("=")
        document = Path(path)
        outcome = check(
            document,
            args.out,
            mypy=not args.no_mypy,
            lenient=args.lenient,
            name=name or document.name,
        )
        print(_summary(outcome), file=sys.stderr, flush=True)
        outcomes.append(outcome)
    print(table(outcomes))
    return 0 if all(o.ok for o in outcomes) else 1


def check(
    document: Path, out: Path, *, mypy: bool, lenient: bool, name: str
) -> Outcome:
    """Generate one document and run every check on its package."""
    outcome = Outcome(name, size=document.stat().st_size)
    data = _load(document)
    outcome.version = str(data.get("openapi") or data.get("swagger") or "?")
    expected = document_operations(data)
    outcome.operations = len(expected)

    package = snake_case(name.removesuffix(".json").removesuffix(".yaml"))
    target = out / package
    if not _generate(document, target, package, outcome, lenient):
        return outcome

    found = generated_operations(target / package / "resources")
    outcome.methods = len(found)
    missing = sorted(expected - found)
    if missing:
        shown = ", ".join(f"{m} {p}" for m, p in missing[:5])
        outcome.problems.append(f"{len(missing)} operations have no method: {shown}")

    _import_all(target, package, outcome)
    if mypy:
        _mypy(target, package, outcome)
    return outcome


# --------------------------------------------------------------------- the document


def _load(document: Path) -> dict[str, Any]:
    text = document.read_text(encoding="utf-8")
    if document.suffix == ".json":
        data = json.loads(text)
    else:
        data = yaml.load(text, Loader=yaml.CSafeLoader)
    return data if isinstance(data, dict) else {}


def document_operations(data: dict[str, Any]) -> set[tuple[str, str]]:
    """Every operation as (METHOD, path with each parameter written `{}`)."""
    operations = set()
    for path, item in (data.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            if isinstance(item.get(method), dict):
                operations.add((method.upper(), re.sub(r"{[^}]*}", "{}", path)))
    return operations


# ------------------------------------------------------------------- the generated code


def generated_operations(resources: Path) -> set[tuple[str, str]]:
    """(METHOD, path) of every request the synchronous resource classes make."""
    found = set()
    for module in sorted(resources.glob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in tree.body:
            is_sync = isinstance(node, ast.ClassDef) and any(
                isinstance(base, ast.Name) and base.id == "SyncAPIResource"
                for base in node.bases
            )
            if is_sync:
                found |= {r for call in ast.walk(node) if (r := _request_of(call))}
    return found


def _request_of(node: ast.AST) -> tuple[str, str] | None:
    """The method and path of a `self._client._request(...)` call, else None."""
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("_request", "_request_page")
        and len(node.args) >= 2
        and isinstance(node.args[0], ast.Constant)
    ):
        return None
    path = node.args[1]
    if isinstance(path, ast.Constant):
        text = str(path.value)
    elif isinstance(path, ast.JoinedStr):
        text = "".join(
            str(part.value) if isinstance(part, ast.Constant) else "{}"
            for part in path.values
        )
    else:
        return None
    return str(node.args[0].value), text


# --------------------------------------------------------------------------- steps


def _generate(
    document: Path, target: Path, package: str, outcome: Outcome, lenient: bool
) -> bool:
    command = [sys.executable, "-m", "generator", "generate", str(document.resolve())]
    command += [str(target), "--package-name", package, "--quiet"]
    command += ["--lenient"] if lenient else []
    # An empty output directory and cache: the time of a first generation.
    shutil.rmtree(target, ignore_errors=True)
    with tempfile.TemporaryDirectory() as cache:
        environment = {**os.environ, "XDG_CACHE_HOME": cache}
        started = time.perf_counter()
        run = subprocess.run(
            command,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            env=environment,
        )
        outcome.seconds = time.perf_counter() - started
    target.mkdir(parents=True, exist_ok=True)
    (target.parent / f"{package}.log").write_text(run.stderr, encoding="utf-8")
    counted = _WARNINGS.search(run.stderr)
    outcome.warnings = int(counted.group(1)) if counted else 0
    if run.returncode != 0:
        first = run.stderr.strip().splitlines()[:3]
        outcome.problems.append("generation failed: " + " / ".join(first))
        return False
    return True


def _import_all(target: Path, package: str, outcome: Outcome) -> None:
    run = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL, package],
        cwd=target,
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        outcome.problems.append(f"the package does not import: {run.stderr[-300:]}")
        return
    report = json.loads(run.stdout)
    outcome.modules = report["count"]
    for name, error in sorted(report["failed"].items())[:5]:
        outcome.problems.append(f"{name} does not import: {error}")


def _mypy(target: Path, package: str, outcome: Outcome) -> None:
    command = [sys.executable, "-m", "mypy", "--strict", "--no-incremental"]
    command += ["--cache-dir", str(target / ".mypy_cache"), package]
    run = subprocess.run(
        command, cwd=target, capture_output=True, text=True, check=False
    )
    (target.parent / f"{package}.mypy.log").write_text(run.stdout, encoding="utf-8")
    if run.returncode == 0:
        outcome.mypy = "clean"
        return
    counted = _MYPY_ERRORS.search(run.stdout)
    outcome.mypy = f"{counted.group(1)} errors" if counted else "failed"


# -------------------------------------------------------------------------- report


def _summary(outcome: Outcome) -> str:
    verdict = "ok" if outcome.ok else "FAILED: " + "; ".join(outcome.problems)
    return f"{outcome.name}: {verdict} (mypy: {outcome.mypy})"


def table(outcomes: list[Outcome]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| document | OpenAPI | size | operations | methods | generation | warnings "
        "| modules imported | mypy --strict | result |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        result = "ok" if o.ok else "; ".join(o.problems) or "mypy errors"
        lines.append(
            f"| {o.name} | {o.version} | {o.size / 1e6:.1f} MB "
            f"| {o.operations} | {o.methods} | {o.seconds:.0f} s | {o.warnings} "
            f"| {o.modules} | {o.mypy} | {result} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
