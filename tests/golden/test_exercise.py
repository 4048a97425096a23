"""The golden packages import, type-check, and behave as their documents say.

Byte-for-byte comparison proves the output is stable; these tests prove it is right:
each construct of the documents is decoded, encoded or called through the generated
code. Calls cross a real socket to a small recording server on 127.0.0.1.
"""

from __future__ import annotations

import importlib
import inspect
import json
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

import msgspec
import pytest

from .cases import CASES, expected_dir

ROOT = Path(__file__).resolve().parents[2]


def _package(case: str, name: str) -> ModuleType:
    path = str(expected_dir(case))
    if path not in sys.path:
        sys.path.insert(0, path)
    return importlib.import_module(name)


@pytest.fixture(scope="module")
def constructs() -> ModuleType:
    return _package("constructs", "constructs")


@pytest.fixture(scope="module")
def notes() -> ModuleType:
    return _package("envelope", "notes")


@pytest.fixture(scope="module")
def hostile() -> ModuleType:
    return _package("hostile", "hostile")


@pytest.fixture(scope="module")
def dialects() -> ModuleType:
    return _package("dialects", "dialects")


# --------------------------------------------------------------- static checks


@pytest.mark.parametrize("case", CASES)
def test_golden_package_passes_ruff_and_mypy_strict(case: str) -> None:
    root = expected_dir(case)
    package = next(p.name for p in root.iterdir() if (p / "__init__.py").exists())
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--quiet", "--no-cache", "."],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ruff.returncode == 0, f"ruff on {case}:\n{ruff.stdout}{ruff.stderr}"
    mypy = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir=/dev/null", package],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert mypy.returncode == 0, f"mypy --strict on {case}:\n{mypy.stdout}{mypy.stderr}"


# ----------------------------------------------------------------- schemas


def test_all_of_merges_every_part_and_leaves_out_write_only(
    constructs: ModuleType,
) -> None:
    from constructs.models import Kind, Pet, Priority

    fields = {f.name for f in msgspec.structs.fields(Pet)}
    assert {"id", "created_at", "name", "kind", "priority", "owner", "parent"} <= fields
    assert "secret" not in fields, "a writeOnly property is never received"

    pet = msgspec.json.decode(
        json.dumps(
            {
                "id": "p1",
                "createdAt": "2026-01-22T12:00:00Z",
                "name": "Rex",
                "kind": "dog",
                "birthday": "2020-05-01",
                "priority": 2,
                "owner": {"name": "Ann", "email": "ann@example.test"},
                "attributes": {"any": ["thing", 1]},
                "scores": {"speed": 1.5, "size": 3},
                "parent": {"id": "p0", "name": "Old Rex", "kind": "dog"},
                "wakeAt": "07:30:00",
                "chip": "6f1c2b8e-9d3a-4c1e-8b7a-2f4d5e6a7b8c",
                "avatar": "aGVsbG8=",
            }
        ),
        type=Pet,
    )
    assert pet.kind is Kind.DOG and pet.priority is Priority.VALUE_2
    assert pet.created_at.year == 2026 and pet.birthday.isoformat() == "2020-05-01"
    assert pet.owner is not None and pet.owner.email == "ann@example.test"
    assert pet.parent is not None and pet.parent.name == "Old Rex", "recursive schema"
    assert pet.scores == {"speed": 1.5, "size": 3.0}
    assert pet.avatar == b"hello", "format: byte is base64 on the wire"
    assert str(pet.chip) == "6f1c2b8e-9d3a-4c1e-8b7a-2f4d5e6a7b8c"
    assert pet.version == 1, "a documented default fills an absent property"


def test_unknown_enum_values_are_accepted(constructs: ModuleType) -> None:
    from constructs.models import Kind, Priority

    assert Kind("cat").known
    lizard = Kind("lizard")
    assert lizard == "lizard" and not lizard.known and lizard.name == "lizard"
    assert Priority(9) == 9 and not Priority(9).known
    with pytest.raises(ValueError, match="is not a valid Kind"):
        Kind(3)


