"""What the generator keeps between runs, and how it knows it can still use it.

Everything lives under one directory (`cache_root()`):

- `black/`: black's output, keyed by the rendered text (see `format.py`);
- `rendered/`: each resource and model module as rendered, keyed by its part of
  the model (see `render.py`), so that a change re-renders only what it reaches;
- `validated/`: validation verdicts for whole documents and the parts of documents
  proven valid (`verdicts.py`);
- `runs/`: the last run's files, warnings and model for each document (`Outputs`).

Every key covers what the kept result depends on: the document (by content), the
generator's own source and templates and the tools it runs (by each file's size and
modification time, as Python checks its bytecode). Reading any of it must cost less
than the work it saves: a run whose output is kept imports neither Jinja, black nor
the validator, and reads no package metadata.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import pickle
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from . import TEMPLATES
from .errors import Diagnostic
from .launch import cache_directory

if TYPE_CHECKING:
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
    return Path(cache_directory(os.environ))


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
    return digest(*pieces)


class Kept(NamedTuple):
    """A run's output as `Outputs` keeps it; the model stays pickled until asked."""

    files: dict[str, bytes]
    warnings: list[Diagnostic]
    package: bytes
    sources: list[Path]  # the document's files, which the run read


class Outputs:
    """The files, warnings and model of the last run for a document, on disk.

    A run whose inputs are all the same as the last one's (the bytes of every file of
    the document, the config, `lenient`, the generator's source and templates, and the
    tools it runs) computes the same output, so it is taken from here instead. One
    entry is kept per document root. The entry names the files the run read, so it is
    checked by reading and hashing those files again: nothing is parsed, and neither
    YAML, Jinja, black nor the validator is imported.
    """

    def __init__(self, directory: Path, root: Path) -> None:
        self.path = directory / "runs" / digest(str(root).encode()).hex()

    def get(self, config: bytes, lenient: bool) -> Kept | None:
        """The kept output for these inputs, or None."""
        try:
            with self.path.open("rb") as stored:
                # The entry was written by this generator, in the user's own cache.
                sources, key = pickle.load(stored)  # noqa: S301
                current = {path: _file_digest(path) for path in sources}
                if _run_key(config, lenient, current) != key:
                    return None
                files, warnings, package = pickle.load(stored)  # noqa: S301
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
            return None
        return Kept(files, warnings, package, sources)

    def put(
        self,
        config: bytes,
        lenient: bool,
        sources: dict[Path, bytes],
        files: dict[str, bytes],
        warnings: list[Diagnostic],
        package: Package,
    ) -> None:
        """Keep a run's output; `sources` are the digests of the bytes it parsed."""
        key = _run_key(config, lenient, sources)
        with contextlib.suppress(OSError, pickle.PicklingError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
            with temporary.open("wb") as stored:
                pickle.dump((sorted(sources), key), stored, protocol=5)
                model = pickle.dumps(package, protocol=5)
                pickle.dump((files, warnings, model), stored, protocol=5)
            temporary.replace(self.path)


class TextStore:
    """Texts on disk, each under the hash of what it was made from.

    black's output is kept under the rendered text it formatted, a rendered file
    under the model it was rendered from. A store that cannot be read or written
    only makes the next run slower; without a directory it keeps nothing.
    """

    def __init__(self, directory: Path | None, salt: bytes) -> None:
        self.directory = directory
        self.salt = salt

    def get(self, source: bytes) -> str | None:
        path = self._path(source)
        if path is None:
            return None
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            return None

    def put(self, source: bytes, text: str) -> None:
        path = self._path(source)
        if path is None:
            return
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(text, encoding="utf-8")
            temporary.replace(path)

    def _path(self, source: bytes) -> Path | None:
        if self.directory is None:
            return None
        name = hashlib.sha256(self.salt + source).hexdigest()
        return self.directory / name[:2] / name[2:]


def sources_digest(sources: dict[Path, bytes]) -> bytes:
    """One digest for the files of a document: each one's path and content digest."""
    return digest(*(f"{path}".encode() + sources[path] for path in sorted(sources)))


def _run_key(config: bytes, lenient: bool, sources: dict[Path, bytes]) -> bytes:
    return digest(
        generator_fingerprint(),
        output_fingerprint(),
        config,
        b"lenient" if lenient else b"strict",
        sources_digest(sources),
    )


def _file_digest(path: Path) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()


def digest(*pieces: bytes) -> bytes:
    """SHA-256 of `pieces`, each after its length, so that no two run together."""
    hasher = hashlib.sha256()
    for piece in pieces:
        hasher.update(len(piece).to_bytes(8, "little"))
        hasher.update(piece)
    return hasher.digest()


@cache
def output_fingerprint() -> bytes:
    """The templates and the tools that shape the output."""
    # __pycache__ holds the compiled templates, which follow from the sources.
    templates = [
        path
        for path in TEMPLATES.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    ]
    return digest(tool_fingerprint(_OUTPUT_TOOLS), _files_fingerprint(templates))


@cache
def generator_fingerprint() -> bytes:
    """The generator's source and the validator's installed files."""
    sources = Path(__file__).resolve().parent.rglob("*.py")
    return digest(tool_fingerprint(_VALIDATOR_TOOLS), _files_fingerprint(sources))


def _files_fingerprint(paths: Iterable[Path]) -> bytes:
    """Each file's path, size and modification time, as Python checks a `.pyc`.

    Reading and hashing every source file and template cost a reused run a tenth
    of its time; an edit, a checkout or an upgrade changes the time or the size.
    """
    pieces = []
    for path in sorted(paths):
        status = path.stat()
        pieces.append(f"{path}:{status.st_size}:{status.st_mtime_ns}".encode())
    return digest(*pieces)
