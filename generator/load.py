"""Load an OpenAPI document from one or many YAML/JSON files.

YAML files are read from the events of PyYAML's C parser, straight into plain data
(`_plain_yaml`), with PyYAML's loader for the rare constructs that need it; JSON files
with the json module, which is faster still. Every `$ref` that names another file
pulls that file in, transitively, and every reference is checked to point somewhere,
so that later stages can follow references without failing. Line numbers are not
recorded while loading, which would slow down the common case; `Document.line` finds
the line of a JSON pointer when a message needs it, from an index of the file built
on the first such question.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias
from urllib.parse import unquote, urlsplit

import yaml

from .errors import Diagnostics, Location, SpecError, naming_sources

Pointer = tuple[str, ...]
# The keys of a path item that hold operations.
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# Keys whose values are data, not spec objects: a "$ref" inside them is not a reference.
_DATA_KEYS = frozenset({"example", "const", "default", "enum", "value"})
# Keys whose values map author-chosen names to objects.
_NAME_MAPS = frozenset(
    {
        "properties", "patternProperties", "$defs", "definitions", "dependentSchemas",
        "schemas", "responses", "parameters", "examples", "requestBodies", "headers",
        "securitySchemes", "links", "callbacks", "pathItems", "paths", "webhooks",
        "content", "encoding", "variables",
    }
)  # fmt: skip


class _SpecLoader(yaml.CSafeLoader):
    """YAML as JSON sees it: no dates, and only true/false are booleans.

    YAML 1.1 turns `2026-01-15` into a date and `on`/`no` into booleans; an OpenAPI
    document means strings there (an example date, a property named `on`).
    """


_SpecLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
}
_SpecLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
# What `_resolved_tag` relies on to resolve tags faster than the loader's `resolve`.
assert None not in _SpecLoader.yaml_implicit_resolvers
assert not _SpecLoader.yaml_path_resolvers


def escape_token(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def pointer_str(pointer: Pointer) -> str:
    """`("paths", "/projects")` -> `/paths/~1projects` (RFC 6901)."""
    return "".join("/" + escape_token(token) for token in pointer)


@functools.lru_cache(maxsize=8192)  # a document names the same targets again and again
def parse_pointer(fragment: str) -> Pointer:
    """`/paths/~1projects` -> `("paths", "/projects")`; %-encoding is undone too."""
    fragment = unquote(fragment)
    if not fragment:
        return ()
    if not fragment.startswith("/"):
        raise ValueError(f"{fragment!r} is not a JSON pointer (it must start with '/')")
    return tuple(
        token.replace("~1", "/").replace("~0", "~") for token in fragment[1:].split("/")
    )


@dataclass(frozen=True)
class Target:
    """Where a reference lands: the file, the pointer inside it, and the value there."""

    file: Path
    pointer: Pointer
    value: Any


@dataclass
class Document:
    """The loaded files of one OpenAPI document, and references across them."""

    root: Path
    files: dict[Path, Any]
    # SHA-256 of the bytes each file was parsed from: a later run that finds the same
    # bytes may reuse what was made from them (see caches.Outputs).
    digests: dict[Path, bytes] = field(default_factory=dict)
    _lines: dict[Path, _JsonLines | _YamlLines | None] = field(
        default_factory=dict, repr=False
    )

    @property
    def data(self) -> Any:
        return self.files[self.root]

    def __getstate__(self) -> dict[str, Any]:
        # Line indexes are caches, and one holds a whole file's text: a process that
        # receives the document builds its own when it needs them.
        return {**self.__dict__, "_lines": {}}

    def location(self, file: Path, pointer: Pointer) -> Location:
        return Location(
            self.display_name(file), pointer_str(pointer), self.line(file, pointer)
        )

    def display_name(self, file: Path) -> str:
        try:
            return str(file.relative_to(Path.cwd()))
        except ValueError:
            return str(file)

    def resolve(self, ref: str, base: Path) -> Target:
        """The target of `ref` written in file `base`; `LookupError` if none."""
        file_part, _, fragment = ref.partition("#")
        file = (base.parent / unquote(file_part)).resolve() if file_part else base
        if file not in self.files:
            raise LookupError(f"the file {self.display_name(file)!r} was not loaded")
        pointer = parse_pointer(fragment)
        return Target(file, pointer, walk(self.files[file], pointer))

    def deref(self, value: Any, file: Path, pointer: Pointer) -> Target:
        """Follow `$ref` chains from a value until a non-reference is reached."""
        seen: set[tuple[Path, Pointer]] = set()
        while isinstance(value, dict) and isinstance(value.get("$ref"), str):
            if (file, pointer) in seen:
                raise LookupError(
                    f"the reference cycle at {pointer_str(pointer)} never ends"
                )
            seen.add((file, pointer))
            target = self.resolve(value["$ref"], file)
            value, file, pointer = target.value, target.file, target.pointer
        return Target(file, pointer, value)

    def follow(self, path: Pointer) -> Target:
        """Walk a logical path from the root, following references on the way.

        Validators report places as paths through the document as if it were one file;
        this finds the file and pointer where such a place is written.
        """
        target = self.deref(self.data, self.root, ())
        for token in path:
            container = target.value
            key: Any = int(token) if isinstance(container, list) else token
            target = self.deref(container[key], target.file, (*target.pointer, token))
        return target

    def line(self, file: Path, pointer: Pointer) -> int | None:
        """The 1-based line where the value at `pointer` is written, if it can be found.

        For a member of a mapping that is the line of its key: a block value starts
        on the line below, which is not where a reader looks for `responses/200`.
        """
        if file not in self._lines:
            self._lines[file] = _line_index(file)
        index = self._lines[file]
        return None if index is None else index.line(pointer)


def walk(value: Any, pointer: Pointer) -> Any:
    """The value at `pointer` inside `value`; `LookupError` where it breaks off."""
    for depth, token in enumerate(pointer):
        if isinstance(value, dict) and token in value:
            value = value[token]
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            missing = pointer_str(pointer[: depth + 1])
            raise LookupError(f"nothing is at {missing}")
    return value


def path_operations(path_items: Any) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(path, method, operation) for each operation of a `paths` or `webhooks`
    mapping, in document order; what is not shaped so is left to validation."""
    if not isinstance(path_items, dict):
        return
    for name, item in path_items.items():
        if isinstance(item, dict):
            for method in HTTP_METHODS:
                operation = item.get(method)
                if isinstance(operation, dict):
                    yield name, method, operation


