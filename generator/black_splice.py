"""Showing that black leaves a changed module as it is, by formatting only the methods
that changed.

After a change to one operation, its resource module differs from the last run's in
two methods, the sync one and the async one, and black would format the whole module
again: half of a watched run on a small document (BENCHMARKS.md), and at about
0.07 ms a line, seconds for a resource of a few hundred operations. When black left
the module's last text as it was, and the new text differs from it only inside some
methods, it is enough to format each run of changed methods with the method before it
and the method after it, under their class line: if black leaves those excerpts as
they are, it leaves the whole module as it is.

Why that holds, for black's stable (not preview) style of `.py` files, with its target
versions given: black formats a module line by line. Each logical line is laid out
from its own statement; the blank lines before it follow from that line, the line
before it, the definitions enclosing it and a comment before it, and no line's
layout looks at a later definition (black does that only for `.pyi` stubs). So every
line outside the changed methods and their two neighbours is laid out as it was in
the last text, which black left as it was; the lines of the neighbours and the
changed methods are laid out as in the excerpt, where everything each of their lines
depends on is the same as in the module. Only the blank lines before the first
neighbour differ (a class line comes before it in the excerpt), and those follow the
module's unchanged lines before it.

That argument rests on how black decides, which may change with black, so the excerpts
are used only with the black release the tests compare them against
(`TESTED_BLACK`); with any other the module is formatted whole. Anything this module
does not recognise (a change outside methods, a changed first or last method of a
class, comments between methods, `fmt:` directives) also leaves it to black, whole.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import NamedTuple

# The black release whose decisions the tests have compared with these excerpts, on
# every method of the generated modules (tests/generator/test_black_splice.py).
TESTED_BLACK = "26.10.1"


class _Method(NamedTuple):
    cls: int  # the index of its class among the module's statements
    start: int  # its first line (its first decorator's), 0-based
    end: int  # the line after its last one


class _Outline(NamedTuple):
    lines: list[str]
    methods: list[_Method]
    between: list[list[str]]  # the lines before, between and after the methods
    headers: dict[int, str]  # class index -> its one-line `class ...:` header


def unchanged_by_black(
    before: str, after: str, format_str: Callable[[str], str]
) -> bool:
    """Whether black leaves `after` as it is, shown from `before`, which black leaves
    as it is, by formatting the excerpts around the methods that changed.

    False means only that it was not shown this way: format `after` whole.
    """
    if "fmt:" in after or "\f" in after or "\r" in after:
        return False
    old, new = _outline(before), _outline(after)
    if old is None or new is None or old.between != new.between:
        return False
    if [m.cls for m in old.methods] != [m.cls for m in new.methods]:
        return False
    changed = [
        index
        for index, (was, now) in enumerate(zip(old.methods, new.methods, strict=True))
        if old.lines[was.start : was.end] != new.lines[now.start : now.end]
    ]
    for first, last in _runs(changed):
        excerpt = _excerpt(new, first, last)
        if excerpt is None or format_str(excerpt) != excerpt:
            return False
    return True


def _outline(text: str) -> _Outline | None:
    """The methods of the module's top-level classes, and the text around them."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    lines = text.split("\n")
    methods: list[_Method] = []
    headers: dict[int, str] = {}
    for index, statement in enumerate(tree.body):
        if not isinstance(statement, ast.ClassDef) or statement.decorator_list:
            continue
        header = lines[statement.lineno - 1]
        if not header.startswith("class ") or not header.endswith(":"):
            continue  # a header over several lines, or with a comment
        headers[index] = header
        for item in statement.body:
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([item.lineno, *(d.lineno for d in item.decorator_list)])
                assert item.end_lineno is not None
                methods.append(_Method(index, first - 1, item.end_lineno))
    edges = [0, *(edge for m in methods for edge in (m.start, m.end)), len(lines)]
    between = [lines[edges[i] : edges[i + 1]] for i in range(0, len(edges), 2)]
    return _Outline(lines, methods, between, headers)


def _runs(indexes: list[int]) -> list[tuple[int, int]]:
    """(first, last) of each run of consecutive indexes."""
    runs: list[tuple[int, int]] = []
    for index in indexes:
        if runs and runs[-1][1] == index - 1:
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    return runs


def _excerpt(outline: _Outline, first: int, last: int) -> str | None:
    """The class line, then the methods `first` to `last` with the method before and
    the method after them, as the module has them; None if the run has no neighbour
    in its class on either side, or something other than blank lines lies between."""
    methods = outline.methods
    if first == 0 or last == len(methods) - 1:
        return None
    before, after = methods[first - 1], methods[last + 1]
    if len({m.cls for m in methods[first - 1 : last + 2]}) != 1:
        return None
    # The lines between each two of these methods: blank, or nothing is known of them.
    if any(line.strip() for gap in outline.between[first : last + 2] for line in gap):
        return None
    body = outline.lines[before.start : after.end]
    return "\n".join([outline.headers[before.cls], *body]) + "\n"
