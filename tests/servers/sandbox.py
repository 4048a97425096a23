"""A local CODEFLUSS API: stateful, in memory, for tests, docs snippets and benchmarks.

The sandbox follows the API's documented behaviour: the success and error envelopes,
cursor pagination with totals, validation errors that name the failing field, bearer
auth (with optional read-only keys), an optional rate limit and idempotent replays of
POST requests. State lives in memory and is lost when the server stops.

    with run_sandbox(api_keys={"sk_test_123"}) as sandbox:
        httpx.get(f"{sandbox.base_url}/projects", headers={"Authorization": ...})

    python -m tests.servers.sandbox --port 8080 --api-key sk_test_123

One lock guards all state: every request runs its handler and serialises its response
while holding it, so handlers never see a half-applied change from another thread.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import copy
import hashlib
import itertools
import json
import logging
import math
import random
import re
import socket
import string
import struct
import sys
import threading
import time
import unicodedata
from collections import OrderedDict, defaultdict, deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

logger = logging.getLogger(__name__)

Record = dict[str, Any]

BASE_PATH = "/v1"
CDN_URL = "https://cdn.codefluss.com"
ID_ALPHABET = string.ascii_letters + string.digits
MAX_BODY_BYTES = 20 * 1024 * 1024
MAX_ASSET_BYTES = 16 * 1024 * 1024
RATE_WINDOW_SECONDS = 60
# Reported in the X-RateLimit-* headers when no limit is configured, so that clients
# always find the headers the API documents.
UNLIMITED_QUOTA = 10_000
MAX_RECORDED_REQUESTS = 1_000
MAX_STORED_REPLAYS = 10_000
REPLAY_TTL_SECONDS = 24 * 60 * 60

ELEMENT_TYPES = (
    "section", "container", "heading", "text", "image", "video", "button", "link",
    "form", "input", "textarea", "select", "divider", "spacer", "embed",
)  # fmt: skip
CONTAINER_TYPES = frozenset({"section", "container", "form", "link"})

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_HINT = "lowercase letters and digits in words joined by single hyphens"


# ----------------------------------------------------------------------------------
# Small helpers


def new_id(prefix: str) -> str:
    """Return an id such as `proj_4fQ9…`: a prefix and 16 random alphanumerics."""
    return f"{prefix}_{''.join(random.choices(ID_ALPHABET, k=16))}"


def timestamp() -> str:
    """Return the current time as RFC 3339 UTC with a `Z`, to the second."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def slugify(text: str, fallback: str) -> str:
    """Turn a name or title into a kebab-case slug; `fallback` if nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or fallback


def fit(text: str, suffix: str, max_length: int) -> str:
    """Append `suffix`, shortening `text` so that the result stays within the limit."""
    return text[: max_length - len(suffix)] + suffix


def fit_slug(slug: str, suffix: str, max_length: int) -> str:
    """`fit` for slugs: shortening must not leave a hyphen before the suffix."""
    return slug[: max_length - len(suffix)].rstrip("-") + suffix


def unique_slug(base: str, taken: set[str], max_length: int) -> str:
    """Return `base`, or `base-2`, `base-3`… for the first one not in `taken`."""
    slug = fit_slug(base, "", max_length)
    for number in itertools.count(2):
        if slug not in taken:
            return slug
        slug = fit_slug(base, f"-{number}", max_length)
    raise AssertionError("unreachable")  # pragma: no cover


def label(path: str) -> str:
    """Turn a property path into words for a message: `seo.canonicalUrl` -> `SEO
    canonical URL`."""
    spaced = re.sub(r"(?<=[a-z0-9])([A-Z])", r" \1", path.replace(".", " ")).lower()
    words = [{"id": "ID", "url": "URL", "seo": "SEO"}.get(w, w) for w in spaced.split()]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


# ----------------------------------------------------------------------------------
# Errors


class ApiError(Exception):
    """An error response: its status, `error.code`, message and details."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = dict(details or {})
        self.headers = dict(headers or {})


def invalid(
    message: str, field: str | None = None, reason: str | None = None
) -> ApiError:
    """A 400 VALIDATION_ERROR naming the failing field and why it failed."""
    details = {"field": field, "reason": reason}
    return ApiError(
        400, "VALIDATION_ERROR", message, {k: v for k, v in details.items() if v}
    )


def not_found(parameter: str, record_id: str, scope: str) -> ApiError:
    """A 404 naming the path parameter whose resource does not exist in `scope`."""
    kind = parameter.removesuffix("Id")
    reason = f"No {kind} with the id '{record_id}' exists in this {scope}"
    details = {"field": parameter, "reason": reason}
    return ApiError(404, "NOT_FOUND", f"{kind.capitalize()} not found", details)


# ----------------------------------------------------------------------------------
# Validation: one helper checks every request body and every list query


TYPE_CHECKS: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}
TYPE_WORDS = {
    "string": "a string", "integer": "an integer", "number": "a number",
    "boolean": "a boolean", "object": "an object", "null": "null",
}  # fmt: skip


@dataclass(frozen=True)
class Rule:
    """What one property accepts. `min`/`max` bound a string's length or a number."""

    types: tuple[str, ...]
    required: bool = False
    min: int | None = None
    max: int | None = None
    pattern: re.Pattern[str] | None = None
    pattern_hint: str = ""
    choices: tuple[str, ...] = ()
    uri: bool = False
    default: Any = None
    # An object either lists its properties (and rejects others) or maps any key to
    # `values`; with neither it is free-form.
    properties: Mapping[str, Rule] | None = None
    values: Rule | None = None


@dataclass(frozen=True)
class Shape:
    """A request body or query: its properties and the read-only ones it refuses."""

    noun: str
    properties: Mapping[str, Rule]
    read_only: Mapping[str, str] = field(default_factory=dict)
    min_properties: int = 0


def read_only(*names: str) -> dict[str, str]:
    return {name: f"{label(name)} is read-only and set by the server" for name in names}


def optional(properties: Mapping[str, Rule]) -> dict[str, Rule]:
    """The same rules with nothing required, for partial updates."""
    return {name: replace(rule, required=False) for name, rule in properties.items()}


def validate(body: object, shape: Shape) -> Record:
    """Check a body against `shape` and return it; raise for the first failure."""
    if not isinstance(body, dict):
        raise invalid(
            "The request body must be a JSON object", reason="Expected an object"
        )
    if len(body) < shape.min_properties:
        raise invalid(
            "The request body has no properties",
            reason=f"Send at least one of: {', '.join(shape.properties)}",
        )
    check_object(body, shape.properties, shape, prefix="")
    return body


def check_object(
    value: Record, properties: Mapping[str, Rule], shape: Shape, prefix: str
) -> None:
    for name in value:
        path = prefix + name
        if not prefix and name in shape.read_only:
            raise invalid(f"'{name}' cannot be set", path, shape.read_only[name])
        if name not in properties:
            allowed = ", ".join(properties)
            raise invalid(f"Unknown property '{path}'", path, f"Allowed: {allowed}")

    for name, rule in properties.items():
        if name in value:
            check_value(value[name], rule, shape, prefix + name)
        elif rule.required:
            raise field_error(shape, prefix + name, "is required")


def check_value(value: Any, rule: Rule, shape: Shape, path: str) -> None:
    if not any(TYPE_CHECKS[name](value) for name in rule.types):
        expected = " or ".join(TYPE_WORDS[name] for name in rule.types)
        raise field_error(shape, path, f"must be {expected}")

    if isinstance(value, str):
        check_string(value, rule, shape, path)
    elif TYPE_CHECKS["number"](value):
        check_number(value, rule, shape, path)
    elif isinstance(value, dict) and rule.properties is not None:
        check_object(value, rule.properties, shape, prefix=f"{path}.")
    elif isinstance(value, dict) and rule.values is not None:
        for key, item in value.items():
            check_value(item, rule.values, shape, f"{path}.{key}")


