"""Timing helpers: interleaved repetitions, medians, and child processes' peak memory.

The machine the benchmarks run on is shared and noisy, so nothing is compared with a
number measured at another time: the two sides of a ratio run in the same session,
alternating (A, B, A, B, ...), and each side's median is taken.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


def user_environment(**extra: str) -> dict[str, str]:
    """The environment a user's command runs in: this one, with `extra`, and with
    Python's bytecode cache on.

    A machine (this one, for instance) may set PYTHONDONTWRITEBYTECODE; then every
    command run from source compiles its modules again, which a user's runs do not,
    while installed packages (the peer, httpx) load the bytecode pip wrote.
    """
    env = {**os.environ, **extra}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


@dataclass(frozen=True)
class Run:
    """One finished child process: its wall time and the peak memory of its tree."""

    seconds: float
    peak_bytes: int


def run_process(
    command: Sequence[str | Path],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Run:
    """Run `command` to its end; raise `RuntimeError` with its output if it fails.

    The command is started by a small launcher process (`python -m
    benchmarks.measure`), which times it and reads its peak memory: Linux carries
    the resident set a process had when it was forked over into its peak, so a
    command started straight from this large process would report this one's size.
    The peak is the largest resident set of the command or of any process it
    waited for (Linux reports the maximum over the tree, not the sum).
    """
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "run.json"
        launcher = [sys.executable, "-m", "benchmarks.measure", str(report)]
        completed = subprocess.run(
            [*launcher, *map(str, command)],
            env=dict(env) if env is not None else None,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            check=False,
        )
        if completed.returncode != 0 or not report.exists():
            text = completed.stdout.decode(errors="replace")[-3000:]
            raise RuntimeError(
                f"{' '.join(map(str, command))} exited with "
                f"{completed.returncode}:\n{text}"
            )
        found = json.loads(report.read_text(encoding="utf-8"))
    return Run(found["seconds"], found["peak_bytes"])


def _launch(report: Path, command: Sequence[str]) -> int:
    """Run `command`, write its wall time and peak memory to `report` as JSON."""
    started = time.perf_counter()
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = code = os.waitstatus_to_exitcode(status)
    if code == 0:
        report.write_text(
            json.dumps({"seconds": seconds, "peak_bytes": usage.ru_maxrss * 1024}),
            encoding="utf-8",
        )
    return code


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def interleave(sides: Sequence[Callable[[], float]], rounds: int) -> list[list[float]]:
    """Call each side once per round, in turn; each side returns one measurement."""
    results: list[list[float]] = [[] for _ in sides]
    for _ in range(rounds):
        for side, found in zip(sides, results, strict=True):
            found.append(side())
    return results


def per_call(function: Callable[[], object], number: int) -> Callable[[], float]:
    """A side for `interleave`: the mean seconds of one call over `number` calls."""

    def side() -> float:
        started = time.perf_counter()
        for _ in range(number):
            function()
        return (time.perf_counter() - started) / number

    return side


if __name__ == "__main__":
    sys.exit(_launch(Path(sys.argv[1]), sys.argv[2:]))
