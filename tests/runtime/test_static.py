"""The rendered runtime, with code in the generated shape around it, passes the
project's static checks: mypy --strict, ruff and black."""

import subprocess
import sys
from pathlib import Path

from tests.runtime.conftest import NAMES, ROOT, render_runtime

PYPROJECT = ROOT / "pyproject.toml"
TOOLS = Path(sys.executable).parent


def rendered(tmp_path: Path) -> Path:
    return render_runtime(tmp_path)


def run(*command: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_every_rendered_file_starts_with_the_header(tmp_path: Path) -> None:
    package = rendered(tmp_path)
    runtime = sorted(package.glob("_*.py"))
    runtime = [p for p in runtime if p.name not in {"__init__.py", "_client.py"}]

    assert len(runtime) >= 10
    for path in runtime:
        assert path.read_text().splitlines()[0] == NAMES["header"], path.name


def test_mypy_strict_passes(tmp_path: Path) -> None:
    package = rendered(tmp_path)

    result = run(
        TOOLS / "mypy",
        "--strict",
        "--config-file",
        PYPROJECT,
        "--cache-dir",
        tmp_path / ".mypy_cache",
        package.name,
        cwd=package.parent,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_passes(tmp_path: Path) -> None:
    package = rendered(tmp_path)

    # The repository's settings, stricter than the generated package's in most
    # rules, but with the package's choice on imports inside functions: the package
    # imports some modules when first used, which keeps `import` fast.
    result = run(
        TOOLS / "ruff",
        "check",
        "--config",
        PYPROJECT,
        "--extend-ignore",
        "PLC0415",
        "--no-cache",
        "--output-format",
        "concise",
        package.name,
        cwd=package.parent,
    )

    findings = [line for line in result.stdout.splitlines() if ".py:" in line]
    assert findings == [], result.stdout


def test_black_leaves_it_unchanged(tmp_path: Path) -> None:
    package = rendered(tmp_path)

    result = run(
        TOOLS / "black",
        "--check",
        "--quiet",
        "--config",
        PYPROJECT,
        package.name,
        cwd=package.parent,
    )

    assert result.returncode == 0, result.stdout + result.stderr
