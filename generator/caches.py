"""What the generator keeps between runs, and how it knows it can still use it.

Everything lives under one directory (`cache_root()`):

- `black/`: black's output, keyed by the rendered text (see `format.py`);
- `validated/`: validation verdicts for whole documents (`Verdicts`) and the parts
  of documents proven valid (`Parts`);
- `runs/`: the last run's files, warnings and model for each document (`Outputs`).

Every key covers what the kept result depends on: the document, the generator's own
source and templates, and the tools it runs (`tool_fingerprint`). Reading any of it
must cost less than the work it saves: a run whose output is kept imports neither
Jinja, black nor the validator, and reads no package metadata.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import pickle
import re
from functools import cache
from pathlib import Path
from typing import Any

import msgspec

from . import TEMPLATES
from .bundle import Bundle
from .config import Config
from .errors import Diagnostic
from .load import parse_pointer
from .model import Package

# Modules whose installed files change the generated files.
_OUTPUT_TOOLS = ("black", "jinja2", "yaml")
# Modules whose installed files change what validation reports.
_VALIDATOR_TOOLS = (
    "openapi_spec_validator",
    "openapi_schema_validator",
    "jsonschema",
    "jsonschema_path",
    "referencing",
)


def cache_root() -> Path:
    """`$XDG_CACHE_HOME/openapi-python-generator`, or the same under `~/.cache`."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "openapi-python-generator"


def tool_fingerprint(modules: tuple[str, ...]) -> bytes:
    """The installed files of `modules`: where each is, its size and its mtime.

    Installing another version (or the same one again) rewrites a package's files,
    which changes this; reading package metadata instead would cost a warm run more
    than the rest of its work. A module that is not installed counts as "-".
    """
    pieces = []
    for name in modules:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec is not None else None
        try:
            status = Path(origin).stat() if origin else None
        except OSError:
            status = None
        found = f"{origin}:{status.st_size}:{status.st_mtime_ns}" if status else "-"
        pieces.append(f"{name}={found}".encode())
    return _digest(*pieces)


class Verdicts:
    """Validation results kept on disk, keyed by everything they depend on.

    The key covers the generator's own source, the validator's version, `lenient`,
    and the document (see `_document_digest`). Only runs without errors are kept: a
    failing document is validated every time, so its messages always come from the
    current run.
    """

    def __init__(self, directory: Path, bundled: Bundle, lenient: bool) -> None:
        self.path: Path | None = None
        document = _document_digest(bundled)
        if document is not None:
            key = _digest(generator_fingerprint(), str(lenient).encode(), document)
            self.path = directory / "validated" / key.hex()[:2] / key.hex()[2:]

    def get(self) -> list[Diagnostic] | None:
        if self.path is None:
            return None
        try:
            return msgspec.json.decode(self.path.read_bytes(), type=list[Diagnostic])
        except (OSError, msgspec.DecodeError):
            return None

    def put(self, items: list[Diagnostic]) -> None:
        if self.path is None:
            return
        with contextlib.suppress(OSError):  # not remembering only costs time
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_bytes(msgspec.json.encode(items))
            temporary.replace(self.path)


