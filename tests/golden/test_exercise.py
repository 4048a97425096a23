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
from collections.abc import Iterator
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


PET = b'{"id": "p1", "name": "Rex", "kind": "dog"}'


def test_parameters_in_query_header_and_cookie(
    constructs: ModuleType, server: str, recorder: type[_Recorder]
) -> None:
    recorder.routes[("GET", "/pets")] = (200, "application/json", b"[" + PET + b"]")
    client = constructs.Constructs(api_key="k", base_url=server, max_retries=0)

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
    constructs: ModuleType, server: str, recorder: type[_Recorder]
) -> None:
    recorder.routes[("POST", "/pets")] = (201, "application/json", PET)
    recorder.routes[("POST", "/pets/p1/notes")] = (200, "text/plain", b"noted")
    recorder.routes[("PUT", "/pets/p1/photo")] = (204, "", b"")
    document_body = b'{"id": "d1", "pages": []}'
    recorder.routes[("POST", "/documents")] = (201, "application/json", document_body)
    client = constructs.Constructs(api_key="k", base_url=server, max_retries=0)

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
    constructs: ModuleType, server: str, recorder: type[_Recorder]
) -> None:
    recorder.routes[("GET", "/pets/p1/photo")] = (200, "image/png", b"\x89PNG\r\n")
    recorder.routes[("DELETE", "/pets/p1")] = (204, "", b"")
    client = constructs.Constructs(api_key="k", base_url=server, max_retries=0)

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
    hostile: ModuleType, server: str, recorder: type[_Recorder]
) -> None:
    recorder.routes[("GET", "/list")] = (
        200,
        "application/json",
        b'[{"enabled": true}]',
    )
    client = hostile.Hostile(api_key="secret-key", base_url=server, max_retries=0)

    assert [item.enabled for item in client.my_items.list()] == [True]
    headers = recorder.seen[-1]["headers"]
    assert headers["X-Api-Key"] == "secret-key" and "Authorization" not in headers


def test_envelope_is_unwrapped_and_pages_follow_the_cursor(
    notes: ModuleType, server: str, recorder: type[_Recorder]
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
    client = notes.Notes(api_key="k", base_url=server, max_retries=0)
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
    assert notes.Notes(api_key="k", environment="sandbox").base_url.startswith(
        "https://sandbox.notes.test/v1"
    )
