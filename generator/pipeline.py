"""The generator's stages, run in order: load, validate, build, render, format, write.

Nothing is written until every file has been computed; a fatal diagnostic at any stage
stops the run with the output directory untouched.

Three things keep runs short (see BENCHMARKS.md):

- openapi-spec-validator, the slowest stage after black (and on a small document,
  importing it is), only says yes or no: nothing later depends on what it finds. So
  on a machine with more than one core it runs in a process of its own, started
  before the document is read so that importing the validator overlaps reading it;
  the process validates while this one builds, renders and formats, and the run
  waits for its verdict before writing. Its errors are reported exactly as if it had
  run first.
- Verdicts are kept on disk, for the whole document and for its parts
  (`verdicts.Parts`): after a change, only the parts not proven valid are validated.
- A run whose inputs are all the same as the last one's takes that run's output
  (`caches.Outputs`) instead of computing it again.

A program that generates again and again (`generate --watch`) runs in a `Session`,
which keeps one validation process, the validator imported in it, from run to run.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from . import caches, write
from .config import Config, ConfigSource
from .errors import (
    Diagnostic,
    Diagnostics,
    GeneratorError,
    naming_sources,
)

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from .bundle import Bundle
    from .model import Package
    from .verdicts import Parts

Progress = Callable[[str, float], None]

STAGES = ("load", "validate", "build", "render", "format", "write")


class Result:
    """What a run did: the changes (made, or that would be made), and its warnings."""

    def __init__(
        self,
        changes: list[write.Change],
        warnings: list[Diagnostic],
        files: dict[str, bytes],
        model: Package | bytes | None,
        sources: list[Path],
    ) -> None:
        self.changes = changes
        self.warnings = warnings
        self.files = files
        # The files of the document the run read.
        self.sources = sources
        # The intermediate model; a reused run keeps it pickled until asked for it.
        self.model = model

    def __repr__(self) -> str:
        return f"Result(changes={self.changes!r}, warnings={self.warnings!r})"

    @property
    def package(self) -> Package | None:
        if isinstance(self.model, bytes):
            self.model = pickle.loads(self.model)  # noqa: S301 - our own cache
        assert not isinstance(self.model, bytes)
        return self.model


def _quiet(stage: str, seconds: float) -> None:
    """The default progress callback: say nothing."""


def load_and_validate(
    spec: Path,
    diagnostics: Diagnostics,
    *,
    lenient: bool = False,
    progress: Progress = _quiet,
    cache_dir: Path | None = None,
    session: Session | None = None,
) -> Bundle:
    """Load, bundle and validate `spec`; raise `SpecError` if it has fatal problems.

    With `cache_dir`, a document found valid before (with the same generator and
    validator) is not validated again; its warnings are reported as they were. In a
    `session`, its validation process validates.
    """
    started = time.perf_counter()
    bundled = _load(spec)
    progress("load", time.perf_counter() - started)

    started = time.perf_counter()
    process = session.validator() if session is not None else None
    try:
        items = _Validation(bundled, lenient, cache_dir, process).result()
    finally:
        if session is not None:
            session.ran()
    for diagnostic in items:
        diagnostics.add(diagnostic)
    diagnostics.check()
    progress("validate", time.perf_counter() - started)
    return bundled


def generate(
    spec: Path,
    output: Path,
    config: Config | ConfigSource,
    *,
    lenient: bool = False,
    check: bool = False,
    cache_dir: Path | None = None,
    progress: Progress = _quiet,
    session: Session | None = None,
) -> Result:
    """Generate the package for `spec` into `output`, or with `check` only compare.

    `config` may be a `ConfigSource`, read only if the last run's output cannot be
    reused; the command line passes one. Runs in one `session` share its validation
    process.
    """
    cache_dir = cache_dir if cache_dir is not None else caches.cache_root()
    stages = _Stages(progress)
    outputs = caches.Outputs(cache_dir, spec.resolve())
    config_key = _config_key(config)
    kept = outputs.get(config_key, lenient)
    model: Package | bytes
    if kept is not None:
        files, warnings, model, sources = kept
        for stage in STAGES[:-1]:
            stages.done(stage, 0.0)
    else:
        if session is not None:
            validator = session.validator()
        else:
            validator = _ValidatorProcess() if _cores() > 1 else None
        heap = _Heap()
        try:
            if isinstance(config, ConfigSource):
                config, read = config.load()
                if _SOURCE + read != config_key:
                    config_key = b""  # the file changed since it was hashed: keep none
            with stages.timing("load"):
                bundled = _load(spec)
            heap.freeze()
            validation = _Validation(bundled, lenient, cache_dir, validator)
            files, warnings, package = _compute(
                bundled, config, validation, cache_dir, stages, heap
            )
        finally:
            heap.thaw()
            if session is not None:
                session.ran()
            elif validator is not None:
                validator.close()
        digests = bundled.document.digests
        if config_key:
            outputs.put(config_key, lenient, digests, files, warnings, package)
        model, sources = package, sorted(digests)

    with stages.timing("write"):
        changes = write.plan(output, files)
        if not check:
            write.apply(output, files, changes)
    return Result(changes, warnings, files, model, sources)


class Session:
    """Runs of `generate` that share one validation process, for a program that
    generates again whenever the document changes.

    A single run starts a process that imports the validator while the document is
    read, and stops it when the run ends; that import takes about 0.3 s, more than
    the rest of a run after a small change to a small document. A session keeps its
    process from one run to the next, validator imported and warmed up. Close it
    (or use it as a context manager) to stop the process.
    """

    def __init__(self) -> None:
        self._process: _ValidatorProcess | None = None
        self._ready = False

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *_exception: object) -> None:
        self.close()

    def start(self) -> None:
        """Get ready for the next run, while there is nothing else to do: start the
        validation process if it does not run, and import and warm up what building,
        rendering and formatting need (a run that reused the last run's output
        imported none of it: Jinja and black take about 0.2 s)."""
        self.validator()
        if not self._ready:
            # Imported here, as in `_produce`.
            from . import build  # noqa: F401, PLC0415
            from .format import warm_up as warm_up_black  # noqa: PLC0415
            from .render import warm_up as warm_up_jinja  # noqa: PLC0415

            warm_up_jinja()
            warm_up_black()
            self._ready = True

    def validator(self) -> _ValidatorProcess | None:
        """The process for the next run; None where validating here is faster."""
        if _cores() <= 1:
            return None
        if self._process is not None and not self._process.alive:
            self.close()  # ended while waiting, killed by someone or something
        if self._process is None:
            self._process = _ValidatorProcess()
        return self._process

    def ran(self) -> None:
        """After a run: a process still busy with work of a run that ended without
        its verdict (interrupted, or the process died) is replaced, so that a late
        verdict cannot reach the next run. The new one imports the validator while
        the user edits."""
        if self._process is not None and self._process.busy:
            self._process.close()
            self._process = _ValidatorProcess()

    def close(self) -> None:
        if self._process is not None:
            self._process.close()
            self._process = None


_SOURCE = b"source:"  # a config key taken from a ConfigSource's fingerprint


def _config_key(config: Config | ConfigSource) -> bytes:
    if isinstance(config, ConfigSource):
        return _SOURCE + config.fingerprint()
    return b"config:" + repr(config).encode()


def _load(spec: Path) -> Bundle:
    # Imported here: a run that reuses the last run's output parses nothing.
    from .bundle import bundle  # noqa: PLC0415
    from .load import load_document  # noqa: PLC0415

    document = load_document(spec)
    with naming_sources(document.digests):
        return bundle(document)


def _compute(
    bundled: Bundle,
    config: Config,
    validation: _Validation,
    cache_dir: Path,
    stages: _Stages,
    heap: _Heap,
) -> tuple[dict[str, bytes], list[Diagnostic], Package]:
    """Build, render and format the package while `validation` runs."""
    built = Diagnostics()
    with naming_sources(bundled.document.digests):
        if validation.finished:
            validation.check()
        try:
            files, package = _produce(bundled, config, built, cache_dir, stages, heap)
        except Exception:
            validation.check()  # the document's own errors explain a failure best
            raise
        validation.check()
    stages.done("validate", validation.seconds)
    diagnostics = Diagnostics()
    for diagnostic in [*validation.result(), *built.items]:
        diagnostics.add(diagnostic)
    return files, diagnostics.warnings, package


def _produce(
    bundled: Bundle,
    config: Config,
    diagnostics: Diagnostics,
    cache_dir: Path,
    stages: _Stages,
    heap: _Heap,
) -> tuple[dict[str, bytes], Package]:
    """Build, render and format the package: path -> the bytes of each file."""
    # Imported here, as `validate` is in `_validate`: a run that reuses the last
    # run's output needs neither Jinja, black nor the validator, whose imports take
    # longer than the rest of such a run.
    from .build import build_package  # noqa: PLC0415
    from .format import format_files  # noqa: PLC0415
    from .render import render_package  # noqa: PLC0415

    with stages.timing("build"):
        package = build_package(bundled, config, diagnostics)
        diagnostics.check()
    heap.freeze()  # the model, before black's workers start as copies of this process
    with stages.timing("render"):
        rendered = render_package(package, cache_dir=cache_dir / "rendered")
    with stages.timing("format"):
        texts = format_files(rendered, cache_dir / "black")
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


class _Heap:
    """The document and the model, kept from the garbage collector until the run ends.

    They live until then anyway, and the collector would walk them again and again:
    in this process, and in black's worker processes, which start as copies of it,
    while black allocates. On the 3,000-operation document formatting took 42 s
    frozen against 59 s, and now grows linearly with the document; building is a
    fifth faster. A program that froze objects of its own is left as it was.
    """

    def __init__(self) -> None:
        self._ours = gc.get_freeze_count() == 0

    def freeze(self) -> None:
        """Freeze every object made so far."""
        if self._ours:
            gc.freeze()

    def thaw(self) -> None:
        if self._ours:
            gc.unfreeze()


class _Validation:
    """openapi-spec-validator's verdict on a bundle: remembered, or worked out.

    It is worked out in this process, or, given a `_ValidatorProcess`, in that process
    while this one goes on; `check` and `result` wait for it.
    """

    def __init__(
        self,
        bundled: Bundle,
        lenient: bool,
        cache_dir: Path | None,
        process: _ValidatorProcess | None = None,
    ) -> None:
        # Imported here, as the other stages are in `_produce`.
        from .verdicts import Parts, Verdicts  # noqa: PLC0415

        self.started = time.perf_counter()
        self.seconds = 0.0
        self._items: list[Diagnostic] | None = None
        self._process: _ValidatorProcess | None = None
        self._verdicts = Verdicts(cache_dir, bundled, lenient) if cache_dir else None
        self._parts: Parts | None = None

        remembered = self._verdicts.get() if self._verdicts else None
        if remembered is not None:
            self._finish(remembered)
            return
        if cache_dir is not None:
            self._parts = Parts.of(bundled, lenient, cache_dir)
        if self._parts is not None and self._parts.all_proven:
            self._finish([])
            return
        first = self._parts.unproven() if self._parts is not None else None
        if process is not None:
            process.send(bundled, lenient, first)
            self._process = process
        else:
            self._finish(_validate(bundled, lenient, first))

    @property
    def finished(self) -> bool:
        return self._items is not None

    def result(self) -> list[Diagnostic]:
        """Every diagnostic of the validation, waiting for it if it still runs."""
        if self._items is None:
            assert self._process is not None
            self._finish(self._process.receive())
        assert self._items is not None
        return self._items

    def check(self) -> None:
        """Raise the validation's fatal diagnostics as one `SpecError`, if any."""
        diagnostics = Diagnostics()
        for diagnostic in self.result():
            diagnostics.add(diagnostic)
        diagnostics.check()

    def _finish(self, items: list[Diagnostic]) -> None:
        self._items = items
        self.seconds = time.perf_counter() - self.started
        if self._verdicts is not None and not any(d.level == "error" for d in items):
            self._verdicts.put(items)
        if self._parts is not None and not items:
            self._parts.remember()


