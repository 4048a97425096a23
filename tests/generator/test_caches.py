"""caches: where kept results live, and what invalidates them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from generator.caches import cache_root, tool_fingerprint


def test_the_cache_root_follows_xdg_and_falls_back_to_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_root() == tmp_path / "openapi-python-generator"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_root() == tmp_path / "home" / ".cache" / "openapi-python-generator"


def test_a_tool_fingerprint_changes_when_the_tool_is_installed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "some_tool_for_fingerprints"
    package.mkdir()
    init = package / "__init__.py"
    init.write_text("VERSION = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    name = ("some_tool_for_fingerprints",)
    first = tool_fingerprint(name)
    assert tool_fingerprint(name) == first
    init.write_text("VERSION = 22\n")  # what reinstalling another version does
    assert tool_fingerprint(name) != first
    assert "some_tool_for_fingerprints" not in sys.modules  # found, never imported


def test_a_missing_tool_has_a_fingerprint_of_its_own() -> None:
    missing = ("no_such_module_anywhere",)
    assert tool_fingerprint(missing) == tool_fingerprint(missing)
    assert tool_fingerprint(missing) != tool_fingerprint(("black",))
