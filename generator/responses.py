"""What an operation's method returns, and the errors it documents.

The body of the success response, unwrapped when its schema is an envelope
(`x-envelope`), walked page by page when it is a list with `x-pagination`; several
success statuses with different bodies give a union. Error statuses map to the
runtime's exception classes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .annotations import strip_optional, union_of
from .bundle import Bundle
from .document_values import choose_media_type, is_json, text
from .errors import Diagnostics
from .load import Pointer, parse_pointer
from .model import ErrorResponse, ModelClass, Pagination, Response
from .schemas import PyType, SchemaBuilder


class ResponseBuilder:
    """Builds what methods return and the errors they document."""

    def __init__(
        self, bundle: Bundle, schemas: SchemaBuilder, diagnostics: Diagnostics
    ) -> None:
        self.bundle = bundle
        self.schemas = schemas
        self.diagnostics = diagnostics

    def response(
        self, operation: dict[str, Any], pointer: Pointer, hint: str
    ) -> Response:
        """What the method returns: the body of its success response, or of each.

        When several success statuses have different bodies (200 with a model, 202
        with another, 204 with none), the first is the main description and each
        other one is decoded by its status; the method returns their union. Ranges
        (`2XX`) are read only when no single status is documented.
        """
        responses = operation.get("responses") or {}
        codes = sorted(str(c) for c in responses if str(c).startswith("2"))
        if any(code.isdigit() for code in codes):
            codes = [code for code in codes if code.isdigit()]
        if not codes and "default" in responses:
            codes = ["default"]  # the only response documented is the success
        if not codes:
            return Response("none", "None", "None")

        main = self._success(responses, codes[0], pointer, f"{hint}Response")
        alternatives = []
        for code in codes[1:]:
            other = self._success(responses, code, pointer, f"{hint}Response{code}")
            if (other.kind, other.body_annotation, other.envelope) != (
                main.kind,
                main.body_annotation,
                main.envelope,
            ):
                alternatives.append((int(code), other))
        if not alternatives:
            return main
        if main.pagination is not None:
            self.diagnostics.warn(
                f"The success statuses {codes} have different bodies, so the list is "
                "returned as one page and not walked.",
                self.bundle.location((*pointer, "responses")),
                self.schemas.operation,
            )
        annotations = [main.return_annotation]
        annotations += [a.return_annotation for _, a in alternatives]
        return replace(
            main,
            return_annotation=union_of(annotations),
            pagination=None,
            alternatives=tuple(alternatives),
        )

    def errors(self, operation: dict[str, Any]) -> tuple[ErrorResponse, ...]:
        """The documented error responses, with the exception each one raises."""
        return tuple(
            ErrorResponse(
                str(status),
                text(self.schemas.deref(r).get("description")),
                _exception(str(status)),
            )
            for status, r in (operation.get("responses") or {}).items()
            if not str(status).startswith("2")
            and isinstance(self.schemas.deref(r), dict)
        )

    def _success(
        self, responses: dict[str, Any], code: str, pointer: Pointer, hint: str
    ) -> Response:
        """The description of one success response's body."""
        response = self.schemas.deref(responses.get(code))
        content = (
            (response or {}).get("content") if isinstance(response, dict) else None
        )
        if not content:
            return Response("none", "None", "None")

        media_type, media = choose_media_type(content)
        if not is_json(media_type):
            kind = "text" if media_type.startswith("text/") else "binary"
            annotation = "str" if kind == "text" else "bytes"
            return Response(kind, annotation, annotation)  # type: ignore[arg-type]

        schema = (media or {}).get("schema") if isinstance(media, dict) else None
        if schema is None:
            return Response("json", "Any", "Any")
        schema_pointer = (*pointer, "responses", code, "content", media_type, "schema")
        body_type = self.schemas.type_of(schema, schema_pointer, hint)
        resolved = self.schemas.deref(schema)
        envelope = _marker(resolved, "x-envelope", self.schemas)
        pagination_marker = _marker(resolved, "x-pagination", self.schemas)
        model = self._model(body_type)
        if model is None or not isinstance(envelope, str):
            return Response("json", body_type.annotation, body_type.annotation)

        payload = next((p for p in model.properties if p.wire_name == envelope), None)
        if payload is None:
            return Response("json", body_type.annotation, body_type.annotation)
        return_annotation = strip_optional(payload.annotation)
        pagination = None
        if isinstance(pagination_marker, dict) and return_annotation.startswith(
            "list["
        ):
            pagination = self._pagination(
                pagination_marker, model, return_annotation[5:-1]
            )
        return Response(
            "json", body_type.annotation, return_annotation, payload.name, pagination
        )

    def _pagination(
        self, marker: dict[str, Any], model: ModelClass, item: str
    ) -> Pagination | None:
        """How the list's pages are walked: the marker's pointers as attribute paths.

        None, with a warning, when the marker names what the body does not have.
        """

        def attributes(pointer: Any) -> tuple[str, ...] | None:
            if not isinstance(pointer, str):
                return None
            current: ModelClass | None = model
            path = []
            for token in parse_pointer(pointer):
                prop = (
                    next((p for p in current.properties if p.wire_name == token), None)
                    if current
                    else None
                )
                if prop is None:
                    return None
                path.append(prop.name)
                current = self._model_named(strip_optional(prop.annotation))
            return tuple(path)

        items, has_more, next_cursor = (
            attributes(marker.get(k)) for k in ("items", "hasMore", "nextCursor")
        )
        if not (
            items
            and has_more
            and next_cursor
            and isinstance(marker.get("cursorParam"), str)
        ):
            self.diagnostics.warn(
                f"The x-pagination marker {marker!r} does not name items, hasMore, "
                "nextCursor "
                "and cursorParam that the body has; the list is returned as one page.",
                None,
                self.schemas.operation,
            )
            return None
        return Pagination(
            items,
            has_more,
            next_cursor,
            attributes(marker.get("total")),
            marker["cursorParam"],
            item,
        )

    def _model(self, py_type: PyType) -> ModelClass | None:
        return self._model_named(py_type.annotation)

    def _model_named(self, name: str) -> ModelClass | None:
        pending = self.schemas.pending.get(name)
        definition = pending.definition if pending else None
        return definition if isinstance(definition, ModelClass) else None


_EXCEPTIONS = {
    "400": "BadRequestError",
    "401": "AuthenticationError",
    "403": "PermissionDeniedError",
    "404": "NotFoundError",
    "409": "ConflictError",
    "422": "UnprocessableEntityError",
    "429": "RateLimitError",
}


def _exception(status: str) -> str:
    """The runtime exception class raised for a documented error status."""
    if status in _EXCEPTIONS:
        return _EXCEPTIONS[status]
    return "InternalServerError" if status.startswith("5") else "APIStatusError"


def _marker(schema: Any, key: str, schemas: SchemaBuilder) -> Any:
    """An `x-` marker on a schema or inherited through its `allOf` parts."""
    schema = schemas.deref(schema)
    if not isinstance(schema, dict):
        return None
    if key in schema:
        return schema[key]
    for part in schema.get("allOf") or ():
        found = _marker(part, key, schemas)
        if found is not None:
            return found
    return None
