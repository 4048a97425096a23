"""The generator's stages, run in order: load, validate, build, render, format, write.

Nothing is written until every file has been computed; a fatal diagnostic at any stage
stops the run with the output directory untouched.

Three things keep runs on a large document short (see BENCHMARKS.md):

- openapi-spec-validator, the slowest stage after black, only says yes or no: nothing
  later depends on what it finds. So on a large document it runs in a process of its
  own while this one builds, renders and formats, and the run waits for its verdict
  before writing. Its errors are reported exactly as if it had run first.
- Verdicts are kept on disk, for the whole document and for its parts (`_Parts`):
  after a change, only the parts not proven valid before are validated.
- A run whose inputs are all the same as the last one's takes that run's output
  (`_Outputs`) instead of computing it again.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import multiprocessing
import os
import pickle
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import msgspec

from . import write
from .bundle import Bundle, bundle
from .config import Config
from .errors import Diagnostic, Diagnostics, GeneratorError
from .format import default_cache_dir
from .load import load_document, parse_pointer
from .model import Package

Progress = Callable[[str, float], None]

STAGES = ("load", "validate", "build", "render", "format", "write")
# Below this size (the document as compact JSON), validating costs less than starting
# a process for it.
CONCURRENT_VALIDATION_BYTES = 64_000
# Packages whose versions change the generated files.
_OUTPUT_PACKAGES = ("black", "jinja2", "pyyaml")
# Packages whose versions change what validation reports.
_VALIDATOR_PACKAGES = (
    "openapi-spec-validator",
    "openapi-schema-validator",
    "jsonschema",
    "jsonschema-path",
    "referencing",
)


@dataclass
class Result:
    """What a run did: the changes (made, or that would be made), and its warnings."""

    changes: list[write.Change] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    package: Package | None = None


def _quiet(stage: str, seconds: float) -> None:
    """The default progress callback: say nothing."""


def load_and_validate(
    spec: Path,
    diagnostics: Diagnostics,
    *,
    lenient: bool = False,
    progress: Progress = _quiet,
    cache_dir: Path | None = None,
) -> Bundle:
    """Load, bundle and validate `spec`; raise `SpecError` if it has fatal problems.

    With `cache_dir`, a document found valid before (with the same generator and
    validator) is not validated again; its warnings are reported as they were.
    """
    started = time.perf_counter()
    bundled = bundle(load_document(spec))
    progress("load", time.perf_counter() - started)

    started = time.perf_counter()
    validation = _Validation(bundled, lenient, cache_dir, concurrent=False)
    for diagnostic in validation.result():
        diagnostics.add(diagnostic)
    diagnostics.check()
    progress("validate", time.perf_counter() - started)
    return bundled


def generate(
    spec: Path,
    output: Path,
    config: Config,
    *,
    lenient: bool = False,
    check: bool = False,
    cache_dir: Path | None = None,
    progress: Progress = _quiet,
) -> Result:
    """Generate the package for `spec` into `output`, or with `check` only compare."""
    cache_dir = cache_dir if cache_dir is not None else default_cache_dir()
    stages = _Stages(progress)
    with stages.timing("load"):
        bundled = bundle(load_document(spec))

    outputs = _Outputs(cache_dir, bundled, config, lenient)
    remembered = outputs.get()
    if remembered is not None:
        files, warnings, package = remembered
        for stage in STAGES[1:-1]:
            stages.done(stage, 0.0)
    else:
        files, warnings, package = _compute(bundled, config, lenient, cache_dir, stages)
        outputs.put(files, warnings, package)

    with stages.timing("write"):
        changes = write.plan(output, files)
        if not check:
            write.apply(output, files, changes)
    return Result(changes, warnings, files, package)


def _compute(
    bundled: Bundle,
    config: Config,
    lenient: bool,
    cache_dir: Path,
    stages: _Stages,
) -> tuple[dict[str, bytes], list[Diagnostic], Package]:
    """Validate (alongside the rest), build, render and format the package."""
    validation = _Validation(bundled, lenient, cache_dir, concurrent=True)
    try:
        if validation.finished:
            validation.check()
        built = Diagnostics()
        try:
            files, package = _produce(bundled, config, built, cache_dir, stages)
        except Exception:
            validation.check()  # the document's own errors explain a failure best
            raise
        validation.check()
    finally:
        validation.close()
    stages.done("validate", validation.seconds)
    diagnostics = Diagnostics()
    for diagnostic in [*validation.result(), *built.items]:
        diagnostics.add(diagnostic)
    return files, diagnostics.warnings, package


def _produce(
    bundled: Bundle,
    config: Config,
    diagnostics: Diagnostics,
    cache_dir: Path,
    stages: _Stages,
) -> tuple[dict[str, bytes], Package]:
    """Build, render and format the package: path -> the bytes of each file."""
    # Imported here, as `validate` is in `_validate`: a run that reuses the last
    # run's output needs neither Jinja, black nor the validator, whose imports take
    # longer than the rest of such a run.
    from .build import build_package  # noqa: PLC0415
    from .format import format_files  # noqa: PLC0415
    from .render import render_package  # noqa: PLC0415

    with stages.timing("build"):
        package = build_package(bundled, config, diagnostics)
        diagnostics.check()
    with stages.timing("render"):
        rendered = render_package(package)
    with stages.timing("format"):
        texts = format_files(rendered, cache_dir)
        files = {path: text.encode() for path, text in texts.items()}
    return files, package


class _Stages:
    """Reports stages to `progress` in pipeline order, however they overlap.

    Validation may end after build, render and format; their reports wait for it, so
    that a reader sees the stages in the order they logically run.
    """

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.finished: dict[str, float] = {}
        self.reported = 0

    @contextmanager
    def timing(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.done(stage, time.perf_counter() - started)

    def done(self, stage: str, seconds: float) -> None:
        self.finished[stage] = seconds
        while self.reported < len(STAGES) and STAGES[self.reported] in self.finished:
            name = STAGES[self.reported]
            self.progress(name, self.finished[name])
            self.reported += 1


class _Validation:
    """openapi-spec-validator's verdict on a bundle: remembered, or worked out.

    It is worked out in this process, or, with `concurrent` and a large document, in
    a child process while this one goes on; `check` and `result` wait for it.
    """

    def __init__(
        self,
        bundled: Bundle,
        lenient: bool,
        cache_dir: Path | None,
        *,
        concurrent: bool,
    ) -> None:
        self.started = time.perf_counter()
        self.seconds = 0.0
        self._items: list[Diagnostic] | None = None
        self._child: multiprocessing.process.BaseProcess | None = None
        self._receiver: Connection | None = None
        self._verdicts = _Verdicts(cache_dir, bundled, lenient) if cache_dir else None
        self._parts: _Parts | None = None

        remembered = self._verdicts.get() if self._verdicts else None
        if remembered is not None:
            self._finish(remembered)
            return
        if cache_dir is not None:
            self._parts = _Parts.of(bundled, lenient, cache_dir)
        if self._parts is not None and self._parts.all_proven:
            self._finish([])
            return
        first = self._parts.unproven() if self._parts is not None else None
        if concurrent and _size(first or bundled) >= CONCURRENT_VALIDATION_BYTES:
            self._start(bundled, lenient, first)
        else:
            self._finish(_validate(bundled, lenient, first))

    @property
    def finished(self) -> bool:
        return self._items is not None

    def result(self) -> list[Diagnostic]:
        """Every diagnostic of the validation, waiting for it if it still runs."""
        if self._items is None:
            self._finish(self._receive())
        assert self._items is not None
        return self._items

    def check(self) -> None:
        """Raise the validation's fatal diagnostics as one `SpecError`, if any."""
        diagnostics = Diagnostics()
        for diagnostic in self.result():
            diagnostics.add(diagnostic)
        diagnostics.check()

    def close(self) -> None:
        """Stop the child process if the run no longer needs its verdict."""
        if self._child is not None and self._child.is_alive():
            self._child.terminate()
        if self._child is not None:
            self._child.join()
            self._child = None

    def _start(self, bundled: Bundle, lenient: bool, first: Bundle | None) -> None:
        receiver, sender = multiprocessing.Pipe(duplex=False)
        self._child = multiprocessing.Process(
            target=_validate_in_child,
            args=(bundled, lenient, first, sender),
            name="openapi-validation",
            daemon=True,
        )
        self._child.start()
        sender.close()
        self._receiver = receiver

    def _receive(self) -> list[Diagnostic]:
        assert self._receiver is not None
        try:
            outcome = self._receiver.recv()
        except EOFError:
            raise GeneratorError(
                "The validation process ended without a result; run again, and if it "
                "happens again, validate alone with `python -m generator validate`."
            ) from None
        finally:
            self._receiver.close()
        if isinstance(outcome, BaseException):
            raise outcome
        items: list[Diagnostic] = outcome
        return items

    def _finish(self, items: list[Diagnostic]) -> None:
        self._items = items
        self.seconds = time.perf_counter() - self.started
        if self._verdicts is not None and not any(d.level == "error" for d in items):
            self._verdicts.put(items)
        if self._parts is not None and not items:
            self._parts.remember()


