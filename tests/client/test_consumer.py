"""consumer.py, a typed program using every operation, runs and passes mypy --strict."""

import os
import subprocess
import sys
from pathlib import Path

from tests.client.conftest import (
    ALL_OPERATIONS,
    API_KEY,
    GENERATED,
    ROOT,
    operation_of,
    spec_operations,
)
from tests.servers.sandbox import Sandbox

CONSUMER = Path(__file__).with_name("consumer.py")
MYPY = Path(sys.executable).with_name("mypy")
# The sync part checks that a deleted project is gone; nothing else fails.
EXPECTED_ERRORS = {"sync": [404], "async": []}


def test_the_operation_list_is_the_spec_s() -> None:
    assert set(spec_operations()) == ALL_OPERATIONS
    assert len(ALL_OPERATIONS) == 29


def test_the_consumer_uses_every_operation_sync_and_async(sandbox: Sandbox) -> None:
    environment = {
        **os.environ,
        "CODEFLUSS_API_KEY": API_KEY,
        "CODEFLUSS_BASE_URL": sandbox.base_url,
        "PYTHONPATH": str(GENERATED),
    }

    result = subprocess.run(
        [sys.executable, str(CONSUMER)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == (
        "Every operation ran, with Codefluss and with AsyncCodefluss.\n"
    )
    for part in ("sync", "async"):
        requests = [
            r for r in sandbox.requests if r.headers.get("x-consumer-part") == part
        ]
        called = {operation_of(r) for r in requests}
        assert called == ALL_OPERATIONS, f"{part}: missing {ALL_OPERATIONS - called}"
        errors = [r.status for r in requests if r.status >= 400]
        assert errors == EXPECTED_ERRORS[part], [(r.method, r.path) for r in requests]
    assert sandbox.api.store.projects == {}


def test_the_consumer_passes_mypy_strict(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            str(MYPY),
            "--strict",
            "--cache-dir",
            str(tmp_path / ".mypy_cache"),
            str(CONSUMER.relative_to(ROOT)),
        ],
        cwd=ROOT,
        env={**os.environ, "MYPYPATH": str(GENERATED)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.stdout.strip() == "Success: no issues found in 1 source file", (
        result.stdout + result.stderr
    )
