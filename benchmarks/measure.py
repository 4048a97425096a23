"""Timing helpers: interleaved repetitions, medians, and child processes' peak memory.

The machine the benchmarks run on is shared and noisy, so nothing is compared with a
number measured at another time: the two sides of a ratio run in the same session,
alternating (A, B, A, B, ...), and each side's median is taken.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


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

    The peak is the largest resident set of the process or of any child it waited
    for (Linux reports the maximum over the tree, not the sum).
    """
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(part) for part in command],
        env=dict(env) if env is not None else None,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stdout.close()
    if process.returncode != 0:
        text = output.decode(errors="replace")[-3000:]
        raise RuntimeError(
            f"{' '.join(map(str, command))} exited with {process.returncode}:\n{text}"
        )
    return Run(seconds, usage.ru_maxrss * 1024)


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
