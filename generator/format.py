"""Format rendered Python with black, in-process, skipping work already done.

black is the slow stage on large documents. Four things keep it fast: the templates
emit code close to black's style, a formatted result is cached on disk under the hash of
the rendered text (so a regeneration formats only files whose text changed), a long
module that changed only inside some methods since black last left it as it was is
checked by formatting those methods with their neighbours (`black_splice`), and
uncached files are formatted in parallel processes when there are enough of them to
pay for starting the processes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .caches import TextStore, tool_fingerprint
from .errors import GeneratorError
from .processes import die_with_parent

if TYPE_CHECKING:
    import black

    from .render import RenderedFile

# black is imported when the first file needs it: a run whose files are all cached
# (or that reuses the last run's output) does without it.
LINE_LENGTH = 88
# Below this many uncached files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 48
# From this many lines on, a module black left as it was is remembered under its path,
# so that its next version can be checked method by method (`black_splice`); a shorter
# one formats in about as little time as that check takes.
SPLICE_LINES = 300


def format_files(
    files: Iterable[RenderedFile],
    cache_dir: Path | None = None,
    jobs: int | None = None,
) -> dict[str, str]:
    """Path -> final text of every file; Python files are formatted by black.

    A file rendered already in black's style (`RenderedFile.formatted`) is kept as is.
    """
    salt = tool_fingerprint(("black",)) + f"|{LINE_LENGTH}|py311".encode()
    cache = TextStore(cache_dir, salt)
    # Path -> the last long text of that path that black left as it was.
    kept_as_is = TextStore(cache_dir, salt + b"|as-is")
    files = list(files)
    done: dict[str, str] = {}
    todo: list[RenderedFile] = []
    for file in files:
        if not file.is_python or file.formatted:
            done[file.path] = file.text
        elif (cached := cache.get(file.text.encode())) is not None:
            done[file.path] = cached
        elif _unchanged_since(file, kept_as_is):
            done[file.path] = file.text
            cache.put(file.text.encode(), file.text)
            kept_as_is.put(file.path.encode(), file.text)
        else:
            todo.append(file)

    # Longest first, handed out a few at a time: the files formatted last are short
    # ones, so the workers finish together instead of one waiting on a long file.
    todo.sort(key=lambda file: len(file.text), reverse=True)
    workers = min(
        jobs or os.cpu_count() or 1, len(todo) // (PARALLEL_THRESHOLD // 2) or 1
    )
    if len(todo) >= PARALLEL_THRESHOLD and workers > 1:
        mode()  # import black once here: the workers start as copies of this process
        with ProcessPoolExecutor(workers, initializer=die_with_parent) as pool:
            chunk = max(1, len(todo) // (workers * 16))
            formatted = list(pool.map(_format_one, todo, chunksize=chunk))
    else:
        formatted = [_format_one(file) for file in todo]

    for file, text in zip(todo, formatted, strict=True):
        done[file.path] = text
        cache.put(file.text.encode(), text)
        if text == file.text and text.count("\n") >= SPLICE_LINES:
            kept_as_is.put(file.path.encode(), text)
    return {file.path: done[file.path] for file in files}


def _unchanged_since(file: RenderedFile, kept_as_is: TextStore) -> bool:
    """Whether black would leave a long `file` as it is, shown from the last text of
    its path that black left as it was, by formatting only the methods that changed."""
    if file.text.count("\n") < SPLICE_LINES:
        return False
    before = kept_as_is.get(file.path.encode())
    if before is None:
        return False
    import black  # noqa: PLC0415 - see the note on LINE_LENGTH
    from black.parsing import InvalidInput  # noqa: PLC0415 - see LINE_LENGTH's note

    from .black_splice import TESTED_BLACK, unchanged_by_black  # noqa: PLC0415

    # Not from the package's metadata: reading it takes about 60 ms, what excerpts save.
    if getattr(black, "__version__", None) != TESTED_BLACK:
        return False  # the reasoning behind the excerpts is tested with that one only
    try:
        return unchanged_by_black(before, file.text, _format_excerpt)
    except InvalidInput:
        return False  # black formats the whole file, and words the error


def _format_excerpt(text: str) -> str:
    import black  # noqa: PLC0415 - see the note on LINE_LENGTH

    return black.format_str(text, mode=mode())


def warm_up() -> None:
    """Import black and format a line, for a process that formats again and again:
    the first file it formats then does not wait for either."""
    import black  # noqa: PLC0415 - see the note on LINE_LENGTH

    black.format_str("ready = True\n", mode=mode())


@cache
def mode() -> black.Mode:
    """black's settings for generated code: its default width, Python 3.11 syntax."""
    import black  # noqa: PLC0415 - see the note on LINE_LENGTH
    from black.mode import TargetVersion  # noqa: PLC0415

    return black.Mode(line_length=LINE_LENGTH, target_versions={TargetVersion.PY311})


def _format_one(file: RenderedFile) -> str:
    import black  # noqa: PLC0415 - see the note on LINE_LENGTH
    from black.parsing import InvalidInput  # noqa: PLC0415

    try:
        return black.format_str(file.text, mode=mode())
    except InvalidInput as error:
        raise GeneratorError(
            f"The generator produced a file that is not valid Python, {file.path}: "
            f"{error}. This is a bug in the generator or its templates; please report "
            "it with the document that caused it."
        ) from None