def parse_file(path: Path, digests: dict[Path, bytes] | None = None) -> Any:
    """Parse one YAML or JSON file as JSON data (see `_normalise`); `SpecError` with
    the line of a syntax error.

    With `digests`, the SHA-256 of the bytes parsed is recorded there under `path`.
    """
    try:
        content = path.read_bytes()
        # As read_text() would: UTF-8, with universal newlines.
        text = content.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except FileNotFoundError:
        raise SpecError.single(f"The file {str(path)!r} does not exist.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError.single(
            f"The file {str(path)!r} cannot be read: {error}."
        ) from None
    if digests is not None:
        digests[path] = hashlib.sha256(content).digest()

    if _is_json(path):
        try:
            return json.loads(text)  # keys are strings, and no value is shared
        except json.JSONDecodeError as error:
            location = Location(str(path), "", error.lineno)
            raise SpecError.single(
                f"The file is not valid JSON: {error.msg}.", location
            ) from None
    try:
        data = _plain_yaml(text)
        if data is not _DECLINED:
            return data
        # _SpecLoader is CSafeLoader with fewer implicit types: it builds plain data.
        return _normalise(yaml.load(text, Loader=_SpecLoader), path)  # noqa: S506
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark else None
        message = f"The file is not valid YAML: {error.problem or error}."
        raise SpecError.single(message, Location(str(path), "", line)) from None
    except (yaml.YAMLError, ValueError) as error:
        # ValueError: a malformed number in a text `_plain_yaml` left to the loader.
        raise SpecError.single(
            f"The file {str(path)!r} is not valid YAML: {error}."
        ) from None


