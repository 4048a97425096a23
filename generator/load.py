"""Load an OpenAPI document from one or many YAML/JSON files.

Files are parsed with PyYAML's C parser (JSON files with the json module, which is
faster
still). Every `$ref` that names another file pulls that file in, transitively, and every
reference is checked to point somewhere, so that later stages can follow references
without failing. Line numbers are not recorded while loading, which would slow down the
common case; `Document.locate` finds the line of a JSON pointer when a message needs it,
by composing that one file again.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from .errors import Diagnostics, Location, SpecError

Pointer = tuple[str, ...]

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


def escape_token(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def pointer_str(pointer: Pointer) -> str:
    """`("paths", "/projects")` -> `/paths/~1projects` (RFC 6901)."""
    return "".join("/" + escape_token(token) for token in pointer)


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
    _composed: dict[Path, yaml.Node | None] = field(default_factory=dict, repr=False)

    @property
    def data(self) -> Any:
        return self.files[self.root]

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
        node = self._compose(file)
        if node is None:
            return None
        line = node.start_mark.line
        for token in pointer:
            if isinstance(node, yaml.MappingNode):
                pair = next(((k, v) for k, v in node.value if k.value == token), None)
                if pair is None:
                    return None
                key, node = pair
                line = key.start_mark.line
            elif isinstance(node, yaml.SequenceNode) and token.isdigit():
                index = int(token)
                if index >= len(node.value):
                    return None
                node = node.value[index]
                line = node.start_mark.line
            else:
                return None
        return line + 1

    def _compose(self, file: Path) -> yaml.Node | None:
        if file not in self._composed:
            try:
                text = file.read_text(encoding="utf-8")
                self._composed[file] = yaml.compose(text, Loader=_SpecLoader)
            except (OSError, yaml.YAMLError):
                self._composed[file] = (
                    None  # a JSON file YAML cannot read: no line numbers
                )
        return self._composed[file]


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


def parse_file(path: Path, digests: dict[Path, bytes] | None = None) -> Any:
    """Parse one YAML or JSON file; `SpecError` with the line of a syntax error.

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

    if path.suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            location = Location(str(path), "", error.lineno)
            raise SpecError.single(
                f"The file is not valid JSON: {error.msg}.", location
            ) from None
    try:
        # _SpecLoader is CSafeLoader with fewer implicit types: it builds plain data.
        return yaml.load(text, Loader=_SpecLoader)  # noqa: S506
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark else None
        message = f"The file is not valid YAML: {error.problem or error}."
        raise SpecError.single(message, Location(str(path), "", line)) from None
    except yaml.YAMLError as error:
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
    parsed = _normalise(parse_file(root, digests), root)
    document = Document(root, {root: parsed}, digests)
    diagnostics = Diagnostics()
    pending = [root]
    while pending:
        file = pending.pop()
        for pointer, ref in _references(document.files[file]):
            _check_reference(document, file, pointer, ref, pending, diagnostics)
    diagnostics.check()
    return document


def _check_reference(
    document: Document,
    file: Path,
    pointer: Pointer,
    ref: str,
    pending: list[Path],
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
            document.files[target_file] = _normalise(
                parse_file(target_file, document.digests), target_file
            )
        except SpecError as error:
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


def _key_text(key: object) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return "null" if key is None else str(key)
