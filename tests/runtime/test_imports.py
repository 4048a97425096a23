"""Importing the package leaves out asyncio, which only the async client needs.

httpx does not import asyncio either, and it was a fifth of what importing a
generated package added to importing httpx. The async client waits to retry with
anyio, which imports what the running loop needs (asyncio, or trio) when it first
waits, in a process that has imported it already to run its loop.
"""

import os
import subprocess
import sys
from pathlib import Path

from tests.runtime.conftest import API_KEY, NAMES
from tests.runtime.payloads import project_reply
from tests.servers.faults import FaultServer, Reply

SCRIPT = f"""
import sys

import {NAMES["package"]} as package

imported = ["asyncio" in sys.modules]
settings = dict(api_key={API_KEY!r}, base_url=sys.argv[1])
with package.{NAMES["client_class"]}(**settings) as client:
    print(client.with_options(retry_backoff=0.01).projects.retrieve("proj_1").name)
imported.append("asyncio" in sys.modules)

import asyncio


async def main() -> str:
    async with package.Async{NAMES["client_class"]}(**settings) as client:
        fast = client.with_options(retry_backoff=0.01)
        return (await fast.projects.retrieve("proj_1")).name


print(asyncio.run(main()))
print(imported)
"""


def test_asyncio_is_imported_only_by_a_program_that_runs_a_loop(
    rendered_package: Path, server: FaultServer
) -> None:
    # Each client's first attempt fails, so each waits once before its retry.
    server.script(
        Reply(503), project_reply(), Reply(503), project_reply(name="Async site")
    )

    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, server.url],
        env={**os.environ, "PYTHONPATH": str(rendered_package.parent)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["My Website", "Async site", "[False, False]"]
    assert server.count == 4
