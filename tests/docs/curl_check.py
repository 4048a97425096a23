"""Check a curl command against an OpenAPI document, as the API would check the request.

The command is read as curl reads it (method, URL, headers, body) and compared with the
document: a server URL, a path template and method that exist, path, query and header
parameters that are declared and valid, and a body valid against the request schema.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOCUMENT_URI = "urn:openapi-document"
# Headers curl or any HTTP client sends, which a document does not declare.
_STANDARD_HEADERS = frozenset({"authorization", "content-type", "accept", "user-agent"})


class CurlError(Exception):
    """The command does not describe a request the document allows."""


@dataclass
class Request:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    data: str | None = None
    form: dict[str, str] = field(default_factory=dict)


def parse(command: str) -> Request:
    """The request a curl command sends."""
    words = shlex.split(command.replace("\\\n", " "))
    if not words or words[0] != "curl":
        raise CurlError(f"The command does not start with curl: {command[:40]!r}.")
    method, url, headers, data, form = None, None, {}, None, {}
    arguments = iter(words[1:])
    for word in arguments:
        if word in ("-X", "--request"):
            method = next(arguments)
        elif word in ("-H", "--header"):
            name, _, value = next(arguments).partition(":")
            headers[name.strip().lower()] = value.strip()
        elif word in ("-d", "--data", "--data-raw"):
            data = next(arguments)
        elif word in ("-F", "--form", "--data-urlencode"):
            name, _, value = next(arguments).partition("=")
            form[name] = value
        elif word.startswith("-"):
            raise CurlError(f"The option {word!r} is not one the checker knows.")
        elif url is None:
            url = word
        else:
            raise CurlError(f"The command names a second URL {word!r}.")
    if url is None:
        raise CurlError("The command has no URL.")
    default = "POST" if data is not None or form else "GET"
    return Request((method or default).upper(), url, headers, data, form)


def check(command: str, document: dict[str, Any]) -> Request:
    """Raise CurlError unless the command sends a request the document allows."""
    request = parse(command)
    parts = urlsplit(request.url)
    path = _path_after_server(request.url, document)
    template, item = _path_item(path, document)
    operation = item.get(request.method.lower())
    if not isinstance(operation, dict):
        raise CurlError(f"{request.method} is not an operation of {template}.")

    validator = _Validator(document)
    parameters = _parameters(item, operation, document)
    values = dict(zip(_names(template), _segments(template, path), strict=True))
    for name, value in values.items():
        validator.parameter(
            parameters[("path", name)], value, f"path parameter {name!r}"
        )
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        spec = parameters.get(("query", name))
        if spec is None:
            raise CurlError(
                f"The query parameter {name!r} is not declared by {template}."
            )
        validator.parameter(spec, value, f"query parameter {name!r}")
    for (location, name), spec in parameters.items():
        if (
            location == "query"
            and spec.get("required")
            and name not in dict(parse_qsl(parts.query))
        ):
            raise CurlError(f"The required query parameter {name!r} is missing.")
    for name, value in request.headers.items():
        spec = next((s for (loc, n), s in parameters.items()
                     if loc == "header" and n.lower() == name), None)  # fmt: skip
        if spec is not None:
            validator.parameter(spec, value, f"header {name!r}")
        elif name not in _STANDARD_HEADERS:
            raise CurlError(f"The header {name!r} is not declared by the operation.")
    if (document.get("security") or operation.get("security")) and (
        "authorization" not in request.headers
    ):
        raise CurlError("The operation needs credentials; the command sends none.")
    _check_body(request, operation, document, validator)
    return request


# ----------------------------------------------------------------------- helpers


def _path_after_server(url: str, document: dict[str, Any]) -> str:
    base = url.split("?", 1)[0]
    for server in document.get("servers") or [{"url": ""}]:
        prefix = str(server.get("url", "")).rstrip("/")
        if base.startswith(prefix + "/"):
            return base[len(prefix) :]
    raise CurlError(f"The URL {url!r} is not on a server of the document.")


def _path_item(path: str, document: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    matches = [
        (template, item)
        for template, item in (document.get("paths") or {}).items()
        if re.fullmatch(_template_regex(template), path)
    ]
    # A template with fewer parameters wins: /elements/tree over /elements/{id}.
    matches.sort(key=lambda match: match[0].count("{"))
    if not matches:
        raise CurlError(f"The path {path!r} matches no path of the document.")
    return matches[0]


def _names(template: str) -> list[str]:
    return re.findall(r"{([^}]+)}", template)


def _template_regex(template: str) -> str:
    pieces = re.split(r"({[^}]+})", template)
    return "".join("([^/]+)" if p.startswith("{") else re.escape(p) for p in pieces)


def _segments(template: str, path: str) -> list[str]:
    match = re.fullmatch(_template_regex(template), path)
    assert match is not None
    return [unquote(value) for value in match.groups()]


def _parameters(
    item: dict[str, Any], operation: dict[str, Any], document: dict[str, Any]
) -> dict[tuple[str, str], dict[str, Any]]:
    found = {}
    for parameter in [
        *(item.get("parameters") or []),
        *(operation.get("parameters") or []),
    ]:
        resolved = _deref(parameter, document)
        found[(resolved["in"], resolved["name"])] = resolved
    return found


def _check_body(
    request: Request,
    operation: dict[str, Any],
    document: dict[str, Any],
    validator: _Validator,
) -> None:
    body = _deref(operation.get("requestBody"), document) or {}
    content = body.get("content") or {}
    if request.data is None and not request.form:
        if body.get("required"):
            raise CurlError(
                "The operation needs a request body; the command sends none."
            )
        return
    if not content:
        raise CurlError("The operation takes no request body; the command sends one.")

    if request.data is not None:
        media_type = request.headers.get(
            "content-type", "application/x-www-form-urlencoded"
        )
        if media_type not in content:
            raise CurlError(
                f"The body's media type {media_type!r} is not one of {sorted(content)}."
            )
        try:
            value = json.loads(request.data)
        except json.JSONDecodeError as error:
            raise CurlError(f"The body is not valid JSON: {error}.") from None
    else:
        media_type = "multipart/form-data"
        if media_type not in content:
            raise CurlError(
                f"The body's media type {media_type!r} is not one of {sorted(content)}."
            )
        value = {k: ("" if v.startswith("@") else v) for k, v in request.form.items()}
    validator.value(content[media_type].get("schema") or {}, value, "the request body")


class _Validator:
    """JSON Schema validation with the document's own components for references."""

    def __init__(self, document: dict[str, Any]) -> None:
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(DOCUMENT_URI, resource)
        self.document = document

    def value(self, schema: Any, value: Any, what: str) -> None:
        schema = _rebase(schema)
        validator = Draft202012Validator(schema, registry=self.registry)
        error = next(iter(validator.iter_errors(value)), None)
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path)
            raise CurlError(
                f"{what}{' at ' + where if where else ''}: {error.message}."
            )

    def parameter(self, spec: dict[str, Any], text: str, what: str) -> None:
        schema = _deref(spec.get("schema"), self.document) or {}
        self.value(spec.get("schema") or {}, _typed(text, schema), what)


def _typed(text: str, schema: dict[str, Any]) -> Any:
    """A parameter's text as the JSON value its schema expects."""
    kind = schema.get("type")
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            return float(text)
    except ValueError:
        return text
    if kind == "boolean":
        return {"true": True, "false": False}.get(text, text)
    return text


def _rebase(schema: Any) -> Any:
    """Point the document's local references (`#/...`) at the registered document."""
    if isinstance(schema, dict):
        return {
            k: (
                f"{DOCUMENT_URI}{v}"
                if k == "$ref" and str(v).startswith("#")
                else _rebase(v)
            )
            for k, v in schema.items()
        }
    if isinstance(schema, list):
        return [_rebase(item) for item in schema]
    return schema


def _deref(value: Any, document: dict[str, Any]) -> Any:
    while isinstance(value, dict) and isinstance(value.get("$ref"), str):
        target: Any = document
        for token in value["$ref"].removeprefix("#/").split("/"):
            target = target[token.replace("~1", "/").replace("~0", "~")]
        value = target
    return value