def check_string(value: str, rule: Rule, shape: Shape, path: str) -> None:
    if rule.min is not None and len(value) < rule.min:
        raise field_error(shape, path, f"must be at least {characters(rule.min)}")
    if rule.max is not None and len(value) > rule.max:
        raise field_error(shape, path, f"must be at most {characters(rule.max)}")
    if rule.choices and value not in rule.choices:
        raise field_error(shape, path, f"must be one of: {', '.join(rule.choices)}")
    if rule.pattern is not None and not rule.pattern.fullmatch(value):
        raise field_error(shape, path, f"must be {rule.pattern_hint}")
    if rule.uri and urlsplit(value).scheme not in ("http", "https"):
        raise field_error(shape, path, "must be an absolute http or https URL")


def characters(count: int) -> str:
    return f"{count} character" if count == 1 else f"{count} characters"


def check_number(value: float, rule: Rule, shape: Shape, path: str) -> None:
    low, high = rule.min, rule.max
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise field_error(shape, path, f"must be {bounds}")


def field_error(shape: Shape, path: str, problem: str) -> ApiError:
    words = label(path)
    return invalid(
        f"Invalid {shape.noun} {words[:1].lower()}{words[1:]}",
        path,
        f"{words} {problem}",
    )


def query_values(raw: Mapping[str, str], shape: Shape) -> Record:
    """Read a list query: known parameters only, integers converted, defaults filled."""
    values: Record = {}
    for name, rule in shape.properties.items():
        if name in raw:
            text = raw[name]
            is_integer = rule.types == ("integer",) and re.fullmatch(
                r"-?\d{1,18}", text
            )
            values[name] = int(text) if is_integer else text
        elif rule.default is not None:
            values[name] = rule.default
    return validate(values, shape)


def id_rule(prefix: str, noun: str, *, nullable: bool = False) -> Rule:
    """A property or parameter that holds the id of a `noun`, such as `page_abc123`."""
    article = "an" if noun[0] in "aeiou" else "a"
    return Rule(
        ("string", "null") if nullable else ("string",),
        pattern=re.compile(rf"^{prefix}_[A-Za-z0-9]+$"),
        pattern_hint=f"{article} {noun} id such as {prefix}_abc123",
    )


# The shapes of every body, query and path the API accepts.

PROJECT_PROPERTIES = {
    "name": Rule(("string",), required=True, min=3, max=100),
    "slug": Rule(
        ("string",), min=3, max=63, pattern=SLUG_PATTERN, pattern_hint=SLUG_HINT
    ),
    "description": Rule(("string", "null"), max=500),
}
PROJECT_READ_ONLY = read_only("id", "status", "publishedAt", "createdAt", "updatedAt")
CREATE_PROJECT = Shape("project", PROJECT_PROPERTIES, PROJECT_READ_ONLY)
UPDATE_PROJECT = Shape("project", optional(PROJECT_PROPERTIES), PROJECT_READ_ONLY, 1)
DUPLICATE_PROJECT = Shape(
    "project",
    optional({k: PROJECT_PROPERTIES[k] for k in ("name", "slug")}),
    PROJECT_READ_ONLY,
)
NO_BODY = Shape("request", {})

SEO_PROPERTIES = {
    "title": Rule(("string",), max=255),
    "description": Rule(("string",), max=500),
    "noIndex": Rule(("boolean",)),
    "canonicalUrl": Rule(("string", "null"), uri=True),
}
OPEN_GRAPH_PROPERTIES = {
    "title": Rule(("string",)),
    "description": Rule(("string",)),
    "imageUrl": Rule(("string", "null"), uri=True),
}
PAGE_PROPERTIES = {
    "title": Rule(("string",), required=True, min=1, max=200),
    "slug": Rule(
        ("string",), min=1, max=100, pattern=SLUG_PATTERN, pattern_hint=SLUG_HINT
    ),
    "parentId": id_rule("page", "page", nullable=True),
    "position": Rule(("integer",), min=0),
    "isHomePage": Rule(("boolean",)),
    "seo": Rule(("object",), properties=SEO_PROPERTIES),
    "openGraph": Rule(("object",), properties=OPEN_GRAPH_PROPERTIES),
}
PAGE_READ_ONLY = read_only(
    "id", "projectId", "path", "status", "hasUnpublishedChanges", "publishedAt",
    "createdAt", "updatedAt",
)  # fmt: skip
CREATE_PAGE = Shape("page", PAGE_PROPERTIES, PAGE_READ_ONLY)
UPDATE_PAGE = Shape("page", optional(PAGE_PROPERTIES), PAGE_READ_ONLY, 1)
DUPLICATE_PAGE = Shape(
    "page",
    optional({k: PAGE_PROPERTIES[k] for k in ("title", "slug", "parentId")}),
    PAGE_READ_ONLY,
)

STYLE_MAP = Rule(("object",), values=Rule(("string", "number")))
ELEMENT_PROPERTIES = {
    "type": Rule(("string",), required=True, choices=ELEMENT_TYPES),
    "parentId": id_rule("el", "element", nullable=True),
    "position": Rule(("integer",), min=0),
    "name": Rule(("string", "null"), max=100),
    "props": Rule(("object",)),
    "styles": Rule(
        ("object",),
        properties={"desktop": STYLE_MAP, "tablet": STYLE_MAP, "mobile": STYLE_MAP},
    ),
}
ELEMENT_READ_ONLY = read_only("id", "pageId", "children", "createdAt", "updatedAt")
CREATE_ELEMENT = Shape("element", ELEMENT_PROPERTIES, ELEMENT_READ_ONLY)
UPDATE_ELEMENT = Shape(
    "element",
    {k: ELEMENT_PROPERTIES[k] for k in ("name", "props", "styles")},
    {
        **ELEMENT_READ_ONLY,
        "type": "The type of an element cannot be changed",
        "parentId": "Use the move operation to change the parent",
        "position": "Use the move operation to change the position",
    },
    1,
)
MOVE_ELEMENT = Shape(
    "element",
    {
        "parentId": replace(ELEMENT_PROPERTIES["parentId"], required=True),
        "position": ELEMENT_PROPERTIES["position"],
    },
    ELEMENT_READ_ONLY,
)

ASSET_PROPERTIES = {
    "altText": Rule(("string", "null"), max=500),
    "fileName": Rule(("string",), min=1, max=255),
}
ASSET_READ_ONLY = read_only(
    "id", "projectId", "mimeType", "size", "url", "width", "height", "createdAt",
    "updatedAt",
)  # fmt: skip
UPLOAD_ASSET = Shape("asset", {"altText": ASSET_PROPERTIES["altText"]}, ASSET_READ_ONLY)
UPDATE_ASSET = Shape("asset", ASSET_PROPERTIES, ASSET_READ_ONLY, 1)


def sort_rule(
    *fields: str, ascending_only: tuple[str, ...] = (), default: str = "-createdAt"
) -> Rule:
    """A `sort` parameter: each field ascending, or descending with a leading `-`."""
    both_ways = itertools.chain.from_iterable((f, f"-{f}") for f in fields)
    choices = (*ascending_only, *both_ways)
    return Rule(("string",), choices=choices, default=default)


LIST_PROPERTIES = {
    "limit": Rule(("integer",), min=1, max=100, default=20),
    "cursor": Rule(("string",), min=1, max=500),
}
SEARCH = Rule(("string",), min=1, max=100)
PROJECT_QUERY = Shape(
    "query parameter",
    {
        **LIST_PROPERTIES,
        "status": Rule(("string",), choices=("draft", "published", "archived")),
        "search": SEARCH,
        "sort": sort_rule("createdAt", "updatedAt", "name"),
    },
)
PAGE_QUERY = Shape(
    "query parameter",
    {
        **LIST_PROPERTIES,
        "status": Rule(("string",), choices=("draft", "published")),
        "search": SEARCH,
        "sort": sort_rule(
            "createdAt", "updatedAt", "title", ascending_only=("position",)
        ),
        "parentId": id_rule("page", "page"),
    },
)
ELEMENT_QUERY = Shape(
    "query parameter",
    {
        **LIST_PROPERTIES,
        "parentId": id_rule("el", "element"),
        "type": Rule(("string",), choices=ELEMENT_TYPES),
        "sort": sort_rule(
            "createdAt", "updatedAt", ascending_only=("position",), default="position"
        ),
    },
)
MIME_TYPE_PREFIX = re.compile(r"^[A-Za-z]+/[A-Za-z0-9.+-]*$")
ASSET_QUERY = Shape(
    "query parameter",
    {
        **LIST_PROPERTIES,
        "search": SEARCH,
        "mimeType": Rule(
            ("string",),
            max=100,
            pattern=MIME_TYPE_PREFIX,
            pattern_hint="a media type such as image/png, or a prefix such as image/",
        ),
    },
)
PATH_PARAMETERS = Shape(
    "path parameter",
    {
        "projectId": id_rule("proj", "project"),
        "pageId": id_rule("page", "page"),
        "elementId": id_rule("el", "element"),
        "assetId": id_rule("asset", "asset"),
    },
)


