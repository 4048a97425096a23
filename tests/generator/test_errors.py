"""errors: diagnostics, the one SpecError they raise, and the warning report."""

from __future__ import annotations

import pytest

from generator.errors import (
    Diagnostic,
    Diagnostics,
    GeneratorError,
    Location,
    SpecError,
    format_warnings,
)

HERE = Location("spec/openapi.yaml", "/paths/~1items/get", 12)


def test_location_reads_as_file_line_and_pointer() -> None:
    assert str(HERE) == "spec/openapi.yaml:12 at /paths/~1items/get"
    assert str(Location("spec/openapi.yaml", "")) == "spec/openapi.yaml at /"


def test_diagnostic_reads_as_location_level_message() -> None:
    assert str(Diagnostic("error", "Broken.", HERE)) == (
        "spec/openapi.yaml:12 at /paths/~1items/get: error: Broken."
    )
    assert str(Diagnostic("warning", "Odd.")) == "warning: Odd."


def test_diagnostics_are_collected_once() -> None:
    diagnostics = Diagnostics()
    diagnostics.error("Broken.", HERE)
    diagnostics.error("Broken.", HERE)
    diagnostics.warn("Odd.", HERE, "GET /items")
    diagnostics.warn("Odd.", HERE, "GET /items")
    diagnostics.error("Broken.", Location("spec/openapi.yaml", "/other", 3))

    assert len(diagnostics.items) == 3
    assert [d.message for d in diagnostics.errors] == ["Broken.", "Broken."]
    assert diagnostics.warnings == [Diagnostic("warning", "Odd.", HERE, "GET /items")]


def test_check_passes_with_warnings_only() -> None:
    diagnostics = Diagnostics()
    diagnostics.warn("Odd.")
    diagnostics.check()


def test_check_raises_one_spec_error_with_every_error() -> None:
    diagnostics = Diagnostics()
    diagnostics.error("First.", HERE)
    diagnostics.warn("Only a warning.")
    diagnostics.error("Second.")

    with pytest.raises(SpecError) as raised:
        diagnostics.check()

    error = raised.value
    assert isinstance(error, GeneratorError)
    assert [d.message for d in error.diagnostics] == ["First.", "Second."]
    assert str(error) == (
        "The OpenAPI document has 2 errors:\n"
        "  spec/openapi.yaml:12 at /paths/~1items/get: error: First.\n"
        "  error: Second."
    )


def test_single_error() -> None:
    assert str(SpecError.single("Broken.", HERE)) == (
        "The OpenAPI document has 1 error:\n"
        "  spec/openapi.yaml:12 at /paths/~1items/get: error: Broken."
    )


def test_format_warnings_groups_by_operation_document_wide_first() -> None:
    warnings = [
        Diagnostic("warning", "Callbacks are not generated.", HERE, "POST /items"),
        Diagnostic("warning", "A document-wide note.", None, None),
        Diagnostic("warning", "Deprecated.", None, "GET /items"),
        Diagnostic("warning", "Another callback.", None, "POST /items"),
        Diagnostic("warning", "A second note.", HERE, None),
    ]
    assert format_warnings(warnings) == "\n".join(
        [
            "5 warnings:",
            "  document:",
            "    - A document-wide note.",
            "    - A second note. (spec/openapi.yaml:12 at /paths/~1items/get)",
            "  GET /items:",
            "    - Deprecated.",
            "  POST /items:",
            "    - Callbacks are not generated. "
            "(spec/openapi.yaml:12 at /paths/~1items/get)",
            "    - Another callback.",
        ]
    )


def test_format_warnings_of_one_and_of_none() -> None:
    assert format_warnings([Diagnostic("warning", "Odd.")]) == (
        "1 warning:\n  document:\n    - Odd."
    )
    assert format_warnings([]) == ""
