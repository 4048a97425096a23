"""What the client must know about the API as a whole, read from the document.

How it authenticates, the headers that carry a request id and an idempotency key,
where an error body keeps its code and message (`x-error`), the envelope's meta field
(`x-envelope`), and the servers it can be sent to (its environments). These are
printed into the client class; see ARCHITECTURE.md, "The `x-` extensions".
"""

from __future__ import annotations

from typing import Any, Literal

from .bundle import Bundle
from .errors import Diagnostics
from .load import parse_pointer
from .model import Conventions, Environment
from .names import UniqueNames, snake_case

# Headers that carry a request id, in order of preference; the client reads the first
# one the document's headers or responses name.
_REQUEST_ID_HEADERS = (
    "x-request-id",
    "request-id",
    "x-correlation-id",
    "x-amzn-requestid",
)


def api_conventions(bundle: Bundle, diagnostics: Diagnostics) -> Conventions:
    """What the runtime must know about the API, read from the document."""
    data = bundle.data
    components = data.get("components") or {}
    auth, auth_header = _authentication(bundle, diagnostics)

    error_paths: dict[str, tuple[str, ...]] = {}
    meta_field = None
    for schema in (components.get("schemas") or {}).values():
        if not isinstance(schema, dict):
            continue
        marker = schema.get("x-error")
        if isinstance(marker, dict) and not error_paths:
            error_paths = {k: parse_pointer(str(v)) for k, v in marker.items() if v}
        if schema.get("x-envelope") and "meta" in (schema.get("properties") or {}):
            meta_field = "meta"

    return Conventions(
        auth=auth,
        auth_header=auth_header,
        request_id_header=_find_request_id_header(data),
        idempotency_header=_find_idempotency_header(data),
        error_code=error_paths.get("code"),
        error_message=error_paths.get("message"),
        error_details=error_paths.get("details"),
        meta_field=meta_field,
    )


def _authentication(
    bundle: Bundle, diagnostics: Diagnostics
) -> tuple[Literal["bearer", "header"] | None, str]:
    """How the client sends its API key, from the document's security schemes.

    A bearer token (HTTP bearer, OAuth 2 or OpenID Connect access token) goes in
    `Authorization: Bearer`; an API key in a header goes in that header. Other schemes
    (HTTP basic, keys in the query or a cookie) are not sent by the client: it warns,
    and the credentials can be passed with `default_headers` or `default_query`.
    """
    schemes = (bundle.data.get("components") or {}).get("securitySchemes") or {}
    found: tuple[Literal["bearer", "header"] | None, str] = (None, "Authorization")
    for name, scheme in schemes.items():
        if not isinstance(scheme, dict):
            continue
        kind = scheme.get("type")
        if kind in ("oauth2", "openIdConnect") or (
            kind == "http" and str(scheme.get("scheme", "")).lower() == "bearer"
        ):
            return ("bearer", "Authorization")
        if kind == "apiKey" and scheme.get("in") == "header" and found[0] is None:
            found = ("header", str(scheme.get("name") or "Authorization"))
        elif found[0] is None:
            diagnostics.warn(
                f"The security scheme {name!r} ({kind}, in {scheme.get('in', '-')}) is "
                "not sent by the client; pass its credentials with `default_headers` "
                "or `default_query`.",
                bundle.location(("components", "securitySchemes", name)),
            )
    return found


def _find_request_id_header(data: dict[str, Any]) -> str | None:
    headers = (data.get("components") or {}).get("headers") or {}
    names = list(headers)
    for response in ((data.get("components") or {}).get("responses") or {}).values():
        if isinstance(response, dict):
            names += list(response.get("headers") or {})
    by_lower = {name.lower(): name for name in reversed(names)}
    return next((by_lower[h] for h in _REQUEST_ID_HEADERS if h in by_lower), None)


def _find_idempotency_header(data: dict[str, Any]) -> str | None:
    parameters = list(((data.get("components") or {}).get("parameters") or {}).values())
    for path_item in (data.get("paths") or {}).values():
        for operation in (path_item or {}).values():
            if isinstance(operation, dict):
                parameters += operation.get("parameters") or []
    for parameter in parameters:
        if (
            isinstance(parameter, dict)
            and parameter.get("in") == "header"
            and str(parameter.get("name", "")).lower() == "idempotency-key"
        ):
            return str(parameter["name"])
    return None


def environments(servers: list[Any]) -> tuple[Environment, ...]:
    """One environment per server: named by `x-environment`, variables at defaults."""
    names = UniqueNames()
    found = []
    for index, server in enumerate(servers):
        if not isinstance(server, dict) or not isinstance(server.get("url"), str):
            continue
        url = server["url"]
        for variable, spec in (server.get("variables") or {}).items():
            url = url.replace(
                "{" + variable + "}", str((spec or {}).get("default", ""))
            )
        label = server.get("x-environment") or (
            "production" if index == 0 else f"server {index + 1}"
        )
        name = names.claim(snake_case(str(label), prefix="server"))
        found.append(
            Environment(name, url.rstrip("/"), str(server.get("description") or ""))
        )
    return tuple(found)
