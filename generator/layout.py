"""Lay out long generated lines the way black does, so that black finds nothing to do.

black formats a file a second time whenever its first pass changed anything, and most
of a cold run's time is black's. The templates therefore print what black would: the
quotes and blank lines are in the templates themselves; the one thing a template
cannot know is whether a line built from the document's names exceeds black's width.
The functions here decide that, for the shapes of line whose content comes from the
document: an annotated name (a parameter, a model field, a type alias), an
assignment, a call assigned to a name, a class header, a list of names and an
import.

They cover the layouts black chooses for these shapes when a type expression is a
union of names and subscripts (`A | Literal["x", "y"] | NotGiven`), nested once. A
deeper or stranger expression is printed on one line and left to black, which remains
the judge: a layout missed here costs time, never correctness. The tests compare these
layouts with black's on many generated shapes.
"""

from __future__ import annotations

from collections.abc import Iterator

from .format import LINE_LENGTH

INDENT = "    "


def annotated(
    indent: int, name: str, annotation: str, tail: str = "", *, separator: str = ": "
) -> str:
    """`name: annotation` and its `tail` (` = default,`), wrapped as black wraps it.

    When the line is too long black splits inside the brackets of a lone subscripted
    type, and otherwise puts the annotation in parentheses on lines of its own.
    """
    pad = " " * indent
    head = f"{pad}{name}{separator}"
    value = tail.removeprefix(" = ")
    if (
        value != tail
        and not value.endswith(",")
        and (
            len(f"{head}{annotation} = (")
            <= LINE_LENGTH
            < len(f"{head}{annotation}{tail}")
        )
    ):
        # An assignment whose value is what overflows: black splits the value off.
        return f"{head}{annotation} = (\n{pad}{INDENT}{value}\n{pad})"
    terms = _split(annotation, "|")
    if (
        len(f"{head}{annotation}{tail}") <= LINE_LENGTH
        or _subscript(annotation) is not None
        # One name too long even on a line of its own: parentheses cannot help.
        or (len(terms) == 1 and not fits(f"{pad}{INDENT}{annotation}"))
    ):
        return "\n".join(_expression(head, annotation, tail, indent))
    body = _expression(pad + INDENT, annotation, "", indent + 4)
    return "\n".join([f"{head}(", *body, f"{pad}){tail}"])


def fits(line: str) -> bool:
    """Whether black leaves `line` on one line as far as its width goes."""
    return len(line) <= LINE_LENGTH


def assignment(indent: int, target: str, value: str) -> str:
    """`target = value`; a value that overflows goes in parentheses if that helps."""
    pad = " " * indent
    line = f"{pad}{target} = {value}"
    if fits(line) or not fits(f"{pad}{INDENT}{value}"):
        return line
    return f"{pad}{target} = (\n{pad}{INDENT}{value}\n{pad})"


def call_assignment(indent: int, target: str, function: str, argument: str) -> str:
    """`target = function(argument)`, the argument moved to a line of its own (and
    the call into parentheses) as far as black needs to."""
    pad = " " * indent
    line = f"{pad}{target} = {function}({argument})"
    if fits(line):
        return line
    split = f"{pad}{target} = {function}(\n{pad}{INDENT}{argument}\n{pad})"
    if fits(f"{pad}{target} = {function}(") and fits(f"{pad}{INDENT}{argument}"):
        return split
    inner = pad + INDENT
    if not fits(f"{inner}{INDENT}{argument}"):
        return split  # parentheses would not make it fit either
    return (
        f"{pad}{target} = (\n{inner}{function}(\n{inner}{INDENT}{argument}\n"
        f"{inner})\n{pad})"
    )


def class_header(name: str, bases: str) -> str:
    """`class name(bases):`, the bases on a line of their own when it is too long."""
    line = f"class {name}({bases}):"
    return line if fits(line) else f"class {name}(\n{INDENT}{bases}\n):"


def listing(target: str, items: list[str]) -> str:
    """`target = [items]`: one line if it fits, else an item a line."""
    line = f"{target} = [{', '.join(items)}]"
    if fits(line):
        return line
    if len(items) == 1:
        return f"{target} = [\n{INDENT}{items[0]}\n]"
    body = "".join(f"{INDENT}{item},\n" for item in items)
    return f"{target} = [\n{body}]"


def from_import(indent: int, module: str, names: list[str]) -> str:
    """`from module import names`, a name a line in parentheses when too long."""
    pad = " " * indent
    line = f"{pad}from {module} import {', '.join(names)}"
    if fits(line):
        return line
    body = "".join(f"{pad}{INDENT}{name},\n" for name in names)
    return f"{pad}from {module} import (\n{body}{pad})"


def _expression(head: str, expression: str, tail: str, indent: int) -> list[str]:
    """`expression` between `head` and `tail`, split as black splits it.

    A union that does not fit puts each term on a line of its own, after `| `; a
    subscripted type that does not fit puts its arguments on the next line, or one a
    line with a trailing comma. Anything else stays on one line.
    """
    line = f"{head}{expression}{tail}"
    if len(line) <= LINE_LENGTH:
        return [line]
    pad = " " * indent
    terms = _split(expression, "|")
    if len(terms) > 1:
        lines: list[str] = []
        for number, term in enumerate(terms):
            lines += _expression(
                head if number == 0 else f"{pad}| ",
                term,
                tail if number == len(terms) - 1 else "",
                indent,
            )
        return lines
    subscript = _subscript(expression)
    if subscript is None:
        return [line]
    base, arguments = subscript
    inner = pad + INDENT
    items = _split(arguments, ",")
    if len(f"{inner}{', '.join(items)}") <= LINE_LENGTH:
        body = [f"{inner}{', '.join(items)}"]
    else:
        body = []
        for item in items:
            body += _expression(inner, item, ",", indent + 4)
    return [f"{head}{base}[", *body, f"{pad}]{tail}"]


def _subscript(term: str) -> tuple[str, str] | None:
    """`Name[arguments]` as its parts; None for anything else."""
    start = term.find("[")
    if start <= 0 or not term.endswith("]") or _split(term, "|") != [term]:
        return None
    if _closing(term, start) != len(term) - 1:
        return None
    return term[:start], term[start + 1 : -1]


def _closing(text: str, start: int) -> int:
    """The index of the bracket that closes the one at `start`."""
    opened = -1
    for index, char, depth in _outside_strings(text):
        if index == start:
            opened = depth
        elif opened >= 0 and char in ")]}" and depth == opened:
            return index
    return -1


def _split(text: str, delimiter: str) -> list[str]:
    """Split at `delimiter` outside brackets and string literals, stripped."""
    parts: list[str] = []
    begin = 0
    for index, char, depth in _outside_strings(text):
        if char == delimiter and depth == 0:
            parts.append(text[begin:index].strip())
            begin = index + 1
    parts.append(text[begin:].strip())
    return parts


def _outside_strings(text: str) -> Iterator[tuple[int, str, int]]:
    """Each character outside string literals: its index, itself, and how deep in
    brackets it stands (a bracket counts as outside the brackets it opens or
    closes)."""
    depth = 0
    quote = ""
    index = 0
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        else:
            if char in ")]}":
                depth -= 1
            yield index, char, depth
            if char in "([{":
                depth += 1
        index += 1
