"""An OpenAPI 3.0/3.1 to Python client generator.

The stages are modules named after them: `load`, `bundle`, `validate`, `build` (with
`schemas`), `render`, `format` and `write`; `pipeline` runs them in order and `cli` is
the command line.
"""
