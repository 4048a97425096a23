"""Run every benchmark and print the table: `python -m benchmarks.run [--quick]`.

The full run takes about a quarter of an hour on two cores; `--quick` is a smoke run
of a minute or two on small documents, with fewer repetitions. Every ratio in the
table compares two things measured in this run, alternating, as medians.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import client, generation
from .generation import Measurement
from .measure import median

MIB = 1024 * 1024
# The size of the synthetic document whose generated package's import is timed.
IMPORTED_OPERATIONS = 1000


@dataclass(frozen=True)
class Plan:
    """What to measure, and how many times."""

    sizes: dict[int, int]  # synthetic operations -> rounds
    codefluss_rounds: int
    import_rounds: int
    call_rounds: int
    calls: int
    pagination_items: int


FULL = Plan(
    sizes={10: 5, 100: 3, 1000: 2, 3000: 1},
    codefluss_rounds=5,
    import_rounds=15,
    call_rounds=15,
    calls=200,
    pagination_items=100_000,
)
QUICK = Plan(
    sizes={10: 1, 100: 1},
    codefluss_rounds=1,
    import_rounds=3,
    call_rounds=3,
    calls=30,
    pagination_items=10_000,
)


@dataclass(frozen=True)
class Row:
    """One line of the client table."""

    name: str
    measured: str
    baseline: str
    ratio: float | None
    target: str
    met: bool | None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__
    )
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL

    started = time.perf_counter()
    peer = generation.ensure_peer()
    generation.BENCH_DIR.mkdir(exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="run-", dir=generation.BENCH_DIR))
    try:
        print(machine(peer))
        measurements = measure_generation(plan, peer, scratch)
        print(generation_table(measurements))
        print(client_table(client_rows(plan, _package_to_import(measurements))))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"\nThe run took {time.perf_counter() - started:.0f} s.")
    return 0


def measure_generation(plan: Plan, peer: Path, scratch: Path) -> list[Measurement]:
    documents = [(generation.codefluss_document(scratch), plan.codefluss_rounds)]
    documents += [
        (generation.synthetic_document(scratch, size), rounds)
        for size, rounds in plan.sizes.items()
    ]
    found = []
    for document, rounds in documents:
        print(f"  measuring {document.name} ({rounds} rounds)...", file=sys.stderr)
        found.append(generation.measure(document, peer, rounds, scratch / "runs"))
    return found


def _package_to_import(measurements: list[Measurement]) -> Measurement:
    """The run whose package is imported: 1,000 operations, or the largest one."""
    synthetic = [m for m in measurements if m.document.name.startswith("synthetic")]
    exact = [m for m in synthetic if m.document.operations == IMPORTED_OPERATIONS]
    return (exact or synthetic or measurements)[-1]


# ------------------------------------------------------------------------ tables


def machine(peer: Path) -> str:
    memory = subprocess.run(
        ["free", "-h"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    total = next((line.split()[1] for line in memory if line.startswith("Mem")), "?")
    tools = ", ".join(
        f"{name} {metadata.version(name)}"
        for name in ("black", "openapi-spec-validator", "jinja2", "msgspec", "httpx")
    )
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return "\n".join(
        [
            f"- machine: {os.cpu_count()} cores ({platform.machine()}), {total} "
            f"memory, {platform.system()} {platform.release()}",
            f"- Python {platform.python_version()}; {tools}",
            f"- peer: {generation.peer_version(peer)} (in its own environment)",
            f"- commit: {commit or 'unknown'}",
            "",
        ]
    )


def generation_table(measurements: list[Measurement]) -> str:
    lines = [
        "### Generation",
        "",
        "| document | operations | size | cold | peer cold | ratio (target ≤ 1) "
        "| peak memory / peer | growth (exponent, peer) | warm, no change "
        "(target < 10 %) | one operation changed (target < 20 %) | the same, "
        "`--no-server` | watching: one operation changed (target < 20 %) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    previous: Measurement | None = None
    for found in measurements:
        document = found.document
        cold = found.seconds(found.ours_cold)
        theirs = found.seconds(found.theirs_cold)
        warm = found.seconds(found.ours_warm) / cold
        changed = found.seconds(found.ours_changed) / cold
        alone = found.seconds(found.ours_changed_alone) / cold
        watched = median(found.ours_watched) / cold
        synthetic = document.name.startswith("synthetic")
        growth = _growth(previous, found) if synthetic and previous else "-"
        lines.append(
            f"| {document.name} | {document.operations:,} | "
            f"{document.size / MIB:.2f} MiB | {cold:.2f} s | {theirs:.2f} s | "
            f"{_verdict(cold / theirs, cold <= theirs, 2)} | "
            f"{found.peak(found.ours_cold) / MIB:.0f} / "
            f"{found.peak(found.theirs_cold) / MIB:.0f} MiB | {growth} | "
            f"{_verdict_percent(warm, 0.10)} | {_verdict_percent(changed, 0.20)} | "
            f"{alone:.1%} | {_verdict_percent(watched, 0.20)} |"
        )
        previous = found if synthetic else None
    lines += [
        "",
        "Cold: no cache, no output directory and no generation server. Growth: "
        "the exponent k in time ∝ operations^k from the row above (1 is linear; ok "
        "up to 1.1). Peak memory: the largest resident set of any process of the "
        "run. Warm and one-operation runs are fractions of this generator's cold "
        "run; they are commands answered by the generation server the cold run "
        "started, as a user's are, and once more run alone (`--no-server`). "
        "Watching: from saving the document with the operation changed again to "
        "the report of `generate --watch` that the output is written, polling "
        "included.",
        "",
    ]
    return "\n".join(lines)


def _growth(smaller: Measurement, larger: Measurement) -> str:
    scale = math.log(larger.document.operations / smaller.document.operations)
    ours = (
        math.log(larger.seconds(larger.ours_cold) / smaller.seconds(smaller.ours_cold))
        / scale
    )
    theirs = (
        math.log(
            larger.seconds(larger.theirs_cold) / smaller.seconds(smaller.theirs_cold)
        )
        / scale
    )
    mark = "" if ours <= 1.1 else " **MISSED**"
    return f"{ours:.2f}{mark} ({theirs:.2f})"


def _verdict(ratio: float, met: bool, digits: int) -> str:
    return f"{ratio:.{digits}f}" + ("" if met else " **MISSED**")


def _verdict_percent(fraction: float, target: float) -> str:
    return f"{fraction:.1%}" + ("" if fraction < target else " **MISSED**")


def client_rows(plan: Plan, largest: Measurement) -> list[Row]:
    print("  measuring the client...", file=sys.stderr)
    rows = []
    assert largest.output is not None
    big = largest.document.package
    times = client.import_times(
        {"httpx": None, "codefluss": client.GENERATED, big: largest.output},
        plan.import_rounds,
    )
    for name, target in (("codefluss", 1.5), (big, 2.0)):
        ratio = times[name] / times["httpx"]
        rows.append(
            Row(
                f"`import {name}` against `import httpx`",
                f"{times[name] * 1000:.0f} ms",
                f"{times['httpx'] * 1000:.0f} ms",
                ratio,
                f"≤ {target}",
                ratio <= target,
            )
        )

    page, typed = client.decoding(plan.call_rounds, max(plan.calls // 4, 10))
    rows.append(
        Row(
            "1,000-item page through `list()` against httpx + raw `msgspec` decode",
            f"{page.measured * 1000:.2f} ms",
            f"{page.baseline * 1000:.2f} ms",
            page.ratio,
            "≤ 1.5",
            page.ratio <= 1.5,
        )
    )
    rows.append(
        Row(
            "typed decode of that page alone against raw `msgspec` decode",
            f"{typed.measured * 1000:.2f} ms",
            f"{typed.baseline * 1000:.2f} ms",
            typed.ratio,
            "-",
            None,
        )
    )

    call = client.per_call_overhead(plan.call_rounds, plan.calls)
    rows.append(
        Row(
            "`projects.retrieve()` against a bare httpx GET (loopback sandbox)",
            f"{call.measured * 1e6:.0f} µs",
            f"{call.baseline * 1e6:.0f} µs",
            call.ratio,
            "≤ 1.3",
            call.ratio <= 1.3,
        )
    )

    walk = client.pagination_memory(plan.pagination_items)
    counts = sorted(walk.checkpoints)
    flat = walk.growth <= 2 * MIB
    rows.append(
        Row(
            f"resident memory walking {counts[-1]:,} items by auto-pagination "
            f"({walk.seconds:.1f} s)",
            f"{walk.checkpoints[counts[-1]] / MIB:.1f} MiB at {counts[-1]:,}",
            f"{walk.checkpoints[counts[1]] / MIB:.1f} MiB at {counts[1]:,}",
            None,
            "flat (≤ 2 MiB growth)",
            flat,
        )
    )
    return rows


def client_table(rows: list[Row]) -> str:
    lines = [
        "### Client",
        "",
        "| measurement | SDK | baseline | ratio | target | verdict |",
        "|---|---:|---:|---:|---|---|",
    ]
    for row in rows:
        ratio = f"{row.ratio:.2f}" if row.ratio is not None else "-"
        verdict = {True: "met", False: "**MISSED**", None: "-"}[row.met]
        lines.append(
            f"| {row.name} | {row.measured} | {row.baseline} | {ratio} | "
            f"{row.target} | {verdict} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
