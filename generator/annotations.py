"""Type annotations as Python source text.

An argument that may be left out (`T | NotGiven`), the union of several results, the
builtins a method hides inside its class (`builtins.list`), and the imports that the
annotations of a resource module need.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .model import Operation, Resource

# Builtins that annotations use; a method of the same name hides them in its class.
SHADOWABLE = ("list", "dict", "type", "set", "bytes", "str", "int", "float", "bool")


def optional(annotation: str) -> str:
    """`T | NotGiven`, with `None` kept last: `str | NotGiven | None`."""
    if annotation.endswith(" | None"):
        return f"{strip_optional(annotation)} | NotGiven | None"
    return f"{annotation} | NotGiven"


def strip_optional(annotation: str) -> str:
    """`T | None` and `T | UnsetType | None` (an optional nullable property) -> `T`."""
    return annotation.removesuffix(" | None").removesuffix(" | UnsetType")


def union_of(annotations: list[str]) -> str:
    """`Pet | Job | None` from the results of several responses, each named once."""
    members: list[str] = []
    for annotation in annotations:
        for member in _split_union(annotation):
            if member not in members:
                members.append(member)
    if "Any" in members:
        return "Any"
    members.sort(key=lambda member: member == "None")  # `None` last, as usual
    return " | ".join(members)


def _split_union(annotation: str) -> list[str]:
    """The members of a union annotation, split only outside brackets."""
    members, depth, start = [], 0, 0
    for index, char in enumerate(annotation):
        depth += {"[": 1, "]": -1}.get(char, 0)
        if char == "|" and depth == 0:
            members.append(annotation[start:index].strip())
            start = index + 1
    members.append(annotation[start:].strip())
    return members


def qualify_builtins(operation: Operation, shadowed: tuple[str, ...]) -> Operation:
    """Spell shadowed builtins `builtins.list` in annotations inside the class."""
    pattern = re.compile(r"(?<![\w.])(" + "|".join(shadowed) + r")(?=\[|\b)")

    def qualify(annotation: str) -> str:
        return pattern.sub(r"builtins.\1", annotation)

    parameters = tuple(
        replace(p, annotation=qualify(p.annotation)) for p in operation.parameters
    )
    body = operation.body_parameter
    if body is not None:
        body = replace(body, annotation=qualify(body.annotation))
    response = operation.response
    if response.pagination is None:  # a page's annotation is printed outside the class
        response = replace(
            response, return_annotation=qualify(response.return_annotation)
        )
    return replace(
        operation, parameters=parameters, body_parameter=body, response=response
    )


_IDENTIFIER = re.compile(r"(?<![\w.])([A-Za-z_]\w*)(\.)?")
_STDLIB_IMPORTS = {
    "datetime": "import datetime",
    "uuid": "import uuid",
    "builtins": "import builtins",
    "Any": "from typing import Any",
    "Literal": "from typing import Literal",
}


def with_imports(resource: Resource, module_of: dict[str, str]) -> Resource:
    """The imports a resource module needs: every name its annotations mention."""
    annotations = []
    for operation in resource.operations:
        annotations += [p.annotation for p in operation.parameters]
        annotations.append(operation.response.body_annotation)
        annotations += [a.body_annotation for _, a in operation.response.alternatives]
        if operation.response.pagination is None:
            annotations.append(operation.response.return_annotation)
        else:
            annotations.append(operation.response.pagination.item_annotation)
        if operation.body_parameter is not None:
            annotations.append(operation.body_parameter.annotation)
    names = {m.group(1) for a in annotations for m in _IDENTIFIER.finditer(a)}

    lines = {_STDLIB_IMPORTS[name] for name in names if name in _STDLIB_IMPORTS}
    by_module: dict[str, list[str]] = {}
    for name in names & module_of.keys():
        by_module.setdefault(module_of[name], []).append(name)
    lines |= {
        f"from ..models.{m} import {', '.join(sorted(n))}" for m, n in by_module.items()
    }
    return replace(resource, imports=tuple(sorted(lines)))
