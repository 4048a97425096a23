"""load: the line a JSON pointer is written on, in YAML and JSON files.

`Document.line` indexes a file on the first question about it: JSON by scanning only
the containers a pointer passes through, YAML by one pass over the parser's events.
Each test asserts concrete line numbers, and compares them with `composed_line`, the
plain way to find them: compose the whole file into PyYAML nodes and walk the nodes.
That way is too slow for large documents (seconds per megabyte) but easy to trust,
and it cannot read some JSON (tabs) nor see YAML keys the way the loader makes them
(`True:` becomes the key "true"); the tests say where the two differ and why.
"""

from __future__ import annotations

import functools
import json
import pickle
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import UnaliasedDumper
from generator.load import Document, Pointer, load_document, parse_pointer

from .conftest import WriteFiles


@functools.lru_cache(maxsize=8)
def composed(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None


def composed_line(text: str, pointer: Pointer) -> int | None:
    """The line of `pointer` in the node tree that `yaml.compose` builds of `text`."""
    node = composed(text)
    if node is None:
        return None
    line = node.start_mark.line
    for token in pointer:
        if isinstance(node, yaml.MappingNode):
            pairs = [(k, v) for k, v in node.value if k.value == token]
            if not pairs:
                return None
            key, node = pairs[0]
            line = key.start_mark.line
        elif isinstance(node, yaml.SequenceNode) and token.isdigit():
            if int(token) >= len(node.value):
                return None
            node = node.value[int(token)]
            line = node.start_mark.line
        else:
            return None
    return line + 1


def assert_lines(
    document: Document, file: Path, expected: dict[str, int | None]
) -> None:
    """Each pointer (written as a JSON pointer) is on the expected line, as composed."""
    text = file.read_text(encoding="utf-8")
    found = {p: document.line(file, parse_pointer(p)) for p in expected}
    by_nodes = {p: composed_line(text, parse_pointer(p)) for p in expected}
    assert found == expected
    assert by_nodes == expected


# ---------------------------------------------------------------- YAML and JSON


OPERATIONS_YAML = """\
# The items API.
openapi: 3.1.0
info:
  title: Items
  description: |
    paths:
      /items:
        get: this block scalar only looks like keys
paths:
  /items/{id}:
    get:
      parameters:
        - name: id
          in: path
        -
          name: q
          in: query
      responses:
        200:
          description: >-
            folded
            text
        '404': {description: missing}
"""


def test_lines_in_a_yaml_file(write: WriteFiles) -> None:
    root = write({"openapi.yaml": OPERATIONS_YAML})
    assert_lines(
        load_document(root),
        root,
        {
            "": 2,  # the root mapping starts at its first key, below the comment
            "/openapi": 2,
            "/info/description": 5,
            "/paths": 9,
            "/paths/~1items~1{id}/get": 11,
            "/paths/~1items~1{id}/get/parameters": 12,
            "/paths/~1items~1{id}/get/parameters/0": 13,
            "/paths/~1items~1{id}/get/parameters/0/in": 14,
            # An item written below its dash starts where its value does.
            "/paths/~1items~1{id}/get/parameters/1": 16,
            "/paths/~1items~1{id}/get/parameters/1/in": 17,
            "/paths/~1items~1{id}/get/responses/200": 19,
            "/paths/~1items~1{id}/get/responses/200/description": 20,
            "/paths/~1items~1{id}/get/responses/404/description": 23,
            # Text inside a block scalar is not a key.
            "/paths/~1items/get": None,
            "/info/description/paths": None,
        },
    )


def test_lines_in_a_json_file(write: WriteFiles) -> None:
    data = yaml.safe_load(OPERATIONS_YAML)
    data["paths"]["/items/{id}"]["get"]["responses"] = {"200": {"description": "ok"}}
    root = write({"openapi.json": json.dumps(data, indent=2)}, root="openapi.json")
    assert_lines(
        load_document(root),
        root,
        {
            "": 1,
            "/openapi": 2,
            "/info/description": 5,
            "/paths": 7,
            "/paths/~1items~1{id}/get": 9,
            "/paths/~1items~1{id}/get/parameters/0": 11,
            "/paths/~1items~1{id}/get/parameters/1/in": 17,
            "/paths/~1items~1{id}/get/responses/200/description": 22,
            "/paths/~1items~1{id}/get/parameters/2": None,
            "/paths/~1items~1{id}/get/parameters/0/name/x": None,
        },
    )


def test_json_written_by_hand(write: WriteFiles) -> None:
    # Several members on a line, an empty object and array, escapes in keys, and
    # nested arrays: the scanner decodes keys as json.loads does.
    text = (
        '{"openapi": "3.1.0", "info": {},\n'
        '  "x-\\u0061": [[1, 2], [],\n'
        '    [3, {"a\\/b": null}]],\n'
        '  "quote\\"d":\n'
        "\n"
        '    "value"}\n'
    )
    root = write({"openapi.json": text}, root="openapi.json")
    document = load_document(root)
    assert set(document.data) == {"openapi", "info", "x-a", 'quote"d'}
    assert_lines(
        document,
        root,
        {
            "/info": 1,
            "/x-a": 2,
            "/x-a/0/1": 2,
            "/x-a/1": 2,
            "/x-a/2": 3,
            "/x-a/2/1/a~1b": 3,
            '/quote"d': 4,
            "/info/x": None,
            "/x-a/1/0": None,
            "/x-a/3": None,
        },
    )


def test_json_that_yaml_cannot_read(write: WriteFiles) -> None:
    # Tabs are JSON whitespace but YAML refuses them, so composing finds nothing.
    text = '{\n\t"openapi": "3.1.0",\n\t"info": {\n\t\t"title": "Tabs"\n\t}\n}\n'
    root = write({"openapi.json": text}, root="openapi.json")
    document = load_document(root)

    assert document.line(root, ("info", "title")) == 4
    assert composed_line(text, ("info", "title")) is None


def test_flow_style_yaml(write: WriteFiles) -> None:
    root = write({"openapi.yaml": """\
            openapi: 3.1.0
            tags: [{name: one}, {name: two,
              description: second}, three]
            components: {schemas: {Item: {type: object,
                properties: {
                  id: {type: string},
                  "/odd~key": {type: integer}}},
              List: {type: array, items: {$ref: '#/components/schemas/Item'}}}}
            """})
    assert_lines(
        load_document(root),
        root,
        {
            "/tags": 2,
            "/tags/0/name": 2,
            "/tags/1/description": 3,
            "/tags/2": 3,
            "/components/schemas/Item": 4,
            "/components/schemas/Item/properties": 5,
            "/components/schemas/Item/properties/id/type": 6,
            "/components/schemas/Item/properties/~1odd~0key": 7,
            "/components/schemas/List/items/$ref": 8,
            "/components/schemas/List/items/$ref/0": None,
        },
    )


def test_keys_that_repeat_at_different_depths(write: WriteFiles) -> None:
    # `properties` is a keyword, a property's name and a description's word; `name`
    # is a key at every depth. Each pointer finds its own.
    root = write({"openapi.yaml": """\
            components:
              schemas:
                properties:
                  description: "name: properties"
                  properties:
                    properties:
                      properties:
                        name: {type: string}
                    name:
                      properties:
                        name: {type: string}
                name:
                  properties:
                    name: {type: string}
            """})
    assert_lines(
        load_document(root),
        root,
        {
            "/components/schemas/properties": 3,
            "/components/schemas/properties/properties": 5,
            "/components/schemas/properties/properties/properties": 6,
            "/components/schemas/properties/properties/properties/properties": 7,
            "/components/schemas/properties/properties/properties/properties/name": 8,
            "/components/schemas/properties/properties/name": 9,
            "/components/schemas/properties/properties/name/properties/name": 11,
            "/components/schemas/name": 12,
            "/components/schemas/name/properties/name": 14,
            "/components/schemas/properties/name": None,
        },
    )


def test_keys_with_pointer_escapes(write: WriteFiles) -> None:
    document = {
        "paths": {
            "/items": {"get": {}},
            "/items/{id}": {"get": {}},
            "~1": {"a": 1},
            "/": {"a/b~c": {"~0": 2}},
        }
    }
    texts = {
        "openapi.json": json.dumps(document, indent=2),
        "openapi.yaml": yaml.safe_dump(document, sort_keys=False),
    }
    expected = {"openapi.json": (7, 10, 14), "openapi.yaml": (5, 7, 10)}
    for name, text in texts.items():
        root = write({name: text}, root=name)
        get, a, zero = expected[name]
        lines = {
            "/paths/~1items~1{id}/get": get,
            "/paths/~01/a": a,
            "/paths/~1/a~1b~0c/~00": zero,
            "/paths/~1items~1{id}~1get": None,
            "/paths/~0": None,
        }
        assert_lines(load_document(root), root, lines)


def test_arrays(write: WriteFiles) -> None:
    root = write({"openapi.yaml": """\
            matrix:
              - [a, b]
              - - c
                - [d,
                   e]
              -
              - {}
            """})
    assert_lines(
        load_document(root),
        root,
        {
            "/matrix/0": 2,
            "/matrix/0/1": 2,
            "/matrix/1/0": 3,
            "/matrix/1/1/1": 5,
            # An empty item is a null on the line of its dash.
            "/matrix/2": 6,
            "/matrix/3": 7,
            "/matrix/4": None,
            "/matrix/-": None,
            "/matrix/0/x": None,
        },
    )


# ---------------------------------------------------------------- many files


def test_lines_in_each_file_of_a_document(write: WriteFiles) -> None:
    schemas = {
        "Item": {"type": "object", "properties": {"id": {"type": "string"}}},
        "Error": {"type": "object"},
    }
    root = write(
        {
            "openapi.yaml": """\
                openapi: 3.1.0
                paths:
                  /items:
                    $ref: 'paths/items.yaml#/~1items'
                """,
            "paths/items.yaml": """\
                /items:
                  get:
                    responses:
                      '200':
                        content:
                          application/json:
                            schema: {$ref: '../schemas.json#/Item'}
                """,
            "schemas.json": json.dumps(schemas, indent=2),
        }
    )
    document = load_document(root)
    items = root.parent / "paths" / "items.yaml"
    schemas_file = root.parent / "schemas.json"

    assert_lines(document, root, {"/paths/~1items/$ref": 4})
    assert_lines(
        document,
        items,
        {
            "/~1items/get/responses/200": 4,
            "/~1items/get/responses/200/content/application~1json/schema": 7,
        },
    )
    assert_lines(document, schemas_file, {"/Item/properties/id": 5, "/Error": 10})

    response = ("paths", "/items", "get", "responses", "200")
    target = document.follow(
        (*response, "content", "application/json", "schema", "properties", "id")
    )
    assert target.file == schemas_file
    location = document.location(target.file, target.pointer)
    assert location.line == 5
    assert str(location) == f"{schemas_file}:5 at /Item/properties/id"


# ---------------------------------------------------------------- keys as loaded


def test_yaml_keys_are_matched_as_the_loader_reads_them(write: WriteFiles) -> None:
    root = write({"openapi.yaml": """\
            responses:
              200: {description: ok}
              True: {description: a boolean key}
              ~: {description: a null key}
              0x1F: {description: hexadecimal}
              1_000: {description: underscores}
              !!str 12: {description: tagged}
              "quoted": {description: quoted}
              =: {description: the value key}
            """})
    document = load_document(root)
    responses = document.data["responses"]
    assert list(responses) == ["200", "true", "null", "31", "1000", "12", "quoted", "="]

    lines = {key: document.line(root, ("responses", key)) for key in responses}
    assert lines == {
        "200": 2,
        "true": 3,
        "null": 4,
        "31": 5,
        "1000": 6,
        "12": 7,
        "quoted": 8,
        "=": 9,
    }
    # Composed nodes hold the text as written, which does not match these keys.
    text = root.read_text(encoding="utf-8")
    matched = [key for key in responses if composed_line(text, ("responses", key))]
    assert matched == ["200", "12", "quoted", "="]


def test_a_repeated_key_is_found_where_its_value_is(write: WriteFiles) -> None:
    # The loaders keep the last of repeated keys; its line is where the value is.
    # Composed nodes keep both, and the first is found there.
    yaml_root = write({"openapi.yaml": "a: 1\nb: 2\na: 3\n"})
    json_root = write({"openapi.json": '{"a": 1,\n"b": 2,\n"a": 3}\n'}, "openapi.json")
    for root in (yaml_root, json_root):
        document = load_document(root)
        assert document.data["a"] == 3
        assert document.line(root, ("a",)) == 3
        assert composed_line(root.read_text(encoding="utf-8"), ("a",)) == 1


def test_aliases_and_merge_keys(write: WriteFiles) -> None:
    root = write({"openapi.yaml": """\
            base: &base
              type: object
              required: [id]
            extra: &extra
              type: string
              format: uuid
            list: [*base, *base]
            merged:
              <<: [*base, *extra]
              description: merged
              type: array
            """})
    document = load_document(root)
    assert document.data["merged"] == {
        "type": "array",
        "required": ["id"],
        "format": "uuid",
        "description": "merged",
    }
    assert_lines(
        document,
        root,
        {
            "/base/required/0": 3,
            # An alias is where it is written; what it holds is where its anchor is.
            "/list/1/required/0": 3,
        },
    )
    assert document.line(root, ("list", "1")) == 7
    assert composed_line(root.read_text(encoding="utf-8"), ("list", "1")) == 1
    # Merged keys are found where the merged mapping writes them, and the mapping's
    # own keys win over them, as in the loaded data.
    assert document.line(root, ("merged", "required", "0")) == 3
    assert document.line(root, ("merged", "format")) == 6
    assert document.line(root, ("merged", "type")) == 11
    assert document.line(root, ("merged", "<<")) is None


def test_a_pickled_document_finds_lines_again(write: WriteFiles) -> None:
    # The validator runs in another process, which may receive the document pickled.
    schemas = '{"A": {\n  "type": "object"}}\n'
    root = write({"openapi.yaml": OPERATIONS_YAML, "schemas.json": schemas})
    document = load_document(root)
    schemas_file = root.parent / "schemas.json"
    size = len(pickle.dumps(document))

    assert document.line(root, ("paths",)) == 9
    assert document.line(schemas_file, ("A", "type")) == 2
    # The indexes stay behind, and are built again where they are asked for.
    assert len(pickle.dumps(document)) == size
    copy = pickle.loads(pickle.dumps(document))  # noqa: S301 - made just above
    assert copy.files == document.files
    assert copy.line(root, ("paths",)) == 9
    assert copy.line(schemas_file, ("A", "type")) == 2


# ---------------------------------------------------------------- files that cannot say


def test_no_line_for_an_empty_or_changed_file(write: WriteFiles) -> None:
    root = write({"openapi.yaml": "", "openapi.json": '{"a": {"b": 1}}\n'})
    document = load_document(root)
    assert document.data is None
    assert document.line(root, ()) is None

    # The index is built on the first question; a file changed before then into
    # something its parser refuses gives no lines, and no error.
    json_file = root.parent / "openapi.json"
    yaml_file = root.parent / "other.yaml"
    yaml_file.write_text("a: [unclosed\n", encoding="utf-8")
    json_file.write_text('{"a": {"b": 1]\n', encoding="utf-8")
    assert document.line(json_file, ("a", "b")) is None
    assert document.line(yaml_file, ("a",)) is None
    assert document.line(root.parent / "missing.yaml", ()) is None


# ---------------------------------------------------------------- any document

_KEYS = st.text(alphabet="ab~/ 12:#-", min_size=0, max_size=6)
_SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=12)
_VALUES = st.recursive(
    _SCALARS,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(_KEYS, children, max_size=4),
    max_leaves=25,
)


