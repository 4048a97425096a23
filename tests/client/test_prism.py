"""Every operation of the client against Prism, which mocks the spec and validates
each request against it.

Prism (npm @stoplight/prism-cli, pinned in package.json) is started once for the
module on the multi-file spec as it is, with `--errors`: a request that breaks the
spec gets an error response and a "Violation" line in Prism's log, and every
response carries an `sl-violations` header listing what Prism found. Each call
must succeed, decode Prism's answer (the spec's examples) into the documented
models, and leave Prism with nothing to object to.
"""

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from codefluss import AsyncCodefluss, Codefluss, SyncCursorPage
from codefluss.models import (
    Asset,
    DeletedResource,
    Element,
    ElementsListSort,
    ElementStyles,
    ElementTree,
    ElementType,
    Page,
    PageOpenGraph,
    PageSeo,
    PagesListSort,
    PageStatus,
    Project,
    ProjectsListSort,
    ProjectStatus,
)

from tests.client.conftest import API_KEY, ROOT, SPEC, spec_operations

PRISM = ROOT / "node_modules" / ".bin" / "prism"
STARTUP_SECONDS = 30.0
LOG_SECONDS = 10.0
QUIET_SECONDS = 0.2

pytestmark = [
    pytest.mark.prism,
    pytest.mark.skipif(
        not PRISM.exists(),
        reason=f"Prism is not installed at {PRISM}; run `make setup` (npm ci).",
    ),
]

# The ids of the spec's examples; Prism accepts any id that matches the patterns.
PROJECT, PAGE, ELEMENT, ASSET = (
    "proj_abc123",
    "page_7hq2m4",
    "el_h7v3tw",
    "asset_q8w2e4",
)
PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(32)

Call = Callable[[Codefluss], Any]

CALLS: dict[str, tuple[Call, type]] = {
    "listProjects": (
        lambda c: c.projects.list(
            limit=10,
            cursor="cursor_xyz789",
            status=ProjectStatus.PUBLISHED,
            search="website",
            sort=ProjectsListSort.NAME,
        ),
        Project,
    ),
    "createProject": (
        lambda c: c.projects.create(
            name="My Website", slug="my-website", description="A portfolio"
        ),
        Project,
    ),
    "getProject": (lambda c: c.projects.retrieve(PROJECT), Project),
    "updateProject": (
        lambda c: c.projects.update(PROJECT, name="My Site", description=None),
        Project,
    ),
    "deleteProject": (lambda c: c.projects.delete(PROJECT), DeletedResource),
    "publishProject": (lambda c: c.projects.publish(PROJECT), Project),
    "unpublishProject": (lambda c: c.projects.unpublish(PROJECT), Project),
    "duplicateProject": (
        lambda c: c.projects.duplicate(PROJECT, name="My Site 2", slug="my-site-2"),
        Project,
    ),
    "listPages": (
        lambda c: c.pages.list(
            PROJECT,
            limit=5,
            status=PageStatus.DRAFT,
            search="about",
            sort=PagesListSort.POSITION,
            parent_id=PAGE,
        ),
        Page,
    ),
    "createPage": (
        lambda c: c.pages.create(
            PROJECT,
            title="About us",
            slug="about",
            parent_id=None,
            position=0,
            is_home_page=False,
            seo=PageSeo(title="About", no_index=False),
            open_graph=PageOpenGraph(image_url="https://cdn.example.com/og.png"),
        ),
        Page,
    ),
    "getPage": (lambda c: c.pages.retrieve(PROJECT, PAGE), Page),
    "updatePage": (
        lambda c: c.pages.update(
            PROJECT, PAGE, title="About", parent_id=None, seo={"noIndex": True}
        ),
        Page,
    ),
    "deletePage": (lambda c: c.pages.delete(PROJECT, PAGE), DeletedResource),
    "publishPage": (lambda c: c.pages.publish(PROJECT, PAGE), Page),
    "unpublishPage": (lambda c: c.pages.unpublish(PROJECT, PAGE), Page),
    "duplicatePage": (
        lambda c: c.pages.duplicate(PROJECT, PAGE, title="Team", parent_id=None),
        Page,
    ),
    "listElements": (
        lambda c: c.elements.list(
            PROJECT,
            PAGE,
            limit=5,
            parent_id=ELEMENT,
            type=ElementType.IMAGE,
            sort=ElementsListSort.CREATED_AT_DESC,
        ),
        Element,
    ),
    "createElement": (
        lambda c: c.elements.create(
            PROJECT,
            PAGE,
            type=ElementType.HEADING,
            parent_id=ELEMENT,
            position=0,
            name="Title",
            props={"text": "Welcome", "level": 1},
            styles=ElementStyles(desktop={"font-size": "32px", "opacity": 1}),
        ),
        Element,
    ),
    "getElementTree": (lambda c: c.elements.tree(PROJECT, PAGE), ElementTree),
    "getElement": (lambda c: c.elements.retrieve(PROJECT, PAGE, ELEMENT), Element),
    "updateElement": (
        lambda c: c.elements.update(
            PROJECT, PAGE, ELEMENT, name=None, props={"text": "Hello"}
        ),
        Element,
    ),
    "deleteElement": (
        lambda c: c.elements.delete(PROJECT, PAGE, ELEMENT),
        DeletedResource,
    ),
    "moveElement": (
        lambda c: c.elements.move(PROJECT, PAGE, ELEMENT, parent_id=None, position=0),
        Element,
    ),
    "duplicateElement": (
        lambda c: c.elements.duplicate(PROJECT, PAGE, ELEMENT),
        Element,
    ),
    "listAssets": (
        lambda c: c.assets.list(PROJECT, limit=5, search="team", mime_type="image/"),
        Asset,
    ),
    "uploadAsset": (
        lambda c: c.assets.upload(
            PROJECT, file=("team.png", PHOTO, "image/png"), alt_text="The team"
        ),
        Asset,
    ),
    "getAsset": (lambda c: c.assets.retrieve(PROJECT, ASSET), Asset),
    "updateAsset": (
        lambda c: c.assets.update(PROJECT, ASSET, alt_text=None, file_name="a.png"),
        Asset,
    ),
    "deleteAsset": (lambda c: c.assets.delete(PROJECT, ASSET), DeletedResource),
}


