"""An OpenAPI 3.0/3.1 to Python client generator.

The stages are modules named after them: `load`, `bundle`, `validate`, `build` (with
`schemas`), `render` (with `layout`), `format` and `write`; `pipeline` runs them in
order, `caches` keeps what later runs can reuse, and `cli` is the command line, which
`launch` hands to the generation `server` where one runs.
"""

from __future__ import annotations

TYPE_CHECKING = False  # as in `launch`: no typing module at run time
if TYPE_CHECKING:
    from pathlib import Path

    TEMPLATES: Path


def __getattr__(name: str) -> object:
    """`TEMPLATES`, the templates' directory, made on first use: a command answered
    by the generation server imports this package and `launch`, and not even pathlib
    (see `launch`)."""
    if name == "TEMPLATES":
        from pathlib import Path  # noqa: PLC0415

        templates = Path(__file__).resolve().parent.parent / "templates"
        globals()["TEMPLATES"] = templates
        return templates
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