# ----------------------------------------------------------------------------------
# State


class Store:
    """Every resource by id, in insertion order, with a sequence number per record.

    The sequence breaks ties between records created in the same second, so that
    lists sorted by time come back in the order the records were made.
    """

    def __init__(self) -> None:
        self.projects: dict[str, Record] = {}
        self.pages: dict[str, Record] = {}
        self.elements: dict[str, Record] = {}
        self.assets: dict[str, Record] = {}
        self.sequence: dict[str, int] = {}
        self._counter = itertools.count()

    def add(self, table: dict[str, Record], record: Record) -> Record:
        table[record["id"]] = record
        self.sequence[record["id"]] = next(self._counter)
        return record

    def remove(self, table: dict[str, Record], records: list[Record]) -> None:
        for record in records:
            del table[record["id"]]
            del self.sequence[record["id"]]


def renumber(records: list[Record]) -> None:
    for position, record in enumerate(records):
        record["position"] = position


def reposition(
    record: Record, old: list[Record], new: list[Record], position: int | None
) -> None:
    """Move `record` from its `old` siblings to `new` ones, at `position` (default:
    last). Both lists leave the record out; both are renumbered 0..n-1."""
    position = len(new) if position is None else position
    if position > len(new):
        raise invalid(
            "Invalid position", "position", f"Position must be between 0 and {len(new)}"
        )

    renumber(old)
    new.insert(position, record)
    renumber(new)


def by_position(records: list[Record]) -> list[Record]:
    return sorted(records, key=lambda record: record["position"])


# ----------------------------------------------------------------------------------
# Requests as the handlers see them


