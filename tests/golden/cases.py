"""The golden cases: small documents whose whole generated tree is checked in.

Each case is a folder with `openapi.yaml`, `generator.yaml` and `expected/`, the tree
the generator must produce byte for byte. `python -m tests.golden.update` (`make
golden`) rewrites every `expected/` from the current generator; review the diff.
"""

from __future__ import annotations

from pathlib import Path

from generator.config import load_config
from generator.pipeline import generate

_CACHES = frozenset({"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"})
HERE = Path(__file__).resolve().parent
CASES = sorted(p.name for p in HERE.iterdir() if (p / "openapi.yaml").exists())


def expected_dir(case: str) -> Path:
    return HERE / case / "expected"


def render_case(
    case: str, output: Path, cache_dir: Path | None = None
) -> dict[str, bytes]:
    """Generate `case` into `output` and return path -> bytes of what was generated."""
    spec = HERE / case / "openapi.yaml"
    result = generate(spec, output, load_config(spec), cache_dir=cache_dir)
    return result.files


def tree(root: Path) -> dict[str, bytes]:
    """Path -> bytes of every file under `root`, ignoring caches made by tools."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not _CACHES.intersection(p.parts)
    }
