"""black_splice: a module shown unchanged by black from excerpts is one black leaves as
it is.

The reasoning in black_splice.py is about how black decides; these tests hold it to
black itself. Every method of the generated modules (the CODEFLUSS SDK's resources and
runtime, and the golden trees' resources, whose names are long and hostile) is changed
in ways black keeps and in ways it does not, and whenever the excerpts say "unchanged",
black formatting the whole module must agree. They run with the black release pinned
in requirements/dev.txt, which is `TESTED_BLACK`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import black
import pytest

from generator.black_splice import TESTED_BLACK, unchanged_by_black
from generator.format import format_files
from generator.render import RenderedFile

from .conftest import ROOT

MODE = black.Mode(line_length=88, target_versions={black.TargetVersion.PY311})
MODULES = sorted(
    [
        *(ROOT / "generated" / "codefluss" / "resources").glob("*.py"),
        *(ROOT / "generated" / "codefluss").glob("_*.py"),
        *(ROOT / "tests" / "golden").glob("*/expected/*/resources/*.py"),
    ]
)
LONG = "an_extraordinarily_long_parameter_name_that_no_line_can_hold: int = 0"


@cache
def whole(text: str) -> str:
    return black.format_str(text, mode=MODE)


def excerpt_format(calls: list[str]) -> Callable[[str], str]:
    def format_excerpt(text: str) -> str:
        calls.append(text)
        return black.format_str(text, mode=MODE)

    return format_excerpt


def methods(text: str) -> list[tuple[int, int]]:
    """(first line, end) of each method of the module's classes, 0-based."""
    found = []
    for statement in ast.parse(text).body:
        if isinstance(statement, ast.ClassDef):
            for item in statement.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    first = min([item.lineno, *(d.lineno for d in item.decorator_list)])
                    assert item.end_lineno is not None
                    found.append((first - 1, item.end_lineno))
    return found


# Changes to one method's lines. The first two and the last two keep black's style;
# the others break it in the ways black mends: a line too long, blank lines, a magic
# trailing comma.
def reworded(lines: list[str]) -> list[str]:
    return [re.sub(r'"([A-Z][a-z]+)', r'"Revised \1', line, count=1) for line in lines]


def renamed(lines: list[str]) -> list[str]:
    return [line.replace("self", "this") for line in lines]


def lengthened(lines: list[str]) -> list[str]:
    return [lines[0].replace("self", f"self, {LONG}", 1), *lines[1:]]


def spaced(lines: list[str]) -> list[str]:
    return [*lines[:-1], "", "", lines[-1]]


def trailing_comma(lines: list[str]) -> list[str]:
    changed = list(lines)
    for index, line in enumerate(changed):
        if re.search(r"\(\w[^()]*\)$", line):
            changed[index] = line[:-1] + ",)"
            break
    return changed


def stubbed(lines: list[str]) -> list[str]:
    # A one-line dummy implementation, after which black counts blank lines apart.
    return ["    def replaced(self) -> None: ..."]


def nested(lines: list[str]) -> list[str]:
    # A definition at the end of the method, from which the next line dedents twice.
    return [*lines, "", "        def inner() -> None:", "            pass"]


CHANGES = [reworded, renamed, lengthened, spaced, trailing_comma, stubbed, nested]


def inner_methods(text: str) -> set[int]:
    """The first lines of the methods that have a method before and after them in
    their class."""
    inner = set()
    for statement in ast.parse(text).body:
        if isinstance(statement, ast.ClassDef):
            defs = [
                item
                for item in statement.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
            ]
            for item in defs[1:-1]:
                inner.add(
                    min([item.lineno, *(d.lineno for d in item.decorator_list)]) - 1
                )
    return inner


def changed_modules() -> Iterator[tuple[str, str, str, bool]]:
    """(id, before, after, inner): each module black keeps, and a change to one method,
    which has neighbours in its class or not."""
    for path in MODULES:
        before = path.read_text(encoding="utf-8")
        lines = before.split("\n")
        inner = inner_methods(before)
        for number, (first, end) in enumerate(methods(before)):
            change = CHANGES[number % len(CHANGES)]
            after = "\n".join([*lines[:first], *change(lines[first:end]), *lines[end:]])
            if after != before and _parses(after):
                name = f"{path.relative_to(ROOT)}:{first + 1}:{change.__name__}"
                yield name, before, after, first in inner


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except SyntaxError:  # a trailing comma where Python takes none
        return False
    return True


CASES = list(changed_modules())
PAGES = (ROOT / "generated/codefluss/resources/pages.py").read_text(encoding="utf-8")
PAGES_PATH = "codefluss/resources/pages.py"


def excerpt_of_pages(text: str, index: int) -> str:
    """The excerpt for the `index`th method of the pages module, a method of `Pages`
    between two others: `Pages`' class line, then the three methods."""
    (first, _), _, (_, end) = methods(text)[index - 1 : index + 2]
    lines = ["class Pages(SyncAPIResource):", *text.split("\n")[first:end]]
    return "\n".join(lines) + "\n"


def with_method_changed(
    text: str, index: int, change: Callable[[list[str]], list[str]]
) -> str:
    """`text` with the `index`th method of its classes changed."""
    lines = text.split("\n")
    first, end = methods(text)[index]
    return "\n".join([*lines[:first], *change(lines[first:end]), *lines[end:]])


def test_the_pinned_black_is_the_one_the_excerpts_are_tested_with() -> None:
    assert black.__version__ == TESTED_BLACK


