"""build and schemas: names, responses and the warnings for what is left out."""

from __future__ import annotations

import textwrap

from generator.build import build_package
from generator.bundle import bundle
from generator.config import load_config
from generator.errors import Diagnostics
from generator.load import load_document
from generator.model import Package
from generator.schemas import SchemaBuilder

from .conftest import WriteFiles


def build(write: WriteFiles, paths: str, rest: str = "") -> tuple[Package, list[str]]:
    """Build the package of a 3.1 document with these paths (and other sections)."""
    text = "openapi: 3.1.0\ninfo: {title: Demo, version: '1'}\npaths:\n"
    text += textwrap.indent(textwrap.dedent(paths), "  ") + textwrap.dedent(rest)
    spec = write({"openapi.yaml": text})
    diagnostics = Diagnostics()
    package = build_package(
        bundle(load_document(spec)), load_config(spec, None, "demo"), diagnostics
    )
    return package, [d.message for d in diagnostics.warnings]


OK = "responses: {'204': {description: done}}"


def test_a_resource_class_never_shadows_a_model_or_a_runtime_name(
    write: WriteFiles,
) -> None:
    package, _ = build(
        write,
        f"""\
        /pets: {{get: {{tags: [Pet], {OK}}}}}
        /query: {{get: {{tags: [Query], {OK}}}}}
        """,
        """\
        components:
          schemas:
            Pet: {type: object, properties: {id: {type: string}}}
        """,
    )
    assert [r.class_name for r in package.resources] == ["PetResource", "QueryResource"]


def test_method_names_drop_articles_and_module_names(write: WriteFiles) -> None:
    package, _ = build(
        write,
        f"""\
        /classrooms/{{id}}:
          get: {{operationId: get-a-classroom, tags: [classroom], {OK},
                 parameters: [{{name: id, in: path, required: true}}]}}
        /uuid: {{get: {{operationId: uuid, tags: [tools], {OK}}}}}
        """,
    )
    names = [op.name for r in package.resources for op in r.operations]
    assert names == ["retrieve", "uuid_"]


def test_success_statuses_with_different_bodies_are_each_described(
    write: WriteFiles,
) -> None:
    package, _ = build(
        write,
        """\
        /exports:
          post:
            responses:
              '200':
                description: done
                content: {application/json: {schema: {type: string}}}
              '202':
                description: queued
                content: {application/json: {schema: {type: integer}}}
              '204': {description: nothing}
        """,
    )
    response = package.resources[0].operations[0].response
    assert response.return_annotation == "str | int | None"
    assert [(status, r.kind) for status, r in response.alternatives] == [
        (202, "json"),
        (204, "none"),
    ]


def test_what_a_method_does_not_do_is_reported(write: WriteFiles) -> None:
    _, warnings = build(
        write,
        """\
        /streams:
          servers: [{url: 'https://other.example.test'}]
          post:
            parameters:
              - name: filter
                in: query
                schema: {type: object, properties: {a: {type: string}}}
            callbacks:
              onData:
                '{$request.body#/url}': {post: {responses: {'200': {description: ok}}}}
            responses: {'204': {description: done}}
        """,
        """\
        webhooks:
          newPet: {post: {responses: {'200': {description: ok}}}}
        """,
    )
    assert warnings == [
        "The operation's callbacks are not generated: they are requests the API makes, "
        "not ones the client sends.",
        "The query parameter 'filter' is an object in the 'form' style; the client "
        "sends objects in the 'deepObject' style (`name[key]=value`). Pass the keys "
        "through `extra_query` if the API expects them otherwise.",
        "The servers ['https://other.example.test'] given for 1 operation (POST "
        "/streams) are not used: the methods send to the client's base URL; make a "
        "client with `base_url=` set to one of them to call these operations there.",
        "The document's webhooks ('newPet') are not generated: they are requests the "
        "API sends, not ones the client makes. Their schemas are generated as models "
        "when they are components.",
    ]


def test_a_property_msgspec_cannot_name_is_left_out_with_a_warning(
    write: WriteFiles,
) -> None:
    package, warnings = build(
        write,
        "",
        """\
        components:
          schemas:
            Odd:
              type: object
              properties:
                'a"b': {type: string}
                ok: {type: string}
        """,
    )
    odd = package.modules[0].definitions[0]
    assert [p.wire_name for p in odd.properties] == ["ok"]  # type: ignore[union-attr]
    assert warnings == [
        "The property 'a\"b' of Odd has a backslash, a double quote or a control "
        "character in its name, which msgspec cannot decode into a field; it is left "
        "out of the model, and read through `model_extra` and `to_dict()`."
    ]


