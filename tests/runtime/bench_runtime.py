"""Measure the runtime's decode cost and per-call overhead (a benchmark, not a test).

Run: .venv/bin/python -m tests.runtime.bench_runtime

It renders the runtime with the fixture modules into a temporary directory, then
compares (1) reading a 1,000-item page through the client with a bare typed msgspec
decode of the same bytes, and (2) a client call with a bare httpx call, both over
an in-memory transport (to isolate the client's own work) and over loopback HTTP.
"""

import importlib
import sys
import tempfile
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import msgspec

from tests.runtime.conftest import render_runtime
from tests.servers.faults import FaultServer, Reply, envelope


def project(index: int) -> dict[str, Any]:
    """One project as the fixture API sends it, with one property the SDK lacks."""
    return {
        "projectId": f"proj_{index}",
        "name": f"Website {index}",
        "description": None if index % 2 else "A site",
        "status": "published",
        "createdAt": "2026-01-15T10:30:00Z",
        "tags": ["a", "b"],
        "settings": {"customDomain": f"site{index}.example"},
        "futureField": index,
    }


def compare(
    first: Callable[[], object], second: Callable[[], object], number: int
) -> tuple[float, float]:
    """The best mean time of one call of each, in seconds.

    Runs alternate between the two so that a busy machine slows both alike.
    """
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(15):
        for func, found in zip((first, second), times, strict=True):
            found.append(timeit.timeit(func, number=number) / number)
    return min(times[0]), min(times[1])


def main() -> None:
    """Print the measurements."""
    package_dir = render_runtime(Path(tempfile.mkdtemp()))
    sys.path.insert(0, str(package_dir.parent))
    faultpkg = importlib.import_module("faultpkg")
    models = importlib.import_module("faultpkg.models")
    projects = importlib.import_module("faultpkg.resources.projects")

    page_body = msgspec.json.encode(
        envelope(
            [project(i) for i in range(1000)],
            pagination={"hasMore": True, "nextCursor": "c2", "total": 5000},
        )
    )
    one_body = msgspec.json.encode(envelope(project(1)))

    def page_handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=page_body)

    def one_handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=one_body)

    # 1. Decoding a page: the client's whole read path against msgspec alone.
    decoder = msgspec.json.Decoder(models.ProjectList)
    client = faultpkg.Faultpkg(
        api_key="sk_bench",
        base_url="http://bench.invalid",
        http_client=httpx.Client(transport=httpx.MockTransport(page_handler)),
    )
    response = httpx.Response(200, content=page_body)
    plan = client._plan("GET", "/projects", {"idempotency_key": None})
    page_class = faultpkg.SyncCursorPage[models.Project]
    bare, read = compare(
        lambda: decoder.decode(page_body),
        lambda: client._read_page(plan, projects._LIST, page_class, response, 1),
        40,
    )
    print(
        f"decode 1000-item page: msgspec {bare * 1e3:.3f} ms, client "
        f"{read * 1e3:.3f} ms ({read / bare:.2f}x)"
    )

    # 2. Per-call overhead over an in-memory transport.
    raw_http = httpx.Client(transport=httpx.MockTransport(one_handler))
    single = msgspec.json.Decoder(models.ProjectResponse)
    sdk = faultpkg.Faultpkg(
        api_key="sk_bench",
        base_url="http://bench.invalid",
        http_client=httpx.Client(transport=httpx.MockTransport(one_handler)),
    )
    headers = {"Authorization": "Bearer sk_bench"}
    bare_call, sdk_call = compare(
        lambda: single.decode(
            raw_http.get("http://bench.invalid/projects/p_1", headers=headers).content
        ).data,
        lambda: sdk.projects.retrieve("p_1"),
        300,
    )
    print(
        f"call, in-memory transport: httpx+msgspec {bare_call * 1e6:.1f} us, client "
        f"{sdk_call * 1e6:.1f} us ({sdk_call / bare_call:.2f}x, "
        f"+{(sdk_call - bare_call) * 1e6:.1f} us)"
    )

    # 3. The same over loopback HTTP.
    with FaultServer(max_requests=20_000) as server:
        server.script(then=Reply(200, envelope(project(1))))
        with (
            httpx.Client() as http,
            faultpkg.Faultpkg(api_key="sk_bench", base_url=server.url) as looped,
        ):
            url = f"{server.url}/projects/p_1"
            bare_loop, sdk_loop = compare(
                lambda: single.decode(http.get(url, headers=headers).content).data,
                lambda: looped.projects.retrieve("p_1"),
                100,
            )
    print(
        f"call, loopback HTTP: httpx+msgspec {bare_loop * 1e6:.1f} us, client "
        f"{sdk_loop * 1e6:.1f} us ({sdk_loop / bare_loop:.2f}x)"
    )


if __name__ == "__main__":
    main()
