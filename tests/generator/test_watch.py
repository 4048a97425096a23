"""`generate --watch`, run as a user runs it: a command that regenerates on each save.

Each change is made once the watcher has reported the run before it, and each
report is awaited with a generous timeout: the watcher polls every 0.05 s, but CI
machines are shared.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from generator import watch as watching_module
from generator.config import load_config
from generator.pipeline import generate
from generator.watch import _Inotify, _Polling

from .conftest import demo, snapshot, start

CLOCK = re.compile(r"\[\d\d:\d\d:\d\d\] ")
ENDINGS = ("Generated ", "Stopped watching.")
FAILED = "Nothing was written; waiting for the next change."


class Watcher:
    """`python -m generator generate SPEC OUTPUT --watch`, in a process group of its
    own, as a terminal starts it, and its reports as they come."""

    def __init__(self, spec: Path, output: Path, cache: Path, *options: str) -> None:
        self.process = start(
            "generate", spec, output, "--watch", *options, cache=cache, group=True
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def report(self) -> str:
        """The next report: its lines, without their time of day, up to the one that
        says how a run ended."""
        block: list[str] = []
        while True:
            line = self.lines.get(timeout=120)
            if line is None:
                raise AssertionError(f"the watcher ended; it said {self.seen}")
            self.seen.append(line)
            assert CLOCK.match(line), line
            block.append(CLOCK.sub("", line, count=1))
            if block[-1].startswith(ENDINGS) or block[-1].endswith(FAILED):
                return "\n".join(block)

    def children(self) -> list[int]:
        """The processes the watcher started that still run."""
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.process.pid:
                    found.append(int(entry.name))
        return found

    def stop(self, signal_number: int) -> int:
        """Send `signal_number` to the watcher's whole group, as Ctrl-C in a terminal
        does; its exit status."""
        os.killpg(self.process.pid, signal_number)
        return self.process.wait(timeout=60)

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@pytest.fixture
def watching(tmp_path: Path) -> Iterator[tuple[Path, Path, Watcher]]:
    """The demo document being watched: (spec, output, the watcher), first run done."""
    spec = demo(tmp_path / "spec")
    output = tmp_path / "out"
    watcher = Watcher(spec, output, tmp_path / "cache")
    try:
        assert watcher.report().startswith(f"Generated 24 files into {output} in ")
        yield spec, output, watcher
    finally:
        watcher.close()


def fresh(spec: Path, tmp_path: Path, name: str) -> dict[str, bytes | None]:
    """What a single run of `generate` writes for `spec`, with a cache of its own."""
    output = tmp_path / f"fresh-{name}"
    generate(spec, output, load_config(spec), cache_dir=tmp_path / f"cache-{name}")
    return snapshot(output)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_each_save_regenerates_what_a_single_run_would(
    watching: tuple[Path, Path, Watcher], tmp_path: Path
) -> None:
    spec, output, watcher = watching
    assert snapshot(output) == fresh(spec, tmp_path, "first")

    edit(spec, "summary: List the items.", "summary: List every item.")
    report = watcher.report()
    into = re.escape(str(output))
    assert re.fullmatch(
        rf"Generated 24 files into {into} in \d+\.\d\d s; 1 changed\.", report
    )
    assert b"List every item." in (output / "demo/resources/items.py").read_bytes()
    assert snapshot(output) == fresh(spec, tmp_path, "second")

    # A file of the document other than the root one.
    edit(spec.parent / "schemas/item.yaml", "label:", "title:")
    assert watcher.report().endswith("; 1 changed.")
    assert b"title: str" in (output / "demo/models/item.py").read_bytes()
    assert snapshot(output) == fresh(spec, tmp_path, "third")

    # The config file: another package name moves the whole package.
    (spec.parent / "generator.yaml").write_text("package: shop\n", encoding="utf-8")
    assert watcher.report().endswith("; 46 changed.")
    assert (output / "shop/__init__.py").exists()
    assert snapshot(output) == fresh(spec, tmp_path, "fourth")


def test_an_invalid_save_writes_nothing_and_the_next_valid_one_is_generated(
    watching: tuple[Path, Path, Watcher], tmp_path: Path
) -> None:
    spec, output, watcher = watching
    before = snapshot(output)
    edit(spec, "      operationId: getItem\n", "      operationId: listItems\n")
    text = spec.read_text(encoding="utf-8")
    first = text[: text.index("operationId: listItems")].count("\n") + 1
    second = (
        text[: text.index("operationId: listItems\n      parameters")].count("\n") + 1
    )
    assert watcher.report() == (
        "The OpenAPI document has 1 error:\n"
        f"  {spec}:{second} at /paths/~1items~1{{item_id}}/get/operationId: error: "
        "The operationId 'listItems' of GET /items/{item_id} is already used by "
        f"GET /items ({spec}:{first} at /paths/~1items/get/operationId); every "
        "operation needs its own operationId.\n" + FAILED
    )
    assert snapshot(output) == before

    # A file saved half way is not valid YAML; the rest of the save mends it.
    item = spec.parent / "schemas/item.yaml"
    original = item.read_text(encoding="utf-8")
    item.write_text("Item:\n  type: [object\n", encoding="utf-8")
    assert watcher.report().endswith(FAILED)
    assert snapshot(output) == before

    item.write_text(original, encoding="utf-8")
    assert "already used by GET /items" in watcher.report()

    edit(spec, "listItems\n      parameters", "getItem\n      parameters")
    assert watcher.report().endswith("; 0 changed.")
    assert snapshot(output) == before

    # A config that is not valid is reported as the command reports it.
    config = spec.parent / "generator.yaml"
    config.write_text("package: 9lives\n", encoding="utf-8")
    assert watcher.report() == (
        "error: The package name '9lives' is not a valid import name; use lowercase "
        "letters, digits and underscores, starting with a letter.\n" + FAILED
    )
    config.write_text("package: demo\n", encoding="utf-8")
    assert watcher.report().endswith("; 0 changed.")
    assert snapshot(output) == before


def test_a_file_a_reference_names_is_watched_before_it_exists(
    watching: tuple[Path, Path, Watcher], tmp_path: Path
) -> None:
    spec, output, watcher = watching
    before = snapshot(output)
    text = spec.read_text(encoding="utf-8")
    old = "$ref: 'schemas/item.yaml#/Item'"
    at = text.rindex(old)
    spec.write_text(
        text[:at] + "$ref: 'schemas/detail.yaml#/Item'" + text[at + len(old) :],
        encoding="utf-8",
    )
    line = text[:at].count("\n") + 1
    pointer = "/paths/~1items~1{item_id}/get/responses/200/content/application~1json"
    assert watcher.report() == (
        "The OpenAPI document has 1 error:\n"
        f"  {spec}:{line} at {pointer}/schema/$ref: error: The reference "
        "'schemas/detail.yaml#/Item' cannot be loaded: The file "
        f"{str(spec.parent / 'schemas/detail.yaml')!r} does not exist.\n" + FAILED
    )
    assert snapshot(output) == before

    # Creating the file is the change that starts the next run.
    item = (spec.parent / "schemas/item.yaml").read_text(encoding="utf-8")
    (spec.parent / "schemas/detail.yaml").write_text(item, encoding="utf-8")
    # A second Item schema, from another file: a model of its own (item2.py).
    assert watcher.report().startswith("Generated 25 files into ")
    assert snapshot(output) == fresh(spec, tmp_path, "created")


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_stops_the_watcher_and_its_validation_process(
    watching: tuple[Path, Path, Watcher], signal_number: int
) -> None:
    _, _, watcher = watching
    children = watcher.children()
    assert len(children) == 1  # the validation process, kept for the next run

    assert watcher.stop(signal_number) == 0
    assert watcher.report() == "Stopped watching."
    rest = watcher.process.stderr.read() if watcher.process.stderr else ""
    assert "Traceback" not in "\n".join(watcher.seen) + rest
    for child in children:
        with pytest.raises(ProcessLookupError):
            os.kill(child, 0)


def test_watch_and_check_are_exclusive(tmp_path: Path) -> None:
    spec = demo(tmp_path / "spec")
    process = start(
        "generate", spec, tmp_path / "out", "--watch", "--check", cache=tmp_path
    )
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2
    assert "argument --check: not allowed with argument --watch" in stderr
    assert not (tmp_path / "out").exists()


def test_quiet_watching_reports_only_failures(tmp_path: Path) -> None:
    spec = demo(tmp_path / "spec")
    output = tmp_path / "out"
    watcher = Watcher(spec, output, tmp_path / "cache", "--quiet")
    try:
        # Nothing is said of a run that worked: wait for the output, then break it.
        _wait_for((output / "demo/__init__.py").exists)
        edit(spec, "      operationId: getItem\n", "      operationId: listItems\n")
        assert watcher.report().endswith(FAILED)
        assert watcher.stop(signal.SIGINT) == 0
        assert watcher.lines.get(timeout=60) is None  # quiet: no "Stopped watching."
    finally:
        watcher.close()


def _wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 120
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.parametrize("notifier", ["inotify", "polling"])
def test_a_change_is_noticed_however_it_is_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, notifier: str
) -> None:
    # In place, or written beside the file and renamed over it, as editors save;
    # with inotify (Linux) or by looking every INTERVAL.
    if notifier == "polling":
        monkeypatch.setattr(watching_module, "_notifier", lambda _: _Polling())
    else:
        assert isinstance(watching_module._notifier([tmp_path]), _Inotify)
        # Only an event can wake it in this test's time.
        monkeypatch.setattr(watching_module, "FALLBACK", 3600.0)
    spec = tmp_path / "openapi.yaml"
    config = tmp_path / "generator.yaml"  # watched before it exists
    spec.write_text("first\n", encoding="utf-8")

    def saves() -> Iterator[Callable[[], None]]:
        yield lambda: spec.write_text("second\n", encoding="utf-8")
        replacement = tmp_path / ".openapi.yaml.saving"
        yield lambda: (
            replacement.write_text("third, longer\n", encoding="utf-8"),
            replacement.replace(spec),
        )
        yield lambda: config.write_text("package: demo\n", encoding="utf-8")

    for save in saves():
        stamps = watching_module._stamps([spec, config])
        waiter = threading.Thread(
            target=watching_module._wait_for_change, args=(stamps,), daemon=True
        )
        waiter.start()
        waiter.join(0.3)
        assert waiter.is_alive()  # nothing changed yet: it waits
        save()
        waiter.join(60)
        assert not waiter.is_alive()
