"""Bodies in the shape of the fixture API, for the runtime tests."""

from typing import Any

from tests.servers.faults import Reply, envelope

PROJECT = {
    "projectId": "proj_1",
    "name": "My Website",
    "description": None,
    "status": "published",
    "createdAt": "2026-01-15T10:30:00Z",
    "tags": ["shop"],
    "settings": {"customDomain": "example.com", "theme": "dark"},
    "futureField": {"added": "later"},
}


def project(index: int, **changes: object) -> dict[str, Any]:
    """A project body with a distinct id, and any properties changed."""
    return {**PROJECT, "projectId": f"proj_{index}", "name": f"Site {index}", **changes}


def project_reply(request_id: str = "req_1", **changes: object) -> Reply:
    """A 200 answer holding one project, with a request-id header."""
    return Reply(
        200,
        envelope({**PROJECT, **changes}, request_id=request_id),
        headers={"X-Request-Id": request_id},
    )


def page_reply(indexes: range, *, next_cursor: str | None, total: int = 7) -> Reply:
    """A 200 answer holding one page of projects."""
    return Reply(
        200,
        envelope(
            [project(i) for i in indexes],
            request_id=f"req_page_{indexes.start}",
            pagination={
                "hasMore": next_cursor is not None,
                "nextCursor": next_cursor,
                "total": total,
            },
        ),
    )
