"""Build the intermediate model from a bundled, validated document.

Operations are grouped into resources (by first tag, else by first path segment), given
method names (see ARCHITECTURE.md, "Method names"), parameters (path parameters in path
order, the rest keyword-only), and a response description (envelope, pagination). Every
name is converted and made unique here, so the templates only print.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Literal

from .bundle import Bundle
from .config import Config
from .document_examples import media_example, parameter_example
from .errors import Diagnostics
from .load import Pointer, escape_token, parse_pointer
from .model import (
    Conventions,
    EnumClass,
    Environment,
    ErrorResponse,
    ModelClass,
    Operation,
    Package,
    Pagination,
    Parameter,
    ParameterLocation,
    Resource,
    Response,
)
from .names import (
    UniqueNames,
    pascal_case,
    python_literal,
    snake_case,
    string_literal,
)
from .schemas import PyType, SchemaBuilder, merged_properties

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Arguments every method has; a parameter of the same name is renamed.
METHOD_ARGUMENTS = frozenset(
    {
        "self",
        "extra_headers",
        "extra_query",
        "extra_body",
        "timeout",
        "idempotency_key",
        "max_retries",
    }
)
# Client attributes a resource cannot be named.
CLIENT_ATTRIBUTES = frozenset(
    {"with_options", "close", "base_url", "api_key", "max_retries", "timeout",
     "environment", "with_raw_response", "aclose", "copy"}
)  # fmt: skip
# Names the client module and every resource module import or define; a resource
# class (or its Async and WithRawResponse twins) of the same name would shadow them.
RESOURCE_MODULE_NAMES = frozenset(
    {
        "Environment", "APIConventions", "AsyncAPIClient", "SyncAPIClient", "Mapping",
        "ClassVar", "Literal", "Any", "TYPE_CHECKING", "Timeout", "NotGiven", "Body",
        "Headers", "Query", "FileContent", "FileTypes", "ResponseSpec",
        "CursorPagination", "SyncCursorPage", "AsyncCursorPage", "AsyncPaginator",
        "SyncAPIResource", "AsyncAPIResource",
    }
)  # fmt: skip
# Modules that annotations in a resource class name; a method of the same name would
# hide them from the annotations after it.
_ANNOTATION_MODULES = frozenset({"datetime", "uuid"})
# How a query array that is not exploded joins its items, by style.
_DELIMITERS = {"spaceDelimited": " ", "pipeDelimited": "|"}
# Words a method name does without: `get-a-classroom` is `retrieve`, not `a`.
_ARTICLES = frozenset({"a", "an", "the"})
# Headers OpenAPI says are not described as parameters (ignored if they are).
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
_REQUEST_ID_HEADERS = (
    "x-request-id",
    "request-id",
    "x-correlation-id",
    "x-amzn-requestid",
)
_VERB_ALIASES = {
    "get": "retrieve",
    "read": "retrieve",
    "fetch": "retrieve",
    "show": "retrieve",
}
_SHADOWABLE = ("list", "dict", "type", "set", "bytes", "str", "int", "float", "bool")


def build_package(bundle: Bundle, config: Config, diagnostics: Diagnostics) -> Package:
    """The whole intermediate model of the package generated from `bundle`."""
    data = bundle.data
    schemas = SchemaBuilder(bundle, diagnostics)
    conventions = _conventions(bundle, diagnostics)
    operations = _OperationBuilder(
        bundle, schemas, diagnostics, conventions, config.client
    )
    resources = operations.resources()
    operations.report_own_servers()
    webhooks = data.get("webhooks")
    if isinstance(webhooks, dict) and webhooks:
        diagnostics.warn(
            f"The document's webhooks ({', '.join(map(repr, webhooks))}) are not "
            "generated: they are requests the API sends, not ones the client makes. "
            "Their schemas are generated as models when they are components.",
            bundle.location(("webhooks",)),
        )
    # Every named schema becomes a model, used by an operation or not: a document's
    # components are part of what it publishes.
    for name in (data.get("components") or {}).get("schemas") or {}:
        schemas.reference(f"#/components/schemas/{escape_token(name)}")

    modules = schemas.modules()
    module_of = {d.name: m.name for m in modules for d in m.definitions}
    resources = _class_names(resources, operations.taken_class_names | set(module_of))
    resources = tuple(_with_imports(r, module_of) for r in resources)
    info = data.get("info") or {}
    return Package(
        package=config.package,
        distribution=config.distribution,
        client_class=config.client,
        base_error=f"{config.client}Error",
        env_prefix=config.env_prefix,
        version=config.version or str(info.get("version") or "0.0.0"),
        title=str(info.get("title") or config.client),
        description=str(info.get("description") or ""),
        environments=_environments(data.get("servers") or []),
        conventions=conventions,
        resources=resources,
        modules=modules,
        exports=tuple(sorted(module_of.items())),
    )


# ------------------------------------------------------------------- conventions


def _conventions(bundle: Bundle, diagnostics: Diagnostics) -> Conventions:
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


def _environments(servers: list[Any]) -> tuple[Environment, ...]:
    names = UniqueNames()
    environments = []
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
        environments.append(
            Environment(name, url.rstrip("/"), str(server.get("description") or ""))
        )
    return tuple(environments)


# -------------------------------------------------------------------- operations


class _OperationBuilder:
    def __init__(
        self,
        bundle: Bundle,
        schemas: SchemaBuilder,
        diagnostics: Diagnostics,
        conventions: Conventions,
        client_class: str,
    ) -> None:
        self.bundle = bundle
        self.schemas = schemas
        self.diagnostics = diagnostics
        self.conventions = conventions
        # Servers given for single operations -> (operation, where), for one warning.
        self.own_servers: dict[tuple[str, ...], list[tuple[str, Pointer]]] = {}
        # Names the client module defines; a resource class must not shadow them.
        self.taken_class_names = {
            client_class,
            f"Async{client_class}",
            *RESOURCE_MODULE_NAMES,
        }

    def resources(self) -> tuple[Resource, ...]:
        grouped: dict[str, list[tuple[str, str, dict[str, Any], Pointer]]] = {}
        for path, path_item in (self.bundle.data.get("paths") or {}).items():
            if not isinstance(path_item, dict):
                continue
            for method in HTTP_METHODS:
                operation = path_item.get(method)
                if isinstance(operation, dict):
                    group = _resource_label(operation, path)
                    pointer = ("paths", path, method)
                    grouped.setdefault(group, []).append(
                        (path, method, operation, pointer)
                    )

        tags = {
            t.get("name"): t
            for t in self.bundle.data.get("tags") or []
            if isinstance(t, dict)
        }
        resource_names = UniqueNames(CLIENT_ATTRIBUTES)
        resources = []
        for label, entries in grouped.items():
            name = resource_names.claim(snake_case(label, prefix="resource"))
            operations = self._operations(name, entries)
            description = str((tags.get(label) or {}).get("description") or "")
            shadowed = tuple(sorted({op.name for op in operations} & set(_SHADOWABLE)))
            if shadowed:
                operations = [_qualify_builtins(op, shadowed) for op in operations]
            # The class name is final once the models are named: see _class_names.
            class_name = pascal_case(label, prefix="Resource")
            resources.append(
                Resource(name, class_name, description, tuple(operations), (), shadowed)
            )
        return tuple(resources)

    def _operations(
        self, resource: str, entries: list[tuple[str, str, dict[str, Any], Pointer]]
    ) -> list[Operation]:
        names = UniqueNames({"with_raw_response"})
        constants = UniqueNames()
        built = []
        for path, method, operation, pointer in entries:
            label = f"{method.upper()} {path}"
            self.schemas.operation = label
            preferred = _method_name(resource, path, method, operation)
            if preferred in names:
                # Two operations want one name: the later spells out its operationId.
                preferred = snake_case(
                    operation.get("operationId") or f"{method} {path}"
                )
            if preferred in _ANNOTATION_MODULES:
                preferred += "_"
            name = names.claim(preferred)
            built.append(
                self._operation(
                    resource, name, path, method, operation, pointer, constants
                )
            )
        self.schemas.operation = None
        return built

    def _operation(
        self,
        resource: str,
        name: str,
        path: str,
        method: str,
        operation: dict[str, Any],
        pointer: Pointer,
        constants: UniqueNames,
    ) -> Operation:
        hint = pascal_case(f"{resource} {name}")
        path_item = self.bundle.data["paths"][path]
        self._check_unsupported(operation, path_item, pointer)
        argument_names = UniqueNames(METHOD_ARGUMENTS)
        parameters = self._parameters(
            path, path_item, operation, pointer, hint, argument_names
        )
        body_kind, body_parameters, body_parameter = self._body(
            operation, pointer, hint, argument_names
        )
        response = self._response(operation, pointer, hint)
        errors = tuple(
            ErrorResponse(
                str(status),
                _text(self.schemas.deref(r).get("description")),
                _exception(str(status)),
            )
            for status, r in (operation.get("responses") or {}).items()
            if not str(status).startswith("2")
            and isinstance(self.schemas.deref(r), dict)
        )
        idempotency = self.conventions.idempotency_header
        takes_key = idempotency is not None and any(
            isinstance(p, dict)
            and str(p.get("name", "")).lower() == idempotency.lower()
            for p in self._raw_parameters(path_item, operation)
        )
        return Operation(
            name=name,
            operation_id=str(operation.get("operationId") or ""),
            http_method=method.upper(),
            path=path,
            path_expression=_path_expression(path, parameters),
            summary=_text(operation.get("summary")),
            description=_text(operation.get("description")),
            parameters=(*parameters, *body_parameters),
            body_kind=body_kind,
            body_media_type=self._body_media_type(operation),
            body_parameter=body_parameter,
            response=response,
            errors=errors,
            deprecated=bool(operation.get("deprecated")),
            idempotency_key=takes_key,
            spec_constant=constants.claim(f"_{name.upper()}_RESPONSE"),
            example_arguments=self._example_arguments(operation, body_parameters),
        )

    def _check_unsupported(
        self, operation: dict[str, Any], path_item: dict[str, Any], pointer: Pointer
    ) -> None:
        """Warn about what an operation declares that its method does not do.

        Callbacks are requests the API makes, so they have no method. Servers given
        for one operation or path are not used: the method sends to the client's
        base URL, which a client made with `base_url=` for those servers can change.
        """
        label = self.schemas.operation
        if operation.get("callbacks"):
            self.diagnostics.warn(
                "The operation's callbacks are not generated: they are requests the "
                "API makes, not ones the client sends.",
                self.bundle.location((*pointer, "callbacks")),
                label,
            )
        servers = operation.get("servers") or path_item.get("servers")
        if isinstance(servers, list) and servers:
            urls = tuple(str(s.get("url")) for s in servers if isinstance(s, dict))
            where = pointer if operation.get("servers") else pointer[:-1]
            self.own_servers.setdefault(urls, []).append(
                (label or "", (*where, "servers"))
            )

    def report_own_servers(self) -> None:
        """One warning per set of servers that operations give for themselves."""
        for urls, places in self.own_servers.items():
            labels = [label for label, _ in places]
            named = ", ".join(labels[:3]) + (", ..." if len(labels) > 3 else "")
            self.diagnostics.warn(
                f"The servers {list(urls)!r} given for {len(labels)} operation"
                f"{'s' if len(labels) > 1 else ''} ({named}) are not used: the methods "
                "send to the client's base URL; make a client with `base_url=` set to "
                "one of them to call these operations there.",
                self.bundle.location(places[0][1]),
            )

    def _check_read_only(self, wire_name: str, schema: Any, pointer: Pointer) -> None:
        """Warn when a nested body model can only be built with read-only values."""
        if not isinstance(schema, dict):
            return
        properties, required = merged_properties(schema, self.schemas)
        read_only = sorted(
            name
            for name in required & properties.keys()
            if _is_read_only(self.schemas.deref(properties[name][0]))
        )
        if read_only:
            self.diagnostics.warn(
                f"The body property {wire_name!r} is an object whose model requires "
                f"the read-only properties {read_only}; a model built to send sends "
                "them too. Pass a dict to send the object without them.",
                self.bundle.location(pointer),
                self.schemas.operation,
            )

    def _body_media_type(self, operation: dict[str, Any]) -> str:
        body = self.schemas.deref(operation.get("requestBody"))
        content = body.get("content") if isinstance(body, dict) else None
        return (
            _choose_media_type(content)[0]
            if isinstance(content, dict) and content
            else ""
        )

    def _example_arguments(
        self, operation: dict[str, Any], body_parameters: list[Parameter]
    ) -> tuple[tuple[str, str], ...]:
        """Keyword arguments from the first request example, for docs and READMEs."""
        body = self.schemas.deref(operation.get("requestBody"))
        content = body.get("content") if isinstance(body, dict) else None
        if not isinstance(content, dict) or not content:
            return ()
        _, media = _choose_media_type(content)
        example = media_example(media, self.schemas.deref)
        if not isinstance(example, dict):
            return ()
        by_wire = {p.wire_name: p for p in body_parameters if p.location != "file"}
        return tuple(
            (by_wire[key].name, python_literal(value))
            for key, value in example.items()
            if key in by_wire
        )

    # ---------------------------------------------------------------- parameters

    def _raw_parameters(
        self, path_item: dict[str, Any], operation: dict[str, Any]
    ) -> list[Any]:
        merged: dict[tuple[str, str], Any] = {}
        for parameter in [
            *(path_item.get("parameters") or []),
            *(operation.get("parameters") or []),
        ]:
            resolved = self.schemas.deref(parameter)
            if isinstance(resolved, dict):
                merged[(str(resolved.get("name")), str(resolved.get("in")))] = resolved
        return list(merged.values())

    def _parameters(
        self,
        path: str,
        path_item: dict[str, Any],
        operation: dict[str, Any],
        pointer: Pointer,
        hint: str,
        names: UniqueNames,
    ) -> list[Parameter]:
        raw = self._raw_parameters(path_item, operation)
        order = {name: i for i, name in enumerate(re.findall(r"{([^}]+)}", path))}
        raw.sort(key=lambda p: (p.get("in") != "path", order.get(p.get("name"), 0)))
        idempotency = (self.conventions.idempotency_header or "").lower()
        built = []
        for parameter in raw:
            location = parameter.get("in")
            wire_name = str(parameter.get("name"))
            if location == "header" and wire_name.lower() in (
                _IGNORED_HEADERS | {idempotency}
            ):
                continue
            if location not in ("path", "query", "header", "cookie"):
                continue
            schema = parameter.get("schema")
            if schema is None and isinstance(parameter.get("content"), dict):
                media = next(iter(parameter["content"].values()), None)
                schema = media.get("schema") if isinstance(media, dict) else None
            py_type = self.schemas.type_of(
                schema or {}, pointer, hint + pascal_case(wire_name)
            )
            required = bool(parameter.get("required")) or location == "path"
            if location == "query" and py_type.category == "object":
                self._check_object_style(parameter, pointer)
            built.append(
                self._parameter(
                    wire_name, location, py_type, required, parameter, names
                )
            )
        return built

    def _check_object_style(self, parameter: dict[str, Any], pointer: Pointer) -> None:
        """Object query parameters are sent as `name[key]=value` (deepObject) only."""
        style = parameter.get("style", "form")
        if style != "deepObject":
            self.diagnostics.warn(
                f"The query parameter {parameter.get('name')!r} is an object in the "
                f"{style!r} style; the client sends objects in the 'deepObject' style "
                "(`name[key]=value`). Pass the keys through `extra_query` if the API "
                "expects them otherwise.",
                self.bundle.location(pointer),
                self.schemas.operation,
            )

    def _parameter(
        self,
        wire_name: str,
        location: ParameterLocation,
        py_type: PyType,
        required: bool,
        spec: dict[str, Any],
        names: UniqueNames,
    ) -> Parameter:
        base = snake_case(wire_name, prefix="param")
        name = names.claim(base if base not in names else f"{base}_{location}")
        py_type = self._accept_enum_values(py_type)
        annotation = py_type.annotation if required else _optional(py_type.annotation)
        schema = spec.get("schema") if isinstance(spec.get("schema"), dict) else spec
        style = spec.get("style", "form")
        explode = spec.get("explode", style == "form")
        example = parameter_example(spec, self.schemas.deref)
        description = _text(
            spec.get("description") or (schema or {}).get("description")
        )
        deprecated = bool(spec.get("deprecated") or (schema or {}).get("deprecated"))
        if deprecated:
            description = f"Deprecated. {description}".strip()
        return Parameter(
            name=name,
            wire_name=wire_name,
            location=location,
            annotation=annotation,
            required=required,
            default="NOT_GIVEN",
            description=description,
            deprecated=deprecated,
            explode=bool(explode),
            delimiter=_DELIMITERS.get(style, ","),
            example=None if example is ... else python_literal(example),
        )

    def _accept_enum_values(self, py_type: PyType) -> PyType:
        """An enum argument also takes its values as plain strings (or integers).

        `status="published"` reads better than `status=ProjectStatus.PUBLISHED`, and
        type checkers still catch a misspelt value through the Literal.
        """
        core = _strip_optional(py_type.annotation)
        pending = self.schemas.pending.get(core)
        enum = pending.definition if pending else None
        if not isinstance(enum, EnumClass):
            return py_type
        values = ", ".join(member.value for member in enum.members)
        annotation = f"{core} | Literal[{values}]"
        if py_type.annotation.endswith(" | None"):
            annotation += " | None"
        imports = py_type.imports | {"from typing import Literal"}
        return replace(py_type, annotation=annotation, imports=imports)

    def _body(
        self, operation: dict[str, Any], pointer: Pointer, hint: str, names: UniqueNames
    ) -> tuple[Any, list[Parameter], Parameter | None]:
        body = self.schemas.deref(operation.get("requestBody"))
        if not isinstance(body, dict) or not isinstance(body.get("content"), dict):
            return "none", [], None
        media_type, media = _choose_media_type(body["content"])
        kind = _body_kind(media_type)
        schema = media.get("schema") if isinstance(media, dict) else None
        schema_value = self.schemas.deref(schema) if schema is not None else {}
        required_body = bool(body.get("required"))
        body_pointer = (*pointer, "requestBody", "content", media_type, "schema")

        properties: dict[str, tuple[Any, Pointer]] = {}
        required: set[str] = set()
        if kind != "binary" and isinstance(schema_value, dict):
            properties, required = merged_properties(
                schema_value, self.schemas, body_pointer
            )
        if not properties:
            py_type = (
                PyType("FileContent", "bytes") if kind == "binary"
                else self.schemas.type_of(schema or {}, body_pointer, f"{hint}Body")
            )  # fmt: skip
            name = names.claim("body")
            annotation = (
                py_type.annotation if required_body else _optional(py_type.annotation)
            )
            return (
                kind,
                [],
                Parameter(name, "body", "body", annotation, required_body, "NOT_GIVEN"),
            )

        built = []
        for wire_name, (prop_schema, prop_pointer) in properties.items():
            resolved = self.schemas.deref(prop_schema)
            if isinstance(resolved, dict) and resolved.get("readOnly"):
                continue  # set by the server; never sent
            location: ParameterLocation = "body"
            if kind in ("multipart", "form"):
                location = "file" if _is_binary(resolved, self.schemas) else "form"
            py_type = (
                PyType("FileTypes", "bytes") if location == "file"
                else self.schemas.type_of(
                    prop_schema, prop_pointer, hint + pascal_case(wire_name)
                )
            )  # fmt: skip
            if py_type.category == "object" and py_type.definitions:
                # A nested object: its model, or a dict sent as it is (API names).
                # The model is the one responses use, so it also has the schema's
                # read-only properties; a required one must be given to build it,
                # and is then sent. A dict leaves them out.
                self._check_read_only(wire_name, resolved, prop_pointer)
                annotation = f"{_strip_optional(py_type.annotation)} | dict[str, Any]"
                py_type = replace(
                    py_type,
                    annotation=annotation + (" | None" if py_type.nullable else ""),
                    imports=py_type.imports | {"from typing import Any"},
                )
            is_required = required_body and wire_name in required
            spec = resolved if isinstance(resolved, dict) else {}
            parameter = self._parameter(
                wire_name, location, py_type, is_required, spec, names
            )
            built.append(_with_constant(parameter, spec, py_type))
        return kind, built, None

    # ------------------------------------------------------------------ responses

    def _response(
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
            return_annotation=_union_of(annotations),
            pagination=None,
            alternatives=tuple(alternatives),
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

        media_type, media = _choose_media_type(content)
        if not _is_json(media_type):
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
        return_annotation = _strip_optional(payload.annotation)
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
                current = self._model_named(_strip_optional(prop.annotation))
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

    # -------------------------------------------------------------------- helpers

    def _model(self, py_type: PyType) -> ModelClass | None:
        return self._model_named(py_type.annotation)

    def _model_named(self, name: str) -> ModelClass | None:
        pending = self.schemas.pending.get(name)
        definition = pending.definition if pending else None
        return definition if isinstance(definition, ModelClass) else None


# ------------------------------------------------------------------------- helpers


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


def _resource_label(operation: dict[str, Any], path: str) -> str:
    tags = operation.get("tags")
    if isinstance(tags, list) and tags and isinstance(tags[0], str) and tags[0].strip():
        return tags[0]
    segments = [s for s in path.split("/") if s and not s.startswith("{")]
    return segments[0] if segments else "default"


def _method_name(
    resource: str, path: str, method: str, operation: dict[str, Any]
) -> str:
    """The Python method name for an operation (see ARCHITECTURE.md, "Method names")."""
    explicit = operation.get("x-method-name")
    if isinstance(explicit, str) and explicit.strip():
        return snake_case(explicit)

    resource_words = set(resource.split("_"))
    resource_words |= {w[:-1] for w in resource_words if w.endswith("s")}
    resource_words |= {w[:-3] + "y" for w in resource_words if w.endswith("ies")}
    operation_id = operation.get("operationId")
    if isinstance(operation_id, str) and operation_id.strip():
        words = [
            w
            for w in snake_case(operation_id).split("_")
            if w not in resource_words and w not in _ARTICLES
        ]
        if words:
            if words[0] in _VERB_ALIASES and len(words) > 1:
                words = words[1:]
            elif len(words) == 1:
                words = [_VERB_ALIASES.get(words[0], words[0])]
            return snake_case("_".join(words))
    return _shape_name(path, method)


def _shape_name(path: str, method: str) -> str:
    """A name from the path's shape, for operations without a usable operationId.

    `GET /pets` -> list, `POST /pets` -> create, `GET|PATCH|DELETE /pets/{id}` ->
    retrieve|update|delete; an action segment after an item keeps its name for `POST`
    (`POST /projects/{id}/publish` -> publish) and takes the verb otherwise
    (`PUT /pets/{id}/photo` -> update_photo, `GET /pets/{id}/photo` -> photo).
    """
    segments = [s for s in path.split("/") if s]
    on_item = bool(segments) and segments[-1].startswith("{")
    if segments and not on_item and len(segments) > 1 and segments[-2].startswith("{"):
        action = snake_case(segments[-1])
        prefix = {"put": "update", "patch": "update", "delete": "delete"}.get(method)
        return f"{prefix}_{action}" if prefix else action
    verbs = {
        ("get", False): "list", ("post", False): "create", ("get", True): "retrieve",
        ("put", True): "update", ("patch", True): "update", ("delete", True): "delete",
    }  # fmt: skip
    last = segments[-1] if segments else ""
    return verbs.get((method, on_item), snake_case(f"{method} {last}"))


def _class_names(
    resources: tuple[Resource, ...], taken: set[str]
) -> tuple[Resource, ...]:
    """Give each resource a class name that shadows nothing its modules import.

    The client module imports `X` and `AsyncX`; the resource module defines those and
    `XWithRawResponse`, `AsyncXWithRawResponse` beside the models it imports. When
    any of them is taken, the name takes a `Resource` suffix ("Pets" beside a model
    named Pets is `PetsResource`), then a number.
    """
    names = UniqueNames(taken)
    named = []
    for resource in resources:
        base, number = resource.class_name, 1
        candidate = base
        while any(n in names for n in _class_family(candidate)):
            number += 1
            candidate = f"{base}Resource" if number == 2 else f"{base}Resource{number}"
        for name in _class_family(candidate):
            names.claim(name)
        named.append(replace(resource, class_name=candidate))
    return tuple(named)


def _class_family(name: str) -> tuple[str, ...]:
    return (
        name,
        f"Async{name}",
        f"{name}WithRawResponse",
        f"Async{name}WithRawResponse",
    )


def _path_expression(path: str, parameters: list[Parameter]) -> str:
    """An f-string building the path: `f"/projects/{_path_param(project_id)}"`."""
    by_wire = {p.wire_name: p.name for p in parameters if p.location == "path"}
    pieces = re.split(r"({[^}]+})", path)
    out = []
    for piece in pieces:
        if piece.startswith("{") and piece.endswith("}") and piece[1:-1] in by_wire:
            out.append("{_path_param(" + by_wire[piece[1:-1]] + ")}")
        else:
            out.append(piece.replace("{", "{{").replace("}", "}}"))
    literal = string_literal("".join(out))
    return "f" + literal if by_wire else literal


def _choose_media_type(content: dict[str, Any]) -> tuple[str, Any]:
    def rank(media_type: str) -> int:
        if _is_json(media_type):
            return 0
        return {"multipart/form-data": 1, "application/x-www-form-urlencoded": 2}.get(
            media_type, 3
        )

    media_type = min(content, key=rank)
    return media_type, content[media_type]


def _body_kind(media_type: str) -> Any:
    if _is_json(media_type):
        return "json"
    if media_type == "multipart/form-data":
        return "multipart"
    if media_type == "application/x-www-form-urlencoded":
        return "form"
    return "binary"


def _is_json(media_type: str) -> bool:
    base = media_type.split(";", maxsplit=1)[0].strip().lower()
    return base == "application/json" or base.endswith("+json") or base == "*/*"


def _is_binary(schema: Any, schemas: SchemaBuilder) -> bool:
    schema = schemas.deref(schema)
    if not isinstance(schema, dict):
        return False
    if (
        schema.get("format") == "binary"
        or schema.get("contentMediaType")
        or schema.get("contentEncoding") == "binary"
    ):
        return True
    return schema.get("type") == "array" and _is_binary(schema.get("items"), schemas)


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


def _optional(annotation: str) -> str:
    """`T | NotGiven`, with `None` kept last: `str | NotGiven | None`."""
    if annotation.endswith(" | None"):
        return f"{_strip_optional(annotation)} | NotGiven | None"
    return f"{annotation} | NotGiven"


def _is_read_only(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("readOnly") is True


def _with_constant(
    parameter: Parameter, schema: dict[str, Any], py_type: PyType
) -> Parameter:
    """A required property with a `const` value is an argument that defaults to it.

    It is sent on every call, so the caller need not spell out `kind="note"`; an
    optional constant stays optional, and is sent only when given.
    """
    if "const" not in schema or py_type.category == "any" or not parameter.required:
        return parameter
    return replace(
        parameter,
        annotation=py_type.annotation,
        required=False,
        default=python_literal(schema["const"]),
    )


def _union_of(annotations: list[str]) -> str:
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


def _strip_optional(annotation: str) -> str:
    """`T | None` and `T | UnsetType | None` (an optional nullable property) -> `T`."""
    return annotation.removesuffix(" | None").removesuffix(" | UnsetType")


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _qualify_builtins(operation: Operation, shadowed: tuple[str, ...]) -> Operation:
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


def _with_imports(resource: Resource, module_of: dict[str, str]) -> Resource:
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