class Outputs:
    """The files, warnings and model of the last run for a document, on disk.

    A run whose inputs are all the same as the last one's (the document, the config,
    `lenient`, the generator's source and templates, and the versions of the tools
    it runs) computes the same output, so it is taken from here instead. One entry
    is kept per document root.
    """

    def __init__(
        self, directory: Path, bundled: Bundle, config: Config, lenient: bool
    ) -> None:
        self.key: bytes | None = None
        root = str(bundled.document.root).encode()
        self.path = directory / "runs" / _digest(root).hex()
        document = _document_digest(bundled)
        if document is not None:
            inputs = f"{config!r}|{lenient}".encode()
            self.key = _digest(generator_fingerprint(), output_fingerprint())
            self.key = _digest(self.key, inputs, document)

    def get(self) -> tuple[dict[str, bytes], list[Diagnostic], Package] | None:
        if self.key is None:
            return None
        try:
            with self.path.open("rb") as stored:
                if stored.read(len(self.key)) != self.key:
                    return None
                # The entry was written by this generator, in the user's own cache.
                files, warnings, package = pickle.load(stored)  # noqa: S301
        except (OSError, pickle.UnpicklingError, EOFError, ValueError):
            return None
        return files, warnings, package

    def put(
        self, files: dict[str, bytes], warnings: list[Diagnostic], package: Package
    ) -> None:
        if self.key is None:
            return
        with contextlib.suppress(OSError, pickle.PicklingError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
            with temporary.open("wb") as stored:
                stored.write(self.key)
                pickle.dump((files, warnings, package), stored, protocol=5)
            temporary.replace(self.path)


def _document_digest(bundled: Bundle) -> bytes | None:
    """A digest of every file of the document: its name, bytes and parsed content.

    The parsed content is what the run works from; the bytes (read again here) add
    what parsing drops but messages show, such as line numbers. A file that changed
    since it was parsed makes the two disagree, and so the digest matches no later
    run. None if a file cannot be read or holds values JSON cannot.
    """
    pieces: list[bytes] = []
    try:
        for file, parsed in sorted(bundled.document.files.items()):
            pieces += [
                str(file).encode(),
                file.read_bytes(),
                msgspec.json.encode(parsed),
            ]
    except (OSError, TypeError, msgspec.EncodeError):
        return None
    return _digest(*pieces)


class Parts:
    """The document cut into parts that validate on their own, and which are proven.

    A part is one path item, webhook or component; each part is validated together
    with the components it references, directly or not (its closure), and with the
    rest of the document (info, servers, tags...). The validator's checks do not
    reach further than that: its first pass checks each object where it stands, its
    second follows references. The one check across parts, unique operationIds, is
    made here: a document with a repeated operationId is not cut.

    A part whose content, closure and surroundings were in a flawless document
    before is proven; the others are validated as one smaller document. Whatever
    that finds, the whole document is validated again for the report, so messages
    are always those of a whole run.
    """

    def __init__(
        self,
        bundled: Bundle,
        parts: dict[_PartId, Any],
        digests: dict[_PartId, bytes],
        closures: dict[_PartId, set[_PartId]],
        index: Path,
    ) -> None:
        self.bundled = bundled
        self.parts = parts
        self.closures = closures
        self.index = index
        self.keys = {
            part: _digest(
                digests[_SURROUNDINGS],
                digests[part],
                *sorted(digests[other] for other in closures[part]),
            )
            for part in digests
        }
        try:
            known = self.index.read_bytes()
        except OSError:
            known = b""
        proven = {known[i : i + 32] for i in range(0, len(known), 32)}
        self.unproven_parts = [p for p, key in self.keys.items() if key not in proven]

    @classmethod
    def of(cls, bundled: Bundle, lenient: bool, directory: Path) -> Parts | None:
        """The parts of `bundled`, or None if it cannot be cut (then it is not)."""
        parts = _cut(bundled.data)
        if parts is None or _repeats_operation_ids(parts):
            return None
        salt = generator_fingerprint() + (b"lenient" if lenient else b"strict")
        digests: dict[_PartId, bytes] = {}
        references: dict[_PartId, set[_PartId]] = {}
        try:
            for part, value in parts.items():
                encoded = msgspec.json.encode(value)
                digests[part] = _digest(salt, repr(part).encode(), encoded)
                references[part] = _references(encoded, parts)
        except (TypeError, ValueError, msgspec.EncodeError):
            return None  # values JSON cannot hold, or a malformed reference
        root = str(bundled.document.root).encode()
        index = directory / "validated" / "parts" / _digest(root).hex()
        return cls(bundled, parts, digests, _closures(references), index)

    @property
    def all_proven(self) -> bool:
        return not self.unproven_parts

    def unproven(self) -> Bundle:
        """The smallest document holding every unproven part and its closure."""
        wanted: set[_PartId] = {_SURROUNDINGS}
        for part in self.unproven_parts:
            wanted |= {part, *self.closures[part]}
        data: dict[str, Any] = {}
        for key, value in self.bundled.data.items():
            if key in _SECTIONS:
                data[key] = _chosen(value, (key,), wanted)
            elif key == "components":
                kinds = {
                    kind: _chosen(v, (key, kind), wanted) for kind, v in value.items()
                }
                data[key] = {
                    kind: entries for kind, entries in kinds.items() if entries
                }
            else:
                data[key] = value
        return Bundle(data, self.bundled.document, self.bundled.origins)

    def remember(self) -> None:
        """Record every part as proven: the whole document was found flawless."""
        with contextlib.suppress(OSError):  # not remembering only costs time
            self.index.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.index.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_bytes(b"".join(sorted(self.keys.values())))
            temporary.replace(self.index)


# A part: ("paths", "/projects"), ("webhooks", name) or ("components", kind, name);
# everything else in the document (info, servers, tags...) is the part ().
_PartId = tuple[str, ...]
_SURROUNDINGS: _PartId = ()
_SECTIONS = ("paths", "webhooks")
_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_REFERENCE = re.compile(rb'"\$ref":("(?:[^"\\]|\\.)*")')


def _cut(data: Any) -> dict[_PartId, Any] | None:
    """The parts of a document, in document order; None if its shape is unexpected."""
    if not isinstance(data, dict):
        return None
    parts: dict[_PartId, Any] = {
        _SURROUNDINGS: {
            k: v for k, v in data.items() if k not in (*_SECTIONS, "components")
        }
    }
    for section in _SECTIONS:
        entries = data.get(section, {})
        if not isinstance(entries, dict):
            return None
        parts.update(((section, name), entry) for name, entry in entries.items())
    components = data.get("components", {})
    if not isinstance(components, dict):
        return None
    for kind, entries in components.items():
        if not isinstance(entries, dict):
            return None
        parts.update(
            (("components", kind, name), entry) for name, entry in entries.items()
        )
    return parts


def _chosen(
    entries: dict[str, Any], prefix: _PartId, wanted: set[_PartId]
) -> dict[str, Any]:
    return {name: entry for name, entry in entries.items() if (*prefix, name) in wanted}


def _repeats_operation_ids(parts: dict[_PartId, Any]) -> bool:
    seen: set[object] = set()
    for part, item in parts.items():
        if not part or part[0] not in _SECTIONS or not isinstance(item, dict):
            continue
        for method in _HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict) and "operationId" in operation:
                operation_id = repr(operation["operationId"])
                if operation_id in seen:
                    return True
                seen.add(operation_id)
    return False


