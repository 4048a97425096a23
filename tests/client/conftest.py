"""The generated CODEFLUSS client against real servers on loopback.

The tests import the package checked in under generated/, which this module puts
first on sys.path, so that they test what consumers get from the repository and
never an installed copy. One sandbox (tests/servers/sandbox.py) serves the whole
session; each test that asks for it starts from an empty store. test_prism.py
starts Prism itself.
"""

import functools
import json
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.bundle import bundle
from generator.load import load_document
from tests.servers.sandbox import RecordedRequest, Sandbox, match_route, start_sandbox

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "generated"
SPEC = ROOT / "spec" / "openapi.yaml"

sys.path.insert(0, str(GENERATED))

import codefluss  # noqa: E402  (needs the path above)

API_KEY = "sk_test"
READ_ONLY_KEY = "sk_read"

# The operationIds of the API, by resource.
PROJECT_OPERATIONS = {
    "listProjects", "createProject", "getProject", "updateProject", "deleteProject",
    "publishProject", "unpublishProject", "duplicateProject",
}  # fmt: skip
PAGE_OPERATIONS = {
    "listPages", "createPage", "getPage", "updatePage", "deletePage", "publishPage",
    "unpublishPage", "duplicatePage",
}  # fmt: skip
ELEMENT_OPERATIONS = {
    "listElements", "createElement", "getElementTree", "getElement", "updateElement",
    "deleteElement", "moveElement", "duplicateElement",
}  # fmt: skip
ASSET_OPERATIONS = {
    "listAssets", "uploadAsset", "getAsset", "updateAsset", "deleteAsset",
}  # fmt: skip
ALL_OPERATIONS = (
    PROJECT_OPERATIONS | PAGE_OPERATIONS | ELEMENT_OPERATIONS | ASSET_OPERATIONS
)

if Path(codefluss.__file__).resolve().parent != GENERATED / "codefluss":
    raise RuntimeError(
        f"codefluss was imported from {codefluss.__file__}, not from {GENERATED}: "
        "another copy was imported before tests/client/conftest.py ran. Uninstall "
        "it (pip uninstall codefluss) or run these tests on their own."
    )


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[Sandbox]:
    """The sandbox every test of the session shares."""
    server = start_sandbox(api_keys={API_KEY}, read_only_keys={READ_ONLY_KEY})
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def sandbox(sandbox_server: Sandbox) -> Sandbox:
    """The shared sandbox, emptied: no resources and no recorded requests."""
    sandbox_server.reset()
    return sandbox_server


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # The tests decide the client's environment variables themselves.
    for name in ("API_KEY", "BASE_URL", "LOG"):
        monkeypatch.delenv(f"CODEFLUSS_{name}", raising=False)


@pytest.fixture
def client(sandbox: Sandbox) -> Iterator[codefluss.Codefluss]:
    """A sync client pointed at the sandbox."""
    with codefluss.Codefluss(api_key=API_KEY, base_url=sandbox.base_url) as made:
        yield made


@pytest.fixture
async def async_client(sandbox: Sandbox) -> AsyncIterator[codefluss.AsyncCodefluss]:
    """An async client pointed at the sandbox."""
    async with codefluss.AsyncCodefluss(
        api_key=API_KEY, base_url=sandbox.base_url
    ) as made:
        yield made


def operation_of(request: RecordedRequest) -> str:
    """The operationId of a recorded request, as the sandbox routed it."""
    return match_route(request.method, request.path)[0].operation


def operations(sandbox: Sandbox) -> list[str]:
    """The operationIds of the requests the sandbox received, in order."""
    return [operation_of(request) for request in sandbox.requests]


@functools.cache
def spec_operations() -> dict[str, tuple[str, str]]:
    """Every operation of the spec: operationId -> (method, path template)."""
    document = bundle(load_document(SPEC)).data
    return {
        operation["operationId"]: (method.upper(), path)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "operationId" in operation
    }


def body_of(request: RecordedRequest) -> Any:
    """The JSON body of a recorded request."""
    return json.loads(request.body)
