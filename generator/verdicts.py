"""What validation has already proven, kept so that it is not proven again.

`Verdicts` keeps the validator's findings for a whole document; `Parts` cuts a
document into parts that validate on their own and remembers which were in a flawless
document before, so that after a change only the other parts are validated. Both are
keyed by the generator's source and the validator's installed files
(`caches.generator_fingerprint`) besides the document.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path
from typing import Any

import msgspec

from .bundle import Bundle
from .caches import digest, generator_fingerprint, sources_digest
from .errors import Diagnostic
from .load import parse_pointer, path_operations


class Verdicts:
    """Validation results kept on disk, keyed by everything they depend on.

    The key covers the generator's own source, the validator's version, `lenient`,
    and the document (see `caches.sources_digest`). Only runs without errors are kept: a
    failing document is validated every time, so its messages always come from the
    current run.
    """

    def __init__(self, directory: Path, bundled: Bundle, lenient: bool) -> None:
        document = sources_digest(bundled.document.digests)
        key = digest(generator_fingerprint(), str(lenient).encode(), document)
        self.path = directory / "validated" / key.hex()[:2] / key.hex()[2:]

    def get(self) -> list[Diagnostic] | None:
        try:
            return msgspec.json.decode(self.path.read_bytes(), type=list[Diagnostic])
        except (OSError, msgspec.DecodeError):
            return None

    def put(self, items: list[Diagnostic]) -> None:
        with contextlib.suppress(OSError):  # not remembering only costs time
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_bytes(msgspec.json.encode(items))
            temporary.replace(self.path)


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
            part: digest(
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
        if parts is None or _repeats_operation_ids(bundled.data):
            return None
        salt = generator_fingerprint() + (b"lenient" if lenient else b"strict")
        digests: dict[_PartId, bytes] = {}
        references: dict[_PartId, set[_PartId]] = {}
        try:
            for part, value in parts.items():
                encoded = msgspec.json.encode(value)
                digests[part] = digest(salt, repr(part).encode(), encoded)
                references[part] = _references(encoded, parts)
        except (TypeError, ValueError, msgspec.EncodeError):
            return None  # values JSON cannot hold, or a malformed reference
        root = str(bundled.document.root).encode()
        index = directory / "validated" / "parts" / digest(root).hex()
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


def _repeats_operation_ids(data: dict[str, Any]) -> bool:
    seen: set[str] = set()
    for section in _SECTIONS:
        for _, _, operation in path_operations(data.get(section)):
            if "operationId" in operation:
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