@dataclass
class Call:
    """One request routed to a handler, with the state it works on."""

    store: Store
    operation: str
    params: dict[str, str]
    query: dict[str, str]
    headers: Mapping[str, str]
    body: bytes
    page_size_cap: int | None

    def json(self, shape: Shape) -> Record:
        """The JSON body, checked against `shape`; an empty body reads as `{}`."""
        if not self.body.strip():
            return validate({}, shape)
        try:
            body = json.loads(self.body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise invalid(
                "The request body is not valid JSON", reason=str(error)
            ) from None
        return validate(body, shape)

    def query_values(self, shape: Shape) -> Record:
        return query_values(self.query, shape)


@dataclass
class Reply:
    """What a handler returns: the status, `data` and, for lists, `pagination`."""

    status: int
    data: Any
    pagination: Record | None = None


# ----------------------------------------------------------------------------------
# Lists: filtering, sorting and opaque cursors


def sort_records(store: Store, records: list[Record], sort: str) -> list[Record]:
    """Sort by a `sort` value such as `-createdAt`; ties keep the creation order."""
    name = sort.removeprefix("-")

    def key(record: Record) -> tuple[Any, ...]:
        sequence = store.sequence[record["id"]]
        if name == "position":
            return (record["parentId"] or "", record["position"], sequence)
        value = record[name]
        return (value.casefold() if name in ("name", "title") else value, sequence)

    return sorted(records, key=key, reverse=sort.startswith("-"))


def matching(text: str | None, needle: str | None) -> bool:
    return needle is None or needle.casefold() in (text or "").casefold()


def paginate(
    call: Call, records: list[Record], query: Record, render: Renderer
) -> Reply:
    """One page of `records` from the query's cursor, sized by its limit."""
    fingerprint = list_fingerprint(call, query)
    offset = decode_cursor(query["cursor"], fingerprint) if "cursor" in query else 0
    limit = min(query["limit"], call.page_size_cap or query["limit"])

    end = offset + limit
    has_more = end < len(records)
    pagination = {
        "hasMore": has_more,
        "nextCursor": encode_cursor(end, fingerprint) if has_more else None,
        "total": len(records),
    }
    return Reply(200, [render(call.store, r) for r in records[offset:end]], pagination)


def list_fingerprint(call: Call, query: Record) -> str:
    """What a cursor is bound to: the operation, its path and every filter but the
    page size, so that a cursor replayed under other filters is refused."""
    filters = {k: v for k, v in query.items() if k not in ("cursor", "limit")}
    text = json.dumps([call.operation, call.params, filters], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def encode_cursor(offset: int, fingerprint: str) -> str:
    text = json.dumps({"offset": offset, "filter": fingerprint}, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, fingerprint: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        content = json.loads(raw)
        offset, bound_to = content["offset"], content["filter"]
    except (binascii.Error, ValueError, TypeError, KeyError):
        offset, bound_to = None, None
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise invalid("Invalid cursor", "cursor", "Cursor is malformed")
    if bound_to != fingerprint:
        raise invalid(
            "Invalid cursor",
            "cursor",
            "Cursor belongs to a list with other filters or sort; "
            "repeat the first request's parameters",
        )
    return offset


# ----------------------------------------------------------------------------------
# Rendering: stored records are already in the API's shape, except computed fields

Renderer = Callable[[Store, Record], Record]


def as_stored(_store: Store, record: Record) -> Record:
    return record


def render_page(store: Store, page: Record) -> Record:
    return {**page, "path": page_path(store, page)}


def page_path(store: Store, page: Record) -> str:
    """`/` for the home page, otherwise the slugs from the top-level ancestor down."""
    if page["isHomePage"]:
        return "/"
    slugs = [ancestor["slug"] for ancestor in lineage(store.pages, page)]
    return "/" + "/".join(reversed(slugs))


def lineage(table: Mapping[str, Record], record: Record) -> Iterator[Record]:
    """`record`, its parent, the parent's parent and so on up to the top."""
    current: Record | None = record
    while current is not None:
        yield current
        current = table.get(current["parentId"] or "")


def deleted(record: Record) -> Reply:
    return Reply(200, {"id": record["id"], "deleted": True})


# ----------------------------------------------------------------------------------
# Projects


def find_project(call: Call) -> Record:
    project_id = call.params["projectId"]
    project = call.store.projects.get(project_id)
    if project is None:
        raise not_found("projectId", project_id, "account")
    return project


def project_slugs(store: Store, other_than: Record | None = None) -> set[str]:
    return {p["slug"] for p in store.projects.values() if p is not other_than}


def claim_project_slug(store: Store, slug: str, project: Record | None = None) -> str:
    """Refuse a slug that another project of the account already uses."""
    if slug in project_slugs(store, other_than=project):
        reason = f"Another project of this account already uses the slug '{slug}'"
        raise invalid("Slug is already in use", "slug", reason)
    return slug


def list_projects(call: Call) -> Reply:
    query = call.query_values(PROJECT_QUERY)
    status, needle = query.get("status"), query.get("search")
    records = [
        p
        for p in call.store.projects.values()
        if status in (None, p["status"])
        and (matching(p["name"], needle) or matching(p["slug"], needle))
    ]
    records = sort_records(call.store, records, query["sort"])
    return paginate(call, records, query, as_stored)


def create_project(call: Call) -> Reply:
    body = call.json(CREATE_PROJECT)
    store = call.store
    if "slug" in body:
        slug = claim_project_slug(store, body["slug"])
    else:
        # Derived slugs get a numeric suffix instead of an error: the caller did not
        # choose them, so a clash is not the caller's mistake.
        base = slugify(body["name"], "project")
        slug = unique_slug(
            base if len(base) >= 3 else "project", project_slugs(store), 63
        )

    now = timestamp()
    project = {
        "id": new_id("proj"),
        "name": body["name"],
        "slug": slug,
        "status": "draft",
        "description": body.get("description"),
        "publishedAt": None,
        "createdAt": now,
        "updatedAt": now,
    }
    return Reply(201, store.add(store.projects, project))


def get_project(call: Call) -> Reply:
    return Reply(200, find_project(call))


def update_project(call: Call) -> Reply:
    project = find_project(call)
    body = call.json(UPDATE_PROJECT)
    if "slug" in body:
        claim_project_slug(call.store, body["slug"], project)

    project.update(body, updatedAt=timestamp())
    return Reply(200, project)


def delete_project(call: Call) -> Reply:
    project = find_project(call)
    store = call.store
    pages = [p for p in store.pages.values() if p["projectId"] == project["id"]]
    assets = [a for a in store.assets.values() if a["projectId"] == project["id"]]

    delete_pages(store, pages)
    store.remove(store.assets, assets)
    store.remove(store.projects, [project])
    return deleted(project)


def publish_project(call: Call) -> Reply:
    project = find_project(call)
    call.json(NO_BODY)
    pages = [p for p in call.store.pages.values() if p["projectId"] == project["id"]]
    if not pages:
        reason = "A project needs at least one page to be published"
        raise invalid("Project cannot be published", "projectId", reason)

    now = timestamp()
    for page in pages:
        publish(page, now)
    project.update(status="published", publishedAt=now, updatedAt=now)
    return Reply(200, project)


def unpublish_project(call: Call) -> Reply:
    project = find_project(call)
    call.json(NO_BODY)
    if project["status"] == "published":
        project.update(status="draft", updatedAt=timestamp())
    return Reply(200, project)


def duplicate_project(call: Call) -> Reply:
    source = find_project(call)
    body = call.json(DUPLICATE_PROJECT)
    store = call.store
    if "slug" in body:
        slug = claim_project_slug(store, body["slug"])
    else:
        base = fit_slug(source["slug"], "-copy", 63)
        slug = unique_slug(base, project_slugs(store), 63)

    now = timestamp()
    project = store.add(
        store.projects,
        {
            **source,
            "id": new_id("proj"),
            "name": body.get("name", fit(source["name"], " (copy)", 100)),
            "slug": slug,
            "status": "draft",
            "publishedAt": None,
            "createdAt": now,
            "updatedAt": now,
        },
    )
    copy_pages(store, source, project, now)
    copy_assets(store, source, project, now)
    return Reply(201, project)


def copy_pages(store: Store, source: Record, target: Record, now: str) -> None:
    """Copy every page of `source` into `target`, keeping the nesting and elements."""
    pages = [p for p in store.pages.values() if p["projectId"] == source["id"]]
    new_ids = {page["id"]: new_id("page") for page in pages}
    for page in pages:
        page_copy = fresh_page_copy(page, now)
        page_copy.update(
            id=new_ids[page["id"]],
            projectId=target["id"],
            parentId=new_ids.get(page["parentId"] or ""),
        )
        store.add(store.pages, page_copy)
        copy_elements(store, page, page_copy, now)


# ----------------------------------------------------------------------------------
# Pages


def find_page(call: Call) -> Record:
    project = find_project(call)
    page_id = call.params["pageId"]
    page = call.store.pages.get(page_id)
    if page is None or page["projectId"] != project["id"]:
        raise not_found("pageId", page_id, "project")
    return page


def sibling_pages(
    store: Store, project_id: str, parent_id: str | None, leaving_out: Record | None
) -> list[Record]:
    return by_position(
        [
            p
            for p in store.pages.values()
            if p["projectId"] == project_id
            and p["parentId"] == parent_id
            and p is not leaving_out
        ]
    )


def check_page_parent(
    store: Store, project_id: str, parent_id: str | None, page: Record | None = None
) -> None:
    """The parent must be a page of the same project and not `page` or below it."""
    if parent_id is None:
        return
    parent = store.pages.get(parent_id)
    if parent is None or parent["projectId"] != project_id:
        raise invalid(
            "Invalid parent page",
            "parentId",
            f"Parent page '{parent_id}' was not found in this project",
        )
    if page is not None and any(a is page for a in lineage(store.pages, parent)):
        raise invalid(
            "Invalid parent page",
            "parentId",
            "A page cannot be moved below itself or one of its child pages",
        )


def claim_page_slug(slug: str, siblings: list[Record]) -> str:
    if any(p["slug"] == slug for p in siblings):
        reason = f"Another page with the same parent already uses the slug '{slug}'"
        raise invalid("Slug is already in use", "slug", reason)
    return slug


def clear_home_page(store: Store, project_id: str) -> None:
    """A project has at most one home page: the new one takes over from the old."""
    for page in store.pages.values():
        if page["projectId"] == project_id and page["isHomePage"]:
            page.update(isHomePage=False, updatedAt=timestamp())


def mark_changed(page: Record) -> None:
    """Note an edit of the page or its elements; on a published page, visitors do
    not see it until the page is published again."""
    page["updatedAt"] = timestamp()
    if page["status"] == "published":
        page["hasUnpublishedChanges"] = True


def publish(page: Record, now: str) -> None:
    page.update(status="published", publishedAt=now, hasUnpublishedChanges=False)
    page["updatedAt"] = now


def fresh_page_copy(page: Record, now: str) -> Record:
    """A deep copy of `page` as a new draft; the caller sets its id and place."""
    page_copy = copy.deepcopy(page)
    page_copy.update(
        status="draft",
        hasUnpublishedChanges=False,
        publishedAt=None,
        createdAt=now,
        updatedAt=now,
    )
    return page_copy


def list_pages(call: Call) -> Reply:
    project = find_project(call)
    query = call.query_values(PAGE_QUERY)
    status, needle = query.get("status"), query.get("search")
    records = [
        p
        for p in call.store.pages.values()
        if p["projectId"] == project["id"]
        and status in (None, p["status"])
        and query.get("parentId", p["parentId"]) == p["parentId"]
        and (matching(p["title"], needle) or matching(p["slug"], needle))
    ]
    records = sort_records(call.store, records, query["sort"])
    return paginate(call, records, query, render_page)


def create_page(call: Call) -> Reply:
    project = find_project(call)
    body = call.json(CREATE_PAGE)
    store = call.store
    parent_id = body.get("parentId")
    check_page_parent(store, project["id"], parent_id)
    siblings = sibling_pages(store, project["id"], parent_id, leaving_out=None)
    if "slug" in body:
        slug = claim_page_slug(body["slug"], siblings)
    else:
        base = slugify(body["title"], "page")
        slug = unique_slug(base, {p["slug"] for p in siblings}, 100)

    now = timestamp()
    page = {
        "id": new_id("page"),
        "projectId": project["id"],
        "title": body["title"],
        "slug": slug,
        "path": "",
        "parentId": parent_id,
        "position": 0,
        "isHomePage": body.get("isHomePage", False),
        "status": "draft",
        "hasUnpublishedChanges": False,
        "seo": body.get("seo", {}),
        "openGraph": body.get("openGraph", {}),
        "publishedAt": None,
        "createdAt": now,
        "updatedAt": now,
    }
    reposition(page, [], siblings, body.get("position"))
    if page["isHomePage"]:
        clear_home_page(store, project["id"])
    return Reply(201, render_page(store, store.add(store.pages, page)))


def get_page(call: Call) -> Reply:
    return Reply(200, render_page(call.store, find_page(call)))


def update_page(call: Call) -> Reply:
    page = find_page(call)
    body = call.json(UPDATE_PAGE)
    store = call.store
    parent_id = body.get("parentId", page["parentId"])
    check_page_parent(store, page["projectId"], parent_id, page)
    siblings = sibling_pages(store, page["projectId"], parent_id, leaving_out=page)
    claim_page_slug(body.get("slug") or page["slug"], siblings)

    if "parentId" in body or "position" in body:
        old = sibling_pages(
            store, page["projectId"], page["parentId"], leaving_out=page
        )
        # Staying under the same parent keeps the place unless a position is given.
        stays = parent_id == page["parentId"]
        default = page["position"] if stays else None
        reposition(page, old, siblings, body.get("position", default))
    if body.get("isHomePage"):
        clear_home_page(store, page["projectId"])

    page.update(body, updatedAt=timestamp())
    mark_changed(page)
    return Reply(200, render_page(store, page))


def delete_page(call: Call) -> Reply:
    page = find_page(call)
    store = call.store
    if any(p["parentId"] == page["id"] for p in store.pages.values()):
        raise invalid("Page cannot be deleted", "pageId", "Page has child pages")

    delete_pages(store, [page])
    renumber(
        sibling_pages(store, page["projectId"], page["parentId"], leaving_out=None)
    )
    return deleted(page)


def delete_pages(store: Store, pages: list[Record]) -> None:
    """Delete pages with their elements."""
    page_ids = {page["id"] for page in pages}
    elements = [e for e in store.elements.values() if e["pageId"] in page_ids]
    store.remove(store.elements, elements)
    store.remove(store.pages, pages)


def publish_page(call: Call) -> Reply:
    page = find_page(call)
    call.json(NO_BODY)
    publish(page, timestamp())
    return Reply(200, render_page(call.store, page))


def unpublish_page(call: Call) -> Reply:
    page = find_page(call)
    call.json(NO_BODY)
    if page["status"] == "published":
        page.update(status="draft", hasUnpublishedChanges=False, updatedAt=timestamp())
    return Reply(200, render_page(call.store, page))


def duplicate_page(call: Call) -> Reply:
    source = find_page(call)
    body = call.json(DUPLICATE_PAGE)
    store = call.store
    parent_id = body.get("parentId", source["parentId"])
    check_page_parent(store, source["projectId"], parent_id)
    siblings = sibling_pages(store, source["projectId"], parent_id, leaving_out=None)
    if "slug" in body:
        slug = claim_page_slug(body["slug"], siblings)
    else:
        base = fit_slug(source["slug"], "-copy", 100)
        slug = unique_slug(base, {p["slug"] for p in siblings}, 100)

    now = timestamp()
    page = fresh_page_copy(source, now)
    page.update(
        id=new_id("page"),
        title=body.get("title", fit(source["title"], " (copy)", 200)),
        slug=slug,
        parentId=parent_id,
        isHomePage=False,
    )
    # Next to the original when it shares its parent; otherwise last.
    beside = parent_id == source["parentId"]
    reposition(page, [], siblings, source["position"] + 1 if beside else None)
    store.add(store.pages, page)
    copy_elements(store, source, page, now)
    return Reply(201, render_page(store, page))


# ----------------------------------------------------------------------------------
# Elements


def find_element(call: Call) -> tuple[Record, Record]:
    """The page and the element that the path names."""
    page = find_page(call)
    element_id = call.params["elementId"]
    element = call.store.elements.get(element_id)
    if element is None or element["pageId"] != page["id"]:
        raise not_found("elementId", element_id, "page")
    return page, element


def page_elements(store: Store, page_id: str) -> list[Record]:
    return [e for e in store.elements.values() if e["pageId"] == page_id]


def sibling_elements(
    store: Store, page_id: str, parent_id: str | None, leaving_out: Record | None
) -> list[Record]:
    return by_position(
        [
            e
            for e in page_elements(store, page_id)
            if e["parentId"] == parent_id and e is not leaving_out
        ]
    )


def subtree(store: Store, element: Record) -> list[Record]:
    """`element` and everything below it."""
    children = sibling_elements(store, element["pageId"], element["id"], None)
    return [
        element,
        *itertools.chain.from_iterable(subtree(store, c) for c in children),
    ]


def check_element_parent(
    store: Store, page_id: str, parent_id: str | None, element: Record | None = None
) -> None:
    """The parent must be a container on the same page, and not `element` or below."""
    if parent_id is None:
        return
    parent = store.elements.get(parent_id)
    if parent is None or parent["pageId"] != page_id:
        reason = f"Parent element '{parent_id}' was not found on this page"
        raise invalid("Invalid parent element", "parentId", reason)
    if parent["type"] not in CONTAINER_TYPES:
        reason = f"Element of type '{parent['type']}' cannot have children"
        raise invalid("Invalid parent element", "parentId", reason)
    if element is not None and any(
        a is element for a in lineage(store.elements, parent)
    ):
        reason = "An element cannot be moved into itself or one of its descendants"
        raise invalid("Invalid parent element", "parentId", reason)


def copy_subtree(
    store: Store, element: Record, page_id: str, parent_id: str | None, now: str
) -> Record:
    """Copy `element` and its descendants under `parent_id` on page `page_id`."""
    children = sibling_elements(store, element["pageId"], element["id"], None)
    element_copy = copy.deepcopy(element)
    element_copy.update(
        id=new_id("el"),
        pageId=page_id,
        parentId=parent_id,
        createdAt=now,
        updatedAt=now,
    )
    store.add(store.elements, element_copy)
    for child in children:
        copy_subtree(store, child, page_id, element_copy["id"], now)
    return element_copy


def copy_elements(store: Store, source: Record, target: Record, now: str) -> None:
    """Copy the whole element tree of page `source` onto page `target`."""
    for root in sibling_elements(store, source["id"], None, None):
        copy_subtree(store, root, target["id"], None, now)


def list_elements(call: Call) -> Reply:
    page = find_page(call)
    query = call.query_values(ELEMENT_QUERY)
    records = [
        e
        for e in page_elements(call.store, page["id"])
        if query.get("parentId", e["parentId"]) == e["parentId"]
        and query.get("type", e["type"]) == e["type"]
    ]
    records = sort_records(call.store, records, query["sort"])
    return paginate(call, records, query, as_stored)


def element_tree(call: Call) -> Reply:
    page = find_page(call)
    children: dict[str | None, list[Record]] = defaultdict(list)
    for element in by_position(page_elements(call.store, page["id"])):
        children[element["parentId"]].append(element)

    def node(element: Record) -> Record:
        return {**element, "children": [node(c) for c in children[element["id"]]]}

    return Reply(
        200, {"pageId": page["id"], "elements": [node(e) for e in children[None]]}
    )


def create_element(call: Call) -> Reply:
    page = find_page(call)
    body = call.json(CREATE_ELEMENT)
    store = call.store
    parent_id = body.get("parentId")
    check_element_parent(store, page["id"], parent_id)
    siblings = sibling_elements(store, page["id"], parent_id, leaving_out=None)

    now = timestamp()
    element = {
        "id": new_id("el"),
        "pageId": page["id"],
        "parentId": parent_id,
        "type": body["type"],
        "name": body.get("name"),
        "position": 0,
        "props": body.get("props", {}),
        "styles": body.get("styles", {}),
        "createdAt": now,
        "updatedAt": now,
    }
    reposition(element, [], siblings, body.get("position"))
    mark_changed(page)
    return Reply(201, store.add(store.elements, element))


def get_element(call: Call) -> Reply:
    return Reply(200, find_element(call)[1])


def update_element(call: Call) -> Reply:
    page, element = find_element(call)
    body = call.json(UPDATE_ELEMENT)
    element.update(body, updatedAt=timestamp())
    mark_changed(page)
    return Reply(200, element)


def delete_element(call: Call) -> Reply:
    page, element = find_element(call)
    store = call.store
    store.remove(store.elements, subtree(store, element))
    renumber(sibling_elements(store, page["id"], element["parentId"], leaving_out=None))
    mark_changed(page)
    return deleted(element)


def move_element(call: Call) -> Reply:
    page, element = find_element(call)
    body = call.json(MOVE_ELEMENT)
    store = call.store
    parent_id = body["parentId"]
    check_element_parent(store, page["id"], parent_id, element)

    old = sibling_elements(store, page["id"], element["parentId"], leaving_out=element)
    new = sibling_elements(store, page["id"], parent_id, leaving_out=element)
    reposition(element, old, new, body.get("position"))
    element.update(parentId=parent_id, updatedAt=timestamp())
    mark_changed(page)
    return Reply(200, element)


def duplicate_element(call: Call) -> Reply:
    page, element = find_element(call)
    call.json(NO_BODY)
    store = call.store
    siblings = sibling_elements(
        store, page["id"], element["parentId"], leaving_out=None
    )

    element_copy = copy_subtree(
        store, element, page["id"], element["parentId"], timestamp()
    )
    reposition(element_copy, [], siblings, element["position"] + 1)
    mark_changed(page)
    return Reply(201, element_copy)


# ----------------------------------------------------------------------------------
# Assets


@dataclass(frozen=True)
class FormPart:
    """One part of a multipart/form-data body."""

    content: bytes
    filename: str | None
    content_type: str


def parse_form(call: Call) -> dict[str, FormPart]:
    """Split a multipart/form-data body into its named parts.

    The standard library's email parser reads MIME multipart bodies; it is given the
    request's Content-Type as a header line so that it knows the boundary.
    """
    content_type = call.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise invalid(
            "Upload a file as multipart/form-data",
            "file",
            f"Expected a multipart/form-data body, got {content_type or 'none'!r}",
        )

    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=policy.HTTP).parsebytes(head + call.body)
    parts: dict[str, FormPart] = {}
    for part in message.iter_parts() if message.is_multipart() else []:
        name = part.get_param("name", header="content-disposition")
        content = part.get_payload(decode=True)
        if isinstance(name, str):
            parts[name] = FormPart(
                content if isinstance(content, bytes) else b"",
                part.get_filename(),
                part.get_content_type(),
            )
    return parts


# Leading bytes of common file formats, for detecting the media type from content.
MAGIC_NUMBERS = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"%PDF-", "application/pdf"),
)