def load_document(path: Path | str) -> Document:
    """Load the document rooted at `path` with every file its references reach.

    Raises `SpecError` naming the file, line and pointer of each reference that points
    nowhere, after looking at all of them.
    """
    root = Path(path).resolve()
    digests: dict[Path, bytes] = {}
    document = Document(root, {root: parse_file(root, digests)}, digests)
    diagnostics = Diagnostics()
    pending = [root]
    unread: set[Path] = set()
    while pending:
        file = pending.pop()
        for pointer, ref in _references(document.files[file]):
            _check_reference(document, file, pointer, ref, pending, unread, diagnostics)
    with naming_sources({*document.digests, *unread}):
        diagnostics.check()
    return document


def _check_reference(
    document: Document,
    file: Path,
    pointer: Pointer,
    ref: str,
    pending: list[Path],
    unread: set[Path],
    diagnostics: Diagnostics,
) -> None:
    where = (*pointer, "$ref")
    if urlsplit(ref).scheme:
        diagnostics.error(
            f"The reference {ref!r} points outside the local files; remote "
            "references are "
            "not fetched. Download the file and refer to it by a relative path.",
            document.location(file, where),
        )
        return

    file_part, _, _ = ref.partition("#")
    target_file = (file.parent / unquote(file_part)).resolve() if file_part else file
    if target_file not in document.files:
        try:
            document.files[target_file] = parse_file(target_file, document.digests)
        except SpecError as error:
            unread.add(target_file)
            for diagnostic in error.diagnostics:
                message = (
                    f"The reference {ref!r} cannot be loaded: {diagnostic.message}"
                )
                diagnostics.error(
                    message, diagnostic.location or document.location(file, where)
                )
            return
        pending.append(target_file)

    try:
        document.resolve(ref, file)
    except (LookupError, ValueError) as error:
        diagnostics.error(
            f"The reference {ref!r} points nowhere: {error}.",
            document.location(file, where),
        )


def _references(data: Any) -> Iterator[tuple[Pointer, str]]:
    """Every `$ref` in a file's data, with the pointer of the object holding it."""
    # Each entry says whether the value is a map of names (`properties`, `schemas`),
    # whose keys are names chosen by the author rather than keywords to interpret.
    stack: list[tuple[Pointer, Any, bool]] = [((), data, False)]
    while stack:
        pointer, value, named = stack.pop()
        if isinstance(value, list):
            stack.extend(
                ((*pointer, str(i)), item, False)
                for i, item in enumerate(value)
                if isinstance(item, dict | list)
            )
            continue
        if not isinstance(value, dict):
            continue
        ref = value.get("$ref")
        if isinstance(ref, str) and not named:
            yield pointer, ref
        for key, item in value.items():
            if not isinstance(item, dict | list):
                continue
            if not named and (key in _DATA_KEYS or key.startswith("x-")):
                continue
            if not named and key == "examples" and isinstance(item, list):
                continue  # JSON Schema examples: plain values
            stack.append(((*pointer, key), item, not named and key in _NAME_MAPS))


def _normalise(data: Any, path: Path) -> Any:
    """Make mapping keys strings, as in JSON: YAML reads `200:` as the integer 200.

    Raises `SpecError` for a YAML alias used inside its own anchor: the structure
    would contain itself, which JSON cannot express and no stage could walk to its end.
    """
    if not isinstance(data, dict | list):
        return data  # an empty file, or a single scalar: nothing to make strings of
    stack: list[tuple[Any, bool]] = [(data, False)]
    open_: set[int] = set()  # the containers around the current one
    done: set[int] = set()  # an anchor used in several places is seen once
    while stack:
        value, leaving = stack.pop()
        if leaving:
            open_.discard(id(value))
            done.add(id(value))
            continue
        if id(value) in open_:
            raise SpecError.single(
                f"The file {str(path)!r} uses a YAML alias inside its own anchor, so "
                "a value contains itself; write the repeated part out, or use a $ref."
            )
        if id(value) in done:
            continue
        open_.add(id(value))
        stack.append((value, True))
        if isinstance(value, dict):
            if any(not isinstance(key, str) for key in value):
                items = [(_key_text(k), v) for k, v in value.items()]
                value.clear()
                value.update(items)
            children = list(value.values())
        else:
            children = value
        stack.extend((v, False) for v in children if isinstance(v, dict | list))
    return data


