"""JSON example values as Python expressions of the types the client's methods take.

A method parameter annotated `PageSeo | dict[str, Any] | NotGiven` is given
`PageSeo(title="About")`, an enum parameter `ElementType.TEXT`, a date-time
`datetime.datetime.fromisoformat(...)`; so a snippet type-checks against the generated
package exactly as a user's code would. Strings go through the generator's escaping.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..model import Definition, EnumClass, ModelClass, TypeAlias
from ..names import python_literal, string_literal

# Annotations a value of any JSON type fits; tried after the specific ones.
_LOOSE = ("Any", "object", "dict[str, Any]", "list[Any]")
_PARSERS = {
    "datetime.datetime": "datetime.datetime.fromisoformat",
    "datetime.date": "datetime.date.fromisoformat",
    "datetime.time": "datetime.time.fromisoformat",
    "uuid.UUID": "uuid.UUID",
}


@dataclass(frozen=True)
class Expression:
    """Python source for a value, and the names it needs imported."""

    text: str
    models: frozenset[str] = field(default_factory=frozenset)  # from <package>.models
    modules: frozenset[str] = field(default_factory=frozenset)  # `import <module>`


class Literals:
    """Writes values for the annotations of one generated package."""

    def __init__(self, definitions: Mapping[str, Definition]) -> None:
        self.definitions = definitions

    def expression(self, value: Any, annotation: str) -> Expression | None:
        """`value` as an expression of type `annotation`, or None if it is not one."""
        terms = [t for t in split_union(annotation) if t != "NotGiven"]
        terms.sort(key=lambda term: term in _LOOSE)
        for term in terms:
            found = self._term(value, term)
            if found is not None:
                return found
        return None

    def _term(self, value: Any, term: str) -> Expression | None:
        term = term.removeprefix("builtins.")
        if value is None:
            return Expression("None") if term == "None" else None
        if term in ("Any", "object"):
            return Expression(python_literal(value))
        found = _scalar(value, term)
        if found is None:
            found = self._container(value, term)
        if found is None:
            found = self._definition(value, self.definitions.get(term))
        return found

    def _container(self, value: Any, term: str) -> Expression | None:
        """A value for `list[X]`, `dict[str, X]` or `Literal[...]`."""
        head, arguments = _generic(term)
        if head == "Literal":
            literal = python_literal(value)
            return Expression(literal) if literal in arguments else None
        if head == "list" and isinstance(value, list) and len(arguments) == 1:
            return self._sequence(value, arguments[0])
        if head == "dict" and isinstance(value, dict) and len(arguments) == 2:
            return self._mapping(value, arguments[1])
        return None

    def _definition(
        self, value: Any, definition: Definition | None
    ) -> Expression | None:
        """A value for a generated enum, model or alias."""
        if isinstance(definition, EnumClass):
            return _member(definition, value)
        if isinstance(definition, ModelClass) and isinstance(value, dict):
            return self._model(definition, value)
        if isinstance(definition, TypeAlias):
            return self.expression(value, definition.annotation)
        return None

    def _sequence(self, values: list[Any], item: str) -> Expression | None:
        parts = [self.expression(v, item) for v in values]
        if any(p is None for p in parts):
            return None
        return _joined("[{}]", [p for p in parts if p is not None], ", ")

    def _mapping(self, values: dict[str, Any], item: str) -> Expression | None:
        parts = []
        for key, value in values.items():
            found = self.expression(value, item)
            if found is None:
                return None
            parts.append(
                Expression(
                    f"{string_literal(key)}: {found.text}", found.models, found.modules
                )
            )
        return _joined("{{{}}}", parts, ", ")

    def _model(self, model: ModelClass, values: dict[str, Any]) -> Expression | None:
        by_wire = {p.wire_name: p for p in model.properties}
        if model.tag_field is not None:
            values = {k: v for k, v in values.items() if k != model.tag_field}
        if set(values) - set(by_wire):
            return None  # a property the model lacks would be lost
        if any(
            p.default is None and p.wire_name not in values for p in model.properties
        ):
            return None
        parts = []
        for key, value in values.items():
            prop = by_wire[key]
            found = self.expression(value, prop.annotation)
            if found is None:
                return None
            parts.append(
                Expression(f"{prop.name}={found.text}", found.models, found.modules)
            )
        joined = _joined(model.name + "({})", parts, ", ")
        return Expression(joined.text, joined.models | {model.name}, joined.modules)


def split_union(annotation: str) -> list[str]:
    """The members of a union annotation, split at the top level only."""
    return [part.strip() for part in _split_top(annotation, "|")]


def _generic(term: str) -> tuple[str, list[str]]:
    match = re.fullmatch(r"([\w.]+)\[(.*)\]", term)
    if match is None:
        return term, []
    return match.group(1), [a.strip() for a in _split_top(match.group(2), ",")]


def _split_top(text: str, separator: str) -> Iterator[str]:
    depth, start = 0, 0
    for index, char in enumerate(text):
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == separator and depth == 0:
            yield text[start:index]
            start = index + 1
    yield text[start:]


def _scalar(value: Any, term: str) -> Expression | None:
    """A value for a builtin scalar type, or a date, time or UUID parsed from text."""
    fits = {
        "bool": isinstance(value, bool),
        "str": isinstance(value, str),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, int | float) and not isinstance(value, bool),
    }
    if fits.get(term):
        return Expression(string_literal(value) if term == "str" else repr(value))
    if term == "bytes" and isinstance(value, str):
        return Expression(repr(value.encode()))
    if term in _PARSERS and isinstance(value, str):
        text = f"{_PARSERS[term]}({string_literal(value)})"
        return Expression(text, modules=frozenset({term.split(".", maxsplit=1)[0]}))
    return None


def _member(enum: EnumClass, value: Any) -> Expression | None:
    if isinstance(value, bool):
        return None
    literal = python_literal(value) if isinstance(value, str | int) else None
    for member in enum.members:
        if member.value == literal:
            return Expression(f"{enum.name}.{member.name}", frozenset({enum.name}))
    return None


def _joined(template: str, parts: list[Expression], separator: str) -> Expression:
    models: frozenset[str] = frozenset().union(*(p.models for p in parts))
    modules: frozenset[str] = frozenset().union(*(p.modules for p in parts))
    text = template.format(separator.join(p.text for p in parts))
    return Expression(text, models, modules)
