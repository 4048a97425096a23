"""Generating again whenever the document changes: `generate --watch`.

The watcher runs `pipeline.generate` once, then waits for a change to a file that
run read (every file of the document, and the config file, present or not), and
runs again. All runs share one `pipeline.Session`, which keeps the validator,
Jinja and black imported and warm between runs: after a change to one operation
of a small document a run takes about a tenth of a second, where a fresh `generate`
command takes half a second, most of it imports (BENCHMARKS.md).

On Linux the watcher sleeps on inotify events for the files' directories, and
looks at the files when one arrives (and once a second regardless, for file
systems that send none); elsewhere it looks every `INTERVAL` seconds. A change is
told by each file's size and modification time, as `make` tells one, and must hold
for `SETTLE` seconds, since an editor may write a file in several steps. The run
then hashes the files' bytes, so a save that changed nothing reuses the last run's
output. A run that fails (an invalid document, a file saved half way) writes
nothing and says why, and the watcher waits for the next change. It stops on
Ctrl-C or SIGTERM.

A file that a reference names but that does not exist yet is watched too: creating
it starts the next run. Away from Linux a change is noticed up to `INTERVAL` late.
"""

from __future__ import annotations

import ctypes
import os
import select
import signal
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import FrameType

from . import pipeline
from .config import ConfigSource
from .errors import GeneratorError, SpecError, format_warnings

INTERVAL = 0.05  # seconds between two looks at the files, without inotify
FALLBACK = 1.0  # seconds between two looks at the files, with inotify
SETTLE = 0.02  # a changed file must stay the same this long before a run reads it

_NOTHING_WRITTEN = "Nothing was written; waiting for the next change."

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
                # While the user edits: the validation process, and the imports a
                # run that reused the last run's output did without.
                session.start()
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
        say(f"{error}\n{_NOTHING_WRITTEN}")
        if error.sources:  # every file the run read, and the missing ones it needed
            return list(error.sources), True
        # It stopped before it knew them: a file it could not parse.
        located = [d.location.file for d in error.diagnostics if d.location]
        return [Path(file).resolve() for file in located], False
    except (GeneratorError, OSError) as error:  # the config; the output directory
        say(f"error: {error}\n{_NOTHING_WRITTEN}")
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
    notifier = _notifier({path.parent for path in stamps})
    try:
        # Looked at after the notifier started: a change made before it is seen
        # here, one made after wakes it.
        now = _stamps(stamps)
        while now == stamps:
            notifier.wait()
            now = _stamps(stamps)
    finally:
        notifier.close()
    while True:
        time.sleep(SETTLE)
        later = _stamps(stamps)
        if later == now:
            return
        now = later


class _Polling:
    """Wakes every `INTERVAL` seconds, where the system cannot say when to."""

    def wait(self) -> None:
        time.sleep(INTERVAL)

    def close(self) -> None:
        pass


class _Inotify:
    """Wakes when anything happens in `directories` (Linux's inotify), and after
    `FALLBACK` seconds at the latest. A file is watched through its directory,
    since editors save by writing a new file and renaming it over the old one."""

    # IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE, IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE,
    # IN_DELETE, from <sys/inotify.h>.
    EVENTS = 0x2 | 0x4 | 0x8 | 0x40 | 0x80 | 0x100 | 0x200

    def __init__(self, libc: ctypes.CDLL, directories: Iterable[Path]) -> None:
        self._fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self._fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        for directory in directories:
            # A directory that cannot be watched is still looked at every FALLBACK.
            libc.inotify_add_watch(self._fd, os.fsencode(directory), self.EVENTS)

    def wait(self) -> None:
        readable, _, _ = select.select([self._fd], [], [], FALLBACK)
        if readable:
            try:
                while os.read(self._fd, 65536):  # the events themselves do not matter
                    pass
            except BlockingIOError:
                pass

    def close(self) -> None:
        os.close(self._fd)


def _notifier(directories: Iterable[Path]) -> _Inotify | _Polling:
    if sys.platform == "linux":
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            return _Inotify(libc, directories)
        except (OSError, AttributeError):  # no inotify here, or no watches left
            pass
    return _Polling()


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
