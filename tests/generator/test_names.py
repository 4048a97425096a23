"""names: identifiers, literals, docstrings and comments from untrusted spec text."""

from __future__ import annotations

import ast
import builtins
import keyword
import re

import black
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.format import mode
from generator.names import (
    UniqueNames,
    comment,
    constant_case,
    docstring,
    escape_docstring,
    hanging,
    pascal_case,
    python_literal,
    snake_case,
    string_literal,
)

# Text an author (or an attacker) can put into a name or a description.
HOSTILE = [
    "",
    '"',
    "'",
    "\\",
    '"""',
    "'''",
    '""""',
    'ends with a quote"',
    "ends with a backslash\\",
    'a \\""" b',
    "line one\nline two",
    "carriage\rreturn\r\nand crlf",
    "{{ jinja }} {% block %} {# note #}",
    "nul \x00 bell \x07 escape \x1b delete \x7f",
    "line\u2028separator\u2029paragraph\x85next",
    "\\N{BULLET} \\u2028 \\x00",
    'x"""; import os; os.system("echo")  # """',
    "café 名前 🎉",
    "x" * 87 + '"',
    "x" + "\\" * 100,
]

# What the escaping functions turn into a space: control characters and line breaks
# other than the newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029]")


def words(text: str) -> list[str]:
    return _CONTROL.sub(" ", text).split()


def docstring_value(body: str) -> str:
    """The value of a docstring with `body`, as Python reads it in a function."""
    tree = ast.parse(f'def f():\n    """{body}"""\n    return 1\n')
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef)
    assert len(function.body) == 2  # nothing escaped the docstring
    value = ast.get_docstring(function, clean=False)
    assert value is not None
    return value


# ---------------------------------------------------------------- identifiers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("createdAt", "created_at"),
        ("CreatedAt", "created_at"),
        ("HTTPServer", "http_server"),
        ("getHTTPResponse", "get_http_response"),
        ("HTTP2Server", "http2_server"),
        ("userID", "user_id"),
        ("v2Api", "v2_api"),
        ("X-Rate-Limit", "x_rate_limit"),
        ("page size", "page_size"),
        ("a.b c-d", "a_b_c_d"),
        ("  padded  ", "padded"),
        ("__dunder__", "dunder"),
        ("2fa", "n_2fa"),
        ("404", "n_404"),
        ("class", "class_"),
        ("import", "import_"),
        ("self", "self_"),
        ("match", "match"),  # a soft keyword is a valid name
        ("list", "list"),  # attributes and arguments may shadow builtins
        ("café au lait", "cafe_au_lait"),
        ("Ångström", "angstrom"),
        ("名前", "u540d_u524d"),
        ("size名", "size_u540d"),
        ("", "n"),
        ("---", "n"),
    ],
)
def test_snake_case(text: str, expected: str) -> None:
    assert snake_case(text) == expected