def test_discriminated_union_decodes_by_tag(constructs: ModuleType) -> None:
    from constructs.models import Circle, Shape, Square

    shapes = msgspec.json.decode(
        b'[{"shapeType": "square", "side": 2}, {"shapeType": "circle", "radius": 1}]',
        type=list[Shape],  # type: ignore[valid-type]
    )
    assert [type(s) for s in shapes] == [Square, Circle]
    assert shapes[1].shape_type == "circle"
    assert (
        msgspec.json.encode(Circle(radius=2.0))
        == b'{"shapeType":"circle","radius":2.0}'
    )
    with pytest.raises(msgspec.ValidationError, match="Invalid value 'triangle'"):
        msgspec.json.decode(b'{"shapeType": "triangle"}', type=Shape)


def test_mutually_recursive_schemas_share_a_module(constructs: ModuleType) -> None:
    from constructs.models import Document, DocumentPage

    assert (
        Document.__module__ == DocumentPage.__module__ == "constructs.models.document"
    )
    document = msgspec.json.decode(
        b'{"id": "d", "pages": [{"number": 1, "document": {"id": "e", "pages": []}}]}',
        type=Document,
    )
    assert document.pages[0].document is not None
    assert document.pages[0].document.id == "e"


def test_aliases_and_read_only_request_properties(constructs: ModuleType) -> None:
    from constructs.models import Identifier, IdList, StringOrNumber
    from constructs.resources.pets import Pets

    assert Identifier is str and IdList == list[str]
    assert StringOrNumber == str | float
    create = inspect.signature(Pets.create).parameters
    assert {"name", "kind", "birthday", "secret", "nickname", "tags"} <= set(create)
    assert "id" not in create and "created_at" not in create, "readOnly is not sent"
    assert create["name"].default is inspect.Parameter.empty, "required stays required"


def test_optional_nullable_and_both_are_three_different_things(
    dialects: ModuleType,
) -> None:
    from dialects.models import Note

    note = msgspec.json.decode(
        b'{"id": "6f1c2b8e-9d3a-4c1e-8b7a-2f4d5e6a7b8c", "kind": "note", '
        b'"text": "hi", "pinnedAt": null, "title": null}',
        type=Note,
    )
    assert note.pinned_at is None, "required and nullable: null is a value"
    assert note.title is None, "optional and nullable: null was sent"
    assert note.label is msgspec.UNSET, "optional and nullable: nothing was sent"
    assert note.colour is None, "optional only: absent"
    with pytest.raises(msgspec.ValidationError, match="missing required field"):
        msgspec.json.decode(b'{"kind": "note", "text": "hi"}', type=Note)

    sent = msgspec.to_builtins(
        Note(id=note.id, kind="note", text="t", pinned_at=None, title=None)
    )
    assert sent == {
        "id": str(note.id), "kind": "note", "text": "t", "pinnedAt": None, "title": None
    }, "a null is sent; UNSET and None-for-absent are left out"  # fmt: skip


def test_const_formats_and_multi_type_properties(dialects: ModuleType) -> None:
    from dialects.models import Note

    body = {
        "id": "6f1c2b8e-9d3a-4c1e-8b7a-2f4d5e6a7b8c",
        "kind": "note",
        "schemaVersion": 2,
        "text": "hi",
        "pinnedAt": "2026-01-22T12:00:00Z",
        "views": 2**62,
        "author": "ann@example.test",
        "link": "https://example.test/n/1",
        "score": "high",
        "label": {"name": "a", "parent": {"name": "root"}},
    }
    note = msgspec.json.decode(json.dumps(body), type=Note)
    assert note.views == 2**62, "int64 fits"
    assert note.author == "ann@example.test" and note.link.startswith("https://")
    assert note.pinned_at is not None and note.pinned_at.year == 2026
    assert note.score == "high" and msgspec.json.decode(
        json.dumps({**body, "score": 7}), type=Note
    ).score == 7, "type: [integer, string]"  # fmt: skip
    assert note.label is not None and note.label is not msgspec.UNSET
    assert note.label.parent is not None and note.label.parent.name == "root"
    for wrong in ({"kind": "memo"}, {"schemaVersion": 3}):
        with pytest.raises(msgspec.ValidationError, match="Invalid enum value"):
            msgspec.json.decode(json.dumps({**body, **wrong}), type=Note)


