"""Showing that black leaves a changed module as it is, by formatting only the methods
that changed.

After a change to one operation, its resource module differs from the last run's in
two methods, the sync one and the async one, and black would format the whole module
again: half of a watched run on a small document (BENCHMARKS.md), and at about
0.07 ms a line, seconds for a resource of a few hundred operations. When black left
the module's last text as it was, and the new text differs from it only inside some
methods, it is enough to format each run of changed methods with what comes before and
after it: the method before it under its class line (or, for a class's first method,
the class line and what follows it), and the method after it (or, for a class's last
method, the statement that follows the class). If black leaves those excerpts as they
are, it leaves the whole module as it is.

Why that holds, for black's stable (not preview) style of `.py` files, with its target
versions given: black formats a module line by line. Each logical line is laid out
from its own statement; the blank lines before it follow from that line, the line
before it, the definitions enclosing it and a comment before it, and no line's
layout looks at a later definition (black does that only for `.pyi` stubs). So every
line outside an excerpt is laid out as it was in the last text, which black left as it
was; the lines of an excerpt are laid out as in the excerpt, where everything each of
them depends on is the same as in the module. Only the blank lines before an
excerpt's first line differ (in the excerpt nothing, or a class line, comes before
it), and those follow the module's unchanged lines before it.

That argument rests on how black decides, which may change with black, so the excerpts
are used only with the black release the tests compare them against
(`TESTED_BLACK`); with any other the module is formatted whole. Anything this module
does not recognise (a change outside methods, a method of a decorated class, a class
followed by a statement longer than `TAIL` lines, comments between methods, `fmt:`
directives) also leaves it to black, whole.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import NamedTuple

# The black release whose decisions the tests have compared with these excerpts, on
# every method of the generated modules (tests/generator/test_black_splice.py).
TESTED_BLACK = "26.10.1"
# The longest statement after a class that an excerpt ending with the class's last
# method takes in (in a resource module, the small class that follows it).
TAIL = 150


class _Method(NamedTuple):
    cls: int  # the index of its class among the module's statements
    start: int  # its first line (its first decorator's), 0-based
    end: int  # the line after its last one


class _Outline(NamedTuple):
    lines: list[str]
    methods: list[_Method]
    between: list[list[str]]  # the lines before, between and after the methods
    statements: list[tuple[int, int]]  # (first line, end) of each top-level statement


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
    for first, last in _runs(new.methods, changed):
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
    statements = [(_first_line(s), s.end_lineno or s.lineno) for s in tree.body]
    for index, statement in enumerate(tree.body):
        if not isinstance(statement, ast.ClassDef) or statement.decorator_list:
            continue
        header = lines[statement.lineno - 1]
        if not header.startswith("class ") or not header.endswith(":"):
            continue  # a header over several lines, or with a comment
        for item in statement.body:
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                assert item.end_lineno is not None
                methods.append(_Method(index, _first_line(item), item.end_lineno))
    edges = [0, *(edge for m in methods for edge in (m.start, m.end)), len(lines)]
    between = [lines[edges[i] : edges[i + 1]] for i in range(0, len(edges), 2)]
    return _Outline(lines, methods, between, statements)


def _first_line(statement: ast.stmt) -> int:
    """A statement's first line, its first decorator's if it has any; 0-based."""
    decorators: list[ast.expr] = getattr(statement, "decorator_list", [])
    return min([statement.lineno, *(d.lineno for d in decorators)]) - 1


def _runs(methods: list[_Method], indexes: list[int]) -> list[tuple[int, int]]:
    """(first, last) of each run of consecutive indexes of methods of one class."""
    runs: list[tuple[int, int]] = []
    for index in indexes:
        if (
            runs
            and runs[-1][1] == index - 1
            and methods[index - 1].cls == methods[index].cls
        ):
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    return runs


def _excerpt(outline: _Outline, first: int, last: int) -> str | None:
    """What black needs to lay out the methods `first` to `last` as the module does:
    from the method before them, under the class line, or from the class line if they
    open the class; to the method after them or, if they close the class, through the
    statement after it. None where something other than blank lines lies between
    these, or that statement is longer than `TAIL` lines."""
    methods, lines = outline.methods, outline.lines
    cls = methods[first].cls
    if first > 0 and methods[first - 1].cls == cls:
        # The class line: its one line, as `_outline` found it.
        header = [lines[outline.statements[cls][0]]]
        start, gaps_from = methods[first - 1].start, first
    else:  # the class line and what precedes the first method are part of the excerpt
        header, start, gaps_from = [], outline.statements[cls][0], first + 1
    end: int | None
    if last + 1 < len(methods) and methods[last + 1].cls == cls:
        end, gaps_to = methods[last + 1].end, last + 1
    else:
        end, gaps_to = _after_class(outline, cls, methods[last].end), last
    if end is None:
        return None
    # The lines between each two of these methods: blank, or nothing is known of them.
    if any(
        line.strip() for gap in outline.between[gaps_from : gaps_to + 1] for line in gap
    ):
        return None
    return "\n".join([*header, *lines[start:end]]) + "\n"


def _after_class(outline: _Outline, cls: int, last_method_end: int) -> int | None:
    """Where an excerpt ending with the class's last method ends: after the statement
    that follows the class, or at the class's end if it is the module's last. None if
    the class goes on after its last method, or anything but blank lines, or a long
    statement, follows it."""
    class_end = outline.statements[cls][1]
    if class_end != last_method_end:
        return None
    if cls + 1 == len(outline.statements):
        rest = outline.lines[class_end:]
        return class_end if not any(line.strip() for line in rest) else None
    start, end = outline.statements[cls + 1]
    if end - start > TAIL or any(
        line.strip() for line in outline.lines[class_end:start]
    ):
        return None
    return end