def test_snake_case_prefix_for_empty_and_digits() -> None:
    assert snake_case("", prefix="param") == "param"
    assert snake_case("1st", prefix="param") == "param_1st"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("project status", "ProjectStatus"),
        ("project_status", "ProjectStatus"),
        ("projectStatus", "ProjectStatus"),
        ("HTTPServer", "HTTPServer"),
        ("2fa-config", "Model2faConfig"),
        ("class", "Class"),
        ("none", "None_"),
        ("true", "True_"),
        ("type error", "TypeError_"),
        ("exception", "Exception_"),
        ("list", "List"),
        ("crème brûlée", "CremeBrulee"),
        ("名前", "U540dU524d"),
        ("", "Model"),
        ("...", "Model"),
    ],
)
def test_pascal_case(text: str, expected: str) -> None:
    assert pascal_case(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in-progress", "IN_PROGRESS"),
        ("inProgress", "IN_PROGRESS"),
        ("2xx", "VALUE_2XX"),
        ("a.b c", "A_B_C"),
        ("déjà vu", "DEJA_VU"),
        ("名", "U540D"),
        ("", "VALUE"),
        ("!", "VALUE"),
    ],
)
def test_constant_case(text: str, expected: str) -> None:
    assert constant_case(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_every_text_gives_usable_identifiers(text: str) -> None:
    snake, pascal, constant = snake_case(text), pascal_case(text), constant_case(text)
    for name in (snake, pascal, constant):
        assert name.isidentifier() and name.isascii(), name
        assert not keyword.iskeyword(name), name
        assert not name.startswith("_"), name
    assert pascal not in dir(builtins)
    assert snake not in ("self", "cls")


def test_unique_names_numbers_collisions() -> None:
    names = UniqueNames()
    assert [names.claim("item") for _ in range(3)] == ["item", "item_2", "item_3"]
    assert "item_2" in names
    assert "item_4" not in names


def test_unique_names_for_classes_and_taken_names() -> None:
    names = UniqueNames({"Item", "self"})
    assert names.claim("Item", separator="") == "Item2"
    assert names.claim("Item", separator="") == "Item3"
    assert names.claim("self") == "self_2"
    # A name that was escaped with a trailing underscore is numbered without it.
    names.claim("class_")
    assert names.claim("class_") == "class_2"


def test_unique_names_never_returns_a_name_twice() -> None:
    names = UniqueNames()
    claimed = [names.claim(n) for n in ["a", "a_2", "a", "a", "a_2"]]
    assert len(set(claimed)) == len(claimed)


# ---------------------------------------------------------------- literals


@pytest.mark.parametrize("text", HOSTILE)
def test_string_literal_round_trips(text: str) -> None:
    literal = string_literal(text)
    assert ast.literal_eval(literal) == text
    assert literal.isascii()
    assert "\n" not in literal and "\r" not in literal


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_string_literal_round_trips_any_text(text: str) -> None:
    literal = string_literal(text)
    assert ast.literal_eval(literal) == text
    assert len(literal.splitlines()) == 1


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(["a", "'", '"', "\\", "\n", "é", "\x00", "{"])))
def test_string_literal_is_written_as_black_writes_it(text: str) -> None:
    # black formats a file twice when its first pass changes anything; literals in
    # its own style keep generated files out of that second pass.
    source = f"x = {string_literal(text)}\n"
    assert black.format_str(source, mode=mode()) == source


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", '"plain"'),
        ("it's", '"it\'s"'),
        ('say "hi"', "'say \"hi\"'"),
        ("1 ' 1 \"", '"1 \' 1 \\""'),
        ("2 '' 1 \"", '"2 \'\' 1 \\""'),
        ('1 \' 2 ""', "'1 \\' 2 \"\"'"),
    ],
)
def test_string_literal_prefers_double_quotes_unless_they_cost_escapes(
    value: str, expected: str
) -> None:
    assert string_literal(value) == expected


def test_python_literal_round_trips_json_values() -> None:
    value = {
        "text": HOSTILE,
        "numbers": [0, -1, 2**70, 1.5, -0.25, 1e300],
        "flags": [True, False, None],
        "nested": {"a": {"b": []}, '"""': {}},
    }
    assert ast.literal_eval(python_literal(value)) == value


def test_python_literal_turns_keys_into_strings() -> None:
    assert ast.literal_eval(python_literal({200: "ok", True: 1})) == {
        "200": "ok",
        "True": 1,
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [(float("inf"), 'float("inf")'), (float("-inf"), 'float("-inf")')],
)
def test_python_literal_of_infinity_is_an_expression(
    value: float, expected: str
) -> None:
    # YAML reads `.inf` as a float; `inf` alone would be a NameError in the output.
    assert python_literal(value) == expected
    assert float(ast.literal_eval(expected[len("float(") : -1])) == value


def test_python_literal_of_nan_is_an_expression() -> None:
    assert python_literal(float("nan")) == 'float("nan")'


