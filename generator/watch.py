"""Generating again whenever the document changes: `generate --watch`.

The watcher runs `pipeline.generate` once, then looks at the files that run read
(every file of the document, and the config file, present or not) every
`INTERVAL` seconds, and runs again when one changed. All runs share one
`pipeline.Session`, so Jinja, black and the validator are imported once: after a
change to one operation of a small document a run takes about a tenth of a
second, where a fresh `generate` command takes half a second, most of it imports
(BENCHMARKS.md).

A change is noticed by each file's size and modification time, as `make` does;
the run then hashes the files' bytes, so a save that changed nothing reuses the
last run's output. A run that fails (an invalid document, a file saved half
way) writes nothing and says why, and the watcher waits for the next change. It
stops on Ctrl-C or SIGTERM.

Known shortcoming: files are polled, not watched by the operating system, so a
change is noticed up to `INTERVAL` (0.05 s) plus `SETTLE` (0.02 s) after it is
saved. A file that a broken reference names but that does not exist yet is not
watched; saving the file that holds the reference starts the next run.
"""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import FrameType

from . import pipeline
from .config import ConfigSource
from .errors import GeneratorError, SpecError, format_warnings

INTERVAL = 0.05  # seconds between two looks at the files
SETTLE = 0.02  # a changed file must stay the same this long before a run reads it

Stamp = tuple[int, int] | None  # (size, modification time in ns); None: no file
Handler = Callable[[int, FrameType | None], object] | int | None


def watch(
    spec: Path,
    output: Path,
    config: ConfigSource,
    *,
    lenient: bool = False,
    quiet: bool = False,
    say: Callable[[str], None] | None = None,
    cache_dir: Path | None = None,
) -> int:
    """Generate `spec` into `output` now and after every change, until stopped.

    Returns 0 when stopped by Ctrl-C or SIGTERM. `say` receives each report (by
    default written to standard error, each line after the time of day).
    """
    say = say or _say
    previous = _on_sigterm(_interrupt)
    fixed = {spec.resolve(), config.path().resolve()}
    watched: set[Path] = set()
    try:
        with pipeline.Session() as session:
            while True:
                before = _stamps(watched | fixed)
                read, complete = _run(
                    spec, output, config, lenient, quiet, say, cache_dir, session
                )
                watched = set(read) if complete else watched | set(read)
                # A file read for the first time is compared with how it is now; the
                # others with how they were before the run, so that a change saved
                # while it ran starts another.
                _wait_for_change({**_stamps(watched | fixed), **before})
    except KeyboardInterrupt:
        if not quiet:
            say("Stopped watching.")
        return 0
    finally:
        _on_sigterm(previous)


def _run(
    spec: Path,
    output: Path,
    config: ConfigSource,
    lenient: bool,
    quiet: bool,
    say: Callable[[str], None],
    cache_dir: Path | None,
    session: pipeline.Session,
) -> tuple[list[Path], bool]:
    """One run, reported: the files it read, and whether that is all of them (a run
    that failed knows only the files its errors are in)."""
    started = time.perf_counter()
    try:
        result = pipeline.generate(
            spec, output, config, lenient=lenient, cache_dir=cache_dir, session=session
        )
    except SpecError as error:
        say(f"{error}\nNothing was written; waiting for the next change.")
        located = [d.location.file for d in error.diagnostics if d.location]
        return [Path(file).resolve() for file in located], False
    except (GeneratorError, OSError) as error:
        say(f"error: {error}. Nothing was written; waiting for the next change.")
        return [], False
    if result.warnings:
        say(format_warnings(result.warnings))
    if not quiet:
        say(
            f"Generated {len(result.files)} files into {output} in "
            f"{time.perf_counter() - started:.2f} s; {len(result.changes)} changed."
        )
    return result.sources, True


def _wait_for_change(stamps: dict[Path, Stamp]) -> None:
    """Return once a file differs from `stamps` and has stayed the same for `SETTLE`."""
    while True:
        time.sleep(INTERVAL)
        now = _stamps(stamps)
        if now == stamps:
            continue
        while True:  # an editor may write a file in several steps
            time.sleep(SETTLE)
            later = _stamps(stamps)
            if later == now:
                return
            now = later


def _stamps(paths: Iterable[Path]) -> dict[Path, Stamp]:
    stamps: dict[Path, Stamp] = {}
    for path in paths:
        try:
            status = path.stat()
        except OSError:
            stamps[path] = None
        else:
            stamps[path] = (status.st_size, status.st_mtime_ns)
    return stamps


def _say(text: str) -> None:
    clock = time.strftime("%H:%M:%S")
    for line in text.splitlines():
        print(f"[{clock}] {line}", file=sys.stderr, flush=True)


def _interrupt(_signal: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _on_sigterm(handler: Handler) -> Handler:
    """Install `handler` for SIGTERM, if this is the main thread; the one before."""
    if handler is None:
        return None
    try:
        return signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: signals go to the main thread anyway
        return None