def test_a_union_without_discriminator_is_decoded_by_its_constant(
    dialects: ModuleType,
) -> None:
    from dialects.models import Event, NoteCreated, NoteDeleted

    events = msgspec.json.decode(
        b'[{"type": "deleted", "noteId": "n1"}, {"type": "created", "note": '
        b'{"kind": "note", "text": "t", "pinnedAt": null, '
        b'"id": "6f1c2b8e-9d3a-4c1e-8b7a-2f4d5e6a7b8c"}}]',
        type=list[Event],  # type: ignore[valid-type]
    )
    assert [type(e) for e in events] == [NoteDeleted, NoteCreated]
    assert events[0].type == "deleted"
    assert msgspec.json.encode(NoteDeleted(note_id="n2")) == (
        b'{"type":"deleted","noteId":"n2"}'
    )


def test_a_schema_that_is_only_a_reference_is_an_alias(dialects: ModuleType) -> None:
    from dialects.models import Label, LabelAlias

    assert LabelAlias is Label


def test_deprecated_properties_and_parameters_are_flagged(
    dialects: ModuleType,
) -> None:
    from dialects.resources.notes import Notes

    model = (expected_dir("dialects") / "dialects/models/note.py").read_text()
    assert '"""Deprecated. The identifier of the old note service."""' in model
    assert "colour: Deprecated. Use `tag` instead." in (Notes.list.__doc__ or "")


def test_resources_come_from_tags_or_from_the_first_path_segment(
    dialects: ModuleType,
) -> None:
    from dialects.resources.notes import Notes
    from dialects.resources.reports import Reports

    assert {"list", "create", "archive"} <= set(vars(Notes)), "tag Notes, two paths"
    assert {"list", "retrieve", "rerun"} <= set(vars(Reports)), "untagged /reports"
    assert set(dialects.Dialects.__dict__) >= {"notes", "exports", "reports"}


# -------------------------------------------------------------- hostile names


def test_hostile_names_become_distinct_identifiers(hostile: ModuleType) -> None:
    from hostile.models import Class

    fields = {f.name: f.encode_name for f in msgspec.structs.fields(Class)}
    assert fields["import_"] == "import" and fields["def_"] == "def"
    wire_names = {"user name", "user-name", "user.name", "userName"}
    assert {v for v in fields.values() if v in wire_names} == wire_names
    assert fields["u540d_u524d"] == "名前" and fields["cafe"] == "café"
    assert fields["field_2fa"] == "2fa" and fields["to_dict_"] == "to_dict"
    assert Class(default='"""; import os').to_dict()["default"] == '"""; import os'


def test_hostile_text_stays_text(hostile: ModuleType) -> None:
    from hostile.models import Class
    from hostile.resources.my_items import MyItems

    assert '"""' in (Class.__doc__ or "")
    doc = MyItems.import_os.__doc__ or ""
    assert doc.startswith('Get an item """ with quotes.') and "backslash \\" in doc
    assert (hostile.__doc__ or "").startswith('Hostile """ names Python client.')
    readme = (expected_dir("hostile") / "README.md").read_text()
    assert '""" + __import__("os").system("echo pwned") + """' in readme
    assert "{{ config }} {% raw %}" in readme, "template syntax in the spec stays text"


# ------------------------------------------------------------ over the network