_STR_TAG = "tag:yaml.org,2002:str"
_VALUE_TAG = "tag:yaml.org,2002:value"
_MERGE_TAG = "tag:yaml.org,2002:merge"
# The tags that plain scalars resolve to, which `_plain_yaml` constructs.
_PLAIN_TAGS = frozenset(
    {
        _STR_TAG, "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool",
    }
)  # fmt: skip
# What a scalar is as a mapping key, besides a string: the merge key `<<`, or a key
# no pointer can name (a container, or a scalar the safe loader refuses).
_MERGE = object()
_NO_KEY = object()
# What `_plain_yaml` returns for a text it leaves to the loader.
_DECLINED = object()
# What an open mapping awaits next in `_plain_data`: a key, not a key's value.
_AWAITING_KEY = object()


def _plain_yaml(text: str) -> Any:
    """What `_normalise(yaml.load(text, Loader=_SpecLoader))` returns, built from the
    C parser's events in one pass; `_DECLINED` for a text this does not handle.

    The loader composes every scalar into a node, calls back into Python to resolve
    its tag, and constructs the data from the nodes with generators: 2.3 s on a
    2.8 MB document, where this takes 0.3 s. Tags are resolved the loader's
    way (`_SpecLoader.yaml_implicit_resolvers`), and typed scalars are made by its own
    constructors, but only for plain scalars that a resolver can match by their first
    character; every other scalar is a string. It declines what plain data rarely
    holds and the loader handles with care or refuses with a message: explicit tags,
    merge keys (`<<`), the value key `=`, keys that are not scalars, aliases of
    undefined, repeated or unfinished anchors, several documents, and any error of the
    parser. Declining costs the parse done so far; tests/generator/test_load_yaml.py
    compares both ways on many texts. A plain scalar that the loader takes for a
    number but cannot read (`0b_`) is an error at its line, where the loader fails
    with a bare ValueError.
    """
    loader = _SpecLoader(text)
    try:
        return _PlainData(loader).read()
    except _MalformedScalarError:
        raise  # the loader would fail on it too, with a ValueError and no line
    except (_NotPlainError, yaml.YAMLError):
        return _DECLINED  # the loader reads it, or raises the error with its message
    finally:
        loader.dispose()


class _NotPlainError(Exception):
    """Raised inside `_PlainData` for a construct it leaves to the loader."""


class _MalformedScalarError(yaml.MarkedYAMLError):
    """A plain scalar that resolves to a number its constructor cannot read: `0b_`
    matches the loader's pattern for integers, and `int()` refuses what is left."""

    def __init__(self, event: yaml.ScalarEvent, error: ValueError) -> None:
        super().__init__(
            problem=f"{event.value!r} reads as a number but is not one ({error}); "
            "quote it to keep it text",
            # The C parser's mark, which the type stubs keep apart from yaml.Mark.
            problem_mark=event.start_mark,  # type: ignore[arg-type]
        )


def _resolved_tag(loader: _SpecLoader, event: yaml.ScalarEvent) -> str:
    """The tag the loader gives a scalar: its own, else the one its text resolves to.

    This is the loader's `resolve` for scalars, without its detours: `_SpecLoader` has
    no resolver for any first character and no path resolvers. A quoted scalar, or a
    plain one that no pattern can match by its first character, is a string.
    """
    if event.tag is not None and event.tag != "!":
        return event.tag
    if event.implicit[0]:
        for tag, pattern in loader.yaml_implicit_resolvers.get(event.value[:1], ()):
            if pattern.match(event.value):
                return str(tag)  # typed Any by the stubs
    return _STR_TAG


def _constructed(loader: _SpecLoader, tag: str, event: yaml.ScalarEvent) -> Any:
    """The loader's value of a scalar with this tag; YAMLError when the loader has no
    constructor for the tag, ValueError when the text is not what the tag says."""
    construct = loader.yaml_constructors.get(tag)
    if construct is None:
        raise yaml.constructor.ConstructorError(problem=f"no constructor for {tag}")
    return construct(loader, yaml.ScalarNode(tag, event.value, style=event.style))