def media_type(content: bytes, declared: str) -> str:
    """The media type detected from the content, else the one the client declared."""
    for magic, detected in MAGIC_NUMBERS:
        if content.startswith(magic):
            return detected
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    if content[4:8] == b"ftyp":
        return "video/mp4"
    return declared


def image_size(content: bytes) -> tuple[int | None, int | None]:
    """Width and height of a PNG (from its IHDR chunk) or a GIF; else unknown."""
    if content[:8] == b"\x89PNG\r\n\x1a\n" and content[12:16] == b"IHDR":
        width, height = struct.unpack(">II", content[16:24])
        return width, height
    if content[:6] in (b"GIF87a", b"GIF89a") and len(content) >= 10:
        width, height = struct.unpack("<HH", content[6:10])
        return width, height
    return None, None


def asset_url(asset: Record) -> str:
    """Where the file is served; fixed at upload, so a later rename keeps it."""
    return f"{CDN_URL}/{asset['projectId']}/{asset['id']}/{quote(asset['fileName'])}"


def find_asset(call: Call) -> Record:
    project = find_project(call)
    asset_id = call.params["assetId"]
    asset = call.store.assets.get(asset_id)
    if asset is None or asset["projectId"] != project["id"]:
        raise not_found("assetId", asset_id, "project")
    return asset


