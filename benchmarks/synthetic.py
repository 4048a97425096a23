"""Synthetic OpenAPI 3.1 documents of any size, the same for the same arguments.

A document of N operations has ceil(N / 5) resources of five operations each (the last
may have fewer): `list` (cursor-paginated), `create` (with an idempotency key and a
request example), `retrieve`, `update`, and `delete` or an action (`archive`). Every
third resource is nested under the one before it, so its paths carry two path
parameters. Each resource brings its own schemas: a model built with `allOf` on a
shared base, a status enum, an inline nested object, a recursive list of itself, a
`oneOf` union with a discriminator, the create and update bodies, and the success and
list envelopes (`x-envelope`, `x-pagination`), so the document goes through the same
parts of the generator as the CODEFLUSS document, in proportion to its size.

    document = build_document(1000)               # a dict, ready for json or yaml
    write_document(Path("big/openapi.yaml"), 1000)  # plus big/generator.yaml
"""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import yaml

OPERATIONS_PER_RESOURCE = 5
DEFAULT_PACKAGE = "synthetic"

_ADJECTIVES = (
    "amber", "bold", "calm", "dusty", "eager", "fancy", "gentle", "hollow", "icy",
    "jolly", "keen", "lucky", "misty", "noble", "olive", "proud", "quiet", "rapid",
    "silver", "tidy", "urban", "vivid", "witty", "young", "zesty", "brave", "crisp",
    "dapper", "early", "fuzzy",
)  # fmt: skip
_NOUNS = (
    "gadget", "widget", "lantern", "basket", "ticket", "rocket", "garden", "harbor",
    "meadow", "pebble", "canvas", "ribbon", "saddle", "tunnel", "violin", "wagon",
    "anchor", "beacon", "candle", "dragon", "engine", "falcon", "helmet", "island",
    "jacket", "kettle", "ladder", "magnet", "needle", "orchard",
)  # fmt: skip
_WORDS = (
    "account", "batch", "cache", "change", "client", "config", "cursor", "default",
    "entry", "event", "field", "filter", "history", "index", "item", "label", "limit",
    "member", "owner", "policy", "record", "region", "request", "result", "rule",
    "scope", "setting", "source", "state", "target", "token", "value", "version",
)  # fmt: skip
_STATUSES = ("draft", "active", "archived", "pending", "suspended", "retired")
_ERRORS = (
    ("400", "BadRequest", "The request is invalid."),
    ("401", "Unauthorized", "The request has no valid API key."),
    ("404", "NotFound", "Nothing exists at this path."),
    ("429", "RateLimited", "The API key has made too many requests."),
    ("500", "InternalError", "An unexpected error occurred on the server."),
)
_REF = "#/components/"


def build_document(operations: int, seed: int = 0) -> dict[str, Any]:
    """An OpenAPI 3.1 document with `operations` operations; `seed` varies its text."""
    if operations < 1:
        raise ValueError(f"A document needs at least one operation, not {operations}.")
    rng = random.Random(seed)  # noqa: S311 - varies filler text, not a secret
    count = math.ceil(operations / OPERATIONS_PER_RESOURCE)
    document = _skeleton(operations)
    resources = [_Resource(index, rng) for index in range(count)]
    for resource in resources:
        parent = resources[resource.index - 1] if resource.index % 3 == 2 else None
        first = resource.index * OPERATIONS_PER_RESOURCE
        wanted = min(OPERATIONS_PER_RESOURCE, operations - first)
        resource.add_to(document, parent, wanted)
    return document