class _PlainData:
    """The data of one YAML text, built from its parse events (see `_plain_yaml`)."""

    def __init__(self, loader: _SpecLoader) -> None:
        self.loader = loader
        self.anchors: dict[str, Any] = {}
        self.unfinished: set[int] = set()  # ids of anchored containers being read
        self.containers: list[dict[str, Any] | list[Any]] = []
        # Per open container: None for a sequence; for a mapping, the key read last
        # while it awaits its value, else _AWAITING_KEY.
        self.keys: list[Any] = []
        self.root: Any = None
        self.documents = 0

    def read(self) -> Any:
        handlers: dict[type[yaml.Event], Callable[[Any], None]] = {
            yaml.ScalarEvent: self._scalar,
            yaml.MappingStartEvent: self._start,
            yaml.SequenceStartEvent: self._start,
            yaml.MappingEndEvent: self._end,
            yaml.SequenceEndEvent: self._end,
            yaml.AliasEvent: self._alias,
            yaml.DocumentStartEvent: self._document,
        }
        for event in iter(self.loader.get_event, None):
            handle = handlers.get(type(event))
            if handle is not None:  # not the start or end of the stream or a document
                handle(event)
        return self.root

    def _scalar(self, event: yaml.ScalarEvent) -> None:
        if event.tag is not None:
            raise _NotPlainError
        tag = _resolved_tag(self.loader, event)
        if tag not in _PLAIN_TAGS:
            raise _NotPlainError  # a merge key or the value key `=`
        value: Any = event.value
        if tag != _STR_TAG:
            try:
                value = _constructed(self.loader, tag, event)
            except ValueError as error:
                raise _MalformedScalarError(event, error) from None
        self._anchor(event.anchor, value)
        self._place(value)

    def _start(self, event: yaml.CollectionStartEvent) -> None:
        if event.tag is not None or (self.keys and self.keys[-1] is _AWAITING_KEY):
            raise _NotPlainError  # a tagged container, or a container as a key
        mapping = isinstance(event, yaml.MappingStartEvent)
        container: dict[str, Any] | list[Any] = {} if mapping else []
        if event.anchor is not None:
            self._anchor(event.anchor, container)
            self.unfinished.add(id(container))
        self.containers.append(container)
        self.keys.append(_AWAITING_KEY if mapping else None)

    def _end(self, event: yaml.CollectionEndEvent) -> None:  # noqa: ARG002
        container = self.containers.pop()
        self.keys.pop()
        self.unfinished.discard(id(container))
        self._place(container)

    def _alias(self, event: yaml.AliasEvent) -> None:
        value = self.anchors.get(event.anchor or "", _DECLINED)
        if value is _DECLINED or id(value) in self.unfinished:
            raise _NotPlainError
        if (
            self.keys
            and self.keys[-1] is _AWAITING_KEY
            and isinstance(value, dict | list)
        ):
            raise _NotPlainError
        self._place(value)

    def _document(self, event: yaml.DocumentStartEvent) -> None:  # noqa: ARG002
        self.documents += 1
        if self.documents > 1:
            raise _NotPlainError

    def _anchor(self, anchor: str | None, value: Any) -> None:
        if anchor is not None:
            if anchor in self.anchors:
                raise _NotPlainError
            self.anchors[anchor] = value

    def _place(self, value: Any) -> None:
        if not self.containers:
            self.root = value
            return
        key = self.keys[-1]
        if key is None:
            self.containers[-1].append(value)  # type: ignore[union-attr]
        elif key is _AWAITING_KEY:
            self.keys[-1] = value if isinstance(value, str) else _key_text(value)
        else:
            self.containers[-1][key] = value
            self.keys[-1] = _AWAITING_KEY


def _key_text(key: object) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return "null" if key is None else str(key)


# ------------------------------------------------------------------------ line numbers


def _is_json(path: Path) -> bool:
    """Whether `path` is read as JSON; the line index must read it the same way."""
    return path.suffix == ".json"


def _is_index(token: str) -> bool:
    return token.isascii() and token.isdigit()


