"""Values of the document that several build modules read the same way.

A text (a summary or a description), and the media type the client uses among those
a request body or a response offers.
"""

from __future__ import annotations

from typing import Any


def text(value: Any) -> str:
    """A summary or description without surrounding blanks ("" when absent)."""
    return value.strip() if isinstance(value, str) else ""


def choose_media_type(content: dict[str, Any]) -> tuple[str, Any]:
    """The media type the client uses, and its object: JSON, else multipart, else a
    form, else the first one offered."""

    def rank(media_type: str) -> int:
        if is_json(media_type):
            return 0
        return {"multipart/form-data": 1, "application/x-www-form-urlencoded": 2}.get(
            media_type, 3
        )

    media_type = min(content, key=rank)
    return media_type, content[media_type]


def is_json(media_type: str) -> bool:
    """A JSON media type, or `*/*` (which the client reads as JSON)."""
    base = media_type.split(";", maxsplit=1)[0].strip().lower()
    return base == "application/json" or base.endswith("+json") or base == "*/*"
