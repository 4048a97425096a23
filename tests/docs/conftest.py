"""Build the docs site and the client from the same document, once per test run.

The site is built into the project's own `site/` directory (the browser tests serve it
from there and leave their screenshots beside it); the client package is generated
into a temporary directory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from generator.config import load_config
from generator.docs import SiteResult, build_site
from generator.pipeline import generate
from tests.docs.page import Page, read_page

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "openapi.yaml"
SITE = ROOT / "site"


CONFIG = load_config(SPEC)


@cache
def built_site() -> SiteResult:
    """The site, built once per test run (test modules read it while collecting)."""
    return build_site(SPEC, SITE, CONFIG)


def built_page() -> Page:
    return read_page(built_site().files["index.html"].decode())


@pytest.fixture(scope="session")
def site() -> SiteResult:
    return built_site()


@pytest.fixture(scope="session")
def page(site: SiteResult) -> Page:
    return built_page()


@pytest.fixture(scope="session")
def published(site: SiteResult) -> dict[str, Any]:
    """The site's openapi.json."""
    document: dict[str, Any] = json.loads(site.files["openapi.json"])
    return document


@pytest.fixture(scope="session")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The client package generated from the same document, as a directory."""
    target = tmp_path_factory.mktemp("sdk")
    cache = tmp_path_factory.mktemp("format-cache")
    generate(SPEC, target, CONFIG, cache_dir=cache)
    yield target
