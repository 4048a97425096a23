"""layout: long generated lines are laid out exactly as black lays them out.

A layout black disagrees with is not wrong code, but black then formats the whole
file twice, and black is most of a cold run; so each shape is compared with black's
own output over many generated names and type expressions.
"""

from __future__ import annotations

import keyword

import black
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.format import LINE_LENGTH, mode
from generator.layout import (
    annotated,
    assignment,
    call_assignment,
    class_header,
    fits,
    from_import,
    listing,
)

_WORD = st.text(alphabet="abcdefghij", min_size=2, max_size=14)
_SNAKE = (
    st.lists(_WORD, min_size=1, max_size=3)
    .map("_".join)
    .filter(lambda name: not keyword.iskeyword(name))
)
_PASCAL = st.lists(_WORD, min_size=1, max_size=3).map(
    lambda words: "".join(word.capitalize() for word in words)
)
_LITERAL = st.lists(_WORD, min_size=1, max_size=9).map(
    lambda values: "Literal[" + ", ".join(f'"{v}"' for v in values) + "]"
)
# Strings whose text holds the characters the splitter must not split at.
_TRICKY_LITERAL = st.lists(
    st.sampled_from(["a|b", "x, y", "[", "]", "it's", "(", "{}"]), min_size=1
).map(lambda values: "Literal[" + ", ".join(f'"{v}"' for v in values) + "]")


def _union(term: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.lists(term, min_size=1, max_size=4).map(" | ".join)


_SIMPLE_TERM = st.one_of(
    _PASCAL, _LITERAL, _TRICKY_LITERAL, _PASCAL.map(lambda n: f"dict[str, {n}]")
)
_TERM = st.one_of(
    _SIMPLE_TERM,
    _union(_SIMPLE_TERM).map(lambda u: f"list[{u}]"),
    st.tuples(_union(_SIMPLE_TERM), _WORD).map(
        lambda p: f'Annotated[{p[0]}, Meta(description="{p[1]}")]'
    ),
)
_ANNOTATION = _union(_TERM)


def _unchanged_by_black(source: str) -> None:
    assert black.format_str(source, mode=mode()) == source


@settings(max_examples=400, deadline=None)
@given(_SNAKE, _ANNOTATION, st.sampled_from([",", " = NOT_GIVEN,"]))
def test_a_parameter_is_laid_out_as_black_does(
    name: str, annotation: str, tail: str
) -> None:
    line = annotated(8, name, annotation, tail)
    _unchanged_by_black(
        f"class A:\n    def f(\n        self,\n        *,\n{line}\n    ) -> None:\n"
        "        pass\n"
    )


@settings(max_examples=400, deadline=None)
@given(_SNAKE, _ANNOTATION, st.sampled_from(["", " = UNSET", " = None"]))
def test_a_model_field_is_laid_out_as_black_does(
    name: str, annotation: str, tail: str
) -> None:
    _unchanged_by_black(f"class A:\n{annotated(4, name, annotation, tail)}\n")


@settings(max_examples=200, deadline=None)
@given(_PASCAL, _ANNOTATION)
def test_a_type_alias_is_laid_out_as_black_does(name: str, annotation: str) -> None:
    line = annotated(0, name, annotation, separator=": TypeAlias = ")
    _unchanged_by_black(f"{line}\n")


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from([0, 4]),
    _SNAKE,
    st.lists(st.one_of(_PASCAL, _PASCAL.map(lambda n: f"{n} as {n}")), min_size=1),
)
def test_an_import_is_laid_out_as_black_does(
    indent: int, module: str, names: list[str]
) -> None:
    statement = from_import(indent, f".{module}", names)
    _unchanged_by_black(f"if X:\n{statement}\n" if indent else f"{statement}\n")


_LONG_SNAKE = (
    st.lists(_WORD, min_size=1, max_size=7)
    .map("_".join)
    .filter(lambda name: not keyword.iskeyword(name))
)


@settings(max_examples=200, deadline=None)
@given(_LONG_SNAKE, st.sampled_from(["", "async_"]))
def test_a_wrapped_method_is_laid_out_as_black_does(name: str, flavour: str) -> None:
    line = call_assignment(
        8, f"self.{name}", f"{flavour}to_raw_response_wrapper", f"resource.{name}"
    )
    _unchanged_by_black(f"class A:\n    def __init__(self, resource):\n{line}\n")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(_WORD, min_size=1, max_size=10).map("".join).map(str.capitalize),
    st.lists(_PASCAL.map(lambda n: f'"{n}"'), min_size=1, max_size=5),
    _LONG_SNAKE,
)
def test_class_headers_lists_and_constants_are_laid_out_as_black_does(
    name: str, names: list[str], value: str
) -> None:
    _unchanged_by_black(f"{class_header(name, 'OpenStrEnum')}\n    A = 1\n")
    _unchanged_by_black(f"{listing('__all__', names)}\n")
    member = assignment(4, value.upper(), f'"{value}"')
    _unchanged_by_black(f"class A:\n{member}\n")


def test_a_line_that_fits_is_left_on_one_line() -> None:
    assert annotated(8, "limit", "int | NotGiven", " = NOT_GIVEN,") == (
        "        limit: int | NotGiven = NOT_GIVEN,"
    )
    assert fits("x" * LINE_LENGTH)
    assert not fits("x" * (LINE_LENGTH + 1))


def test_a_long_union_is_parenthesised_then_split_at_its_bars() -> None:
    status = 'AmberGadgetStatus | Literal["draft", "active", "archived"] | NotGiven'
    assert annotated(8, "status", status, " = NOT_GIVEN,").splitlines() == [
        "        status: (",
        f"            {status}",
        "        ) = NOT_GIVEN,",
    ]
    sort = (
        'GadgetsListSort | Literal["name", "-name", "createdAt", "-createdAt"]'
        " | NotGiven"
    )
    assert annotated(8, "sort", sort, " = NOT_GIVEN,").splitlines() == [
        "        sort: (",
        "            GadgetsListSort",
        '            | Literal["name", "-name", "createdAt", "-createdAt"]',
        "            | NotGiven",
        "        ) = NOT_GIVEN,",
    ]
