"""The generator's stages, run in order: load, validate, build, render, format, write.

Nothing is written until every file has been computed; a fatal diagnostic at any stage
stops the run with the output directory untouched.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import write
from .build import build_package
from .bundle import Bundle, bundle
from .config import Config
from .errors import Diagnostic, Diagnostics
from .format import default_cache_dir, format_files
from .load import load_document
from .model import Package
from .render import render_package
from .validate import validate

Progress = Callable[[str, float], None]


@dataclass
class Result:
    """What a run did: the changes (made, or that would be made), and its warnings."""

    changes: list[write.Change] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    package: Package | None = None


def _quiet(stage: str, seconds: float) -> None:
    """The default progress callback: say nothing."""


def load_and_validate(
    spec: Path,
    diagnostics: Diagnostics,
    *,
    lenient: bool = False,
    progress: Progress = _quiet,
) -> Bundle:
    """Load, bundle and validate `spec`; raise `SpecError` if it has fatal problems."""
    started = time.perf_counter()
    document = load_document(spec)
    bundled = bundle(document)
    progress("load", time.perf_counter() - started)

    started = time.perf_counter()
    validate(bundled, diagnostics, lenient=lenient)
    diagnostics.check()
    progress("validate", time.perf_counter() - started)
    return bundled


def generate(
    spec: Path,
    output: Path,
    config: Config,
    *,
    lenient: bool = False,
    check: bool = False,
    cache_dir: Path | None = None,
    progress: Progress = _quiet,
) -> Result:
    """Generate the package for `spec` into `output` (or, with `check`, only compare)."""
    diagnostics = Diagnostics()
    bundled = load_and_validate(spec, diagnostics, lenient=lenient, progress=progress)

    started = time.perf_counter()
    package = build_package(bundled, config, diagnostics)
    diagnostics.check()
    progress("build", time.perf_counter() - started)

    started = time.perf_counter()
    rendered = render_package(package)
    progress("render", time.perf_counter() - started)

    started = time.perf_counter()
    texts = format_files(
        rendered, cache_dir if cache_dir is not None else default_cache_dir()
    )
    files = {path: text.encode() for path, text in texts.items()}
    progress("format", time.perf_counter() - started)

    started = time.perf_counter()
    changes = write.plan(output, files)
    if not check:
        write.apply(output, files, changes)
    progress("write", time.perf_counter() - started)
    return Result(changes, diagnostics.warnings, files, package)
