"""An OpenAPI 3.0/3.1 to Python client generator.

The stages are modules named after them: `load`, `bundle`, `validate`, `build` (with
`schemas`), `render` (with `layout`), `format` and `write`; `pipeline` runs them in
order, `caches` keeps what later runs can reuse, and `cli` is the command line.
"""

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