class _Recorder(BaseHTTPRequestHandler):
    """Answers each request from a table and records what it received."""

    protocol_version = "HTTP/1.1"
    seen: ClassVar[list[dict[str, Any]]] = []
    routes: ClassVar[dict[tuple[str, str], tuple[int, str, bytes]]] = {}

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        request = {"method": self.command, "path": path, "query": query}
        self.seen.append({**request, "headers": dict(self.headers), "body": body})
        status, content_type, payload = self.routes.get(
            (self.command, path), (404, "application/json", b'{"message": "no route"}')
        )
        self.send_response(status)
        if payload:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    # http.server dispatches on these names.
    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def recorder() -> type[_Recorder]:
    _Recorder.seen.clear()
    _Recorder.routes.clear()
    return _Recorder


@pytest.fixture
def opened() -> Iterator[Callable[[Any], Any]]:
    """Hands a client back and closes it when the test ends, whatever happens."""
    clients: list[Any] = []

    def keep(client: Any) -> Any:
        clients.append(client)
        return client

    yield keep
    for client in clients:
        client.close()


PET = b'{"id": "p1", "name": "Rex", "kind": "dog"}'


def test_parameters_in_query_header_and_cookie(
    constructs: ModuleType,
    server: str,
    recorder: type[_Recorder],
    opened: Callable[[Any], Any],
) -> None:
    recorder.routes[("GET", "/pets")] = (200, "application/json", b"[" + PET + b"]")
    client = opened(constructs.Constructs(api_key="k", base_url=server, max_retries=0))

    pets = client.pets.list(
        tags=["a", "b"], ids=[1, 2], kind="cat", x_trace="t-1", session="s1", limit=5
    )

    assert [p.name for p in pets] == ["Rex"]
    request = recorder.seen[-1]
    assert request["query"] == "tags=a&tags=b&ids=1%2C2&kind=cat&limit=5"
    assert request["headers"]["X-Trace"] == "t-1"
    assert request["headers"]["Cookie"] == "session=s1"
    assert request["headers"]["Authorization"] == "Bearer k"


def test_bodies_json_form_multipart_and_binary(
    constructs: ModuleType,
    server: str,
    recorder: type[_Recorder],
    opened: Callable[[Any], Any],
) -> None:
    recorder.routes[("POST", "/pets")] = (201, "application/json", PET)
    recorder.routes[("POST", "/pets/p1/notes")] = (200, "text/plain", b"noted")
    recorder.routes[("PUT", "/pets/p1/photo")] = (204, "", b"")
    document_body = b'{"id": "d1", "pages": []}'
    recorder.routes[("POST", "/documents")] = (201, "application/json", document_body)
    client = opened(constructs.Constructs(api_key="k", base_url=server, max_retries=0))

    created = client.pets.create(name="Rex", kind="dog", nickname=None)
    assert json.loads(recorder.seen[-1]["body"]) == {
        "name": "Rex", "kind": "dog", "nickname": None
    }, "omitted arguments are not sent; None is sent as null"  # fmt: skip
    assert created.id == "p1"

    assert client.pets.add_note("p1", text="hi there", pinned=True) == "noted"
    assert recorder.seen[-1]["body"] == b"text=hi+there&pinned=true"

    assert client.pets.update_photo("p1", body=b"\x89PNG") is None
    assert recorder.seen[-1]["body"] == b"\x89PNG"

    document = client.documents.upload(
        file=("a.txt", b"hello", "text/plain"), title="T"
    )
    assert document.id == "d1"
    sent = recorder.seen[-1]
    assert sent["headers"]["Content-Type"].startswith("multipart/form-data; boundary=")
    assert b'name="file"; filename="a.txt"' in sent["body"] and b"hello" in sent["body"]
    assert b'name="title"' in sent["body"]


def test_binary_response_and_deprecation_warning(
    constructs: ModuleType,
    server: str,
    recorder: type[_Recorder],
    opened: Callable[[Any], Any],
) -> None:
    recorder.routes[("GET", "/pets/p1/photo")] = (200, "image/png", b"\x89PNG\r\n")
    recorder.routes[("DELETE", "/pets/p1")] = (204, "", b"")
    client = opened(constructs.Constructs(api_key="k", base_url=server, max_retries=0))

    assert client.pets.photo("p1") == b"\x89PNG\r\n"
    with pytest.warns(
        DeprecationWarning, match=r"DELETE /pets/\{petId\} is deprecated"
    ):
        assert client.pets.delete("p1") is None


