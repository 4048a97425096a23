"""Python names and literals from untrusted spec text.

Everything from the document that lands in Python source passes through exactly one of
the functions here, chosen by the context it lands in: an identifier (`snake_case`,
`pascal_case`, `constant_case`), a string literal (`string_literal`), a docstring
(`docstring`) or a comment (`comment`). None of them can produce text that ends its
context early, so no spec content can add a statement to the generated code.
"""

from __future__ import annotations

import builtins
import keyword
import math
import re
import textwrap
import unicodedata
from collections.abc import Callable

# Words that cannot be identifiers, and names a generated module must not rebind.
RESERVED = frozenset(keyword.kwlist) | {"self", "cls"}
SOFT_KEYWORDS = frozenset(keyword.softkwlist)
BUILTINS = frozenset(dir(builtins))

_WORD_BOUNDARY = re.compile(
    r"""
    [A-Z]+(?=[A-Z][a-z])      # an acronym before a word: "HTTPServer" -> HTTP
    | [A-Z]?[a-z]+[0-9]*      # a word, maybe capitalised, with trailing digits
    | [A-Z]+[0-9]*            # an acronym or a lone capital
    | [0-9]+[a-z]*            # digits, with the lowercase letters after them: "2fa"
    """,
    re.VERBOSE,
)


def _ascii_words(text: str) -> list[str]:
    """Split any text into ASCII words: accents dropped, other letters spelled out."""
    if text.isascii():  # most names: nothing to normalise, drop or spell out
        return _WORD_BOUNDARY.findall(text)
    words: list[str] = []
    run: list[str] = []
    for char in unicodedata.normalize("NFKD", text):
        if char.isascii():
            run.append(char)
        elif unicodedata.combining(char):
            continue  # the accent of a letter already kept: "é" -> "e"
        else:
            words += _WORD_BOUNDARY.findall("".join(run))
            run = []
            if char.isalnum():
                words.append(f"u{ord(char):04x}")  # "名" -> "u540d", a word of its own
    words += _WORD_BOUNDARY.findall("".join(run))
    return words


def snake_case(text: str, *, prefix: str = "n") -> str:
    """`createdAt` -> `created_at`, `X-Rate-Limit` -> `x_rate_limit`, `class` ->
    `class_`.

    The result is a valid, non-keyword identifier that does not start with an underscore
    (leading underscores mean "private" in Python, and the runtime keeps those names for
    itself). Text that starts with a digit gets `prefix` in front.
    """
    words = [word.lower() for word in _ascii_words(text)]
    name = "_".join(words) or prefix
    if name[0].isdigit():
        name = f"{prefix}_{name}"
    if name in RESERVED:
        name += "_"
    return name


def pascal_case(text: str, *, prefix: str = "Model") -> str:
    """`project status` -> `ProjectStatus`, `2fa-config` -> `Model2faConfig`."""
    words = _ascii_words(text)
    name = "".join(word[:1].upper() + word[1:] for word in words) or prefix
    if name[0].isdigit():
        name = prefix + name
    if name in RESERVED or name in BUILTINS:
        name += "_"
    return name


def constant_case(text: str, *, prefix: str = "VALUE") -> str:
    """`in-progress` -> `IN_PROGRESS`, `2xx` -> `VALUE_2XX`; for enum members."""
    words = [word.upper() for word in _ascii_words(text)]
    name = "_".join(words) or prefix
    if name[0].isdigit():
        name = f"{prefix}_{name}"
    return name


class UniqueNames:
    """Hands out distinct names in one namespace, deterministically.

    A name already taken gets the smallest free numeric suffix (`name_2`, `Name2`), so
    two spec names that collide after conversion stay distinct and readable.
    """

    def __init__(self, taken: frozenset[str] | set[str] = frozenset()) -> None:
        self._taken = set(taken)

    def __contains__(self, name: str) -> bool:
        return name in self._taken

    def claim(self, name: str, *, separator: str = "_") -> str:
        candidate, number = name, 2
        while candidate in self._taken:
            candidate = f"{name.rstrip('_')}{separator}{number}"
            number += 1
        self._taken.add(candidate)
        return candidate