def pointers(value: Any, prefix: Pointer = ()) -> list[Pointer]:
    """Every pointer into `value`, itself included."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += pointers(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += pointers(item, (*prefix, str(index)))
    return found


def renderings(value: Any) -> dict[str, str]:
    """`value` written in several layouts of JSON and YAML, by file name."""
    return {
        "indented.json": json.dumps(value, indent=2),
        "compact.json": json.dumps(value),
        "spaced.json": json.dumps(value, indent=1, separators=(" , ", " :\n ")),
        "block.yaml": yaml.dump(
            value, Dumper=UnaliasedDumper, default_flow_style=False
        ),
        "flow.yaml": yaml.dump(value, Dumper=UnaliasedDumper, default_flow_style=True),
        "narrow.yaml": yaml.dump(value, Dumper=UnaliasedDumper, width=12),
    }


@settings(max_examples=100, deadline=None)
@given(value=st.dictionaries(_KEYS, _VALUES, max_size=5))
def test_every_pointer_of_any_document_as_composed(
    tmp_path_factory: pytest.TempPathFactory, value: dict[str, Any]
) -> None:
    directory = tmp_path_factory.mktemp("lines")
    for name, text in renderings(value).items():
        file = directory / name
        file.write_text(text, encoding="utf-8")
        document = Document(file, {})
        for pointer in pointers(value):
            expected = composed_line(text, pointer)
            assert expected is not None, (name, pointer)
            assert document.line(file, pointer) == expected, (name, pointer, text)
