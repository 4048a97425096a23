"""The generator's stages, run in order: load, validate, build, render, format, write.

Nothing is written until every file has been computed; a fatal diagnostic at any stage
stops the run with the output directory untouched.

openapi-spec-validator is the slowest stage on a large document, and it only says yes
or no: nothing later depends on what it finds. So on a large document it runs in a
process of its own while this one builds, renders and formats, and the run waits for
its verdict before writing. Its errors are reported exactly as if it had run first.
A verdict of "valid" is also kept on disk, under the hash of everything it depends on,
so a regeneration of an unchanged document does not validate it again.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from multiprocessing.connection import Connection
from pathlib import Path

import msgspec

from . import write
from .build import build_package
from .bundle import Bundle, bundle
from .config import Config
from .errors import Diagnostic, Diagnostics, GeneratorError
from .format import default_cache_dir, format_files
from .load import load_document
from .model import Package
from .render import render_package
from .validate import validate

Progress = Callable[[str, float], None]

STAGES = ("load", "validate", "build", "render", "format", "write")
# Below this size (the document as compact JSON), validating costs less than starting
# a process for it.
CONCURRENT_VALIDATION_BYTES = 64_000
# Packages whose versions change what validation reports.
_VALIDATOR_PACKAGES = (
    "openapi-spec-validator",
    "openapi-schema-validator",
    "jsonschema",
    "jsonschema-path",
    "referencing",
)


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
    cache_dir: Path | None = None,
) -> Bundle:
    """Load, bundle and validate `spec`; raise `SpecError` if it has fatal problems.

    With `cache_dir`, a document found valid before (with the same generator and
    validator) is not validated again; its warnings are reported as they were.
    """
    started = time.perf_counter()
    bundled = bundle(load_document(spec))
    progress("load", time.perf_counter() - started)

    started = time.perf_counter()
    validation = _Validation(bundled, lenient, cache_dir, concurrent=False)
    for diagnostic in validation.result():
        diagnostics.add(diagnostic)
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
    """Generate the package for `spec` into `output`, or with `check` only compare."""
    cache_dir = cache_dir if cache_dir is not None else default_cache_dir()
    stages = _Stages(progress)
    with stages.timing("load"):
        bundled = bundle(load_document(spec))

    validation = _Validation(bundled, lenient, cache_dir, concurrent=True)
    try:
        if validation.finished:
            validation.check()
        built = Diagnostics()
        try:
            files, package = _produce(bundled, config, built, cache_dir, stages)
        except Exception:
            validation.check()  # the document's own errors explain a failure best
            raise
        validation.check()
    finally:
        validation.close()
    stages.done("validate", validation.seconds)
    diagnostics = Diagnostics()
    for diagnostic in [*validation.result(), *built.items]:
        diagnostics.add(diagnostic)

    with stages.timing("write"):
        changes = write.plan(output, files)
        if not check:
            write.apply(output, files, changes)
    return Result(changes, diagnostics.warnings, files, package)


def _produce(
    bundled: Bundle,
    config: Config,
    diagnostics: Diagnostics,
    cache_dir: Path,
    stages: _Stages,
) -> tuple[dict[str, bytes], Package]:
    """Build, render and format the package: path -> the bytes of each file."""
    with stages.timing("build"):
        package = build_package(bundled, config, diagnostics)
        diagnostics.check()
    with stages.timing("render"):
        rendered = render_package(package)
    with stages.timing("format"):
        texts = format_files(rendered, cache_dir)
        files = {path: text.encode() for path, text in texts.items()}
    return files, package


class _Stages:
    """Reports stages to `progress` in pipeline order, however they overlap.

    Validation may end after build, render and format; their reports wait for it, so
    that a reader sees the stages in the order they logically run.
    """

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.finished: dict[str, float] = {}
        self.reported = 0

    @contextmanager
    def timing(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.done(stage, time.perf_counter() - started)

    def done(self, stage: str, seconds: float) -> None:
        self.finished[stage] = seconds
        while self.reported < len(STAGES) and STAGES[self.reported] in self.finished:
            name = STAGES[self.reported]
            self.progress(name, self.finished[name])
            self.reported += 1


class _Validation:
    """openapi-spec-validator's verdict on a bundle: remembered, or worked out.

    It is worked out in this process, or, with `concurrent` and a large document, in
    a child process while this one goes on; `check` and `result` wait for it.
    """

    def __init__(
        self,
        bundled: Bundle,
        lenient: bool,
        cache_dir: Path | None,
        *,
        concurrent: bool,
    ) -> None:
        self.started = time.perf_counter()
        self.seconds = 0.0
        self._items: list[Diagnostic] | None = None
        self._child: multiprocessing.process.BaseProcess | None = None
        self._receiver: Connection | None = None
        self._verdicts = _Verdicts(cache_dir, bundled, lenient) if cache_dir else None

        remembered = self._verdicts.get() if self._verdicts else None
        if remembered is not None:
            self._finish(remembered)
        elif concurrent and _size(bundled) >= CONCURRENT_VALIDATION_BYTES:
            self._start(bundled, lenient)
        else:
            self._finish(_validate(bundled, lenient))

    @property
    def finished(self) -> bool:
        return self._items is not None

    def result(self) -> list[Diagnostic]:
        """Every diagnostic of the validation, waiting for it if it still runs."""
        if self._items is None:
            self._finish(self._receive())
        assert self._items is not None
        return self._items

    def check(self) -> None:
        """Raise the validation's fatal diagnostics as one `SpecError`, if any."""
        diagnostics = Diagnostics()
        for diagnostic in self.result():
            diagnostics.add(diagnostic)
        diagnostics.check()

    def close(self) -> None:
        """Stop the child process if the run no longer needs its verdict."""
        if self._child is not None and self._child.is_alive():
            self._child.terminate()
        if self._child is not None:
            self._child.join()
            self._child = None

    def _start(self, bundled: Bundle, lenient: bool) -> None:
        receiver, sender = multiprocessing.Pipe(duplex=False)
        self._child = multiprocessing.Process(
            target=_validate_in_child,
            args=(bundled, lenient, sender),
            name="openapi-validation",
            daemon=True,
        )
        self._child.start()
        sender.close()
        self._receiver = receiver

    def _receive(self) -> list[Diagnostic]:
        assert self._receiver is not None
        try:
            outcome = self._receiver.recv()
        except EOFError:
            raise GeneratorError(
                "The validation process ended without a result; run again, and if it "
                "happens again, validate alone with `python -m generator validate`."
            ) from None
        finally:
            self._receiver.close()
        if isinstance(outcome, BaseException):
            raise outcome
        items: list[Diagnostic] = outcome
        return items

    def _finish(self, items: list[Diagnostic]) -> None:
        self._items = items
        self.seconds = time.perf_counter() - self.started
        if self._verdicts is not None and not any(d.level == "error" for d in items):
            self._verdicts.put(items)