def test_a_discriminator_without_a_union_is_reported(write: WriteFiles) -> None:
    _, warnings = build(
        write,
        "",
        """\
        components:
          schemas:
            Vehicle:
              type: object
              required: [power]
              properties: {power: {type: string}}
              discriminator: {propertyName: power}
        """,
    )
    assert warnings == [
        "The schema 'Vehicle' has a discriminator but no oneOf or anyOf listing its "
        "subtypes; where it is expected, a body is read as Vehicle alone, and a "
        "subtype's own properties through `model_extra`. List the subtypes in a "
        "oneOf to read them as such."
    ]


def test_a_nested_body_model_that_requires_read_only_values_is_reported(
    write: WriteFiles,
) -> None:
    _, warnings = build(
        write,
        """\
        /pets:
          post:
            requestBody:
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      owner: {$ref: '#/components/schemas/Owner'}
            responses: {'204': {description: done}}
        """,
        """\
        components:
          schemas:
            Owner:
              type: object
              required: [id, name]
              properties:
                id: {type: string, readOnly: true}
                name: {type: string}
        """,
    )
    assert warnings == [
        "The body property 'owner' is an object whose model requires the read-only "
        "properties ['id']; a model built to send sends them too. Pass a dict to send "
        "the object without them."
    ]


def test_deref_follows_a_chain_of_references(write: WriteFiles) -> None:
    text = """\
        openapi: 3.1.0
        info: {title: Demo, version: '1'}
        paths: {}
        components:
          parameters:
            Limit: {$ref: '#/components/parameters/PageSize'}
            PageSize: {name: limit, in: query, schema: {type: integer}}
        """
    spec = write({"openapi.yaml": textwrap.dedent(text)})
    schemas = SchemaBuilder(bundle(load_document(spec)), Diagnostics())

    limit = {"$ref": "#/components/parameters/Limit"}
    assert schemas.deref(limit)["name"] == "limit"
    assert schemas.deref({"type": "string"}) == {"type": "string"}
    assert schemas.deref(None) is None


def test_untagged_operations_are_grouped_after_a_version_or_api_prefix(
    write: WriteFiles,
) -> None:
    # Grouped by the first path segment, every operation of `/v1/...` would land in
    # one `v1` resource; the segment after such prefixes names the resource instead.
    package, _ = build(
        write,
        f"""\
        /v1/charges: {{get: {{operationId: listCharges, {OK}}}}}
        /v1/charges/{{id}}:
          get: {{operationId: getCharge, {OK},
                 parameters: [{{name: id, in: path, required: true}}]}}
        /api/v2.1/customers: {{post: {{operationId: createCustomer, {OK}}}}}
        /v1beta1/pods: {{get: {{{OK}}}}}
        /v1: {{get: {{operationId: apiVersion, {OK}}}}}
        /{{id}}: {{delete: {{{OK},
                 parameters: [{{name: id, in: path, required: true}}]}}}}
        """,
    )
    grouped = {r.name: [op.name for op in r.operations] for r in package.resources}
    assert grouped == {
        "charges": ["list", "retrieve"],
        "customers": ["create"],
        "pods": ["list"],
        "v1": ["api_version"],
        "default": ["delete"],
    }


def test_an_operation_id_that_is_only_its_http_method_is_named_by_the_path(
    write: WriteFiles,
) -> None:
    # Stripe names operations `GetCharges`, `PostCharges`, `GetChargesCharge`: with
    # the resource's words dropped, only the HTTP method would be left.
    package, _ = build(
        write,
        f"""\
        /v1/charges:
          get: {{operationId: GetCharges, {OK}}}
          post: {{operationId: PostCharges, {OK}}}
        /v1/charges/{{charge}}:
          parameters: [{{name: charge, in: path, required: true}}]
          get: {{operationId: GetChargesCharge, {OK}}}
          post: {{operationId: PostChargesCharge, {OK}}}
          delete: {{operationId: DeleteChargesCharge, {OK}}}
        /v1/charges/{{charge}}/capture:
          parameters: [{{name: charge, in: path, required: true}}]
          post: {{operationId: PostChargesChargeCapture, {OK}}}
        """,
    )
    (charges,) = package.resources
    assert [op.name for op in charges.operations] == [
        "list",
        "create",
        "retrieve",
        "update",
        "delete",
        "post_capture",
    ]