async def test_async_client_and_discriminated_body(
    constructs: ModuleType, server: str, recorder: type[_Recorder]
) -> None:
    from constructs.models import Square

    square = b'{"shapeType": "square", "side": 3}'
    recorder.routes[("POST", "/shapes")] = (200, "application/json", square)
    async with constructs.AsyncConstructs(api_key="k", base_url=server) as client:
        shape = await client.shapes.draw(body=Square(side=3.0))
    assert isinstance(shape, Square) and shape.side == 3.0
    assert json.loads(recorder.seen[-1]["body"]) == {"shapeType": "square", "side": 3.0}


def test_an_api_key_scheme_in_a_header_sends_the_key_there(
    hostile: ModuleType,
    server: str,
    recorder: type[_Recorder],
    opened: Callable[[Any], Any],
) -> None:
    recorder.routes[("GET", "/list")] = (
        200,
        "application/json",
        b'[{"enabled": true}]',
    )
    client = opened(
        hostile.Hostile(api_key="secret-key", base_url=server, max_retries=0)
    )

    assert [item.enabled for item in client.my_items.list()] == [True]
    headers = recorder.seen[-1]["headers"]
    assert headers["X-Api-Key"] == "secret-key" and "Authorization" not in headers


def test_envelope_is_unwrapped_and_pages_follow_the_cursor(
    notes: ModuleType,
    server: str,
    recorder: type[_Recorder],
    opened: Callable[[Any], Any],
) -> None:
    def page(ids: list[str], more: bool, nxt: str | None) -> bytes:
        data = [{"id": i, "text": i, "createdAt": "2026-01-01T00:00:00Z"} for i in ids]
        return json.dumps(
            {
                "data": data,
                "page": {"more": more, "next": nxt},
                "meta": {"requestId": "r"},
            }
        ).encode()

    recorder.routes[("GET", "/notes")] = (
        200,
        "application/json",
        page(["a", "b"], True, "c2"),
    )
    client = opened(notes.Notes(api_key="k", base_url=server, max_retries=0))
    first = client.notes.list(limit=2)
    assert [n.id for n in first.data] == ["a", "b"] and first.has_more

    recorder.routes[("GET", "/notes")] = (
        200,
        "application/json",
        page(["c"], False, None),
    )
    assert [n.id for n in first.get_next_page().data] == ["c"]
    assert (
        recorder.seen[-1]["query"] == "limit=2&cursor=c2"
    ), "the cursor replaces nothing else"
    sandbox = opened(notes.Notes(api_key="k", environment="sandbox"))
    assert sandbox.base_url.startswith("https://sandbox.notes.test/v1")


def test_success_statuses_are_each_read_as_documented(
    dialects: ModuleType,
    server: str,
    recorder: type[_Recorder],
    opened: Callable[[Any], Any],
) -> None:
    from dialects.models import Export, Job

    client = opened(dialects.Dialects(base_url=server, max_retries=0))
    answers = [
        (200, "application/json", b'{"url": "https://example.test/e.zip"}'),
        (202, "application/json", b'{"jobId": "j1", "state": "queued"}'),
        (204, "", b""),
    ]
    results = []
    for answer in answers:
        recorder.routes[("POST", "/exports")] = answer
        results.append(client.exports.start())
    assert isinstance(results[0], Export) and results[0].url.endswith("e.zip")
    assert isinstance(results[1], Job) and results[1].state == "queued"
    assert results[2] is None

    recorder.routes[("POST", "/exports")] = answers[1]
    raw = client.exports.with_raw_response.start()
    assert raw.status_code == 202 and isinstance(raw.parse(), Job)


