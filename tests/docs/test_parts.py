"""The docs generator's parts, on small inputs: Markdown, values, schemas, curl checks.

Also a small document of another API, to show that nothing in the generator is about
one API: its site builds, with the topics that apply to it and none that do not.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.config import Config
from generator.docs import build_site, markdown
from generator.docs.literals import Literals
from generator.docs.schema_view import SchemaViews
from generator.errors import Diagnostics
from generator.model import EnumClass, EnumMember, ModelClass, Property
from generator.pipeline import load_and_validate
from tests.docs.curl_check import CurlError, check
from tests.docs.page import read_page

# ---------------------------------------------------------------------- markdown


def test_markdown_escapes_raw_html_and_drops_script_links() -> None:
    html = markdown.render("<script>alert(1)</script> [x](javascript:alert(1))")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html


def test_markdown_turns_images_into_links_so_nothing_is_fetched() -> None:
    html = markdown.render("![The logo](https://example.org/logo.png)")
    assert html == '<p><a href="https://example.org/logo.png">The logo</a></p>\n'


def test_markdown_moves_headings_down_and_wraps_tables() -> None:
    html = markdown.render("# Title\n\n| a |\n|---|\n| b |", heading_offset=2)
    assert html.startswith("<h3>Title</h3>")
    assert '<div class="scroll"><table>' in html


def test_sections_split_at_the_top_headings_but_not_inside_code() -> None:
    text = (
        "Intro.\n\n## One\n\n```\n## not a heading\n```\n\n### Deeper\n\n## Two\n\nEnd."
    )
    preamble, sections = markdown.split_sections(text)
    assert preamble == "Intro."
    assert [(s.title, s.heading_offset) for s in sections] == [("One", 0), ("Two", 0)]
    assert "## not a heading" in sections[0].body
    assert "### Deeper" in sections[0].body


def test_highlighting_escapes_code_and_marks_tokens() -> None:
    assert (
        markdown.highlight('x = "<b>"', "python")
        == 'x = <span class="s">"&lt;b&gt;"</span>'
    )
    assert markdown.highlight("<b>", "no-such-language") == "&lt;b&gt;"


def test_first_sentence() -> None:
    assert markdown.first_sentence("One thing. Two things.\n\nMore.") == "One thing."


# ------------------------------------------------------------------------ values


STATUS = EnumClass("Status", "", (EnumMember("IN_PROGRESS", '"in-progress"'),), "str")
TAG = ModelClass(
    "Tag",
    "",
    (
        Property("name", "name", "str", None),
        Property("color_code", "colorCode", "str | None", "None"),
    ),
)
LITERALS = Literals({"Status": STATUS, "Tag": TAG})


@pytest.mark.parametrize(
    ("value", "annotation", "expected"),
    [
        ("in-progress", "Status | NotGiven", "Status.IN_PROGRESS"),
        (
            {"name": "a", "colorCode": "#fff"},
            "Tag | dict[str, Any]",
            'Tag(name="a", color_code="#fff")',
        ),
        (
            {"name": "a", "other": 1},
            "Tag | dict[str, Any]",
            '{"name": "a", "other": 1}',
        ),
        ([{"name": "a"}], "list[Tag]", '[Tag(name="a")]'),
        (
            "2026-01-22T12:00:00Z",
            "datetime.datetime",
            'datetime.datetime.fromisoformat("2026-01-22T12:00:00Z")',
        ),
        (None, "str | NotGiven | None", "None"),
        (1.5, "float", "1.5"),
        ("b", 'Literal["a", "b"]', '"b"'),
    ],
)
def test_values_are_written_as_the_parameter_type_asks(
    value: Any, annotation: str, expected: str
) -> None:
    found = LITERALS.expression(value, annotation)
    assert found is not None
    assert found.text == expected


def test_a_value_that_does_not_fit_its_type_is_refused() -> None:
    assert LITERALS.expression("large", "int | NotGiven") is None
    assert LITERALS.expression("done", "Status") is None
    assert LITERALS.expression({"colorCode": "#fff"}, "Tag") is None  # name is required


def test_a_value_names_what_it_needs_imported() -> None:
    found = LITERALS.expression({"name": "a"}, "Tag")
    assert found is not None and found.models == {"Tag"}
    stamp = LITERALS.expression("2026-01-22", "datetime.date")
    assert stamp is not None and stamp.modules == {"datetime"}


# ---------------------------------------------------------------- another API

INVENTORY = """\
openapi: 3.1.0
info:
  title: Inventory API
  version: 2.0.0
  description: |
    Keeps track of widgets.

    ## Versioning

    Nothing breaks within a version.
servers:
  - url: https://inventory.example/api
tags:
  - name: Widgets
paths:
  /widgets:
    get:
      operationId: listWidgets
      tags: [Widgets]
      summary: List widgets
      responses:
        '200':
          description: The widgets.
          content:
            application/json:
              schema:
                type: array
                items: {$ref: '#/components/schemas/Widget'}
    post:
      operationId: createWidget
      tags: [Widgets]
      summary: Create a widget
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/WidgetCreate'}
            example: {name: Bolt, size: large}
      responses:
        '201':
          description: The widget.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Widget'}
              example: {id: w_1, name: Bolt, size: 3}
  /widgets/{widgetId}:
    parameters:
      - name: widgetId
        in: path
        required: true
        schema: {type: string, pattern: '^w_[0-9]+$'}
        example: w_1
    get:
      operationId: getWidget
      tags: [Widgets]
      summary: Get a widget
      responses:
        '200':
          description: The widget.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Widget'}
        '404':
          description: No such widget.