class _ValidatorProcess:
    """A process that imports the validator while this one reads the document, then
    validates each piece of work it is sent (`_validator_main`), one at a time.

    Importing openapi-spec-validator takes about 0.3 s, as long as a whole run on a
    small document after a small change; started before the document is read, that
    time overlaps reading, building and rendering. A run that finds its verdict
    remembered sends nothing and stops the process.
    """

    def __init__(self) -> None:
        import multiprocessing  # noqa: PLC0415 - a run that reuses its output needs none

        self._connection, child = multiprocessing.Pipe()
        self._child = multiprocessing.Process(
            target=_validator_main,
            args=(child, self._connection),
            name="openapi-validation",
            daemon=True,
        )
        self._child.start()
        child.close()
        self._sending: threading.Thread | None = None
        self.busy = False  # sent work whose verdict has not been received

    @property
    def alive(self) -> bool:
        return self._child.is_alive()

    def send(self, bundled: Bundle, lenient: bool, first: Bundle | None) -> None:
        # Written by a thread: a pipe holds 64 KiB, and the process reads only when it
        # has imported the validator, while this one goes on building.
        if self._sending is not None:
            self._sending.join()
        work = pickle.dumps((bundled, lenient, first), protocol=pickle.HIGHEST_PROTOCOL)
        self._sending = threading.Thread(target=self._write, args=(work,), daemon=True)
        self._sending.start()
        self.busy = True

    def _write(self, work: bytes) -> None:
        with contextlib.suppress(OSError):  # the process ended: `receive` says so
            self._connection.send_bytes(work)

    def receive(self) -> list[Diagnostic]:
        try:
            outcome = self._connection.recv()
        except (EOFError, ConnectionError):  # reset: it died before reading its work
            self._child.join()  # `Session.ran` starts another
            raise GeneratorError(
                "The validation process ended without a result; run again, and if it "
                "happens again, validate alone with `python -m generator validate`."
            ) from None
        self.busy = False
        if isinstance(outcome, BaseException):
            raise outcome
        items: list[Diagnostic] = outcome
        return items

    def close(self) -> None:
        """Stop the process if it still runs: the run needs nothing more from it."""
        if self._child.is_alive():
            self._child.terminate()
        self._child.join()
        if self._sending is not None:
            self._sending.join()  # the pipe broke, if the process had not read it all
        self._connection.close()