def _line_index(file: Path) -> _JsonLines | _YamlLines | None:
    """The line index of one file; None when it cannot be read or parsed any more."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if _is_json(file):
        return _JsonLines(text)
    try:
        return _YamlLines(text)
    except yaml.YAMLError:
        return None


_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_JSON_DECODER = json.JSONDecoder()
# Where the members of a JSON container start: for an object, each key's position and
# its value's; for an array, each item's.
_JsonMembers: TypeAlias = dict[str, tuple[int, int]] | list[int] | None


class _JsonLines:
    """Lines of pointers in a JSON text, scanning only the containers a pointer enters.

    Composing a whole file with PyYAML to learn positions takes about 5 s on GitHub's
    13 MB document. Here each container a pointer passes through is scanned once for
    where its members start; the members in between are skipped by the C decoder
    (`raw_decode` says where a value ends). Scanned containers are kept, so that the
    next pointer through them costs dictionary lookups: on that document the first
    pointer costs about 0.2 s, and later ones milliseconds.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._scanned: dict[int, _JsonMembers] = {}

    def line(self, pointer: Pointer) -> int | None:
        text = self.text
        start = self._skip_space(0)
        key = start  # for a member of an object, the line is that of its key
        try:
            for token in pointer:
                members = self._members(start)
                if isinstance(members, dict) and token in members:
                    key, start = members[token]
                elif (
                    isinstance(members, list)
                    and _is_index(token)
                    and int(token) < len(members)
                ):
                    key = start = members[int(token)]
                else:
                    return None
        except (ValueError, IndexError):
            return None  # the file changed since it was loaded, and is not JSON now
        if start >= len(text):
            return None
        return text.count("\n", 0, key) + 1

    def _members(self, start: int) -> _JsonMembers:
        if start not in self._scanned:
            opening = self.text[start]
            self._scanned[start] = (
                self._object(start)
                if opening == "{"
                else self._array(start) if opening == "[" else None
            )
        return self._scanned[start]

    def _object(self, start: int) -> dict[str, tuple[int, int]]:
        text = self.text
        members: dict[str, tuple[int, int]] = {}
        at = self._skip_space(start + 1)
        while text[at] != "}":
            key, after = _JSON_DECODER.raw_decode(text, at)
            colon = self._skip_space(after)
            if not isinstance(key, str) or text[colon] != ":":
                raise ValueError(f"no member of an object starts at {at}")
            value = self._skip_space(colon + 1)
            # A repeated key is found where json.loads takes its value: the last one.
            members[key] = (at, value)
            at = self._next(value, "}")
        return members

    def _array(self, start: int) -> list[int]:
        items = []
        at = self._skip_space(start + 1)
        while self.text[at] != "]":
            items.append(at)
            at = self._next(at, "]")
        return items

    def _next(self, value: int, closing: str) -> int:
        """Where the next member starts, or the container closes, after `value`."""
        _, end = _JSON_DECODER.raw_decode(self.text, value)
        at = self._skip_space(end)
        if self.text[at] == ",":
            return self._skip_space(at + 1)
        if self.text[at] != closing:
            raise ValueError(f"expected ',' or {closing!r} at {at}")
        return at

    def _skip_space(self, at: int) -> int:
        space = _JSON_SPACE.match(self.text, at)
        return space.end() if space else at


# The line of a YAML value (of a member's key, for a member) and what is inside it.
_YamlEntry: TypeAlias = "tuple[int, _YamlTree]"
_YamlTree: TypeAlias = "dict[str, _YamlEntry] | list[_YamlEntry] | None"


class _YamlLines:
    """Lines of pointers in a YAML text, indexed in one pass over its parse events.

    Composing the file into nodes, as `yaml.compose` does, makes a node and resolves a
    tag for every scalar: 5 s on GitHub's document written as YAML (10 MB), against
    1.3 s for this index. The events of the C parser carry the same positions; only keys
    need their tags resolved, so that `200:` or `True:` match the string keys
    `_normalise` made of them. Aliases and merge keys (`<<: *base`) are followed as
    the loader follows them.
    """

    def __init__(self, text: str) -> None:
        loader = _SpecLoader(text)
        try:
            self._root = _yaml_index(loader)
        finally:
            loader.dispose()

    def line(self, pointer: Pointer) -> int | None:
        if self._root is None:
            return None  # an empty file
        line, tree = self._root
        for token in pointer:
            if isinstance(tree, dict) and token in tree:
                line, tree = tree[token]
            elif isinstance(tree, list) and _is_index(token) and int(token) < len(tree):
                line, tree = tree[int(token)]
            else:
                return None
        return line


