"""Render the runtime templates into a throwaway package and serve faults to it.

The package (`faultpkg`) is the runtime as rendered for any API, plus the
hand-written modules in fixture_pkg/ that stand where generated code goes.
"""

import importlib
import shutil
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import jinja2
import pytest

from generator.render import HEADER
from tests.servers.faults import FaultServer

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates" / "runtime"
FIXTURE_SOURCES = Path(__file__).resolve().parent / "fixture_pkg"

NAMES = {
    "header": HEADER,
    "package": "faultpkg",
    "client_class": "Faultpkg",
    "base_error": "FaultpkgError",
    "env_prefix": "FAULTPKG",
    "version": "1.0.0",
}
API_KEY = "sk_test_5ecret_never_shown"


def render_runtime(target: Path) -> Path:
    """Write the rendered runtime and the fixture modules to target/faultpkg."""
    # The templates render Python source, not HTML: there is nothing to escape.
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # noqa: S701
    )
    package = target / NAMES["package"]
    package.mkdir(parents=True, exist_ok=True)
    for template in sorted(TEMPLATES.glob("*.py.jinja")):
        name = template.name.removesuffix(".jinja")
        text = environment.get_template(template.name).render(**NAMES)
        (package / name).write_text(text, encoding="utf-8")
    shutil.copytree(
        FIXTURE_SOURCES,
        package,
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    (package / "py.typed").write_text("", encoding="utf-8")
    return package


@pytest.fixture(scope="session")
def rendered_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The rendered package's directory."""
    return render_runtime(tmp_path_factory.mktemp("runtime"))


@pytest.fixture(scope="session")
def pkg(rendered_package: Path) -> Iterator[ModuleType]:
    """The rendered package, imported."""
    sys.path.insert(0, str(rendered_package.parent))
    try:
        yield importlib.import_module(NAMES["package"])
    finally:
        sys.path.remove(str(rendered_package.parent))


@pytest.fixture(scope="session")
def models(pkg: ModuleType) -> ModuleType:
    """The fixture's models module."""
    return importlib.import_module(f"{pkg.__name__}.models")


@pytest.fixture
def server() -> Iterator[FaultServer]:
    """A fault-injecting HTTP server on 127.0.0.1, one per test."""
    with FaultServer() as running:
        yield running


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # The tests decide the client's environment variables themselves.
    for name in ("API_KEY", "BASE_URL", "LOG"):
        monkeypatch.delenv(f"{NAMES['env_prefix']}_{name}", raising=False)


@pytest.fixture
def client(pkg: ModuleType, server: FaultServer) -> Iterator[Any]:
    """A sync client pointed at the fault server, with short retry waits."""
    made = pkg.Faultpkg(api_key=API_KEY, base_url=server.url, timeout=2.0)
    with made.with_options(retry_backoff=0.01) as fast:
        yield fast
    made.close()


@pytest.fixture
async def async_client(pkg: ModuleType, server: FaultServer) -> AsyncIterator[Any]:
    """An async client pointed at the fault server, with short retry waits."""
    made = pkg.AsyncFaultpkg(api_key=API_KEY, base_url=server.url, timeout=2.0)
    yield made.with_options(retry_backoff=0.01)
    await made.close()
