"""The generation server (generator/server.py) and the commands it answers
(generator/launch.py), run as a person runs them: `python -m generator` commands in
processes of their own, and the server they start in the background."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks.synthetic import write_document
from generator import launch
from tests.generator.conftest import DEMO_SPEC, ROOT, demo, heed_sigint, snapshot

PYTHON = sys.executable
STARTED = (
    "Started a generation server for the next commands; "
    "`python -m generator server stop` stops it.\n"
)
INTERRUPTED = "Interrupted; the output directory is as it was.\n"
# The demo document with one operation changed.
CHANGED_SPEC = DEMO_SPEC.replace("summary: List the items.", "summary: Every item.")


class Served:
    """Commands with a server allowed, in a runtime and a cache directory of their
    own; from a checkout of the generator (`checkout`), by default this one."""

    def __init__(self, runtime: Path, cache: Path) -> None:
        self.runtime = runtime
        self.env = {
            **os.environ,
            launch.SWITCH: "1",
            "XDG_RUNTIME_DIR": str(runtime),
            "XDG_CACHE_HOME": str(cache),
        }
        self.env.pop("CI", None)
        # The server's identity includes the bytecode setting, read by the address
        # computed here for the commands started from here.
        if sys.dont_write_bytecode:
            self.env["PYTHONDONTWRITEBYTECODE"] = "1"
        else:
            self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.checkout = ROOT

    def start(self, *args: str | Path, **options: Any) -> subprocess.Popen[str]:
        heed_sigint()
        return subprocess.Popen(
            [PYTHON, "-m", "generator", *map(str, args)],
            cwd=options.pop("cwd", self.checkout),
            env=options.pop("env", self.env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            **options,
        )

    def run(
        self, *args: str | Path, **options: Any
    ) -> subprocess.CompletedProcess[str]:
        return finish(self.start(*args, **options))

    @property
    def address(self) -> str:
        path = launch.address(self.env)
        assert path is not None
        return path

    def status(self) -> dict[str, Any] | None:
        """What the server of this checkout says of itself; None if none runs."""
        if self.checkout == ROOT:
            return launch.control(self.address, "status")
        said = self.run("server", "status")
        found = re.search(r"\(pid (\d+)\).*answered (\d+) command", said.stderr)
        if found is None:
            return None
        return {"pid": int(found[1]), "commands": int(found[2])}

    def ready(self, timeout: float = 60) -> dict[str, Any]:
        """The status of the server once it answers (it warms up first)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.status()
            if status is not None:
                return status
            time.sleep(0.05)
        raise AssertionError(f"no generation server answered within {timeout} s")

    def gone(self, timeout: float = 30) -> None:
        """Wait until no server answers and its socket is removed."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.status() is None and not list(self.runtime.rglob("*.sock")):
                return
            time.sleep(0.05)
        raise AssertionError(f"a generation server still answers after {timeout} s")

    def stop_all(self, timeout: float = 60) -> None:
        """Stop every server of these commands, also one still warming up."""
        deadline = time.monotonic() + timeout
        for lock in self.runtime.rglob("*.lock"):
            address = str(lock.with_suffix(".sock"))
            while launch.held(address) and time.monotonic() < deadline:
                launch.control(address, "stop")
                time.sleep(0.05)


def finish(
    process: subprocess.Popen[str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Wait for a command; one that hangs is killed, and the test fails."""
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    # A socket's path holds about 100 bytes: the runtime directory is a short one.
    runtime = Path(tempfile.mkdtemp(prefix="gs-", dir="/tmp"))
    commands = Served(runtime, tmp_path / "cache")
    try:
        yield commands
    finally:
        commands.stop_all()
        shutil.rmtree(runtime, ignore_errors=True)


def generated(stderr: str, changed: int | None = None) -> None:
    """Assert that `stderr` is the report of a successful `generate`."""
    count = r"\d+" if changed is None else str(changed)
    assert re.fullmatch(
        rf"Generated \d+ files into \S+ in \d+\.\d\d s; {count} changed\.\n", stderr
    ), stderr


def test_a_command_starts_a_server_and_the_next_ones_are_answered_by_it(
    served: Served, tmp_path: Path
) -> None:
    spec = demo(tmp_path / "spec")
    out = tmp_path / "out"

    first = served.run("generate", spec, out)
    assert first.returncode == 0, first.stderr
    assert first.stderr.endswith(STARTED)
    assert served.ready()["commands"] == 0

    spec.write_text(CHANGED_SPEC, encoding="utf-8")
    said = served.run("generate", spec, out)
    assert said.returncode == 0
    generated(said.stderr, changed=1)
    assert (
        served.run("validate", spec).stderr == f"{spec} is a valid OpenAPI document.\n"
    )
    assert served.ready()["commands"] == 2

    alone = served.run("generate", spec, tmp_path / "alone", "--no-server")
    generated(alone.stderr)
    assert snapshot(out) == snapshot(tmp_path / "alone")
    assert served.ready()["commands"] == 2


