"""Build the intermediate model from a bundled, validated document.

Operations are grouped into resources (by first tag, else by path: see resource_names),
given method names (see ARCHITECTURE.md, "Method names"), parameters (path parameters
in path order, the rest keyword-only), and a response description (envelope,
pagination). Every name is converted and made unique here, so the templates only
print.

The parts live in modules of their own, which this one composes: `conventions` (what
the client must know about the API as a whole), `resource_names`, `parameters`,
`request_bodies`, `responses` and `annotations`; `schemas` builds the models.
"""

from __future__ import annotations

from typing import Any

from .annotations import SHADOWABLE, qualify_builtins, with_imports
from .bundle import Bundle
from .config import Config
from .conventions import api_conventions, environments
from .document_values import text
from .errors import Diagnostics
from .load import Pointer, escape_token, path_operations
from .model import Conventions, Operation, Package, Resource
from .names import UniqueNames, pascal_case, snake_case
from .parameters import METHOD_ARGUMENTS, ParameterBuilder, path_expression
from .request_bodies import BodyBuilder
from .resource_names import CLIENT_ATTRIBUTES, class_names, method_names, resource_label
from .responses import ResponseBuilder
from .schemas import SchemaBuilder


def build_package(bundle: Bundle, config: Config, diagnostics: Diagnostics) -> Package:
    """The whole intermediate model of the package generated from `bundle`."""
    data = bundle.data
    schemas = SchemaBuilder(bundle, diagnostics)
    conventions = api_conventions(bundle, diagnostics)
    operations = _OperationBuilder(bundle, schemas, diagnostics, conventions)
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
    resources = class_names(resources, config.client, set(module_of))
    resources = tuple(with_imports(r, module_of) for r in resources)
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
        environments=environments(data.get("servers") or []),
        conventions=conventions,
        resources=resources,
        modules=modules,
        exports=tuple(sorted(module_of.items())),
    )


class _OperationBuilder:
    """Groups the document's operations into resources and builds their methods."""

    def __init__(
        self,
        bundle: Bundle,
        schemas: SchemaBuilder,
        diagnostics: Diagnostics,
        conventions: Conventions,
    ) -> None:
        self.bundle = bundle
        self.schemas = schemas
        self.diagnostics = diagnostics
        self.parameters = ParameterBuilder(
            bundle, schemas, diagnostics, conventions.idempotency_header
        )
        self.bodies = BodyBuilder(bundle, schemas, diagnostics, self.parameters)
        self.responses = ResponseBuilder(bundle, schemas, diagnostics)
        # Servers given for single operations -> (operation, where), for one warning.
        self.own_servers: dict[tuple[str, ...], list[tuple[str, Pointer]]] = {}

    def resources(self) -> tuple[Resource, ...]:
        """The resources and their methods; class names are settled by class_names."""
        grouped: dict[str, list[tuple[str, str, dict[str, Any], Pointer]]] = {}
        for path, method, operation in path_operations(self.bundle.data.get("paths")):
            group = resource_label(operation, path)
            pointer = ("paths", path, method)
            grouped.setdefault(group, []).append((path, method, operation, pointer))

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
            shadowed = tuple(sorted({op.name for op in operations} & set(SHADOWABLE)))
            if shadowed:
                operations = [qualify_builtins(op, shadowed) for op in operations]
            # The class name is final once the models are named: see class_names.
            class_name = pascal_case(label, prefix="Resource")
            resources.append(
                Resource(name, class_name, description, tuple(operations), (), shadowed)
            )
        return tuple(resources)

    def _operations(
        self, resource: str, entries: list[tuple[str, str, dict[str, Any], Pointer]]
    ) -> list[Operation]:
        names = method_names(resource, [entry[:3] for entry in entries])
        constants = UniqueNames()
        built = []
        for name, (path, method, operation, pointer) in zip(
            names, entries, strict=True
        ):
            self.schemas.operation = f"{method.upper()} {path}"
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
        parameters = self.parameters.parameters(
            path, path_item, operation, pointer, hint, argument_names
        )
        body_kind, body_parameters, body_parameter = self.bodies.body(
            operation, pointer, hint, argument_names
        )
        response = self.responses.response(operation, pointer, hint)
        return Operation(
            name=name,
            operation_id=str(operation.get("operationId") or ""),
            http_method=method.upper(),
            path=path,
            path_expression=path_expression(path, parameters),
            summary=text(operation.get("summary")),
            description=text(operation.get("description")),
            parameters=(*parameters, *body_parameters),
            body_kind=body_kind,
            body_media_type=self.bodies.media_type(operation),
            body_parameter=body_parameter,
            response=response,
            errors=self.responses.errors(operation),
            deprecated=bool(operation.get("deprecated")),
            idempotency_key=self.parameters.takes_idempotency_key(path_item, operation),
            spec_constant=constants.claim(f"_{name.upper()}_RESPONSE"),
            example_arguments=self.bodies.example_arguments(operation, body_parameters),
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