class Prism:
    """A running Prism mock server and the lines it has printed so far."""

    def __init__(self, process: subprocess.Popen[str], port: int) -> None:
        self.process = process
        self.url = f"http://127.0.0.1:{port}"
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_until_listening(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not any("Prism is listening" in line for line in self.lines):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(
                    f"Prism did not start listening within {STARTUP_SECONDS:g} s "
                    f"(exit code {self.process.returncode}). Its output:\n"
                    f"{self.output()}",
                    pytrace=False,
                )
            time.sleep(0.05)

    def request_logs(self, mark: int, count: int) -> list[list[str]]:
        """The lines Prism printed for each of `count` requests sent after line
        `mark`, once it has answered the last one and has been quiet for a moment.

        Requests sent one after the other are logged one after the other, each
        starting with a "Request received" line.
        """
        deadline = time.monotonic() + LOG_SECONDS
        seen, quiet_since = -1, time.monotonic()
        while time.monotonic() < deadline:
            blocks = split_by_request(self.lines[mark:])
            answered = len(blocks) >= count and any(
                "Responding with" in line or "Request terminated" in line
                for line in blocks[-1]
            )
            if sum(map(len, blocks)) != seen:
                seen, quiet_since = sum(map(len, blocks)), time.monotonic()
            elif answered and time.monotonic() - quiet_since > QUIET_SECONDS:
                return blocks
            time.sleep(0.02)
        pytest.fail(
            f"Prism did not log answers to {count} requests within {LOG_SECONDS:g} "
            "s. Its output since the first of them:\n" + "\n".join(self.lines[mark:]),
            pytrace=False,
        )

    def stop(self) -> None:
        # Prism runs its server in a worker process: stop the whole process group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self._reader.join(timeout=5)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def split_by_request(lines: list[str]) -> list[list[str]]:
    blocks: list[list[str]] = []
    for line in lines:
        if "Request received" in line:
            blocks.append([])
        if blocks:
            blocks[-1].append(line)
    return blocks


def violations(lines: list[str]) -> list[str]:
    return [
        line
        for line in lines
        if "Violation" in line
        or ("[VALIDATOR]" in line and ("error" in line or "warning" in line))
    ]


@pytest.fixture(scope="module")
def prism() -> Iterator[Prism]:
    port = free_port()
    process = subprocess.Popen(
        [PRISM, "mock", SPEC, "--port", str(port), "--host", "127.0.0.1", "--errors"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    server = Prism(process, port)
    server.wait_until_listening()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def responses() -> list[httpx.Response]:
    """Every response the module's client received, in order."""
    return []


@pytest.fixture(scope="module")
def prism_client(prism: Prism, responses: list[httpx.Response]) -> Iterator[Codefluss]:
    http = httpx.Client(timeout=10.0, event_hooks={"response": [responses.append]})
    with (
        http,
        Codefluss(
            api_key=API_KEY, base_url=prism.url, max_retries=0, http_client=http
        ) as client,
    ):
        yield client


@dataclass
class Outcome:
    """What one call gave: its result or error, its responses and Prism's log."""

    result: Any = None
    error: Exception | None = None
    responses: list[httpx.Response] = field(default_factory=list)
    log: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def outcomes(
    prism: Prism, prism_client: Codefluss, responses: list[httpx.Response]
) -> dict[str, Outcome]:
    """Call every operation once, in the spec's order, and collect what happened.

    Calling them all before reading Prism's log means waiting for the log once.
    """
    mark = len(prism.lines)
    found: dict[str, Outcome] = {}
    for operation_id, (call, _) in CALLS.items():
        responses.clear()
        outcome = found[operation_id] = Outcome()
        try:
            outcome.result = call(prism_client)
        except Exception as error:  # reported by the operation's own test
            outcome.error = error
        outcome.responses = list(responses)

    blocks = iter(prism.request_logs(mark, len(CALLS)))
    for outcome in found.values():
        for _ in outcome.responses:
            outcome.log.extend(next(blocks, []))
    return found


def test_every_operation_of_the_spec_has_a_call() -> None:
    assert list(CALLS) == list(spec_operations())


@pytest.mark.parametrize("operation_id", list(spec_operations()))
def test_prism_accepts_the_call_and_the_client_decodes_the_answer(
    operation_id: str, outcomes: dict[str, Outcome]
) -> None:
    outcome = outcomes[operation_id]
    log = "\n".join(outcome.log)
    if outcome.error is not None:
        pytest.fail(
            f"{operation_id} raised {type(outcome.error).__name__}: {outcome.error}\n"
            f"Prism's log of the call:\n{log}",
            pytrace=False,
        )

    method, template = spec_operations()[operation_id]
    [response] = outcome.responses
    assert response.request.method == method
    assert 200 <= response.status_code < 300, log
    assert "sl-violations" not in response.headers, response.headers["sl-violations"]
    assert not violations(outcome.log), log
    assert f"{method.lower()} {template.split('{')[0]}" in log.lower()
    _, model = CALLS[operation_id]
    result = outcome.result
    items = result.data if isinstance(result, SyncCursorPage) else [result]
    assert items, f"{operation_id} returned no items to check"
    assert all(isinstance(item, model) for item in items), items


async def test_the_async_client_passes_prism_too(prism: Prism) -> None:
    mark = len(prism.lines)
    async with AsyncCodefluss(
        api_key=API_KEY, base_url=prism.url, max_retries=0
    ) as client:
        page = await client.projects.list(limit=1, status=ProjectStatus.DRAFT)
        project = await client.projects.create(name="My Website")
        asset = await client.assets.upload(PROJECT, file=("team.png", PHOTO))

    assert all(isinstance(item, Project) for item in page.data)
    assert isinstance(project, Project)
    assert isinstance(asset, Asset)
    blocks = prism.request_logs(mark, 3)
    log = [line for block in blocks for line in block]
    assert not violations(log), "\n".join(log)