def test_status_and_stop_say_what_runs(served: Served, tmp_path: Path) -> None:
    said = served.run("server", "status")
    assert (said.returncode, said.stderr) == (
        1,
        "No generation server runs for this checkout and cache.\n",
    )

    served.run("validate", demo(tmp_path / "spec"))
    pid = served.ready()["pid"]
    said = served.run("server", "status")
    assert said.returncode == 0
    assert re.fullmatch(
        rf"A generation server runs \(pid {pid}\) since \d{{4}}-\d\d-\d\d "
        rf"\d\d:\d\d:\d\d; it has answered 0 command\(s\)\. "
        rf"Its socket: {re.escape(served.address)}\n",
        said.stderr,
    )
    stopped = served.run("server", "stop")
    assert (stopped.returncode, stopped.stderr) == (
        0,
        f"Stopped the generation server (pid {pid}).\n",
    )
    served.gone()


def test_a_served_command_fails_and_exits_as_it_would_alone(
    served: Served, tmp_path: Path
) -> None:
    spec = demo(tmp_path / "spec")
    out = tmp_path / "out"
    served.run("generate", spec, out)
    served.ready()
    broken = demo(tmp_path / "broken", DEMO_SPEC.replace("type: string", "strin", 1))
    (tmp_path / "out" / "demo" / "_client.py").write_text("# changed by hand\n")

    cases = {
        # an invalid document: the error is located
        ("generate", broken, tmp_path / "nowhere"): r"openapi\.yaml:\d+",
        ("validate", broken): r"openapi\.yaml:\d+",
        # a usage error, from argparse
        ("generate", spec): r"error: the following arguments are required: OUTPUT_DIR",
        # --check, with a file that would change
        ("generate", spec, out, "--check"): r"1 file\(s\) in \S+ would change",
        # an error of the config
        ("generate", spec, out, "--package-name", "a b"): r"is not a valid import name",
    }
    for args, expected in cases.items():
        by_server = served.run(*args)
        alone = served.run(*args, "--no-server")
        assert by_server.returncode in {1, 2}, args
        assert re.search(expected, by_server.stderr), by_server.stderr
        assert (by_server.returncode, by_server.stdout, by_server.stderr) == (
            alone.returncode,
            alone.stdout,
            alone.stderr,
        ), args
    assert not (tmp_path / "nowhere").exists()
    assert served.ready()["commands"] == 5


def test_paths_are_read_from_the_commands_directory_and_files_made_with_its_umask(
    served: Served, tmp_path: Path
) -> None:
    demo(tmp_path / "spec")
    served.env["PYTHONPATH"] = str(ROOT)  # `-m generator` from elsewhere
    served.run("validate", "spec/openapi.yaml", cwd=tmp_path)
    served.ready()
    by_server = served.run(
        "generate", "spec/openapi.yaml", "out", cwd=tmp_path, umask=0o077
    )
    assert by_server.returncode == 0
    generated(by_server.stderr)
    assert " files into out in " in by_server.stderr
    assert served.ready()["commands"] == 1
    served.run(
        "generate",
        "spec/openapi.yaml",
        "alone",
        "--no-server",
        cwd=tmp_path,
        umask=0o077,
    )
    modes = {
        path.relative_to(tmp_path / "out"): path.stat().st_mode
        for path in (tmp_path / "out").rglob("*")
    }
    assert modes == {
        path.relative_to(tmp_path / "alone"): path.stat().st_mode
        for path in (tmp_path / "alone").rglob("*")
    }
    assert {mode & 0o077 for mode in modes.values()} == {0}


def test_ctrl_c_stops_the_run_leaves_the_output_as_it_was_and_the_server_exits(
    served: Served, tmp_path: Path
) -> None:
    served.run("validate", demo(tmp_path / "spec"))
    served.ready()
    big = write_document(tmp_path / "big" / "openapi.yaml", 300)
    command = served.start("generate", big, tmp_path / "out")
    time.sleep(1.5)  # reading, building or formatting: it takes seconds in all
    command.send_signal(signal.SIGINT)
    said = finish(command)
    assert (said.returncode, said.stdout, said.stderr) == (130, "", INTERRUPTED)
    assert not (tmp_path / "out").exists()
    served.gone()


