"""Code samples as text: the Python script around a planned call, and curl commands.

A Python sample is a whole script (imports, the client, the setup, the call), formatted
by black, so that it can be copied and run as it is. A curl command sends the
operation's example request with the values as the document writes them, so it shows
the HTTP request a reader would see in a network log.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, urlencode

import black

from ..model import Operation, Package
from .examples import Examples
from .snippets import Call, SnippetPlanner, file_name

WIDTH = 79  # code blocks on the page fit 80 columns without scrolling


class Samples:
    """Writes the samples of one document."""

    def __init__(self, planner: SnippetPlanner, examples: Examples, package: Package):
        self.planner = planner
        self.examples = examples
        self.package = package

    # ------------------------------------------------------------------- Python

    def python(
        self,
        call: Call,
        *,
        body: Iterable[str] = (),
        names: Iterable[str] = (),
        client_arguments: str = "",
    ) -> str:
        """A script: imports, the client, the setup, then the call and its use.

        `body` replaces the default use of the result (printing it); `names` are
        more names to import from the package.
        """
        client = self.package.client_class
        lines = [
            *imports(self.package, modules=call.modules,
                     names=(client, *names), models=call.models), "",
            f"client = {client}({client_arguments})",
            *call.setup, "",
            *(list(body) or use(call)),
        ]  # fmt: skip
        return format_python("\n".join(lines) + "\n")

    def guarded(
        self, call: Call, exception: str, handler: str, *, client_arguments: str = ""
    ) -> str:
        """The call inside `try`, catching one of the client's exceptions."""
        body = [
            "try:",
            *(f"    {line}" for line in use(call)),
            f"except {exception} as error:",
            f"    {handler}",
        ]
        return self.python(
            call, body=body, names=[exception], client_arguments=client_arguments
        )

    # --------------------------------------------------------------------- curl

    def curl(self, operation: Operation, *, headers: Iterable[str] = ()) -> str:
        """The curl command for the operation's example request."""
        query = {
            p.wire_name: _text(value)
            for p, value in self.planner.arguments(operation)
            if p.location == "query" and value is not ...
        }
        url = self.url(self.literal_path(operation), query)
        method = (
            "" if operation.http_method == "GET" else f"-X {operation.http_method} "
        )
        parts = [f"curl {method}{_double_quoted(url)}"]
        parts += [f"-H {_double_quoted(h)}" for h in (*self.auth_headers(), *headers)]
        parts += self._body(operation)
        return " \\\n  ".join(parts) + "\n"

    def url(self, path: str, query: Mapping[str, str]) -> str:
        """The URL of the first server, with a path and a query."""
        environments = self.package.environments
        base = environments[0].url if environments else ""
        return base + path + (f"?{urlencode(query)}" if query else "")

    def literal_path(self, operation: Operation) -> str:
        """The operation's path with the example values of its path parameters."""
        path = operation.path
        for parameter in operation.path_parameters:
            value = self.planner.parameter_example(operation, parameter)
            text = "" if value is ... else _text(value)
            path = path.replace("{" + parameter.wire_name + "}", quote(text, safe=""))
        return path

    def auth_headers(self) -> list[str]:
        if self.package.conventions.auth == "bearer":
            return [f"Authorization: Bearer ${self.package.env_prefix}_API_KEY"]
        return []

    def _body(self, operation: Operation) -> list[str]:
        media_type, example = self.examples.request_example(operation)
        if example is ...:
            return []
        if operation.body_kind in ("json", "binary") or not isinstance(example, dict):
            text = json.dumps(example, indent=2, ensure_ascii=False)
            return [
                f"-H {_double_quoted('Content-Type: ' + media_type)}",
                f"-d {shlex.quote(text.replace(chr(10), chr(10) + '  '))}",
            ]
        flag = "-F" if operation.body_kind == "multipart" else "--data-urlencode"
        files = {p.wire_name for p in operation.parameters if p.location == "file"}
        parts = []
        for key, value in example.items():
            if key in files:
                parts.append(
                    f"{flag} {_double_quoted(f'{key}=@{file_name(value, key)}')}"
                )
            else:
                parts.append(f"{flag} {_double_quoted(f'{key}={_text(value)}')}")
        return parts


def use(call: Call) -> list[str]:
    """The lines that make the call and show its result."""
    if call.paginated and call.result:
        return [f"for {call.result} in {call.expression}:", f"    print({call.show})"]
    if call.result is None:
        return [call.expression]
    return [f"{call.result} = {call.expression}", f"print({call.show})"]


def imports(
    package: Package,
    *,
    modules: Iterable[str] = (),
    names: Iterable[str] = (),
    models: Iterable[str] = (),
) -> list[str]:
    """The import lines of a sample: the standard library first, then the package.

    A module `pathlib.Path` is imported as `from pathlib import Path`.
    """
    standard = sorted(
        "from {} import {}".format(*m.rsplit(".", 1)) if "." in m else f"import {m}"
        for m in set(modules)
    )
    own = [f"from {package.package} import {', '.join(sorted(set(names)))}"]
    if models:
        joined = ", ".join(sorted(set(models)))
        own.append(f"from {package.package}.models import {joined}")
    return [*standard, *([""] if standard else []), *own]


def format_python(source: str) -> str:
    """A sample formatted by black, at the width of the page's code blocks."""
    return black.format_str(source, mode=black.Mode(line_length=WIDTH))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _double_quoted(text: str) -> str:
    """A shell word in double quotes, so that `$NAME` in it is expanded."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`")
    return f'"{escaped}"'