def _yaml_index(loader: _SpecLoader) -> _YamlEntry | None:
    """The index of the root value, from the loader's events; None if there is none."""
    # An anchor's tree, and its scalar (when it is one) should an alias be a key.
    anchors: dict[str, tuple[_YamlTree, yaml.ScalarEvent | None]] = {}
    open_: list[_YamlContainer] = []
    root: _YamlEntry | None = None
    for event in iter(loader.get_event, None):
        assert event.start_mark is not None  # the C parser marks every event
        line = event.start_mark.line + 1
        if isinstance(event, yaml.CollectionStartEvent):
            mapping = isinstance(event, yaml.MappingStartEvent)
            open_.append(_YamlContainer(line, event.anchor, mapping))
            continue
        if isinstance(event, yaml.ScalarEvent):
            tree: _YamlTree = None
            scalar: yaml.ScalarEvent | None = event
            anchor = event.anchor
        elif isinstance(event, yaml.AliasEvent):
            # An alias is found where it is written; inside, it is its anchor.
            tree, scalar = anchors.get(event.anchor or "", (None, None))
            anchor = None
        elif isinstance(event, yaml.CollectionEndEvent):
            container = open_.pop()
            line, tree, scalar = container.line, container.tree(), None
            anchor = container.anchor
        else:
            continue  # the start and end of the stream and of the document

        if anchor is not None:
            anchors[anchor] = (tree, scalar)
        if not open_:
            root = (line, tree)
        elif not open_[-1].mapping:
            open_[-1].items.append((line, tree))
        elif open_[-1].key is None:
            key = _NO_KEY if scalar is None else _yaml_key(loader, scalar)
            open_[-1].key = (key, line)
        else:
            open_[-1].member(tree)
    return root


def _yaml_key(loader: _SpecLoader, event: yaml.ScalarEvent) -> object:
    """The string `_normalise` makes of this scalar as a mapping key."""
    tag = _resolved_tag(loader, event)
    if tag in (_STR_TAG, _VALUE_TAG):
        return event.value  # the loader turns the value key `=` into a string
    if tag == _MERGE_TAG:
        return _MERGE
    try:
        return _key_text(_constructed(loader, tag, event))
    except (yaml.YAMLError, ValueError):
        return _NO_KEY


class _YamlContainer:
    """A mapping or sequence whose events are being read."""

    def __init__(self, line: int, anchor: str | None, mapping: bool) -> None:
        self.line = line
        self.anchor = anchor
        self.mapping = mapping
        self.items: list[_YamlEntry] = []
        self.members: dict[str, _YamlEntry] = {}
        self.merged: list[dict[str, _YamlEntry]] = []
        self.key: tuple[object, int] | None = None  # a key still waiting for its value

    def member(self, value: _YamlTree) -> None:
        """Take the value of the key read last."""
        assert self.key is not None  # the index reads a value only after its key
        (key, line), self.key = self.key, None
        if key is _MERGE:
            self._merge(value)
        elif isinstance(key, str):
            # As with json.loads, the last of repeated keys holds the value.
            self.members[key] = (line, value)

    def _merge(self, tree: _YamlTree) -> None:
        # SafeConstructor.flatten_mapping: the mappings of `<<: [*a, *b]` come before
        # the mapping's own members, which win, and among themselves the first wins.
        if isinstance(tree, dict):
            self.merged.append(tree)
        elif isinstance(tree, list):
            self.merged.extend(
                sub for _, sub in reversed(tree) if isinstance(sub, dict)
            )

    def tree(self) -> _YamlTree:
        if not self.mapping:
            return self.items
        members: dict[str, _YamlEntry] = {}
        for merged in self.merged:
            members.update(merged)
        members.update(self.members)
        return members