def _validate(bundled: Bundle, lenient: bool) -> list[Diagnostic]:
    diagnostics = Diagnostics()
    validate(bundled, diagnostics, lenient=lenient)
    return diagnostics.items


def _validate_in_child(bundled: Bundle, lenient: bool, sender: Connection) -> None:
    # Objects inherited from the parent live as long as this process: sparing them
    # from garbage collection makes validating a large document about a fifth faster.
    gc.freeze()
    try:
        outcome: object = _validate(bundled, lenient)
    except Exception as error:  # sent to the parent, which raises it
        outcome = error
    try:
        sender.send(outcome)
    except Exception as error:  # an exception that cannot be pickled
        sender.send(GeneratorError(f"Validation failed: {error!r}"))
    finally:
        sender.close()


def _size(bundled: Bundle) -> int:
    try:
        return len(msgspec.json.encode(bundled.data))
    except (TypeError, msgspec.EncodeError):
        return CONCURRENT_VALIDATION_BYTES  # unusual values: assume it is large


class _Verdicts:
    """Validation results kept on disk, keyed by everything they depend on.

    The key covers the generator's own source, the validator's version, `lenient`,
    and the bytes of every file of the document (file names and lines appear in the
    warnings). Only runs without errors are kept: a failing document is validated
    every time, so its messages always come from the current run.
    """

    def __init__(self, directory: Path, bundled: Bundle, lenient: bool) -> None:
        self.path: Path | None = None
        digest = hashlib.sha256(_generator_fingerprint())
        digest.update(b"lenient" if lenient else b"strict")
        try:
            for file in sorted(bundled.document.files):
                digest.update(str(file).encode() + b"\0" + file.read_bytes() + b"\0")
        except OSError:
            return  # a file changed under the run: do not remember this one
        key = digest.hexdigest()
        self.path = directory / "validated" / key[:2] / key[2:]

    def get(self) -> list[Diagnostic] | None:
        if self.path is None:
            return None
        try:
            return msgspec.json.decode(self.path.read_bytes(), type=list[Diagnostic])
        except (OSError, msgspec.DecodeError):
            return None

    def put(self, items: list[Diagnostic]) -> None:
        if self.path is None:
            return
        with contextlib.suppress(OSError):  # not remembering only costs time
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_bytes(msgspec.json.encode(items))
            temporary.replace(self.path)


@cache
def _generator_fingerprint() -> bytes:
    """The generator's source and the validator's versions, hashed."""
    digest = hashlib.sha256()
    for package in _VALIDATOR_PACKAGES:
        try:
            version = metadata.version(package)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{package}={version};".encode())
    for source in sorted(Path(__file__).resolve().parent.rglob("*.py")):
        digest.update(source.read_bytes())
    return digest.digest()
