"""load: YAML and JSON files, references across files, and where things are."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.load import (
    Document,
    load_document,
    parse_file,
    parse_pointer,
    pointer_str,
    walk,
)

from .conftest import WriteFiles


def only_error(error: pytest.ExceptionInfo[SpecError]) -> str:
    """The one diagnostic of a SpecError, as printed."""
    (diagnostic,) = error.value.diagnostics
    return str(diagnostic)


# ---------------------------------------------------------------- parsing


def test_yaml_is_read_as_json_would_be(write: WriteFiles) -> None:
    root = write({"openapi.yaml": """\
            openapi: 3.1.0
            info:
              version: 2026-01-15
              x-flags: [on, off, yes, no, y, n, true, false, null]
            paths:
              /items:
                get:
                  responses:
                    200:
                      description: ok
                    404: {description: missing}
            components:
              schemas:
                Switch:
                  properties:
                    on: {type: boolean}
                    yes: {type: string, example: 2026-01-15T10:00:00Z}
            """})
    data = load_document(root).data

    assert data["info"]["version"] == "2026-01-15"
    assert data["info"]["x-flags"] == [
        "on", "off", "yes", "no", "y", "n", True, False, None
    ]  # fmt: skip
    assert list(data["paths"]["/items"]["get"]["responses"]) == ["200", "404"]
    properties = data["components"]["schemas"]["Switch"]["properties"]
    assert list(properties) == ["on", "yes"]
    assert properties["yes"]["example"] == "2026-01-15T10:00:00Z"


def test_shared_yaml_anchor_is_read_once(write: WriteFiles) -> None:
    root = write({"openapi.yaml": """\
            responses: &codes
              200: {description: ok}
            again: [*codes, *codes]
            """})
    data = load_document(root).data
    assert data["again"] == [{"200": {"description": "ok"}}] * 2


def test_yaml_alias_inside_its_own_anchor_is_refused(write: WriteFiles) -> None:
    # Left alone, every later stage would walk this structure forever.
    root = write(
        {
            "openapi.yaml": "openapi: 3.1.0\n",
            "loop.yaml": "node: &node\n  children: [*node]\n",
        }
    )
    loop = root.parent / "loop.yaml"
    with pytest.raises(SpecError) as error:
        load_document(loop)
    assert only_error(error) == (
        f"error: The file {str(loop)!r} uses a YAML alias inside its own anchor, so a "
        "value contains itself; write the repeated part out, or use a $ref."
    )

    root.write_text("openapi: 3.1.0\nnode:\n  $ref: 'loop.yaml#/node'\n")
    with pytest.raises(SpecError) as error:
        load_document(root)
    assert only_error(error).startswith(
        f"{root}:3 at /node/$ref: error: The reference 'loop.yaml#/node' cannot be "
        f"loaded: The file {str(loop)!r} uses a YAML alias inside its own anchor"
    )


def test_empty_and_scalar_files_load_as_their_value(write: WriteFiles) -> None:
    # Validation says what is missing; loading has nothing to refuse.
    assert load_document(write({"openapi.yaml": ""})).data is None
    assert load_document(write({"openapi.yaml": "just text\n"})).data == "just text"


def test_json_root_and_yaml_part(write: WriteFiles) -> None:
    root = write(
        {
            "openapi.json": json.dumps(
                {"openapi": "3.1.0", "item": {"$ref": "item.yaml#/Item"}}
            ),
            "item.yaml": "Item: {type: object}\n",
        },
        root="openapi.json",
    )
    document = load_document(root)

    assert document.data["openapi"] == "3.1.0"
    assert set(document.files) == {root, root.parent / "item.yaml"}
    target = document.resolve("item.yaml#/Item", root)
    assert target.value == {"type": "object"}


def test_missing_file() -> None:
    missing = Path("/nonexistent/openapi.yaml")
    with pytest.raises(SpecError) as error:
        load_document(missing)
    assert only_error(error) == (
        "error: The file '/nonexistent/openapi.yaml' does not exist."
    )
    assert str(error.value).startswith("The OpenAPI document has 1 error:\n  ")


def test_yaml_syntax_error_names_the_line(write: WriteFiles) -> None:
    root = write({"openapi.yaml": "openapi: 3.1.0\ninfo:\n  title: [unclosed\n"})
    with pytest.raises(SpecError) as error:
        load_document(root)
    message = only_error(error)
    assert message.startswith(f"{root}:4 at /: error: The file is not valid YAML: ")
    assert "expected ',' or ']'" in message


def test_json_syntax_error_names_the_line(write: WriteFiles) -> None:
    root = write({"openapi.json": '{\n  "openapi" "3.1.0"\n}\n'}, root="openapi.json")
    with pytest.raises(SpecError) as error:
        load_document(root)
    assert only_error(error) == (
        f"{root}:2 at /: error: The file is not valid JSON: Expecting ':' delimiter."
    )


def test_syntax_error_in_a_referenced_file(write: WriteFiles) -> None:
    root = write(
        {
            "openapi.yaml": "a: {$ref: 'broken.yaml#/A'}\n",
            "broken.yaml": "A:\n  type: object\n   bad: indentation\n",
        }
    )
    with pytest.raises(SpecError) as error:
        load_document(root)
    message = only_error(error)
    assert message.startswith(
        f"{root.parent / 'broken.yaml'}:3 at /: error: The reference 'broken.yaml#/A' "
        "cannot be loaded: The file is not valid YAML: "
    )


# ---------------------------------------------------------------- references


def test_references_across_directories(write: WriteFiles) -> None:
    root = write(
        {
            "openapi.yaml": """\
            deep: {$ref: 'a/b/deep.yaml#/defs/a~1b~0c'}
            space: {$ref: 'c/with%20space.yaml#/odd%20key'}
            """,
            "a/b/deep.yaml": """\
            defs:
              a/b~c:
                $ref: '../../c/with space.yaml#/odd key'
            """,
            "c/with space.yaml": "odd key: {type: string}\n",
        }
    )
    document = load_document(root)
    spec = root.parent

    assert set(document.files) == {
        root,
        spec / "a/b/deep.yaml",
        spec / "c/with space.yaml",
    }
    deep = document.deref(document.data["deep"], root, ("deep",))
    assert deep.file == spec / "c/with space.yaml"
    assert deep.pointer == ("odd key",)
    assert deep.value == {"type": "string"}
    space = document.resolve("c/with%20space.yaml#/odd%20key", root)
    assert space.value == {"type": "string"}


def test_local_reference_and_whole_file(write: WriteFiles) -> None:
    root = write(
        {
            "openapi.yaml": """\
            whole: {$ref: 'thing.yaml'}
            local: {$ref: '#/whole'}
            """,
            "thing.yaml": "type: integer\n",
        }
    )
    document = load_document(root)
    assert document.resolve("thing.yaml", root).value == {"type": "integer"}
    local = document.deref(document.data["local"], root, ("local",))
    assert local.value == {"type": "integer"}


def test_names_that_look_like_keywords_are_followed(write: WriteFiles) -> None:
    # Under `properties` the keys are names: a property called `default`, `example`,
    # `enum`, `value`, `x-tra` or `$ref` holds a schema whose references count.
    names = ["default", "example", "enum", "value", "x-tra", "$ref"]
    properties = "\n".join(
        f"        {json.dumps(name)}: {{$ref: 'parts/{i}.yaml#/S'}}"
        for i, name in enumerate(names)
    )
    files = {f"parts/{i}.yaml": "S: {type: string}\n" for i in range(len(names))}
    files["openapi.yaml"] = (
        "components:\n  schemas:\n    Odd:\n      properties:\n" + properties + "\n"
    )
    root = write(files)
    document = load_document(root)
    assert {p.name for p in document.files} == {
        "openapi.yaml",
        *(f"{i}.yaml" for i in range(len(names))),
    }


def test_a_property_named_ref_is_not_a_reference(write: WriteFiles) -> None:
    root = write({"openapi.yaml": """\
            components:
              schemas:
                Odd:
                  properties:
                    $ref: 'not-a-file.yaml'
            """})
    properties = load_document(root).data["components"]["schemas"]["Odd"]["properties"]
    assert properties == {"$ref": "not-a-file.yaml"}


def test_references_inside_data_are_not_followed(write: WriteFiles) -> None:
    root = write({"openapi.yaml": """\
            components:
              schemas:
                Data:
                  type: object
                  default: {$ref: 'nowhere.yaml'}
                  example: {$ref: 'nowhere.yaml'}
                  enum: [{$ref: 'nowhere.yaml'}]
                  examples: [{$ref: 'nowhere.yaml'}]
                  x-note: {$ref: 'nowhere.yaml'}
              examples:
                One:
                  value: {$ref: 'nowhere.yaml'}
            """})
    assert load_document(root).data["components"]["schemas"]["Data"]["type"] == (
        "object"
    )


def test_dangling_reference_names_file_line_pointer_and_what_is_missing(
    write: WriteFiles,
) -> None:
    root = write(
        {
            "openapi.yaml": """\
            openapi: 3.1.0
            components:
              schemas:
                Item:
                  properties:
                    owner:
                      $ref: 'people.yaml#/Person/properties/name'
            """,
            "people.yaml": "Person:\n  properties: {}\n",
        }
    )
    with pytest.raises(SpecError) as error:
        load_document(root)
    assert only_error(error) == (
        f"{root}:7 at /components/schemas/Item/properties/owner/$ref: error: "
        "The reference 'people.yaml#/Person/properties/name' points nowhere: "
        "nothing is at /Person/properties/name."
    )


def test_dangling_local_reference_in_a_referenced_file(write: WriteFiles) -> None:
    root = write(
        {
            "openapi.yaml": "a: {$ref: 'parts/a.yaml#/A'}\n",
            "parts/a.yaml": "A:\n  items:\n    $ref: '#/B'\n",
        }
    )
    with pytest.raises(SpecError) as error:
        load_document(root)
    assert only_error(error) == (
        f"{root.parent / 'parts/a.yaml'}:3 at /A/items/$ref: error: "
        "The reference '#/B' points nowhere: nothing is at /B."
    )


def test_reference_to_a_missing_file(write: WriteFiles) -> None:
    root = write({"openapi.yaml": "openapi: 3.1.0\na:\n  $ref: 'gone.yaml#/A'\n"})
    with pytest.raises(SpecError) as error:
        load_document(root)
    assert only_error(error) == (
        f"{root}:3 at /a/$ref: error: The reference 'gone.yaml#/A' cannot be loaded: "
        f"The file {str(root.parent / 'gone.yaml')!r} does not exist."
    )
    # What a watcher needs to know: every file read, and the missing one.
    assert error.value.sources == (root.parent / "gone.yaml", root)


def test_a_load_error_names_the_files_it_read_and_could_not(
    write: WriteFiles,
) -> None:
    root = write(
        {
            "openapi.yaml": "a: {$ref: 'parts/a.yaml#/A'}\nb: {$ref: 'parts/b.yaml'}\n",
            "parts/a.yaml": "A: {$ref: '#/B'}\n",
            "parts/b.yaml": "B: [unclosed\n",
        }
    )
    with pytest.raises(SpecError) as error:
        load_document(root)
    assert len(error.value.diagnostics) == 2
    assert error.value.sources == (
        root,
        root.parent / "parts/a.yaml",
        root.parent / "parts/b.yaml",
    )


def test_fragment_that_is_not_a_pointer(write: WriteFiles) -> None:
    root = write({"openapi.yaml": "a: {$ref: '#Item'}\nItem: {}\n"})
    with pytest.raises(SpecError) as error:
        load_document(root)
    assert only_error(error) == (
        f"{root}:1 at /a/$ref: error: The reference '#Item' points nowhere: "
        "'Item' is not a JSON pointer (it must start with '/')."
    )


def test_remote_reference_is_refused(write: WriteFiles) -> None:
    root = write(
        {"openapi.yaml": "a:\n  $ref: 'https://example.com/schemas.yaml#/A'\n"}
    )
    with pytest.raises(SpecError) as error:
        load_document(root)
    assert only_error(error) == (
        f"{root}:2 at /a/$ref: error: The reference "
        "'https://example.com/schemas.yaml#/A' points outside the local files; remote "
        "references are not fetched. Download the file and refer to it by a relative "
        "path."
    )


def test_every_bad_reference_is_reported_at_once(write: WriteFiles) -> None:
    root = write({"openapi.yaml": """\
            a: {$ref: '#/nope'}
            b: {$ref: 'http://example.com/x.yaml'}
            c: {$ref: 'missing.yaml'}
            """})
    with pytest.raises(SpecError) as error:
        load_document(root)
    assert str(error.value).startswith("The OpenAPI document has 3 errors:\n")
    lines = sorted(d.location.line for d in error.value.diagnostics if d.location)
    assert lines == [1, 2, 3]


def test_reference_cycle_in_deref(write: WriteFiles) -> None:
    root = write(
        {
            "openapi.yaml": "A: {$ref: 'other.yaml#/B'}\n",
            "other.yaml": "B: {$ref: 'openapi.yaml#/A'}\n",
        }
    )
    document = load_document(root)  # each reference points somewhere
    with pytest.raises(LookupError, match=r"^the reference cycle at /A never ends$"):
        document.deref(document.data["A"], root, ("A",))


def test_follow_walks_through_references(write: WriteFiles) -> None:
    root = write(
        {
            "openapi.yaml": "paths:\n  /a: {$ref: 'paths.yaml#/a'}\n",
            "paths.yaml": "a:\n  get:\n    tags: [one, two]\n",
        }
    )
    document = load_document(root)
    target = document.follow(("paths", "/a", "get", "tags", "1"))
    assert target.file == root.parent / "paths.yaml"
    assert target.pointer == ("a", "get", "tags", "1")
    assert target.value == "two"


# ---------------------------------------------------------------- locations


def test_line_and_location_of_pointers(write: WriteFiles) -> None:
    root = write({"openapi.yaml": """\
            openapi: 3.1.0
            paths:
              /items/{id}:
                get:
                  parameters:
                    - name: id
                      in: path
                    - name: q
                      in: query
                  responses:
                    200:
                      description: ok
            """})
    document = load_document(root)
    operation = ("paths", "/items/{id}", "get")

    # The line of a mapping member is the line of its key.
    assert document.line(root, ()) == 1
    assert document.line(root, ("paths",)) == 2
    assert document.line(root, operation) == 4
    assert document.line(root, (*operation, "parameters", "1")) == 8
    assert document.line(root, (*operation, "parameters", "1", "in")) == 9
    assert document.line(root, (*operation, "responses", "200")) == 11
    assert document.line(root, (*operation, "parameters", "2")) is None
    assert document.line(root, ("nowhere",)) is None

    location = document.location(root, (*operation, "responses", "200"))
    assert location.line == 11
    assert location.pointer == "/paths/~1items~1{id}/get/responses/200"
    assert str(location) == f"{root}:11 at /paths/~1items~1{{id}}/get/responses/200"


def test_line_in_a_json_file(write: WriteFiles) -> None:
    text = json.dumps({"openapi": "3.1.0", "info": {"title": "x"}}, indent=2)
    root = write({"openapi.json": text}, root="openapi.json")
    document = load_document(root)
    assert document.line(root, ("info", "title")) == 4


def test_display_name_is_relative_to_the_working_directory(
    write: WriteFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write({"openapi.yaml": "openapi: 3.1.0\n"})
    document = load_document(root)
    monkeypatch.chdir(root.parent.parent)
    assert document.display_name(root) == "spec/openapi.yaml"


# ---------------------------------------------------------------- pointers


@pytest.mark.parametrize(
    ("fragment", "pointer"),
    [
        ("", ()),
        ("/", ("",)),
        ("/paths/~1items~1{id}", ("paths", "/items/{id}")),
        ("/a~01", ("a~1",)),  # ~01 is "~" then "1", not "/"
        ("/odd%20key/%7E1", ("odd key", "/")),
        ("/list/0", ("list", "0")),
    ],
)
def test_parse_pointer(fragment: str, pointer: tuple[str, ...]) -> None:
    assert parse_pointer(fragment) == pointer


def test_pointer_str_escapes_tokens() -> None:
    assert pointer_str(("paths", "/a~b")) == "/paths/~1a~0b"
    assert parse_pointer(pointer_str(("a/~b", "~1"))) == ("a/~b", "~1")


def test_walk_says_where_the_pointer_breaks_off() -> None:
    data = {"a": [{"b": 1}]}
    assert walk(data, ("a", "0", "b")) == 1
    with pytest.raises(LookupError, match=r"^nothing is at /a/1$"):
        walk(data, ("a", "1", "b"))
    with pytest.raises(LookupError, match=r"^nothing is at /a/0/c$"):
        walk(data, ("a", "0", "c", "d"))


def test_parse_file_of_a_directory(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as error:
        parse_file(tmp_path)
    assert only_error(error).startswith(f"error: The file {str(tmp_path)!r} cannot be")


def test_document_data_is_the_root_file(tmp_path: Path) -> None:
    root = tmp_path / "openapi.yaml"
    document = Document(root, {root: {"openapi": "3.1.0"}})
    assert document.data == {"openapi": "3.1.0"}
