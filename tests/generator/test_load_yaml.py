"""load: YAML read from the parser's events gives what PyYAML's loader gives.

`parse_file` reads YAML with `_plain_yaml`, which builds the data straight from the C
parser's events, and leaves the texts it declines to the loader (`_SpecLoader`,
then `_normalise`). The reference here is that slower way. Every test asserts two
things: where the fast reader answers, it answers the same, and it declines only the
constructs it says it declines, so that ordinary documents never pay for a second
parse.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import UnaliasedDumper
from generator.errors import SpecError
from generator.load import _DECLINED, _normalise, _plain_yaml, _SpecLoader, parse_file

from .conftest import ROOT


def loaded(text: str) -> Any:
    """The reference: the loader's data with keys made strings, or the error's type."""
    try:
        data = yaml.load(text, Loader=_SpecLoader)  # noqa: S506 - the safe loader
        return _normalise(data, Path("test.yaml"))
    except (yaml.YAMLError, SpecError) as error:
        return type(error)


def same(first: Any, second: Any) -> bool:
    """Equal with types and key order: Python finds 1, 1.0 and True equal, and two
    dictionaries whatever the order of their keys, which shapes generated code."""
    return _typed(first) == _typed(second)


def _typed(value: Any) -> Any:
    if isinstance(value, dict):
        return ("dict", [(key, _typed(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(item) for item in value])
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")  # not equal to itself
    return (type(value).__name__, value)


def assert_read_alike(text: str, *, may_decline: bool = False) -> None:
    """Read alike; or, with `may_decline`, declined (the loader then reads it)."""
    fast = _plain_yaml(text)
    if fast is _DECLINED and may_decline:
        return
    assert fast is not _DECLINED, text
    reference = loaded(text)
    assert not isinstance(reference, type), (text, reference)
    assert same(fast, reference), (text, fast, reference)


# ---------------------------------------------------------------- what it reads


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", None),
        ("# only a comment\n", None),
        ("just text\n", "just text"),
        (
            "a: 1\nb: 1.5\nc: -2\nd: .inf\n",
            {"a": 1, "b": 1.5, "c": -2, "d": float("inf")},
        ),
        # YAML 1.1 numbers, as the loader reads them: octal, hexadecimal, base 60.
        (
            "a: 017\nb: 0x1F\nc: 1_000\nd: 1:30\n",
            {"a": 15, "b": 31, "c": 1000, "d": 90},
        ),
        # Not numbers to the loader, whatever a YAML 1.2 reader says.
        ("a: 1e3\nb: 0o17\nc: +.5\n", {"a": "1e3", "b": "0o17", "c": "+.5"}),
        # Only true and false are booleans, and dates stay strings.
        (
            "a: on\nb: no\nc: True\nd: FALSE\ne: 2026-01-15\n",
            {"a": "on", "b": "no", "c": True, "d": False, "e": "2026-01-15"},
        ),
        (
            "a: ~\nb:\nc: null\nd: 'null'\ne: ''\n",
            {"a": None, "b": None, "c": None, "d": "null", "e": ""},
        ),
        # Keys become strings, as JSON has them; the last of repeated keys wins.
        (
            "200: ok\ntrue: yes\n~: none\n1.5: half\n",
            {"200": "ok", "true": "yes", "null": "none", "1.5": "half"},
        ),
        ("a: 1\nb: 2\na: 3\n", {"a": 3, "b": 2}),
        ("200: a\n'200': b\n", {"200": "b"}),
        (
            "text: |\n  two\n  lines\nfolded: >\n  one\n  line\n",
            {"text": "two\nlines\n", "folded": "one line\n"},
        ),
        ("a: [1, 'two', {b: null}]\n", {"a": [1, "two", {"b": None}]}),
        (
            "- &item {a: 1}\n- *item\n- &text hello\n- *text\n",
            [{"a": 1}, {"a": 1}, "hello", "hello"],
        ),
        ("---\na: 1\n...\n", {"a": 1}),
    ],
)
def test_reads_as_the_loader(text: str, expected: Any) -> None:
    assert same(_plain_yaml(text), expected)
    assert_read_alike(text)


def test_an_alias_is_the_anchored_value_itself() -> None:
    data = _plain_yaml("base: &base {a: 1}\none: *base\ntwo: *base\n")
    assert data["one"] is data["base"] is data["two"]


@pytest.mark.parametrize(
    "text",
    [
        "a: !!str 12\n",  # an explicit tag
        "a: !custom 12\n",
        "a: !!map {b: 1}\n",
        "base: &b {x: 1}\nitem:\n  <<: *b\n  y: 2\n",  # a merge key
        "a: =\n",  # the value key
        "? [1, 2]\n: pair\n",  # a container as a key
        "? {a: 1}\n: pair\n",
        "a: &x 1\nb: &x 2\n",  # a repeated anchor
        "a: *missing\n",  # an alias of no anchor
        "a: &loop [1, *loop]\n",  # an alias inside its own anchor
        "a: 1\n---\nb: 2\n",  # two documents
        "a: [1, 2\n",  # a syntax error
        "a: b: c\n",
    ],
)
def test_declines_what_the_loader_handles_with_care(text: str) -> None:
    assert _plain_yaml(text) is _DECLINED


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: !!str 12\n", {"a": "12"}),
        (
            "base: &b {x: 1}\nitem:\n  <<: *b\n  y: 2\n",
            {"base": {"x": 1}, "item": {"x": 1, "y": 2}},
        ),
        ("a: &x 1\nb: *x\n", {"a": 1, "b": 1}),
    ],
)
def test_parse_file_gives_the_loader_result_where_declined(
    tmp_path: Path, text: str, expected: Any
) -> None:
    file = tmp_path / "openapi.yaml"
    file.write_text(text, encoding="utf-8")
    assert same(parse_file(file), expected)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "a: [1, 2\n",
            2,
            "The file is not valid YAML: did not find expected ',' or ']'.",
        ),
        (
            "a: 1\n---\nb: 2\n",
            2,
            "The file is not valid YAML: but found another document.",
        ),
        (
            "a: !custom 12\n",
            1,
            "The file is not valid YAML: could not determine a constructor for the "
            "tag '!custom'.",
        ),
        (
            "a: &loop [1, *loop]\n",
            None,
            "The file '{file}' uses a YAML alias inside its own anchor, so a value "
            "contains itself; write the repeated part out, or use a $ref.",
        ),
    ],
)
def test_parse_file_words_the_errors_of_declined_texts(
    tmp_path: Path, text: str, line: int | None, message: str
) -> None:
    file = tmp_path / "openapi.yaml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as error:
        parse_file(file)
    (diagnostic,) = error.value.diagnostics
    assert diagnostic.message == message.format(file=file)
    assert (diagnostic.location.line if diagnostic.location else None) == line


def test_a_malformed_number_is_an_error_at_its_line(tmp_path: Path) -> None:
    # PyYAML's pattern for integers matches `0b_`, and its constructor then fails
    # with a bare ValueError; the loader alone gave a traceback.
    file = tmp_path / "openapi.yaml"
    file.write_text("openapi: 3.1.0\nx-mask: 0b_\n", encoding="utf-8")
    with pytest.raises(SpecError) as error:
        parse_file(file)
    (diagnostic,) = error.value.diagnostics
    assert diagnostic.message == (
        "The file is not valid YAML: '0b_' reads as a number but is not one (invalid "
        "literal for int() with base 2: ''); quote it to keep it text."
    )
    assert diagnostic.location is not None and diagnostic.location.line == 2

    # In a text left to the loader (here for its explicit tag), without a line.
    file.write_text("openapi: !!str 3.1.0\nx-mask: 0x_\n", encoding="utf-8")
    with pytest.raises(SpecError) as error:
        parse_file(file)
    (diagnostic,) = error.value.diagnostics
    assert diagnostic.message == (
        f"The file {str(file)!r} is not valid YAML: invalid literal for int() with "
        "base 16: ''."
    )


def test_the_repository_documents_are_never_declined() -> None:
    files = sorted((ROOT / "spec").rglob("*.yaml")) + sorted(
        (ROOT / "tests" / "golden").rglob("*.yaml")
    )
    assert len(files) > 10
    for file in files:
        assert_read_alike(file.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- any text

# Scalars that the loader's resolvers would take for something else than a string.
_LOOKALIKES = st.sampled_from(
    [
        "", "~", "null", "Null", "true", "False", "on", "yes", "1", "-1", "+1", "017",
        "0x1F", "0o17", "0b101", "1_000", "1:30", "1.5", "1e3", "1.5e3", ".inf",
        "-.Inf", ".nan", "2026-01-15", "2001-12-14t21:59:43.10-05:00", "<<", "=",
        "#", "- a", "a: b", "'", '"', "@at", "`tick",
    ]
)  # fmt: skip
_SCALARS = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=10) | _LOOKALIKES
)  # fmt: skip
_KEYS = st.one_of(st.text(max_size=6), _LOOKALIKES, st.integers(), st.booleans())
_VALUES = st.recursive(
    _SCALARS,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(_KEYS, children, max_size=4),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(value=_VALUES)
def test_any_value_written_in_any_layout(value: Any) -> None:
    for flow, width in ((False, None), (True, None), (None, 12)):
        text = yaml.dump(
            value,
            Dumper=UnaliasedDumper,
            allow_unicode=True,
            default_flow_style=flow,
            width=width,
        )
        assert_read_alike(text)
    # Quoting every scalar makes the dumper tag those that are not strings.
    for style in ('"', "'"):
        text = yaml.dump(value, Dumper=UnaliasedDumper, default_style=style)
        assert_read_alike(text, may_decline=True)


@settings(max_examples=100, deadline=None)
@given(value=_VALUES)
def test_shared_values_written_with_anchors(value: Any) -> None:
    text = yaml.dump({"first": value, "second": value, "list": [value]})
    assert_read_alike(text)


# Pieces of YAML text, joined at random: mostly not YAML at all, and where it is,
# every construct the reader declines or the loader refuses turns up.
_PIECES = st.sampled_from(
    [
        "a", "b", "1", "on", "~", "<<", "=", "017", ": ", ":", "- ", "-", "? ", ",",
        "[", "]", "{", "}", "&x ", "&y ", "*x", "*y", "!!str ", "!tag ", "'q'", '"q"',
        "|\n", ">\n", "\n", "\n  ", "\n    ", "  ", "# c", "---\n", "...\n", "\t",
    ]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(pieces=st.lists(_PIECES, max_size=24))
def test_any_text_is_read_alike_or_declined(pieces: list[str]) -> None:
    assert_read_alike("".join(pieces), may_decline=True)