def test_the_modules_are_ones_black_keeps() -> None:
    assert len(MODULES) >= 15
    for path in MODULES:
        text = path.read_text(encoding="utf-8")
        assert whole(text) == text, path


@pytest.mark.parametrize(
    ("before", "after"), [c[1:3] for c in CASES], ids=[c[0] for c in CASES]
)
def test_unchanged_by_the_excerpts_means_unchanged_by_black(
    before: str, after: str
) -> None:
    if unchanged_by_black(before, after, excerpt_format([])):
        assert whole(after) == after


def test_the_excerpts_show_nearly_every_kept_change_and_no_other() -> None:
    # Not a proof, but the point: a change in black's style is shown so, wherever
    # the excerpts know the module's shape (not in a decorated class, nor before a
    # long statement), and a change that black mends never is.
    shown: dict[tuple[str, bool], list[bool]] = {}
    for _, before, after, inner in CASES:
        kind = "kept" if whole(after) == after else "mended"
        verdict = unchanged_by_black(before, after, excerpt_format([]))
        shown.setdefault((kind, inner), []).append(verdict)
    assert len(shown["kept", True]) >= 40 and len(shown["mended", True]) >= 25
    assert all(shown["kept", True])
    assert not any(shown["mended", True] + shown["mended", False])
    # A class's first or last method: not where the class is decorated, or followed
    # by a long statement (an async resource class after a raw-response one).
    first_or_last = shown["kept", False]
    assert len(first_or_last) >= 30
    assert first_or_last.count(True) >= 0.8 * len(first_or_last)


def test_an_excerpt_is_the_class_line_and_the_changed_method_between_neighbours() -> (
    None
):
    after = with_method_changed(PAGES, 4, reworded)
    calls: list[str] = []

    assert unchanged_by_black(PAGES, after, excerpt_format(calls))

    assert calls == [excerpt_of_pages(after, 4)]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda t: t.replace("\n\n    def ", "\n\n\n    def ", 1), id="gap"
        ),
        pytest.param(lambda t: t.replace("import ", "import  ", 1), id="imports"),
        pytest.param(lambda t: t + "# fmt: off\n", id="fmt-directive"),
        pytest.param(
            lambda t: t.replace("class ", "@final\nclass ", 1), id="decorated"
        ),
    ],
)
def test_a_change_outside_methods_is_left_to_black(
    change: Callable[[str], str],
) -> None:
    after = change(PAGES)
    assert after != PAGES
    calls: list[str] = []
    assert not unchanged_by_black(PAGES, after, excerpt_format(calls))
    assert calls == []


def test_a_class_s_first_method_is_checked_from_the_class_line() -> None:
    after = with_method_changed(PAGES, 0, renamed)  # Pages.with_raw_response
    calls: list[str] = []

    assert unchanged_by_black(PAGES, after, excerpt_format(calls))

    [excerpt] = calls
    lines = after.split("\n")
    start = lines.index("class Pages(SyncAPIResource):")
    _, n_end = methods(after)[1]
    assert excerpt.split("\n")[:-1] == lines[start:n_end]


def test_a_class_s_last_method_is_checked_through_the_statement_after_it() -> None:
    after = with_method_changed(PAGES, 8, reworded)  # Pages.duplicate
    calls: list[str] = []

    assert unchanged_by_black(PAGES, after, excerpt_format(calls))

    [excerpt] = calls
    assert excerpt.split("\n")[1].lstrip().startswith(("def ", "@"))
    raw = excerpt[excerpt.index("class PagesWithRawResponse:") :]
    assert raw.endswith(
        "self.duplicate = to_raw_response_wrapper(resource.duplicate)\n"
    )


def test_a_method_before_a_long_statement_is_left_to_black() -> None:
    # PagesWithRawResponse.__init__, the class before AsyncPages, of 600 lines.
    after = with_method_changed(PAGES, 9, renamed)
    calls: list[str] = []
    assert not unchanged_by_black(PAGES, after, excerpt_format(calls))
    assert calls == []


def test_format_files_checks_a_long_module_by_its_excerpts(
    tmp_path: Path, format_calls: list[str]
) -> None:
    after = with_method_changed(PAGES, 4, reworded)
    mended = with_method_changed(after, 3, spaced)

    assert format_files([RenderedFile(PAGES_PATH, PAGES)], tmp_path) == {
        PAGES_PATH: PAGES
    }
    assert format_calls == [PAGES]  # formatted whole, and remembered as kept

    assert format_files([RenderedFile(PAGES_PATH, after)], tmp_path) == {
        PAGES_PATH: after
    }
    assert format_calls[1:] == [excerpt_of_pages(after, 4)]  # not the module

    # A change the excerpts cannot show kept goes to black whole.
    assert format_files([RenderedFile(PAGES_PATH, mended)], tmp_path) == {
        PAGES_PATH: whole(mended)
    }
    assert whole(mended) != mended
    assert format_calls[-1] == mended


def test_format_files_formats_whole_with_another_black(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, format_calls: list[str]
) -> None:
    after = with_method_changed(PAGES, 4, reworded)
    format_files([RenderedFile(PAGES_PATH, PAGES)], tmp_path)

    monkeypatch.setattr(black, "__version__", "99.1.0")
    assert format_files([RenderedFile(PAGES_PATH, after)], tmp_path) == {
        PAGES_PATH: after
    }
    assert format_calls == [PAGES, after]
