"""Diagnostics: what the generator reports about a document, and the errors it raises.

A diagnostic is either fatal (the generated code would be wrong, so nothing is written)
or
a warning (something was left out or approximated; the code is still correct). Fatal
diagnostics are collected and raised together as one `SpecError`, so a user sees every
problem of a run at once rather than one per run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal, NamedTuple

Level = Literal["error", "warning"]


class GeneratorError(Exception):
    """The root of every error the generator raises on purpose."""


# Named tuples rather than dataclasses, here and in the other modules a reused run
# imports (config, pipeline, write): importing `dataclasses` imports `inspect`,
# about a fifth of such a run's time.


class Location(NamedTuple):
    """A place in the document: the file, the JSON pointer and, when known, the line."""

    file: str
    pointer: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where} at {self.pointer or '/'}"


class Diagnostic(NamedTuple):
    """One message about the document, with where it applies."""

    level: Level
    message: str
    location: Location | None = None
    # The operation the message is about, used to group warnings ("GET /projects").
    operation: str | None = None

    def __str__(self) -> str:
        prefix = f"{self.location}: " if self.location else ""
        return f"{prefix}{self.level}: {self.message}"


class SpecError(GeneratorError):
    """The document cannot be turned into correct code; nothing was written."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        # The document's files the run read, or tried to read and found missing, where
        # it got that far: a change to any of them may change the outcome.
        self.sources: tuple[Path, ...] = ()
        count = len(self.diagnostics)
        lines = [f"The OpenAPI document has {count} error{'s' if count > 1 else ''}:"]
        lines += [f"  {diagnostic}" for diagnostic in self.diagnostics]
        super().__init__("\n".join(lines))

    @classmethod
    def single(cls, message: str, location: Location | None = None) -> SpecError:
        return cls([Diagnostic("error", message, location)])


class ConfigError(GeneratorError):
    """The generator configuration or the command line is invalid."""


class Diagnostics:
    """Collects diagnostics during a run; fatal ones are raised together by `check`."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []
        self._seen: set[Diagnostic] = set()

    def add(self, diagnostic: Diagnostic) -> None:
        if diagnostic not in self._seen:
            self._seen.add(diagnostic)
            self.items.append(diagnostic)

    def error(
        self,
        message: str,
        location: Location | None = None,
        operation: str | None = None,
    ) -> None:
        self.add(Diagnostic("error", message, location, operation))

    def warn(
        self,
        message: str,
        location: Location | None = None,
        operation: str | None = None,
    ) -> None:
        self.add(Diagnostic("warning", message, location, operation))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.level == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.level == "warning"]

    def check(self) -> None:
        """Raise every fatal diagnostic collected so far as one `SpecError`."""
        if self.errors:
            raise SpecError(self.errors)


def format_warnings(warnings: Iterable[Diagnostic]) -> str:
    """Group warnings by operation (document-wide ones first) into one report."""
    groups: dict[str, list[Diagnostic]] = {}
    for warning in warnings:
        groups.setdefault(warning.operation or "", []).append(warning)
    if not groups:
        return ""

    total = sum(len(items) for items in groups.values())
    lines = [f"{total} warning{'s' if total > 1 else ''}:"]
    for operation in sorted(groups):
        lines.append(f"  {operation or 'document'}:")
        for warning in groups[operation]:
            where = f" ({warning.location})" if warning.location else ""
            lines.append(f"    - {warning.message}{where}")
    return "\n".join(lines)


@contextlib.contextmanager
def naming_sources(files: Iterable[Path]) -> Iterator[None]:
    """A `SpecError` raised within names `files` as its `sources`."""
    try:
        yield
    except SpecError as error:
        error.sources = tuple(sorted(files))
        raise