def _validate(
    bundled: Bundle, lenient: bool, first: Bundle | None = None
) -> list[Diagnostic]:
    """Validate `first` (the parts not yet proven valid), then, unless it is
    flawless, the whole document, whose diagnostics are the ones reported."""
    from .validate import validate  # noqa: PLC0415 - see `_produce`

    if first is not None:
        diagnostics = Diagnostics()
        validate(first, diagnostics, lenient=lenient)
        if not diagnostics.items:
            return []
    diagnostics = Diagnostics()
    validate(bundled, diagnostics, lenient=lenient)
    return diagnostics.items


def _validator_main(connection: Connection, parents_end: Connection) -> None:
    """The `_ValidatorProcess`: import the validator, warm it up if no work has
    arrived yet, then validate each piece of work it is sent and send back its
    diagnostics, or the exception, until the other end is closed."""
    # A forked process holds both ends of the pipe; with the parent's end closed
    # here, the end of the parent closes the pipe, and this process returns.
    parents_end.close()
    # Ctrl-C in a terminal reaches every process of the group; the run that started
    # this one stops it, and a traceback from here would only add noise. SIGTERM,
    # how it is stopped, ends it at once, whatever handler it inherited.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    from .processes import die_with_parent  # noqa: PLC0415
    from .validate import warm_up  # noqa: PLC0415 - the reason for this process

    die_with_parent()  # should a process the parent forked hold the parent's end
    if not connection.poll():
        # Builds what the work would build first, while there is time. Only that:
        # should it fail, the work's own validation says what is wrong.
        with contextlib.suppress(Exception):
            warm_up()
    while True:
        try:
            work = connection.recv_bytes()
        except EOFError:
            return  # the run is over, or found its verdict remembered
        outcome = _validate_work(work)
        try:
            connection.send(outcome)
        except Exception as error:  # an exception that cannot be pickled
            connection.send(GeneratorError(f"Validation failed: {error!r}"))


def _validate_work(work: bytes) -> object:
    """The diagnostics of one piece of work, or the exception validating it raised."""
    bundled, lenient, first = pickle.loads(work)  # noqa: S301 - from the parent
    # Sparing the document from garbage collection while it is validated makes
    # validating a large document about a fifth faster; it is garbage afterwards.
    gc.freeze()
    try:
        return _validate(bundled, lenient, first)
    except Exception as error:  # sent to the parent, which raises it
        return error
    finally:
        gc.unfreeze()


def _cores() -> int:
    """The CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