def _validate(
    bundled: Bundle, lenient: bool, first: Bundle | None = None
) -> list[Diagnostic]:
    """Validate `first` (the parts not yet proven valid), then, unless it is
    flawless, the whole document, whose diagnostics are the ones reported."""
    from .validate import validate  # noqa: PLC0415 - see `_produce`

    if first is not None:
        diagnostics = Diagnostics()
        validate(first, diagnostics, lenient=lenient)
        if not diagnostics.items:
            return []
    diagnostics = Diagnostics()
    validate(bundled, diagnostics, lenient=lenient)
    return diagnostics.items


def _validate_in_child(
    bundled: Bundle, lenient: bool, first: Bundle | None, sender: Connection
) -> None:
    # Objects inherited from the parent live as long as this process: sparing them
    # from garbage collection makes validating a large document about a fifth faster.
    gc.freeze()
    try:
        outcome: object = _validate(bundled, lenient, first)
    except Exception as error:  # sent to the parent, which raises it
        outcome = error
    try:
        sender.send(outcome)
    except Exception as error:  # an exception that cannot be pickled
        sender.send(GeneratorError(f"Validation failed: {error!r}"))
    finally:
        sender.close()


def _size(bundled: Bundle) -> int:
    try:
        return len(msgspec.json.encode(bundled.data))
    except (TypeError, msgspec.EncodeError):
        return CONCURRENT_VALIDATION_BYTES  # unusual values: assume it is large