def write_document(
    path: Path | str,
    operations: int,
    *,
    seed: int = 0,
    package: str = DEFAULT_PACKAGE,
) -> Path:
    """Write the document as YAML at `path`, and a `generator.yaml` naming `package`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_yaml(build_document(operations, seed)), encoding="utf-8")
    config = f"package: {package}\nclient: {_pascal(package)}\n"
    (path.parent / "generator.yaml").write_text(config, encoding="utf-8")
    return path


def dump_yaml(document: dict[str, Any]) -> str:
    """`document` as YAML, written out in full as a person writes one.

    The document shares Python objects between its operations; PyYAML would print
    each shared object once with an anchor and elsewhere as an alias. Real documents
    seldom use anchors, and with them any edited copy that does not share the same
    objects (a JSON round trip, say) would differ from the original all over, not
    just where it was edited.
    """
    return yaml.dump(
        document,
        Dumper=UnaliasedDumper,
        sort_keys=False,
        allow_unicode=True,
        width=88,
    )


class UnaliasedDumper(yaml.CSafeDumper):
    """Writes a value shared by two places twice, as most documents are written."""

    def ignore_aliases(self, data: object) -> bool:  # noqa: ARG002 - every object
        return True


# ------------------------------------------------------------------------ document


def _skeleton(operations: int) -> dict[str, Any]:
    """Everything but the resources: info, servers, auth and the shared components."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"Synthetic API ({operations} operations)",
            "version": "1.0.0",
            "description": "A generated document for benchmarks and scaling tests.",
        },
        "servers": [
            {"url": "https://api.example.test/v1", "x-environment": "production"},
            {"url": "https://sandbox.example.test/v1", "x-environment": "sandbox"},
        ],
        "security": [{"bearerAuth": []}],
        "tags": [],
        "paths": {},
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": _shared_schemas(),
            "parameters": _shared_parameters(),
            "headers": {
                "X-Request-Id": {
                    "description": "The id of the request, as in `meta.requestId`.",
                    "schema": {"type": "string"},
                }
            },
            "responses": {
                name: {
                    "description": description,
                    "headers": {
                        "X-Request-Id": {"$ref": _REF + "headers/X-Request-Id"}
                    },
                    "content": {
                        "application/json": {
                            "schema": {"$ref": _REF + "schemas/ErrorResponse"}
                        }
                    },
                }
                for _, name, description in _ERRORS
            },
        },
    }


def _shared_schemas() -> dict[str, Any]:
    meta = {
        "type": "object",
        "description": "Information about the request that produced the response.",
        "required": ["requestId", "timestamp"],
        "properties": {
            "requestId": {"type": "string", "examples": ["req_abc123"]},
            "timestamp": {"type": "string", "format": "date-time"},
        },
    }
    success = {
        "type": "object",
        "description": "The envelope around every successful response.",
        "x-envelope": "data",
        "required": ["success", "data", "meta"],
        "properties": {
            "success": {"type": "boolean", "const": True},
            "data": {"description": "The result of the operation."},
            "meta": {"$ref": _REF + "schemas/Meta"},
        },
    }
    listing = {
        "type": "object",
        "description": "The envelope around every list response.",
        "x-envelope": "data",
        "x-pagination": {
            "style": "cursor",
            "items": "/data",
            "hasMore": "/pagination/hasMore",
            "nextCursor": "/pagination/nextCursor",
            "total": "/pagination/total",
            "cursorParam": "cursor",
        },
        "required": ["success", "data", "pagination", "meta"],
        "properties": {
            "success": {"type": "boolean", "const": True},
            "data": {
                "type": "array",
                "items": {},
                "description": "The items of this page.",
            },
            "pagination": {"$ref": _REF + "schemas/Pagination"},
            "meta": {"$ref": _REF + "schemas/Meta"},
        },
    }
    pagination = {
        "type": "object",
        "description": "Where this page stands in the whole list.",
        "required": ["hasMore", "nextCursor"],
        "properties": {
            "hasMore": {"type": "boolean"},
            "nextCursor": {"type": ["string", "null"]},
            "total": {"type": "integer", "minimum": 0},
        },
    }
    error = {
        "type": "object",
        "description": "The body of every error response.",
        "x-error": {
            "code": "/error/code",
            "message": "/error/message",
            "details": "/error/details",
        },
        "required": ["success", "error"],
        "properties": {
            "success": {"type": "boolean", "const": False},
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "details": {"type": "object", "additionalProperties": True},
                },
            },
            "meta": {"$ref": _REF + "schemas/Meta"},
        },
    }
    base = {
        "type": "object",
        "description": "What every stored object has: its id and timestamps.",
        "required": ["id", "createdAt", "updatedAt"],
        "properties": {
            "id": {"type": "string", "readOnly": True, "examples": ["obj_8f2k1m"]},
            "createdAt": {"type": "string", "format": "date-time", "readOnly": True},
            "updatedAt": {"type": "string", "format": "date-time", "readOnly": True},
        },
    }
    text_block = {
        "type": "object",
        "description": "A block of text.",
        "required": ["kind", "text"],
        "properties": {
            "kind": {"type": "string"},
            "text": {"type": "string", "maxLength": 10000},
            "format": {"type": "string", "enum": ["plain", "markdown"]},
        },
    }
    media_block = {
        "type": "object",
        "description": "An image or a video, by URL.",
        "required": ["kind", "url"],
        "properties": {
            "kind": {"type": "string"},
            "url": {"type": "string", "format": "uri"},
            "width": {"type": "integer", "minimum": 1},
            "height": {"type": "integer", "minimum": 1},
        },
    }
    deleted = {
        "type": "object",
        "description": "The result of a deletion.",
        "required": ["id", "deleted"],
        "properties": {
            "id": {"type": "string"},
            "deleted": {"type": "boolean", "const": True},
        },
    }
    return {
        "Meta": meta,
        "SuccessEnvelope": success,
        "ListEnvelope": listing,
        "Pagination": pagination,
        "ErrorResponse": error,
        "StoredObject": base,
        "TextBlock": text_block,
        "MediaBlock": media_block,
        "DeletedObject": deleted,
        "DeletedObjectResponse": {
            "description": "The success envelope around the result of a deletion.",
            "allOf": [
                {"$ref": _REF + "schemas/SuccessEnvelope"},
                {"properties": {"data": {"$ref": _REF + "schemas/DeletedObject"}}},
            ],
        },
    }


