"""bundle: one document with local references only, and the way back to the sources."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.bundle import Bundle, bundle
from generator.load import load_document

from .conftest import WriteFiles


def bundled(root: Path) -> Bundle:
    return bundle(load_document(root))


def references(value: Any) -> list[str]:
    """Every `$ref` string in `value`."""
    if isinstance(value, list):
        return [ref for item in value for ref in references(item)]
    if not isinstance(value, dict):
        return []
    found = [value["$ref"]] if isinstance(value.get("$ref"), str) else []
    return found + [ref for item in value.values() for ref in references(item)]


def response_schema(data: dict[str, Any], path: str) -> Any:
    response = data["paths"][path]["get"]["responses"]["200"]
    return response["content"]["application/json"]["schema"]


OPERATION = """\
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{$ref: '{ref}'}}
"""


def paths(**refs: str) -> str:
    """A `paths` section with one GET per path, returning the referenced schema."""
    text = "paths:\n"
    for name, ref in refs.items():
        text += f"  /{name}:\n" + OPERATION.format(ref=ref)
    return text


def test_schema_from_another_file_becomes_a_component(write: WriteFiles) -> None:
    root = write(
        {
            "openapi.yaml": "openapi: 3.1.0\n" + paths(items="schemas/item.yaml#/Item"),
            "schemas/item.yaml": """\
            Item:
              type: object
              properties:
                tag: {$ref: '#/Tag'}
            Tag: {type: string}
            """,
        }
    )
    data = bundled(root).data

    assert response_schema(data, "/items") == {"$ref": "#/components/schemas/Item"}
    schemas = data["components"]["schemas"]
    assert set(schemas) == {"Item", "Tag"}
    assert schemas["Item"]["properties"]["tag"] == {"$ref": "#/components/schemas/Tag"}
    assert all(ref.startswith("#/") for ref in references(data))


def test_same_name_in_two_files_gets_two_names(write: WriteFiles) -> None:
    root = write(
        {
            "openapi.yaml": "openapi: 3.1.0\n"
            + paths(a="a.yaml#/Item", b="b.yaml#/Item", c="#/components/schemas/Item")
            + "components:\n  schemas:\n    Item: {type: boolean}\n",
            "a.yaml": "Item: {type: string}\n",
            "b.yaml": "Item: {type: integer}\n",
        }
    )
    data = bundled(root).data
    schemas = data["components"]["schemas"]

    # The root's own component keeps its name; the others are numbered.
    assert schemas["Item"] == {"type": "boolean"}
    names = {response_schema(data, f"/{p}")["$ref"] for p in "abc"}
    assert names == {
        "#/components/schemas/Item",
        "#/components/schemas/Item_2",
        "#/components/schemas/Item_3",
    }
    types = {schemas[name.rsplit("/", 1)[1]]["type"] for name in names}
    assert types == {"boolean", "string", "integer"}


def test_root_component_that_refers_to_another_file_keeps_its_name(
    write: WriteFiles,
) -> None:
    root = write(
        {
            # The path comes first, so the target is met before its root component.
            "openapi.yaml": "openapi: 3.1.0\n"
            + paths(products="catalog.yaml#/Item", other="catalog.yaml#/Item")
            + """\
components:
  schemas:
    Product: {$ref: 'catalog.yaml#/Item'}
    Listing:
      type: array
      items: {$ref: 'catalog.yaml#/Item'}
