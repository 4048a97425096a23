"""What every part of the docs build reads: the model, the examples, the helpers."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Operation, Package, Resource
from .examples import Examples
from .samples import Samples
from .schema_view import SchemaViews
from .snippets import SnippetPlanner
from .view import Facts


@dataclass(frozen=True)
class Context:
    package: Package
    examples: Examples
    planner: SnippetPlanner
    samples: Samples
    schemas: SchemaViews
    facts: Facts

    def operations(self) -> list[tuple[Resource, Operation]]:
        """Every operation with its resource, in the client's order."""
        return [(r, op) for r in self.package.resources for op in r.operations]