def _shared_parameters() -> dict[str, Any]:
    return {
        "Limit": {
            "name": "limit",
            "in": "query",
            "description": "The largest number of items to return, from 1 to 100.",
            "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
        },
        "Cursor": {
            "name": "cursor",
            "in": "query",
            "description": "Where to continue: the `nextCursor` of the previous page.",
            "schema": {"type": "string"},
        },
        "IdempotencyKey": {
            "name": "Idempotency-Key",
            "in": "header",
            "description": "A unique key that makes a retried request safe to repeat.",
            "schema": {"type": "string", "maxLength": 255},
        },
    }


# ------------------------------------------------------------------------ resources


class _Resource:
    """The names and text of one resource, and the parts of the document it adds."""

    def __init__(self, index: int, rng: random.Random) -> None:
        adjective = _ADJECTIVES[index % len(_ADJECTIVES)]
        noun = _NOUNS[(index // len(_ADJECTIVES)) % len(_NOUNS)]
        # Past 900 resources the words repeat; a number keeps the names apart.
        round_ = index // (len(_ADJECTIVES) * len(_NOUNS))
        words = [adjective, noun] if round_ == 0 else [adjective, f"{noun}{round_}"]
        self.index = index
        self.rng = rng
        self.singular = " ".join(words)  # "amber gadget"
        article = "an" if adjective[0] in "aeiou" else "a"
        self.a_singular = f"{article} {self.singular}"  # "an amber gadget"
        self.plural = self.singular + "s"
        self.model = _pascal(self.singular)  # "AmberGadget"
        self.camel = self.model[0].lower() + self.model[1:]  # "amberGadget"
        self.tag = self.plural.capitalize()  # "Amber gadgets"
        self.segment = "-".join(self.plural.split())  # "amber-gadgets"
        self.id_param = f"{self.camel}Id"
        self.statuses = list(_STATUSES[: 3 + index % 4])

    def add_to(
        self, document: dict[str, Any], parent: _Resource | None, operations: int
    ) -> None:
        """Add this resource's tag, paths and schemas; `operations` of them (1 to 5)."""
        document["tags"].append({"name": self.tag, "description": self._sentences(2)})
        document["components"]["schemas"].update(self._schemas())

        prefix = ""
        parent_parameters: list[dict[str, Any]] = []
        if parent is not None:
            prefix = f"/{parent.segment}/{{{parent.id_param}}}"
            parent_parameters = [parent.path_parameter()]
        collection = f"{prefix}/{self.segment}"
        item = f"{collection}/{{{self.id_param}}}"
        item_parameters = [*parent_parameters, self.path_parameter()]

        planned = [
            (collection, "get", self._list),
            (collection, "post", self._create),
            (item, "get", self._retrieve),
            (item, "patch", self._update),
            (
                (item, "delete", self._delete)
                if self.index % 2 == 0
                else (f"{item}/archive", "post", self._archive)
            ),
        ]
        paths = document["paths"]
        for path, method, make in planned[:operations]:
            shared = parent_parameters if path == collection else item_parameters
            path_item = paths.setdefault(path, {"parameters": shared} if shared else {})
            path_item[method] = make()

    def path_parameter(self) -> dict[str, Any]:
        return {
            "name": self.id_param,
            "in": "path",
            "required": True,
            "description": f"The id of the {self.singular}.",
            "schema": {"type": "string", "pattern": "^[a-z]+_[A-Za-z0-9]+$"},
        }

    # ------------------------------------------------------------- operations

    def _operation(
        self, verb: str, summary: str, schema: str, *, errors: tuple[str, ...]
    ) -> dict[str, Any]:
        ok = "201" if verb == "create" else "200"
        noun = self.model if verb != "list" else _pascal(self.plural)
        return {
            "operationId": f"{verb}{noun}",
            "tags": [self.tag],
            "summary": summary,
            "description": self._sentences(3),
            "responses": {
                ok: {
                    "description": f"{summary}: the result.",
                    "headers": {
                        "X-Request-Id": {"$ref": _REF + "headers/X-Request-Id"}
                    },
                    "content": {
                        "application/json": {
                            "schema": {"$ref": f"{_REF}schemas/{schema}"}
                        }
                    },
                },
                **{
                    status: {"$ref": f"{_REF}responses/{name}"}
                    for status, name, _ in _ERRORS
                    if status in errors
                },
            },
        }

    def _list(self) -> dict[str, Any]:
        operation = self._operation(
            "list",
            f"List {self.plural}",
            f"{self.model}List",
            errors=("400", "401", "429", "500"),
        )
        operation["parameters"] = [
            {"$ref": _REF + "parameters/Limit"},
            {"$ref": _REF + "parameters/Cursor"},
            {
                "name": "status",
                "in": "query",
                "description": f"Return only the {self.plural} with this status.",
                "schema": {"$ref": f"{_REF}schemas/{self.model}Status"},
            },
            {
                "name": "search",
                "in": "query",
                "description": "Return only the items whose name contains this text.",
                "schema": {"type": "string", "maxLength": 100},
            },
            {
                "name": "sort",
                "in": "query",
                "description": "The order of the results.",
                "schema": {
                    "type": "string",
                    "enum": ["name", "-name", "createdAt", "-createdAt"],
                    "default": "-createdAt",
                },
            },
        ]
        return operation

    def _create(self) -> dict[str, Any]:
        operation = self._operation(
            "create",
            f"Create {self.a_singular}",
            f"{self.model}Response",
            errors=("400", "401", "429", "500"),
        )
        operation["parameters"] = [{"$ref": _REF + "parameters/IdempotencyKey"}]
        operation["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"$ref": f"{_REF}schemas/{self.model}Create"},
                    "examples": {
                        "basic": {
                            "value": {
                                "name": f"My {self.singular}",
                                "tags": ["new"],
                            }
                        }
                    },
                }
            },
        }
        return operation

    def _retrieve(self) -> dict[str, Any]:
        return self._operation(
            "get",
            f"Retrieve {self.a_singular}",
            f"{self.model}Response",
            errors=("400", "401", "404", "429", "500"),
        )

    def _update(self) -> dict[str, Any]:
        operation = self._operation(
            "update",
            f"Update {self.a_singular}",
            f"{self.model}Response",
            errors=("400", "401", "404", "429", "500"),
        )
        operation["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"$ref": f"{_REF}schemas/{self.model}Update"}
                }
            },
        }
        return operation

    def _delete(self) -> dict[str, Any]:
        return self._operation(
            "delete",
            f"Delete {self.a_singular}",
            "DeletedObjectResponse",
            errors=("400", "401", "404", "429", "500"),
        )

    def _archive(self) -> dict[str, Any]:
        return self._operation(
            "archive",
            f"Archive {self.a_singular}",
            f"{self.model}Response",
            errors=("400", "401", "404", "429", "500"),
        )

    # ---------------------------------------------------------------- schemas

    def _schemas(self) -> dict[str, Any]:
        model = self.model
        writable = self._writable_properties()
        return {
            f"{model}Status": {
                "type": "string",
                "description": f"Where {self.a_singular} stands in its life.",
                "enum": self.statuses,
            },
            model: {
                "description": self._sentences(2),
                "allOf": [
                    {"$ref": _REF + "schemas/StoredObject"},
                    {
                        "type": "object",
                        "required": ["name", "status"],
                        "properties": {
                            **writable,
                            "status": {"$ref": f"{_REF}schemas/{model}Status"},
                            "children": {
                                "type": "array",
                                "description": f"The {self.plural} inside this one.",
                                "items": {"$ref": f"{_REF}schemas/{model}"},
                            },
                        },
                    },
                ],
            },
            f"{model}Content": {
                "description": f"What {self.a_singular} shows: text or media.",
                "oneOf": [
                    {"$ref": _REF + "schemas/TextBlock"},
                    {"$ref": _REF + "schemas/MediaBlock"},
                ],
                "discriminator": {
                    "propertyName": "kind",
                    "mapping": {
                        "text": _REF + "schemas/TextBlock",
                        "media": _REF + "schemas/MediaBlock",
                    },
                },
            },
            f"{model}Create": {
                "type": "object",
                "description": f"The properties of a new {self.singular}.",
                "required": ["name"],
                "additionalProperties": False,
                "properties": writable,
            },
            f"{model}Update": {
                "type": "object",
                "description": f"The properties of {self.a_singular} to change.",
                "minProperties": 1,
                "additionalProperties": False,
                "properties": writable,
            },
            f"{model}Response": {
                "description": f"The success envelope around {self.a_singular}.",
                "allOf": [
                    {"$ref": _REF + "schemas/SuccessEnvelope"},
                    {"properties": {"data": {"$ref": f"{_REF}schemas/{model}"}}},
                ],
            },
            f"{model}List": {
                "description": f"The list envelope around one page of {self.plural}.",
                "allOf": [
                    {"$ref": _REF + "schemas/ListEnvelope"},
                    {
                        "properties": {
                            "data": {
                                "type": "array",
                                "items": {"$ref": f"{_REF}schemas/{model}"},
                            }
                        }
                    },
                ],
            },
        }

    def _writable_properties(self) -> dict[str, Any]:
        """The properties a client may set, shared by the model and its bodies."""
        extra = self.rng.sample(_WORDS, 2)
        return {
            "name": {
                "type": "string",
                "minLength": 1,
                "maxLength": 100,
                "description": f"The name of the {self.singular}.",
                "examples": [f"My {self.singular}"],
            },
            "description": {
                "type": ["string", "null"],
                "description": self._sentences(1),
            },
            "priority": {"type": "integer", "minimum": 0, "maximum": 10},
            "tags": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Free-form labels.",
            },
            "settings": {
                "type": "object",
                "description": f"How the {self.singular} behaves.",
                "properties": {
                    f"{extra[0]}Enabled": {"type": "boolean"},
                    f"{extra[1]}Limit": {"type": "integer", "minimum": 0},
                    "weight": {"type": "number"},
                    "labels": {
                        "type": "object",
                        "additionalProperties": {"type": "string"},
                    },
                },
            },
            "content": {"$ref": f"{_REF}schemas/{self.model}Content"},
            "parentId": {
                "type": ["string", "null"],
                "description": f"The {self.singular} this one sits in, or `null`.",
            },
        }

    def _sentences(self, count: int) -> str:
        """A few sentences of filler text, different for each seed."""
        sentences = []
        for _ in range(count):
            words = self.rng.sample(_WORDS, 6)
            sentences.append(
                f"The {self.singular} keeps its {words[0]} and {words[1]} apart from "
                f"the {words[2]}, so that each {words[3]} sees its own {words[4]} "
                f"and {words[5]}."
            )
        return " ".join(sentences)


def _pascal(text: str) -> str:
    """`amber gadget` -> `AmberGadget`, `synthetic_api` -> `SyntheticApi`."""
    return "".join(
        word[:1].upper() + word[1:] for word in text.replace("_", " ").split()
    )