def list_assets(call: Call) -> Reply:
    project = find_project(call)
    query = call.query_values(ASSET_QUERY)
    needle = query.get("search")
    records = [
        a
        for a in call.store.assets.values()
        if a["projectId"] == project["id"]
        and (matching(a["fileName"], needle) or matching(a["altText"], needle))
        and a["mimeType"].lower().startswith(query.get("mimeType", "").lower())
    ]
    records = sort_records(call.store, records, "-createdAt")
    return paginate(call, records, query, as_stored)


def upload_asset(call: Call) -> Reply:
    project = find_project(call)
    parts = parse_form(call)
    upload = parts.pop("file", None)
    if upload is None or not upload.filename:
        raise invalid(
            "Upload a file as multipart/form-data",
            "file",
            "A 'file' part with a filename is required",
        )
    if len(upload.content) > MAX_ASSET_BYTES:
        reason = f"The file must be at most {MAX_ASSET_BYTES // 1024 // 1024} MiB"
        raise invalid("The file is too large", "file", reason)
    texts = {
        name: part.content.decode("utf-8", "replace") for name, part in parts.items()
    }
    fields = validate(texts, UPLOAD_ASSET)
    file_name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1]
    check_value(file_name, ASSET_PROPERTIES["fileName"], UPDATE_ASSET, "fileName")

    now = timestamp()
    width, height = image_size(upload.content)
    asset = {
        "id": new_id("asset"),
        "projectId": project["id"],
        "fileName": file_name,
        "mimeType": media_type(upload.content, upload.content_type),
        "size": len(upload.content),
        "url": "",
        "width": width,
        "height": height,
        "altText": fields.get("altText"),
        "createdAt": now,
        "updatedAt": now,
    }
    asset["url"] = asset_url(asset)
    return Reply(201, call.store.add(call.store.assets, asset))


def copy_assets(store: Store, source: Record, target: Record, now: str) -> None:
    """Copy every asset of project `source` into `target`, each with its own URL."""
    assets = [a for a in store.assets.values() if a["projectId"] == source["id"]]
    for asset in assets:
        asset_copy = dict(asset, id=new_id("asset"), projectId=target["id"])
        asset_copy.update(url=asset_url(asset_copy), createdAt=now, updatedAt=now)
        store.add(store.assets, asset_copy)


def get_asset(call: Call) -> Reply:
    return Reply(200, find_asset(call))


def update_asset(call: Call) -> Reply:
    asset = find_asset(call)
    body = call.json(UPDATE_ASSET)
    asset.update(body, updatedAt=timestamp())
    return Reply(200, asset)


def delete_asset(call: Call) -> Reply:
    asset = find_asset(call)
    call.store.remove(call.store.assets, [asset])
    return deleted(asset)


# ----------------------------------------------------------------------------------
# Routing: the API's operations by method and path template (under /v1)

Handler = Callable[[Call], Reply]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    operation: str
    handler: Handler


def route(method: str, template: str, operation: str, handler: Handler) -> Route:
    """A route whose `{name}` segments become path parameters."""
    pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
    return Route(method, re.compile(f"^{pattern}$"), operation, handler)


PROJECT = "/projects/{projectId}"
PAGE = f"{PROJECT}/pages/{{pageId}}"
ELEMENT = f"{PAGE}/elements/{{elementId}}"
ASSET = f"{PROJECT}/assets/{{assetId}}"

ROUTES = (
    route("GET", "/projects", "listProjects", list_projects),
    route("POST", "/projects", "createProject", create_project),
    route("GET", PROJECT, "getProject", get_project),
    route("PATCH", PROJECT, "updateProject", update_project),
    route("DELETE", PROJECT, "deleteProject", delete_project),
    route("POST", f"{PROJECT}/publish", "publishProject", publish_project),
    route("POST", f"{PROJECT}/unpublish", "unpublishProject", unpublish_project),
    route("POST", f"{PROJECT}/duplicate", "duplicateProject", duplicate_project),
    route("GET", f"{PROJECT}/pages", "listPages", list_pages),
    route("POST", f"{PROJECT}/pages", "createPage", create_page),
    route("GET", PAGE, "getPage", get_page),
    route("PATCH", PAGE, "updatePage", update_page),
    route("DELETE", PAGE, "deletePage", delete_page),
    route("POST", f"{PAGE}/publish", "publishPage", publish_page),
    route("POST", f"{PAGE}/unpublish", "unpublishPage", unpublish_page),
    route("POST", f"{PAGE}/duplicate", "duplicatePage", duplicate_page),
    route("GET", f"{PAGE}/elements", "listElements", list_elements),
    # Before the element item routes, which would read `tree` as an element id.
    route("GET", f"{PAGE}/elements/tree", "getElementTree", element_tree),
    route("POST", f"{PAGE}/elements", "createElement", create_element),
    route("GET", ELEMENT, "getElement", get_element),
    route("PATCH", ELEMENT, "updateElement", update_element),
    route("DELETE", ELEMENT, "deleteElement", delete_element),
    route("POST", f"{ELEMENT}/move", "moveElement", move_element),
    route("POST", f"{ELEMENT}/duplicate", "duplicateElement", duplicate_element),
    route("GET", f"{PROJECT}/assets", "listAssets", list_assets),
    route("POST", f"{PROJECT}/assets", "uploadAsset", upload_asset),
    route("GET", ASSET, "getAsset", get_asset),
    route("PATCH", ASSET, "updateAsset", update_asset),
    route("DELETE", ASSET, "deleteAsset", delete_asset),
)


