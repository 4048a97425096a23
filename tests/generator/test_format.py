"""format: black in-process, a cache keyed by the rendered text, and its errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import format as formatting
from generator.errors import GeneratorError
from generator.format import format_files
from generator.render import RenderedFile

UGLY = "def f( a,b ):\n  return {'a':a,'b':b}\n"
PRETTY = 'def f(a, b):\n    return {"a": a, "b": b}\n'


def test_python_files_are_formatted_and_others_kept() -> None:
    files = [RenderedFile("pkg/a.py", UGLY), RenderedFile("README.md", UGLY)]
    assert format_files(files) == {"pkg/a.py": PRETTY, "README.md": UGLY}


def test_a_file_rendered_in_blacks_style_is_not_given_to_black(
    format_calls: list[str],
) -> None:
    files = [RenderedFile("a.py", PRETTY, formatted=True), RenderedFile("b.py", UGLY)]
    assert format_files(files) == {"a.py": PRETTY, "b.py": PRETTY}
    assert format_calls == [UGLY]


def test_second_run_uses_the_cache(tmp_path: Path, format_calls: list[str]) -> None:
    files = [RenderedFile("a.py", UGLY), RenderedFile("b.py", "x=1\n")]

    first = format_files(files, tmp_path)
    assert len(format_calls) == 2
    second = format_files(files, tmp_path)
    assert len(format_calls) == 2  # nothing formatted again
    assert first == second == {"a.py": PRETTY, "b.py": "x = 1\n"}


def test_cache_is_keyed_by_text_not_path(
    tmp_path: Path, format_calls: list[str]
) -> None:
    format_files([RenderedFile("a.py", UGLY)], tmp_path)
    result = format_files(
        [RenderedFile("renamed.py", UGLY), RenderedFile("a.py", "y=2\n")], tmp_path
    )
    assert format_calls == [UGLY, "y=2\n"]
    assert result == {"renamed.py": PRETTY, "a.py": "y = 2\n"}


def test_without_a_cache_everything_is_formatted(format_calls: list[str]) -> None:
    files = [RenderedFile("a.py", UGLY)]
    format_files(files, None)
    format_files(files, None)
    assert len(format_calls) == 2


def test_a_cache_that_cannot_be_written_only_costs_time(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("", encoding="utf-8")
    assert format_files([RenderedFile("a.py", UGLY)], blocked) == {"a.py": PRETTY}


def test_invalid_python_names_the_file() -> None:
    files = [
        RenderedFile("pkg/ok.py", "x = 1\n"),
        RenderedFile("pkg/bad.py", "def (:\n"),
    ]
    with pytest.raises(GeneratorError) as error:
        format_files(files)
    message = str(error.value)
    assert message.startswith(
        "The generator produced a file that is not valid Python, pkg/bad.py: "
        "cannot parse for target version Python 3.11: 1:4"
    )
    assert message.endswith(
        ". This is a bug in the generator or its templates; please report it with "
        "the document that caused it."
    )


def test_parallel_formatting_gives_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(formatting, "PARALLEL_THRESHOLD", 4)
    files = [RenderedFile(f"m{i}.py", f"x={i}\n") for i in range(4)]
    assert format_files(files, tmp_path, jobs=2) == {
        f"m{i}.py": f"x = {i}\n" for i in range(4)
    }


def test_parallel_formatting_reports_invalid_python(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(formatting, "PARALLEL_THRESHOLD", 4)
    files = [RenderedFile(f"m{i}.py", "x = 1\n") for i in range(3)]
    files.append(RenderedFile("broken.py", "class\n"))
    with pytest.raises(GeneratorError, match=r"not valid Python, broken\.py: "):
        format_files(files, jobs=2)