def string_literal(value: str) -> str:
    """A Python string literal for any text, safe in any expression position.

    It is written as black writes it: in double quotes, unless that needs more
    backslashes than single quotes would; then black leaves it alone.
    """
    # repr() escapes backslashes, control characters and the quote it chose; ascii()
    # also escapes non-ASCII text, which keeps generated files readable in any editor.
    text = ascii(value) if not value.isascii() else repr(value)
    if text.startswith('"') or value.count('"') > value.count("'"):
        return text
    if "'" not in value:
        return f'"{text[1:-1]}"'
    escape = repr if value.isascii() else ascii
    return '"' + "".join(_double_quoted(char, escape) for char in value) + '"'


def _double_quoted(char: str, escape: Callable[[str], str]) -> str:
    if char == '"':
        return '\\"'
    return "'" if char == "'" else escape(char)[1:-1]


def python_literal(value: object) -> str:
    """A Python literal for a JSON value (defaults, enums, constants) or a tuple."""
    if isinstance(value, str):
        return string_literal(value)
    if isinstance(value, float) and not math.isfinite(value):
        return f'float("{value}")'  # YAML's `.inf` and `.nan`; `inf` is no literal
    if value is None or isinstance(value, bool | int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(python_literal(item) for item in value) + "]"
    if isinstance(value, tuple):
        members = [python_literal(item) for item in value]
        return f"({members[0]},)" if len(members) == 1 else f"({', '.join(members)})"
    if isinstance(value, dict):
        items = (
            f"{python_literal(str(k))}: {python_literal(v)}" for k, v in value.items()
        )
        return "{" + ", ".join(items) + "}"
    raise TypeError(f"{value!r} is not a JSON value")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029\x85]")


def _clean_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub(" ", text).expandtabs(4)


def escape_docstring(text: str) -> str:
    """Text that cannot end a triple-quoted docstring or form an escape sequence in it.

    Backslashes are doubled; a double quote is escaped when another one follows it or
    when it ends the text, so no run of three unescaped quotes can form and the closing
    quotes cannot be taken early.
    """
    text = _clean_text(text).strip().replace("\\", "\\\\")
    return re.sub(r'"(?="|$)', r'\\"', text)


def docstring(text: str, *, indent: int = 0, width: int = 88) -> str:
    """The body of a triple-quoted docstring: escaped, wrapped, without the quotes.

    Paragraphs of prose are wrapped to fit `width` at `indent` columns; lists, tables
    and code blocks are kept as written.
    """
    available = max(width - indent, 40)
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", escape_docstring(text)):
        lines = paragraph.splitlines()
        verbatim = any(
            line.lstrip().startswith(("-", "*", "|", "#", "```"))
            or line.startswith("    ")
            for line in lines
        )
        if verbatim:
            paragraphs.append("\n".join(line.rstrip() for line in lines))
        else:
            paragraphs.append(_fill(" ".join(lines), available))
    return "\n\n".join(paragraphs)


_CODE_SPAN = re.compile(r"`[^`]+`")
_NBSP = "\x00"  # stands for a space inside `code` while wrapping; never in the output


def _fill(
    text: str, width: int, initial_indent: str = "", subsequent_indent: str = ""
) -> str:
    """textwrap.fill that never breaks a line inside a `code span`."""
    protected = _CODE_SPAN.sub(lambda m: m.group(0).replace(" ", _NBSP), text)
    # A word longer than the line stays whole: a URL must not be cut, and a cut
    # between a backslash and the character it escapes would change the text.
    wrapped = textwrap.fill(
        protected,
        width,
        initial_indent=initial_indent,
        subsequent_indent=subsequent_indent,
        break_on_hyphens=False,
        break_long_words=False,
    )
    return wrapped.replace(_NBSP, " ")


def hanging(label: str, text: str, *, indent: int, width: int = 88) -> str:
    """`label: text` wrapped with the continuation lines indented four more columns."""
    text = " ".join(escape_docstring(text).split())
    if not text:
        return f"{label}:"  # textwrap would drop the label along with the empty text
    return _fill(
        text,
        max(width - indent, 40),
        initial_indent=f"{label}: ",
        subsequent_indent="    ",
    )


def comment(text: str) -> str:
    """One line of text safe to print after `# `."""
    return " ".join(_clean_text(text).split())