""",
            "catalog.yaml": "Item:\n  type: object\n  properties:\n    sku: {}\n",
        }
    )
    data = bundled(root).data
    schemas = data["components"]["schemas"]

    assert set(schemas) == {"Product", "Listing"}
    assert schemas["Product"] == {"type": "object", "properties": {"sku": {}}}
    product = {"$ref": "#/components/schemas/Product"}
    assert response_schema(data, "/products") == product
    assert response_schema(data, "/other") == product
    assert schemas["Listing"]["items"] == product


def test_root_component_through_a_chain_of_references(write: WriteFiles) -> None:
    root = write(
        {
            "openapi.yaml": """\
            openapi: 3.1.0
            components:
              schemas:
                Product: {$ref: 'aliases.yaml#/Alias'}
            """,
            "aliases.yaml": "Alias: {$ref: 'catalog.yaml#/Item'}\n",
            "catalog.yaml": "Item: {type: object}\n",
        }
    )
    assert bundled(root).data["components"]["schemas"] == {
        "Product": {"type": "object"}
    }


def test_path_items_are_written_in_place(write: WriteFiles) -> None:
    root = write(
        {
            "openapi.yaml": """\
            openapi: 3.1.0
            paths:
              /items: {$ref: 'paths/items.yaml#/items'}
            """,
            "paths/items.yaml": "items:\n"
            + OPERATION.format(ref="../schemas.yaml#/Item").replace("\n", "\n  ")
            + "\n",
            "schemas.yaml": "Item: {type: object}\n",
        }
    )
    data = bundled(root).data

    assert set(data["paths"]["/items"]) == {"get"}
    assert response_schema(data, "/items") == {"$ref": "#/components/schemas/Item"}
    assert data["components"]["schemas"]["Item"] == {"type": "object"}


def test_other_components_land_in_their_own_kind(write: WriteFiles) -> None:
    root = write(
        {
            "openapi.yaml": """\
            openapi: 3.1.0
            paths:
              /items:
                get:
                  parameters:
                    - $ref: 'common.yaml#/parameters/Limit'
                  responses:
                    '404': {$ref: 'common.yaml#/responses/NotFound'}
                post:
                  requestBody: {$ref: 'common.yaml#/bodies/NewItem'}
                  responses:
                    '201':
                      description: created
                      headers:
                        X-Request-Id: {$ref: 'common.yaml#/headers/RequestId'}
            """,
            "common.yaml": """\
            parameters:
              Limit: {name: limit, in: query, schema: {type: integer}}
            responses:
              NotFound: {description: not found}
            bodies:
              NewItem: {content: {}}
            headers:
              RequestId: {schema: {type: string}}
            """,
        }
    )
    data = bundled(root).data
    components = data["components"]
    item = data["paths"]["/items"]

    assert item["get"]["parameters"] == [{"$ref": "#/components/parameters/Limit"}]
    assert item["get"]["responses"]["404"] == {
        "$ref": "#/components/responses/NotFound"
    }
    assert item["post"]["requestBody"] == {"$ref": "#/components/requestBodies/NewItem"}
    headers = item["post"]["responses"]["201"]["headers"]
    assert headers["X-Request-Id"] == {"$ref": "#/components/headers/RequestId"}
    assert components["parameters"]["Limit"]["name"] == "limit"
    assert components["responses"]["NotFound"] == {"description": "not found"}
    assert components["requestBodies"]["NewItem"] == {"content": {}}
    assert components["headers"]["RequestId"] == {"schema": {"type": "string"}}


def test_discriminator_mapping_follows_the_schemas(write: WriteFiles) -> None:
    root = write(
        {
            "openapi.yaml": """\
            openapi: 3.1.0
            components:
              schemas:
                Pet:
                  oneOf:
                    - $ref: 'pets.yaml#/Cat'
                    - $ref: 'pets.yaml#/Dog'
                    - $ref: '#/components/schemas/Fish'
                  discriminator:
                    propertyName: kind
                    mapping:
                      cat: 'pets.yaml#/Cat'
                      dog: 'pets.yaml#/Dog'
                      fish: Fish
                      bird: '#/components/schemas/Fish'
                      ghost: 'nowhere.yaml#/Ghost'
                Fish: {type: object}
            """,
            "pets.yaml": "Cat: {type: object}\nDog: {type: object}\n",
        }
    )
    pet = bundled(root).data["components"]["schemas"]["Pet"]
    assert [variant["$ref"] for variant in pet["oneOf"]] == [
        "#/components/schemas/Cat",
        "#/components/schemas/Dog",
        "#/components/schemas/Fish",
    ]
    assert pet["discriminator"] == {
        "propertyName": "kind",
        "mapping": {
            "cat": "#/components/schemas/Cat",
            "dog": "#/components/schemas/Dog",
            "fish": "Fish",
            "bird": "#/components/schemas/Fish",
            "ghost": "nowhere.yaml#/Ghost",
        },
    }


def test_whole_file_reference_is_named_after_the_file(write: WriteFiles) -> None:
    root = write(
        {
            "openapi.yaml": "openapi: 3.1.0\n" + paths(tags="tag list.yaml"),
            "tag list.yaml": "type: array\nitems: {type: string}\n",
        }
    )
    data = bundled(root).data
    assert response_schema(data, "/tags") == {"$ref": "#/components/schemas/tag_list"}
    assert data["components"]["schemas"]["tag_list"]["type"] == "array"


def test_recursion_across_files_terminates(write: WriteFiles) -> None:
    root = write(
        {
            "openapi.yaml": "openapi: 3.1.0\n" + paths(tree="tree.yaml#/Node"),
            "tree.yaml": """\
            Node:
              type: object
              properties:
                children:
                  type: array
                  items: {$ref: '#/Node'}
                owner: {$ref: 'people.yaml#/Person'}
            """,
            "people.yaml": """\
            Person:
              type: object
              properties:
                nodes:
                  type: array
                  items: {$ref: 'tree.yaml#/Node'}
            """,
        }
    )
    schemas = bundled(root).data["components"]["schemas"]

    node = {"$ref": "#/components/schemas/Node"}
    assert schemas["Node"]["properties"]["children"]["items"] == node
    assert schemas["Node"]["properties"]["owner"] == {
        "$ref": "#/components/schemas/Person"
    }
    assert schemas["Person"]["properties"]["nodes"]["items"] == node


def test_local_references_and_their_siblings_are_kept(write: WriteFiles) -> None:
    root = write(
        {
            "openapi.yaml": """\
            openapi: 3.1.0
            components:
              schemas:
                A: {$ref: '#/components/schemas/B', description: an A}
                B: {$ref: 'b.yaml#/B', description: a B}
                C:
                  properties:
                    $ref: {type: string}
                  default: {$ref: 'nowhere'}
            """,
            "b.yaml": "B: {type: string}\n",
        }
    )
    schemas = bundled(root).data["components"]["schemas"]
    assert schemas["A"] == {"$ref": "#/components/schemas/B", "description": "an A"}
    assert schemas["B"] == {"type": "string"}
    assert schemas["C"]["properties"] == {"$ref": {"type": "string"}}
    assert schemas["C"]["default"] == {"$ref": "nowhere"}


def test_empty_components_section_still_receives_moved_schemas(
    write: WriteFiles,
) -> None:
    # `schemas:` with nothing under it reads as null.
    root = write(
        {
            "openapi.yaml": "openapi: 3.1.0\n"
            + paths(items="item.yaml#/Item")
            + "components:\n  schemas:\n",
            "item.yaml": "Item: {type: object}\n",
        }
    )
    data = bundled(root).data
    assert data["components"]["schemas"] == {"Item": {"type": "object"}}

    root.write_text(root.read_text().replace("  schemas:\n", ""))
    data = bundled(root).data
    assert data["components"] == {"schemas": {"Item": {"type": "object"}}}


def test_components_that_are_not_a_map_are_left_to_the_validator(
    write: WriteFiles,
) -> None:
    root = write(
        {
            "openapi.yaml": "openapi: 3.1.0\n"
            + paths(items="item.yaml#/Item")
            + "components: [oops]\n",
            "item.yaml": "Item: {type: object}\n",
        }
    )
    assert bundled(root).data["components"] == ["oops"]


def test_location_maps_back_to_the_source(write: WriteFiles) -> None:
    root = write(
        {
            "openapi.yaml": """\
            openapi: 3.1.0
            paths:
              /items: {$ref: 'paths/items.yaml'}
            """,
            "paths/items.yaml": """\
            # The items.
            get:
              responses:
                '200':
                  description: ok
                  content:
                    application/json:
                      schema: {$ref: '../schemas.yaml#/Item'}
            """,
            "schemas.yaml": """\
            Other: {}
            Item:
              type: object
              properties:
                name:
                  type: string
            """,
        }
    )
    result = bundled(root)
    spec = root.parent

    where = result.location(("components", "schemas", "Item", "properties", "name"))
    assert (where.file, where.line) == (str(spec / "schemas.yaml"), 5)
    assert where.pointer == "/Item/properties/name"

    get = ("paths", "/items", "get", "responses", "200")
    assert result.source(get) == (spec / "paths/items.yaml", get[2:])
    assert result.location(get).line == 4

    assert result.location(("paths",)).line == 2
    assert result.source(("openapi",)) == (root, ("openapi",))