def test_default_responses_text_bodies_and_int64_paths(
    dialects: ModuleType,
    server: str,
    recorder: type[_Recorder],
    opened: Callable[[Any], Any],
) -> None:
    job = b'{"jobId": "j2", "state": "running"}'
    recorder.routes[("POST", f"/reports/{2**40}/rerun")] = (
        200,
        "application/json",
        job,
    )
    recorder.routes[("GET", "/reports/7")] = (200, "text/csv", b"a,b\n1,2\n")
    recorder.routes[("GET", "/notes")] = (
        418, "application/json", b'{"title": "I am a teapot", "status": 418}'
    )  # fmt: skip
    client = opened(dialects.Dialects(base_url=server, max_retries=0))

    assert client.reports.rerun(2**40).job_id == "j2", "only a default response"
    assert client.reports.retrieve(7) == "a,b\n1,2\n"
    with pytest.raises(dialects.APIStatusError) as raised:
        client.notes.list()
    assert raised.value.status_code == 418, "a default error response raises"


def test_query_styles_and_deprecated_parameter_warning(
    dialects: ModuleType,
    server: str,
    recorder: type[_Recorder],
    opened: Callable[[Any], Any],
) -> None:
    import warnings

    recorder.routes[("GET", "/notes")] = (200, "application/json", b"[]")
    client = opened(dialects.Dialects(base_url=server, max_retries=0))

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert client.notes.list(tag=["a", "b"], word=["x", "y"]) == []
    assert recorder.seen[-1]["query"] == "tag=a%7Cb&word=x+y"

    with pytest.warns(DeprecationWarning, match="The parameter colour is deprecated"):
        client.notes.list(colour="red")
    assert recorder.seen[-1]["query"] == "colour=red"

    note = b'{"id": "6f1c2b8e-9d3a-4c1e-8b7a-2f4d5e6a7b8c", "kind": "note", '
    note += b'"text": "t", "pinnedAt": null}'
    recorder.routes[("POST", "/notes")] = (201, "application/json", note)
    with pytest.warns(DeprecationWarning, match="parameter legacy_id is deprecated"):
        client.notes.create(text="t", pinned_at=None, legacy_id="old-1")
    assert json.loads(recorder.seen[-1]["body"]) == {
        "kind": "note", "text": "t", "pinnedAt": None, "legacyId": "old-1"
    }, "a deprecated property is still sent, and a const is sent unasked"  # fmt: skip


def test_lenient_generates_a_document_with_harmless_errors(tmp_path: Path) -> None:
    from generator.config import load_config
    from generator.errors import SpecError
    from generator.pipeline import generate

    spec = tmp_path / "openapi.yaml"
    spec.write_text(
        """\
openapi: 3.0.3
info: {title: Lenient, version: '1'}
paths:
  /things:
    get:
      operationId: listThings
      x-unknown: fine
      responses:
        '200':
          description: The things.
          content:
            application/json:
              schema:
                type: array
                items: {$ref: '#/components/schemas/Thing'}
components:
  schemas:
    Thing:
      type: object
      required: [id, id]
      properties:
        id: {type: string}
""",
        encoding="utf-8",
    )
    config = load_config(spec, None, "lenient_pkg")
    with pytest.raises(SpecError, match="has non-unique elements"):
        generate(spec, tmp_path / "strict", config, cache_dir=tmp_path / "cache")
    result = generate(
        spec, tmp_path / "out", config, lenient=True, cache_dir=tmp_path / "cache"
    )

    assert [w.message for w in result.warnings] == [
        "The document is not valid OpenAPI 3.0.3: ['id', 'id'] has non-unique "
        "elements. (ignored with --lenient)"
    ]
    check = (
        "import msgspec; from lenient_pkg.models import Thing; "
        "from lenient_pkg.resources.things import Things; "
        "assert msgspec.json.decode(b'{\"id\": \"t\"}', type=Thing).id == 't'; "
        "assert callable(Things.list)"
    )
    run = subprocess.run(
        [sys.executable, "-c", check],
        cwd=tmp_path / "out",
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
