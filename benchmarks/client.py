"""Client benchmarks: the generated SDK against bare httpx and msgspec.

- import time of `codefluss` and of a package generated from a large document, each
  against `import httpx`, in fresh interpreters;
- reading a 1,000-item list page through `client.projects.list()` against httpx plus
  a raw `msgspec.json.decode` of the same bytes, both over one in-memory transport;
- one call (`client.projects.retrieve`) against a bare `httpx` GET of the same URL,
  both to the CODEFLUSS sandbox server running in another process on loopback;
- resident memory while iterating 100,000 items through auto-pagination, served by
  a small page server in another process.

`python -m benchmarks.client serve-pages` and `... paginate URL COUNT` are the two
helper processes of the last one.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import msgspec

from .measure import interleave, median, per_call, user_environment

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "generated"
API_KEY = "sk_bench"
PAGE_TOTAL = 100_000
PAGE_SIZE = 100


@dataclass(frozen=True)
class Ratio:
    """One side against its baseline: the medians, in seconds or bytes."""

    measured: float
    baseline: float

    @property
    def ratio(self) -> float:
        return self.measured / self.baseline


# ------------------------------------------------------------------ import time


def import_times(packages: dict[str, Path | None], rounds: int) -> dict[str, float]:
    """Median seconds of `import NAME` in a fresh interpreter, for each package.

    `packages` maps an import name to the directory it is imported from (None: the
    environment's own). The interpreters start in turn, so noise hits all alike.
    """
    for name, path in packages.items():
        _import_seconds(name, path)  # compile the bytecode once, outside the timing
    sides = [
        (lambda name=name, path=path: _import_seconds(name, path))
        for name, path in packages.items()
    ]
    results = interleave(sides, rounds)
    return {name: median(found) for name, found in zip(packages, results, strict=True)}


def _import_seconds(name: str, path: Path | None) -> float:
    script = (
        "import time\n"
        "started = time.perf_counter()\n"
        f"import {name}\n"
        "print(time.perf_counter() - started)\n"
    )
    env = user_environment()
    if path is not None:
        env["PYTHONPATH"] = str(path)
    completed = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=path or ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(completed.stdout.strip())


# ---------------------------------------------------------------------- decoding


def project(index: int) -> dict[str, Any]:
    """One project as the API sends it."""
    return {
        "id": f"proj_{index:08d}",
        "name": f"Website {index}",
        "slug": f"website-{index}",
        "status": "published" if index % 3 else "draft",
        "description": None if index % 2 else "A site about design.",
        "publishedAt": "2026-01-20T08:00:00Z" if index % 3 else None,
        "createdAt": "2026-01-15T10:30:00Z",
        "updatedAt": "2026-01-22T14:45:00Z",
    }


def list_page(start: int, count: int, total: int) -> bytes:
    """A list response of projects `start` to `start + count`, as the API sends it."""
    end = min(start + count, total)
    more = end < total
    return msgspec.json.encode(
        {
            "success": True,
            "data": [project(i) for i in range(start, end)],
            "pagination": {
                "hasMore": more,
                "nextCursor": str(end) if more else None,
                "total": total,
            },
            "meta": {"requestId": f"req_{start}", "timestamp": "2026-01-22T12:00:00Z"},
        }
    )


def decoding(rounds: int, number: int) -> tuple[Ratio, Ratio]:
    """A 1,000-item page read by the SDK, and typed decoding alone, against raw."""
    codefluss, models = _import_codefluss()
    body = list_page(0, 1000, 1000)

    def handler(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body)

    transport = httpx.MockTransport(handler)
    base_url = "http://bench.invalid/v1"
    client = codefluss.Codefluss(
        api_key=API_KEY,
        base_url=base_url,
        http_client=httpx.Client(transport=transport),
    )
    bare = httpx.Client(transport=transport)
    url = f"{base_url}/projects"

    def sdk() -> list[Any]:
        items: list[Any] = client.projects.list(limit=100).data
        return items

    def raw() -> object:
        return msgspec.json.decode(bare.get(url).content)

    assert len(sdk()) == 1000  # the SDK decodes every item into a model

    page_model = models.ProjectList
    typed = msgspec.json.Decoder(page_model)
    untyped = msgspec.json.Decoder()
    sides = [
        per_call(sdk, number),
        per_call(raw, number),
        per_call(lambda: typed.decode(body), number),
        per_call(lambda: untyped.decode(body), number),
    ]
    found = [median(values) for values in interleave(sides, rounds)]
    return Ratio(found[0], found[1]), Ratio(found[2], found[3])


def _import_codefluss() -> tuple[Any, Any]:
    if str(GENERATED) not in sys.path:
        sys.path.insert(0, str(GENERATED))
    # The package under test, found in generated/ (and typed only there).
    import codefluss  # type: ignore[import-not-found, unused-ignore]  # noqa: PLC0415
    import codefluss.models  # type: ignore[import-not-found, unused-ignore]  # noqa: PLC0415

    return codefluss, codefluss.models


# ----------------------------------------------------------------- one call


def per_call_overhead(rounds: int, number: int) -> Ratio:
    """`client.projects.retrieve` against a bare httpx GET, on the sandbox server."""
    codefluss, _ = _import_codefluss()
    with _sandbox() as base_url:
        bare = httpx.Client(headers={"Authorization": f"Bearer {API_KEY}"})
        created = bare.post(f"{base_url}/projects", json={"name": "Benchmark"})
        created.raise_for_status()
        project_id = created.json()["data"]["id"]
        url = f"{base_url}/projects/{project_id}"
        client = codefluss.Codefluss(api_key=API_KEY, base_url=base_url)

        def sdk() -> object:
            return client.projects.retrieve(project_id)

        def raw() -> object:
            response = bare.get(url)
            response.raise_for_status()
            return response.content

        sdk()
        raw()
        found = interleave([per_call(sdk, number), per_call(raw, number)], rounds)
        client.close()
        bare.close()
    return Ratio(median(found[0]), median(found[1]))


@contextlib.contextmanager
def _sandbox() -> Iterator[str]:
    """The CODEFLUSS sandbox in its own process; yields its base URL."""
    port = _free_port()
    command = [sys.executable, "-m", "tests.servers.sandbox", "--port", str(port)]
    with _server([*command, "--api-key", API_KEY], port):
        yield f"http://127.0.0.1:{port}/v1"


@contextlib.contextmanager
def _server(command: list[str], port: int) -> Iterator[None]:
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        _wait_for(port, process)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"The server exited early:\n{error}")
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", port), timeout=0.2),
        ):
            return
        time.sleep(0.05)
    raise RuntimeError(f"No server answered on port {port} within 20 s.")


# ------------------------------------------------------------------- pagination


@dataclass(frozen=True)
class Walk:
    """Resident memory (bytes) after each checkpoint of items walked, and the time."""

    checkpoints: dict[int, int]
    seconds: float

    @property
    def growth(self) -> int:
        """Growth from the first checkpoint after warm-up to the last one."""
        counts = sorted(self.checkpoints)
        return self.checkpoints[counts[-1]] - self.checkpoints[counts[1]]


def pagination_memory(total: int = PAGE_TOTAL) -> Walk:
    """Walk `total` items through `client.projects.list()` in a fresh process."""
    port = _free_port()
    server = [sys.executable, "-m", "benchmarks.client", "serve-pages", str(port)]
    with _server([*server, str(total)], port):
        walker = [sys.executable, "-m", "benchmarks.client", "paginate"]
        url = f"http://127.0.0.1:{port}/v1"
        completed = subprocess.run(
            [*walker, url, str(total)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    report = json.loads(completed.stdout)
    checkpoints = {int(count): rss for count, rss in report["checkpoints"].items()}
    return Walk(checkpoints, report["seconds"])


def _paginate(base_url: str, total: int) -> None:
    codefluss, _ = _import_codefluss()
    client = codefluss.Codefluss(api_key=API_KEY, base_url=base_url)
    marks = {total // 100, total // 10, total // 2, total}
    checkpoints: dict[int, int] = {}
    started = time.perf_counter()
    walked = 0
    for _ in client.projects.list(limit=PAGE_SIZE):
        walked += 1
        if walked in marks:
            checkpoints[walked] = _resident_bytes()
    seconds = time.perf_counter() - started
    if walked != total:
        raise RuntimeError(f"Walked {walked} items, expected {total}.")
    print(json.dumps({"checkpoints": checkpoints, "seconds": seconds}))


def _resident_bytes() -> int:
    """The current resident set of this process (Linux)."""
    pages = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


def _serve_pages(port: int, total: int) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the SDK's pool expects
        # Headers and body go out in two writes; with Nagle's algorithm the second
        # waits for the client's delayed ACK, 40 ms per page.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            query = parse_qs(urlsplit(self.path).query)
            start = int(query.get("cursor", ["0"])[0])
            limit = int(query.get("limit", [str(PAGE_SIZE)])[0])
            body = list_page(start, limit, total)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: Any) -> None:
            """Silent: a walk sends a thousand requests."""

    with ThreadingHTTPServer(("127.0.0.1", port), Handler) as server:
        server.serve_forever(poll_interval=0.05)


def main(argv: list[str]) -> None:
    """The helper processes of `pagination_memory`."""
    command, *arguments = argv
    if command == "serve-pages":
        _serve_pages(int(arguments[0]), int(arguments[1]))
    elif command == "paginate":
        _paginate(arguments[0], int(arguments[1]))
    else:
        raise SystemExit(f"unknown command {command!r}: serve-pages or paginate")


if __name__ == "__main__":
    main(sys.argv[1:])