class _Verdicts:
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
            key = _digest(_generator_fingerprint(), str(lenient).encode(), document)
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


class _Outputs:
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
            self.key = _digest(_generator_fingerprint(), _output_fingerprint())
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


class _Parts:
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
    def of(cls, bundled: Bundle, lenient: bool, directory: Path) -> _Parts | None:
        """The parts of `bundled`, or None if it cannot be cut (then it is not)."""
        parts = _cut(bundled.data)
        if parts is None or _repeats_operation_ids(parts):
            return None
        salt = _generator_fingerprint() + (b"lenient" if lenient else b"strict")
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
def _output_fingerprint() -> bytes:
    """The templates and the versions of the tools that shape the output, hashed."""
    from .render import TEMPLATES  # noqa: PLC0415 - see `_produce`

    pieces = [f"{name}={metadata.version(name)}".encode() for name in _OUTPUT_PACKAGES]
    for template in sorted(TEMPLATES.rglob("*")):
        if template.is_file():
            pieces += [
                str(template.relative_to(TEMPLATES)).encode(),
                template.read_bytes(),
            ]
    return _digest(*pieces)


@cache
def _generator_fingerprint() -> bytes:
    """The generator's source and the validator's versions, hashed."""
    digest = hashlib.sha256()
    for package in _VALIDATOR_PACKAGES:
        try:
            version = metadata.version(package)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{package}={version};".encode())
    for source in sorted(Path(__file__).resolve().parent.rglob("*.py")):
        digest.update(source.read_bytes())
    return digest.digest()
