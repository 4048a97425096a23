"""Golden trees: each small document generates exactly its checked-in tree."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from .cases import CASES, expected_dir, render_case, tree


@pytest.mark.parametrize("case", CASES)
def test_generated_tree_matches_golden(case: str, tmp_path: Path) -> None:
    render_case(case, tmp_path / "out", cache_dir=tmp_path / "cache")
    actual = tree(tmp_path / "out")
    expected = tree(expected_dir(case))

    missing = sorted(expected.keys() - actual.keys())
    extra = sorted(actual.keys() - expected.keys())
    assert (
        not missing
    ), f"{case}: files no longer generated: {missing} (run make golden)"
    assert (
        not extra
    ), f"{case}: new files not in the golden tree: {extra} (run make golden)"
    for path in sorted(expected):
        if actual[path] != expected[path]:
            diff = difflib.unified_diff(
                expected[path].decode().splitlines(),
                actual[path].decode().splitlines(),
                f"expected/{path}",
                f"generated/{path}",
                lineterm="",
                n=2,
            )
            excerpt = "\n".join(list(diff)[:40])
            pytest.fail(
                f"{case}: {path} differs (run make golden and review):\n{excerpt}"
            )