def match_route(method: str, path: str) -> tuple[Route, dict[str, str]]:
    relative = (
        path.removeprefix(BASE_PATH).rstrip("/") if path.startswith(BASE_PATH) else ""
    )
    for candidate in ROUTES:
        found = candidate.pattern.match(relative)
        if found and candidate.method == method:
            params = {k: unquote(v) for k, v in found.groupdict().items()}
            return candidate, validate(params, PATH_PARAMETERS)
    raise ApiError(404, "NOT_FOUND", f"No operation matches {method} {path}")


# ----------------------------------------------------------------------------------
# The API around the handlers: auth, rate limits, idempotency, envelopes


@dataclass(frozen=True)
class Incoming:
    """A request as read off the wire; header names are lower case."""

    method: str
    path: str
    query: dict[str, str]
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True)
class Outgoing:
    """A response ready to send, except for Content-Length."""

    status: int
    body: bytes
    request_id: str
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RecordedRequest:
    """A request the sandbox received, with the status it answered."""

    method: str
    path: str
    query: dict[str, str]
    headers: Mapping[str, str]
    body: bytes
    status: int
    request_id: str


@dataclass(frozen=True)
class Quota:
    """The caller's rate-limit window, as reported in the X-RateLimit-* headers."""

    limit: int
    remaining: int
    reset_seconds: int
    exceeded: bool = False

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_seconds),
        }


class RateLimiter:
    """A fixed 60-second window per API key; without a limit it only reports."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.windows: dict[str, tuple[float, int]] = {}

    def take(self, api_key: str | None) -> Quota:
        """Count one request against the key's window, unless the window is full."""
        if self.limit is None or api_key is None:
            full = self.limit or UNLIMITED_QUOTA
            return Quota(full, full, RATE_WINDOW_SECONDS)

        now = time.monotonic()
        started, used = self.windows.get(api_key, (now, 0))
        if now - started >= RATE_WINDOW_SECONDS:
            started, used = now, 0
        reset = max(1, math.ceil(started + RATE_WINDOW_SECONDS - now))
        if used >= self.limit:
            return Quota(self.limit, 0, reset, exceeded=True)

        self.windows[api_key] = (started, used + 1)
        return Quota(self.limit, self.limit - used - 1, reset)


@dataclass(frozen=True)
class StoredResponse:
    """The first response to a POST with an Idempotency-Key, kept for its retries."""

    fingerprint: str
    response: Outgoing
    stored_at: float


def request_fingerprint(request: Incoming) -> str:
    """What makes two POSTs the same request: the path and the body's content.

    JSON is compared after parsing, and a multipart body without its boundary, which
    a client may choose afresh for each retry.
    """
    body = request.body
    content_type = request.headers.get("content-type", "")
    boundary = re.search(r'boundary="?([^";]+)', content_type)
    if boundary:
        body = body.replace(boundary.group(1).encode(), b"")
    else:
        with contextlib.suppress(ValueError):
            body = json.dumps(json.loads(body or b"null"), sort_keys=True).encode()
    return hashlib.sha256(request.path.encode() + b"\0" + body).hexdigest()


def encode(body: object) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def meta(request_id: str) -> Record:
    return {"requestId": request_id, "timestamp": timestamp()}


def success_response(reply: Reply, request_id: str) -> Outgoing:
    body: Record = {"success": True, "data": reply.data}
    if reply.pagination is not None:
        body["pagination"] = reply.pagination
    body["meta"] = meta(request_id)
    return Outgoing(reply.status, encode(body), request_id)


def error_response(error: ApiError, request_id: str) -> Outgoing:
    details = {"code": error.code, "message": error.message, "details": error.details}
    body = {"success": False, "error": details, "meta": meta(request_id)}
    return Outgoing(error.status, encode(body), request_id, error.headers)


class SandboxApi:
    """The API without HTTP: turns an `Incoming` request into an `Outgoing` one."""

    def __init__(
        self,
        *,
        api_keys: set[str] | None,
        read_only_keys: set[str],
        rate_limit: int | None,
        page_size_cap: int | None,
    ) -> None:
        self.api_keys = api_keys
        self.read_only_keys = read_only_keys
        self.page_size_cap = page_size_cap
        self.lock = threading.Lock()
        self.store = Store()
        self.limiter = RateLimiter(rate_limit)
        self.stored_responses: OrderedDict[tuple[str, str], StoredResponse] = (
            OrderedDict()
        )
        self.requests: deque[RecordedRequest] = deque(maxlen=MAX_RECORDED_REQUESTS)

    def reset(self) -> None:
        """Forget every resource, stored response, rate window and recorded request."""
        with self.lock:
            self.store = Store()
            self.limiter.windows.clear()
            self.stored_responses.clear()
            self.requests.clear()

    def handle(self, request: Incoming) -> Outgoing:
        """Authenticate, count against the rate limit, route and answer a request."""
        request_id = new_id("req")
        quota = self.limiter.take(None)
        try:
            api_key = self.authenticate(request)
            with self.lock:
                quota = self.limiter.take(api_key)
                response = self.respond(request, api_key, request_id, quota)
        except ApiError as error:
            response = error_response(error, request_id)
        except Exception:
            logger.exception("Sandbox failure on %s %s", request.method, request.path)
            failure = ApiError(500, "INTERNAL_ERROR", "The sandbox failed unexpectedly")
            response = error_response(failure, request_id)
        return self.finish(request, response, quota)

    def refuse(self, request: Incoming, error: ApiError) -> Outgoing:
        """Answer a request that could not be read, such as one with a huge body."""
        response = error_response(error, new_id("req"))
        return self.finish(request, response, self.limiter.take(None))

    def finish(self, request: Incoming, response: Outgoing, quota: Quota) -> Outgoing:
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-Request-Id": response.request_id,
            **quota.headers(),
            **response.headers,
        }
        self.requests.append(
            RecordedRequest(
                request.method,
                request.path,
                request.query,
                request.headers,
                request.body,
                response.status,
                response.request_id,
            )
        )
        return replace(response, headers=headers)

    def authenticate(self, request: Incoming) -> str:
        scheme, _, api_key = request.headers.get("authorization", "").partition(" ")
        api_key = api_key.strip()
        challenge = {"WWW-Authenticate": "Bearer"}
        if scheme.lower() != "bearer" or not api_key:
            reason = "Send the header 'Authorization: Bearer <api key>'"
            raise ApiError(
                401, "UNAUTHORIZED", "Missing API key", {"reason": reason}, challenge
            )
        known = self.api_keys is None or api_key in self.api_keys
        if not known and api_key not in self.read_only_keys:
            reason = "The API key is unknown or revoked"
            raise ApiError(
                401, "UNAUTHORIZED", "Invalid API key", {"reason": reason}, challenge
            )
        return api_key

    def respond(
        self, request: Incoming, api_key: str, request_id: str, quota: Quota
    ) -> Outgoing:
        """Everything after authentication; runs under the lock."""
        if quota.exceeded:
            raise rate_limited(quota)
        if api_key in self.read_only_keys and request.method != "GET":
            reason = "This key may only read; use a key with write access"
            raise ApiError(
                403, "FORBIDDEN", "The API key is read-only", {"reason": reason}
            )
        matched, params = match_route(request.method, request.path)

        def run() -> Outgoing:
            return self.execute(matched, params, request, request_id)

        idempotency_key = request.headers.get("idempotency-key")
        if request.method == "POST" and idempotency_key is not None:
            return self.idempotent(api_key, idempotency_key, request, run)
        return run()

    def execute(
        self, matched: Route, params: dict[str, str], request: Incoming, request_id: str
    ) -> Outgoing:
        call = Call(
            self.store,
            matched.operation,
            params,
            request.query,
            request.headers,
            request.body,
            self.page_size_cap,
        )
        try:
            return success_response(matched.handler(call), request_id)
        except ApiError as error:
            return error_response(error, request_id)

    def idempotent(
        self, api_key: str, key: str, request: Incoming, run: Callable[[], Outgoing]
    ) -> Outgoing:
        """Replay the stored response to a retried POST, or run it and store it."""
        if not 1 <= len(key) <= 255:
            reason = "Idempotency-Key must be 1 to 255 characters"
            raise invalid("Invalid Idempotency-Key header", "Idempotency-Key", reason)
        self.forget_expired_responses()
        fingerprint = request_fingerprint(request)

        stored = self.stored_responses.get((api_key, key))
        if stored is not None and stored.fingerprint != fingerprint:
            reason = "Key reused with a different request body"
            raise invalid("Idempotency key already used", "Idempotency-Key", reason)
        if stored is not None:
            replayed = {**stored.response.headers, "Idempotent-Replayed": "true"}
            return replace(stored.response, headers=replayed)

        response = run()
        # A server failure is not an answer worth repeating: the retry runs again.
        if response.status < 500:
            entry = StoredResponse(fingerprint, response, time.monotonic())
            self.stored_responses[(api_key, key)] = entry
            while len(self.stored_responses) > MAX_STORED_REPLAYS:
                self.stored_responses.popitem(last=False)
        return response

    def forget_expired_responses(self) -> None:
        expired_before = time.monotonic() - REPLAY_TTL_SECONDS
        while self.stored_responses:
            oldest = next(iter(self.stored_responses.values()))
            if oldest.stored_at >= expired_before:
                break
            self.stored_responses.popitem(last=False)


