"""caches: where kept results live, and what invalidates them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from benchmarks.synthetic import build_document, dump_yaml, write_document
from generator import TEMPLATES, caches, render
from generator.caches import cache_root, output_fingerprint, tool_fingerprint
from generator.config import ConfigSource
from generator.pipeline import generate
from generator.render import environment

from .conftest import DEMO_ITEM, snapshot


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


def _copy_of_the_templates(tmp_path: Path) -> Path:
    copy = tmp_path / "templates"
    shutil.copytree(TEMPLATES, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def _render_version(templates: Path, version: str) -> str:
    template = environment(templates).get_template("version.py.jinja")
    return template.render(header="# h", pkg=SimpleNamespace(version=version))


def test_compiled_templates_are_kept_beside_the_templates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    templates = _copy_of_the_templates(tmp_path)
    text = _render_version(templates, "1.2.3")
    assert '__version__ = "1.2.3"' in text
    assert list((templates / "__pycache__").glob("*.jinja-bytecode"))


def test_no_compiled_template_is_written_when_python_writes_no_bytecode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    templates = _copy_of_the_templates(tmp_path)
    environment(templates).get_template("version.py.jinja")
    assert not list((templates / "__pycache__").glob("*.jinja-bytecode"))


def test_templates_render_where_their_compiled_form_cannot_be_kept(
    tmp_path: Path,
) -> None:
    templates = _copy_of_the_templates(tmp_path)
    (templates / "__pycache__").write_text("a file where a folder would go")
    text = _render_version(templates, "1.2.3")
    assert '__version__ = "1.2.3"' in text


def test_compiled_templates_do_not_change_the_output_fingerprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates = _copy_of_the_templates(tmp_path)
    monkeypatch.setattr(caches, "TEMPLATES", templates)
    output_fingerprint.cache_clear()
    before = output_fingerprint()
    (templates / "__pycache__").mkdir()
    (templates / "__pycache__" / "x.jinja-bytecode").write_bytes(b"compiled")
    output_fingerprint.cache_clear()
    assert output_fingerprint() == before
    (templates / "version.py.jinja").write_text("changed\n")
    output_fingerprint.cache_clear()
    assert output_fingerprint() != before
    output_fingerprint.cache_clear()


def test_a_damaged_compiled_template_is_compiled_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    templates = _copy_of_the_templates(tmp_path)
    environment(templates).get_template("version.py.jinja")
    for compiled in (templates / "__pycache__").glob("*.jinja-bytecode"):
        compiled.write_bytes(compiled.read_bytes()[:40])  # cut short
    environment.cache_clear()
    text = _render_version(templates, "2.0")
    assert '__version__ = "2.0"' in text


# ------------------------------------------------------------- reusing a run


def _generate(spec: Path, out: Path, cache: Path, *options: str) -> str:
    """Run the command line in a fresh interpreter; report the heavy modules it used."""
    program = (
        "import sys\n"
        "from generator.cli import main\n"
        f"code = main(['generate', {str(spec)!r}, {str(out)!r}, '--quiet', "
        f"*{list(options)!r}])\n"
        f"heavy = {list(_HEAVY)!r}\n"
        "print(code, *sorted(m for m in heavy if m in sys.modules))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "XDG_CACHE_HOME": str(cache)},
    )
    return completed.stdout.strip()


_HEAVY = ("black", "jinja2", "msgspec", "openapi_spec_validator", "yaml")
ROOT = Path(__file__).resolve().parents[2]


def test_an_unchanged_run_parses_nothing_and_imports_no_heavy_tool(
    demo_spec: Path, tmp_path: Path
) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    first = _generate(demo_spec, out, cache)
    assert first.split()[0] == "0"
    assert set(first.split()[1:]) >= {"black", "jinja2", "yaml"}
    before = snapshot(out)

    assert _generate(demo_spec, out, cache) == "0"  # nothing heavy imported
    assert snapshot(out) == before


def test_a_run_is_reused_only_while_every_input_is_the_same(
    demo_spec: Path, tmp_path: Path
) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    _generate(demo_spec, out, cache)
    item = demo_spec.parent / "schemas" / "item.yaml"
    config = demo_spec.parent / "generator.yaml"

    # A file reached through a $ref: its bytes are part of the key.
    item.write_text(DEMO_ITEM + "    note:\n      type: string\n")
    assert "yaml" in _generate(demo_spec, out, cache)
    assert "note" in (out / "demo" / "models" / "item.py").read_text()

    # The config file's bytes, and the options given on the command line.
    config.write_text("package: demo\nclient: Other\n")
    assert "yaml" in _generate(demo_spec, out, cache)
    assert "class Other(" in (out / "demo" / "_client.py").read_text()
    assert "yaml" in _generate(demo_spec, out, cache, "--lenient")
    assert _generate(demo_spec, out, cache, "--lenient") == "0"


def test_a_document_with_windows_line_ends_is_reused(
    demo_spec: Path, tmp_path: Path
) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    demo_spec.write_bytes(demo_spec.read_bytes().replace(b"\n", b"\r\n"))
    _generate(demo_spec, out, cache)
    assert _generate(demo_spec, out, cache) == "0"


def test_a_reused_run_keeps_its_model_for_whoever_asks(
    demo_spec: Path, tmp_path: Path
) -> None:
    config = ConfigSource(demo_spec)
    first = generate(demo_spec, tmp_path / "out", config, cache_dir=tmp_path / "c")
    again = generate(demo_spec, tmp_path / "out", config, cache_dir=tmp_path / "c")
    assert isinstance(again.model, bytes)  # still pickled
    assert again.package == first.package
    assert again.files == first.files


def test_a_change_renders_again_only_the_modules_it_reaches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = write_document(tmp_path / "spec" / "openapi.yaml", 10)
    cache = tmp_path / "cache"
    generate(spec, tmp_path / "out", ConfigSource(spec), cache_dir=cache)

    rendered: list[str] = []
    original = render._render

    def recording(env: Any, template: str, path: str, context: Any) -> Any:
        rendered.append(path)
        return original(env, template, path, context)

    monkeypatch.setattr(render, "_render", recording)
    document = build_document(10)
    document["paths"]["/amber-gadgets"]["get"]["summary"] = "List them all."
    spec.write_text(dump_yaml(document), encoding="utf-8")
    again = generate(spec, tmp_path / "out", ConfigSource(spec), cache_dir=cache)

    # The package-wide files (client, __init__ modules, README) are always rendered.
    modules = [p for p in rendered if p.endswith(".py") and "/_" not in p]
    modules = [p for p in modules if not p.endswith("__init__.py")]
    assert modules == ["synthetic/resources/amber_gadgets.py"]
    assert "List them all." in again.files[modules[0]].decode()
    fresh = generate(
        spec, tmp_path / "fresh", ConfigSource(spec), cache_dir=tmp_path / "other"
    )
    assert again.files == fresh.files