def test_python_literal_of_a_tuple_is_a_tuple() -> None:
    assert python_literal(("data",)) == '("data",)'
    assert python_literal(("error", "code")) == '("error", "code")'
    assert python_literal(()) == "()"


def test_python_literal_refuses_what_json_cannot_hold() -> None:
    with pytest.raises(TypeError, match=r"^\{1, 2\} is not a JSON value$"):
        python_literal({1, 2})


# ---------------------------------------------------------------- docstrings


@pytest.mark.parametrize("text", HOSTILE)
def test_docstring_of_hostile_text_stays_a_docstring(text: str) -> None:
    value = docstring_value(docstring(text, indent=4))
    assert value.split() == words(text)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_docstring_of_any_text_parses_and_keeps_its_words(text: str) -> None:
    value = docstring_value(docstring(text, indent=4))
    assert value.split() == words(text)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_escape_docstring_of_any_text_parses_and_keeps_its_words(text: str) -> None:
    value = docstring_value(escape_docstring(text))
    assert value.split() == words(text)


@settings(max_examples=100, deadline=None)
@given(st.text(), st.text(alphabet="abcdefghij_", min_size=1, max_size=12))
def test_hanging_of_any_text_parses_and_keeps_its_words(text: str, label: str) -> None:
    value = docstring_value(hanging(label, text, indent=8))
    assert value.split() == [f"{label}:", *words(text)]


def test_hanging_of_an_empty_text_keeps_the_label() -> None:
    assert hanging("limit", " \x00 ", indent=8) == "limit:"


def test_hanging_wraps_with_an_indent() -> None:
    text = " ".join(["word"] * 30)
    lines = hanging("limit", text, indent=48).splitlines()
    assert lines[0].startswith("limit: word")
    assert all(line.startswith("    word") for line in lines[1:])
    assert all(len(line) <= 40 for line in lines)


def test_docstring_keeps_a_long_word_whole() -> None:
    # Breaking inside `\"` would leave a line continuation and a bare quote.
    text = "x" * 87 + '"'
    body = docstring(text)
    assert body == "x" * 87 + '\\"'
    assert docstring_value(body) == text


def test_docstring_keeps_a_long_url_whole() -> None:
    url = "https://example.com/" + "-".join(["segment"] * 15)
    assert url in docstring(f"See {url} for more.").splitlines()


def test_docstring_wraps_prose_and_keeps_lists() -> None:
    prose = " ".join(["word"] * 40)
    text = f"{prose}\n\n- first item\n- second item\n\n    code  block"
    body = docstring(text, indent=8)
    paragraphs = body.split("\n\n")
    assert all(len(line) <= 80 for line in paragraphs[0].splitlines())
    assert paragraphs[0].split() == ["word"] * 40
    assert paragraphs[1] == "- first item\n- second item"
    assert paragraphs[2] == "    code  block"


def test_docstring_of_empty_text_is_empty() -> None:
    assert docstring("") == ""
    assert docstring("  \n\n  ") == ""


@pytest.mark.parametrize(
    "text",
    [
        'a """ b',
        '""""""""',
        'quoted "end"',
        '"',
        "a \\ b",
        "\\",
        'x\\"""',
        "  tab\there  ",
    ],
)
def test_escape_docstring_keeps_the_text(text: str) -> None:
    assert docstring_value(escape_docstring(text)) == text.expandtabs(4).strip()


# ---------------------------------------------------------------- comments


@pytest.mark.parametrize("text", HOSTILE)
def test_comment_is_one_line(text: str) -> None:
    line = comment(text)
    assert len(line.splitlines()) <= 1
    tree = ast.parse(f"x = 1  # {line}\ny = 2\n")
    assert len(tree.body) == 2
    assert line.split() == words(text)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_comment_of_any_text_is_one_line(text: str) -> None:
    line = comment(text)
    assert len(line.splitlines()) <= 1
    assert len(ast.parse(f"x = 1  # {line}\ny = 2\n").body) == 2