def rate_limited(quota: Quota) -> ApiError:
    return ApiError(
        429,
        "RATE_LIMITED",
        "Too many requests",
        {
            "reason": f"At most {quota.limit} requests per {RATE_WINDOW_SECONDS} s",
            "retryAfter": quota.reset_seconds,
        },
        {"Retry-After": str(quota.reset_seconds)},
    )


# ----------------------------------------------------------------------------------
# HTTP


class BodyError(Exception):
    """A request body that cannot be read: bad framing or too large."""


class SandboxServer(ThreadingHTTPServer):
    """A threading HTTP server that can also close its open keep-alive connections."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], api: SandboxApi) -> None:
        super().__init__(address, SandboxRequestHandler)
        self.api = api
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()

    def track(self, connection: socket.socket, *, is_open: bool) -> None:
        with self.connections_lock:
            if is_open:
                self.connections.add(connection)
            else:
                self.connections.discard(connection)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when a client hangs up mid-response, as timeout tests do."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def close_connections(self) -> None:
        """Shut idle keep-alive sockets so their handler threads end with the server."""
        with self.connections_lock:
            for connection in self.connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)


class SandboxRequestHandler(BaseHTTPRequestHandler):
    """Reads a request, lets `SandboxApi` answer it, writes the response."""

    protocol_version = "HTTP/1.1"
    server_version = "codefluss-sandbox"
    sys_version = ""
    # A buffered writer sends headers and body in one flush; a second small write on a
    # keep-alive connection could otherwise wait for the client's delayed ACK.
    wbufsize = -1
    server: SandboxServer

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection, is_open=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, is_open=False)

    def handle_expect_100(self) -> bool:
        # The buffered writer would hold "100 Continue" back until the final response,
        # and a client such as curl would wait a second before sending its body.
        accepted = super().handle_expect_100()
        self.wfile.flush()
        return accepted

    # http.server dispatches on these names; PUT and OPTIONS get the API's 404 body.
    def do_GET(self) -> None:
        self.serve()

    def do_POST(self) -> None:
        self.serve()

    def do_PATCH(self) -> None:
        self.serve()

    def do_DELETE(self) -> None:
        self.serve()

    def do_PUT(self) -> None:
        self.serve()

    def do_OPTIONS(self) -> None:
        self.serve()

    def serve(self) -> None:
        url = urlsplit(self.path)
        query = {
            k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()
        }
        headers = {name.lower(): value for name, value in self.headers.items()}
        try:
            body = self.read_body()
        except BodyError as problem:
            # The rest of the body is still on the socket: answer and hang up.
            request = Incoming(self.command, url.path, query, headers, b"")
            error = invalid("The request body cannot be read", reason=str(problem))
            self.send(self.server.api.refuse(request, error), close=True)
            return

        request = Incoming(self.command, url.path, query, headers, body)
        self.send(self.server.api.handle(request))

    def read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self.read_chunked_body()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise BodyError("Content-Length is not a number") from None
        if not 0 <= length <= MAX_BODY_BYTES:
            raise BodyError(f"The body must be at most {MAX_BODY_BYTES} bytes")
        return self.rfile.read(length)

    def read_chunked_body(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            try:
                size = int(self.rfile.readline(1024).split(b";")[0], 16)
            except ValueError:
                raise BodyError("A chunk size is not a hexadecimal number") from None
            if size == 0:
                break
            total += size
            if total > MAX_BODY_BYTES:
                raise BodyError(f"The body must be at most {MAX_BODY_BYTES} bytes")
            chunks.append(self.rfile.read(size))
            self.rfile.readline(1024)

        while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
            continue  # trailer fields carry nothing the sandbox uses
        return b"".join(chunks)

    def send(self, response: Outgoing, *, close: bool = False) -> None:
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        if close:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(response.body)

    def log_message(self, *_args: Any) -> None:
        """Silent: tests and benchmarks send thousands of requests."""


# ----------------------------------------------------------------------------------
# Starting and stopping


class Sandbox:
    """A running sandbox server, stopped by `close()` or by leaving its `with`."""

    def __init__(self, server: SandboxServer) -> None:
        self.server = server
        self.thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="codefluss-sandbox",
            daemon=True,
        )
        self.thread.start()

    @property
    def api(self) -> SandboxApi:
        return self.server.api

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{BASE_PATH}"

    @property
    def requests(self) -> deque[RecordedRequest]:
        """The most recent requests received (up to 1000), oldest first."""
        return self.api.requests

    def reset(self) -> None:
        self.api.reset()

    def close(self) -> None:
        self.server.shutdown()
        self.server.close_connections()
        self.server.server_close()
        self.thread.join()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *_exc_info: object) -> None:
        self.close()


def start_sandbox(
    *,
    api_keys: set[str] | frozenset[str] | None = None,
    read_only_keys: set[str] | frozenset[str] = frozenset(),
    rate_limit: int | None = None,
    page_size_cap: int | None = None,
    port: int = 0,
) -> Sandbox:
    """Start a sandbox on 127.0.0.1 (port 0: any free port) in a background thread.

    `api_keys=None` accepts any non-empty key; `read_only_keys` are accepted too, but
    their writes are refused with 403. `rate_limit` allows that many requests per key
    per 60 seconds. `page_size_cap` shortens every list page below the requested
    limit, which makes pagination visible with few records.
    """
    api = SandboxApi(
        api_keys=None if api_keys is None else set(api_keys),
        read_only_keys=set(read_only_keys),
        rate_limit=rate_limit,
        page_size_cap=page_size_cap,
    )
    return Sandbox(SandboxServer(("127.0.0.1", port), api))


@contextlib.contextmanager
def run_sandbox(
    *,
    api_keys: set[str] | frozenset[str] | None = None,
    read_only_keys: set[str] | frozenset[str] = frozenset(),
    rate_limit: int | None = None,
    page_size_cap: int | None = None,
    port: int = 0,
) -> Iterator[Sandbox]:
    """`start_sandbox` for a `with` block; the server stops when the block ends."""
    sandbox = start_sandbox(
        api_keys=api_keys,
        read_only_keys=read_only_keys,
        rate_limit=rate_limit,
        page_size_cap=page_size_cap,
        port=port,
    )
    with sandbox:
        yield sandbox


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.servers.sandbox",
        description="Run the in-memory CODEFLUSS sandbox API on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument(
        "--api-key",
        action="append",
        dest="api_keys",
        help="an accepted API key (repeatable); without any, every key is accepted",
    )
    parser.add_argument(
        "--read-only-key", action="append", default=[], help="a key that may only read"
    )
    parser.add_argument("--rate-limit", type=int, help="requests per key per minute")
    parser.add_argument("--page-size-cap", type=int, help="largest page a list returns")
    args = parser.parse_args(argv)

    with run_sandbox(
        api_keys=None if args.api_keys is None else set(args.api_keys),
        read_only_keys=set(args.read_only_key),
        rate_limit=args.rate_limit,
        page_size_cap=args.page_size_cap,
        port=args.port,
    ) as sandbox:
        print(sandbox.base_url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