@pytest.mark.skipif(sys.platform != "linux", reason="helpers end with it on Linux")
def test_a_server_that_dies_mid_run_leaves_the_command_to_run_here(
    served: Served, tmp_path: Path
) -> None:
    served.run("validate", demo(tmp_path / "spec"))
    pid = served.ready()["pid"]
    big = write_document(tmp_path / "big" / "openapi.yaml", 100)
    command = served.start("generate", big, tmp_path / "out")
    time.sleep(1.0)  # formatting by then, with black's workers
    helpers = descendants(pid)
    assert helpers  # the validation process at least
    os.kill(pid, signal.SIGKILL)
    said = finish(command)
    assert said.returncode == 0, said.stderr
    lines = said.stderr.splitlines(keepends=True)
    assert lines[0] == (
        "The generation server stopped before the command ended; running it here.\n"
    )
    generated(lines[1])
    assert lines[2:] == [STARTED]
    assert served.ready()["pid"] != pid
    # The killed server's helper processes ended with it.
    deadline = time.monotonic() + 10
    while any(alive(helper) for helper in helpers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [helper for helper in helpers if alive(helper)]


def descendants(pid: int) -> list[int]:
    """The processes `pid` started, and theirs (Linux's /proc)."""
    children = [
        int(child)
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    ]
    return children + [
        grandchild for child in children for grandchild in descendants(child)
    ]


def alive(pid: int) -> bool:
    """Whether `pid` runs (a process that ended but was not reaped has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def test_a_server_whose_generator_changed_declines_and_a_new_one_starts(
    served: Served, tmp_path: Path
) -> None:
    checkout = tmp_path / "checkout"
    shutil.copytree(ROOT / "generator", checkout / "generator")
    shutil.copytree(ROOT / "templates", checkout / "templates")
    served.checkout = checkout
    spec = demo(tmp_path / "spec")
    served.run("validate", spec)
    pid = served.ready()["pid"]
    source = checkout / "generator" / "names.py"
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 10**9))

    said = served.run("validate", spec)
    assert (said.returncode, said.stderr) == (
        0,
        f"{spec} is a valid OpenAPI document.\n{STARTED}",
    )
    assert served.ready()["pid"] != pid


def test_a_server_exits_when_idle_and_on_sigterm(
    served: Served, tmp_path: Path
) -> None:
    began = time.monotonic()
    idle = served.run("server", "run", "--idle", "0.5")
    assert (idle.returncode, idle.stdout, idle.stderr) == (0, "", "")
    assert time.monotonic() - began < 30
    served.gone()

    served.run("validate", demo(tmp_path / "spec"))
    pid = served.ready()["pid"]
    os.kill(pid, signal.SIGTERM)
    served.gone()


def test_no_server_in_ci_with_the_switch_off_or_without_a_private_directory(
    served: Served, tmp_path: Path
) -> None:
    spec = demo(tmp_path / "spec")
    ci = {**served.env, "CI": "true"}
    del ci[launch.SWITCH]
    for env in [ci, {**served.env, launch.SWITCH: "0"}]:
        for _ in range(2):
            said = served.run("validate", spec, env=env)
            assert said.stderr == f"{spec} is a valid OpenAPI document.\n"
    assert served.status() is None

    # Whoever can write where the socket is could answer in the server's place.
    (served.runtime / "openapi-python-generator").chmod(0o755)
    said = served.run("validate", spec)
    assert said.stderr == f"{spec} is a valid OpenAPI document.\n"
    status = served.run("server", "status")
    assert (status.returncode, status.stderr) == (
        1,
        "No generation server can run here: no Unix sockets, or no directory for "
        "its socket that only this user may enter.\n",
    )


def test_a_command_of_another_identity_is_declined(
    served: Served, tmp_path: Path
) -> None:
    served.run("validate", demo(tmp_path / "spec"))
    served.ready()
    with launch.connect(served.address) as connection:
        answers = list(
            launch.exchange(connection, {"identity": "elsewhere", "argv": ["validate"]})
        )
    assert answers == [
        {"declined": "the command is not of this server's checkout, Python or cache"}
    ]
    assert served.ready()["commands"] == 0


def test_commands_at_once_are_all_answered_by_the_one_server(
    served: Served, tmp_path: Path
) -> None:
    spec = demo(tmp_path / "spec")
    served.run("validate", spec)
    served.ready()
    commands = [served.start("generate", spec, tmp_path / f"out{i}") for i in range(3)]
    for command in commands:
        said = finish(command)
        assert (said.returncode, said.stdout) == (0, "")
        generated(said.stderr)
    assert snapshot(tmp_path / "out0") == snapshot(tmp_path / "out2")
    assert served.ready()["commands"] == 3


def test_standard_output_is_relayed_and_options_are_spelled_in_full(
    served: Served,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    served.run("validate", demo(tmp_path / "spec"))
    served.ready()
    # A command line `launch` would not hand over (help), handed over anyway.
    monkeypatch.setenv("XDG_CACHE_HOME", served.env["XDG_CACHE_HOME"])
    assert launch.request(served.address, ["validate", "--help"]) == 0
    by_server = capsys.readouterr()
    alone = served.run("validate", "--help")
    assert (by_server.out, by_server.err) == (alone.stdout, alone.stderr)
    assert by_server.out.startswith("usage: python -m generator validate")

    # `--wat` would be `--watch` if abbreviations were taken, and watching is
    # never handed to the server.
    said = served.run("generate", tmp_path / "spec" / "openapi.yaml", "out", "--wat")
    assert said.returncode == 2
    assert said.stderr.endswith("error: unrecognized arguments: --wat\n")
    assert served.ready()["commands"] == 2