def _references(encoded: bytes, parts: dict[_PartId, Any]) -> set[_PartId]:
    """The parts that local references in a part's JSON point into.

    Every `"$ref"` key counts, even one inside an example: a reference too many only
    makes a closure larger.
    """
    found: set[_PartId] = set()
    for match in _REFERENCE.finditer(encoded):
        reference = json.loads(match.group(1))
        if not isinstance(reference, str) or not reference.startswith("#"):
            continue
        tokens = parse_pointer(reference[1:])
        size = 3 if tokens[:1] == ("components",) else 2
        if tokens[:size] in parts and len(tokens) >= size:
            found.add(tokens[:size])
    return found


def _closures(references: dict[_PartId, set[_PartId]]) -> dict[_PartId, set[_PartId]]:
    """Every part reachable from each part through references, the part excluded."""
    closures: dict[_PartId, set[_PartId]] = {}
    for start, direct in references.items():
        reached: set[_PartId] = set()
        pending = list(direct)
        while pending:
            part = pending.pop()
            if part not in reached:
                reached.add(part)
                pending.extend(references.get(part, ()))
        reached.discard(start)
        closures[start] = reached
    return closures


def _digest(*pieces: bytes) -> bytes:
    digest = hashlib.sha256()
    for piece in pieces:
        digest.update(len(piece).to_bytes(8, "little"))
        digest.update(piece)
    return digest.digest()


@cache
def output_fingerprint() -> bytes:
    """The templates and the tools that shape the output, hashed."""
    pieces = [tool_fingerprint(_OUTPUT_TOOLS)]
    for template in sorted(TEMPLATES.rglob("*")):
        # __pycache__ holds the compiled templates, which follow from the sources.
        if template.is_file() and "__pycache__" not in template.parts:
            pieces += [
                str(template.relative_to(TEMPLATES)).encode(),
                template.read_bytes(),
            ]
    return _digest(*pieces)


@cache
def generator_fingerprint() -> bytes:
    """The generator's source and the validator's installed files, hashed."""
    pieces = [tool_fingerprint(_VALIDATOR_TOOLS)]
    pieces += [
        source.read_bytes()
        for source in sorted(Path(__file__).resolve().parent.rglob("*.py"))
    ]
    return _digest(*pieces)