components:
  schemas:
    WidgetCreate:
      type: object
      required: [name]
      properties:
        name: {type: string, minLength: 1, examples: [Bolt]}
        size: {type: integer, minimum: 1}
    Widget:
      type: object
      required: [id, name]
      properties:
        id: {type: string, pattern: '^w_[0-9]+$', readOnly: true}
        name: {type: string}
        size: {type: [integer, 'null']}
"""


@pytest.fixture(scope="module")
def inventory(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("inventory")
    (folder / "openapi.yaml").write_text(INVENTORY)
    config = Config("inventory", "inventory", "Inventory", "INVENTORY")
    return build_site(folder / "openapi.yaml", folder / "site", config)


def test_another_api_gets_only_the_topics_it_has(inventory: Any) -> None:
    titles = [(s.title, s.topic) for s in inventory.view.guide]
    assert titles == [
        ("Introduction", ""),
        ("Environments", "environments"),
        ("Errors", "errors"),
        ("Versioning", ""),
    ]


def test_another_api_gets_its_own_names_and_setup(inventory: Any) -> None:
    page = read_page(inventory.files["index.html"].decode())
    sample = next(b.source for b in page.code("python") if b.owner == "getWidget")
    assert sample == textwrap.dedent("""\
        from inventory import Inventory

        client = Inventory()
        widget = client.widgets.create(name="Bolt")

        widget = client.widgets.retrieve(widget.id)
        print(widget.id)
        """)


def test_an_example_value_of_the_wrong_type_is_left_out_with_a_warning(
    inventory: Any,
) -> None:
    assert [w.message for w in inventory.warnings] == [
        "Code sample: The example value 'large' of 'size' does not fit the type "
        "'int | NotGiven'; the snippet leaves it out."
    ]
    assert inventory.warnings[0].operation == "POST /widgets"


# ----------------------------------------------------------------------- schemas


def test_schema_rows_say_required_nullable_constraints_and_values(
    tmp_path: Path,
) -> None:
    (tmp_path / "openapi.yaml").write_text(INVENTORY)
    bundle = load_and_validate(tmp_path / "openapi.yaml", Diagnostics())
    views = SchemaViews(bundle, frozenset({"Widget"}), markdown.render)

    request = views.properties({"$ref": "#/components/schemas/WidgetCreate"}, "request")
    assert [(f.name, f.type, f.required, f.constraints) for f in request] == [
        ("name", "string", True, ("at least 1 character",)),
        ("size", "integer", False, ("at least 1",)),
    ]
    response = views.properties({"$ref": "#/components/schemas/Widget"}, "request")
    assert [(f.name, f.nullable) for f in response] == [("name", False), ("size", True)]


# -------------------------------------------------------------------- curl checks

DOCUMENT = yaml.safe_load("""
    servers: [{url: "https://api.example/v1"}]
    security: [{key: []}]
    paths:
      /things/{id}:
        parameters:
          - {name: id, in: path, required: true, schema: {type: string, pattern: ^t_}}
        get:
          parameters:
            - {name: limit, in: query, schema: {type: integer, maximum: 10}}
        patch:
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: "#/components/schemas/Change"}
    components:
      schemas:
        Change:
          type: object
          additionalProperties: false
          properties: {name: {type: string}}
    """)
AUTH = '-H "Authorization: Bearer $KEY"'


API = "https://api.example/v1"
JSON = '-H "Content-Type: application/json"'
BAD_COMMANDS = [
    (
        'curl "https://other.example/v1/things/t_1"',
        "The URL 'https://other.example/v1/things/t_1' is not on a server of the "
        "document.",
    ),
    (f'curl "{API}/nothing"', "The path '/nothing' matches no path of the document."),
    (
        f'curl -X DELETE "{API}/things/t_1" {AUTH}',
        "DELETE is not an operation of /things/{id}.",
    ),
    (
        f'curl "{API}/things/x_1" {AUTH}',
        "path parameter 'id': 'x_1' does not match '^t_'.",
    ),
    (
        f'curl "{API}/things/t_1?size=2" {AUTH}',
        "The query parameter 'size' is not declared by /things/{id}.",
    ),
    (
        f'curl "{API}/things/t_1?limit=20" {AUTH}',
        "query parameter 'limit': 20 is greater than the maximum of 10.",
    ),
    (
        f'curl "{API}/things/t_1"',
        "The operation needs credentials; the command sends none.",
    ),
    (
        f'curl -X PATCH "{API}/things/t_1" {AUTH}',
        "The operation needs a request body; the command sends none.",
    ),
    (
        f"""curl -X PATCH "{API}/things/t_1" {AUTH} {JSON} -d '{{"nme": 1}}'""",
        "the request body: Additional properties are not allowed ('nme' was "
        "unexpected).",
    ),
    (
        f'curl "{API}/things/t_1" {AUTH} -H "X-Debug: 1"',
        "The header 'x-debug' is not declared by the operation.",
    ),
]


@pytest.mark.parametrize(("command", "message"), BAD_COMMANDS)
def test_the_curl_check_names_what_is_wrong(command: str, message: str) -> None:
    with pytest.raises(CurlError) as raised:
        check(command, DOCUMENT)
    assert str(raised.value) == message


def test_the_curl_check_accepts_a_request_the_document_allows() -> None:
    command = (
        f'curl -X PATCH "https://api.example/v1/things/t_1" \\\n  {AUTH} \\\n'
        '  -H "Content-Type: application/json" \\\n  -d \'{"name": "x"}\''
    )
    request = check(command, DOCUMENT)
    assert (request.method, request.data) == ("PATCH", '{"name": "x"}')
