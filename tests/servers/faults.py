"""A fault-injecting HTTP/1.1 server on 127.0.0.1, answering from a script.

A test scripts the answers in order ("two 503s, then a 200 with this body"), sends
requests, and then reads what the server received: every request's method, path,
query, headers and body. Answers can be delayed, or the connection closed without
one. The server holds no state beyond the script and the record, and answers a
bounded number of requests.
"""

import json
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

__all__ = ["FaultServer", "RecordedRequest", "Reply", "Step", "envelope", "error_body"]

# A runaway client cannot keep a test's server busy for ever: past this many
# requests, every connection is closed unanswered.
MAX_REQUESTS = 1000
# Idle keep-alive connections are closed after this many seconds.
IDLE_TIMEOUT = 5.0


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server received it; header names are lower case."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body decoded as JSON."""
        return json.loads(self.body)


@dataclass(frozen=True)
class Reply:
    """One scripted answer.

    `delay` waits before answering; `drop` closes the connection without any
    answer. `body` may be bytes, text, or anything JSON-encodable.
    """

    status: int = 200
    body: object = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False

    def encoded(self) -> tuple[bytes, str]:
        """The body's bytes and their content type."""
        if isinstance(self.body, bytes):
            return self.body, "application/json"
        if isinstance(self.body, str):
            return self.body.encode(), "text/plain; charset=utf-8"
        return json.dumps(self.body).encode(), "application/json"


Step = Reply | Callable[[RecordedRequest], Reply]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT
    # Headers and body leave in separate writes; without TCP_NODELAY the body
    # waits for the client's delayed ACK (about 40 ms on Linux).
    disable_nagle_algorithm = True
    server: "_Server"

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def do_PUT(self) -> None:
        self._answer()

    def do_PATCH(self) -> None:
        self._answer()

    def do_DELETE(self) -> None:
        self._answer()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        request = RecordedRequest(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
        )
        reply = self.server.fault_server.next_reply(request)
        if reply.delay:
            self.server.fault_server.wait(reply.delay)
        if reply.drop:
            self.close_connection = True
            return
        content, content_type = reply.encoded()
        self.send_response(reply.status)
        headers = {"Content-Type": content_type, **reply.headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: ARG002
        # Quiet: the tests read the record instead of the server's log.
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fault_server: "FaultServer"

    def handle_error(self, request: Any, client_address: Any) -> None:  # noqa: ARG002
        # A client that gave up (timeout) leaves the late answer nowhere to go.
        return


class FaultServer:
    """The server, its script and its record; use it as a context manager."""

    def __init__(self, *, max_requests: int = MAX_REQUESTS) -> None:
        self._max_requests = max_requests
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.fault_server = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}
        )
        self._lock = threading.Lock()
        self._steps: deque[Step] = deque()
        self._default: Step | None = None
        self._stopping = threading.Event()
        self.requests: list[RecordedRequest] = []

    @property
    def url(self) -> str:
        """The server's base URL, e.g. http://127.0.0.1:54321."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def script(self, *steps: Step, then: Step | None = None) -> None:
        """Answer the next requests with `steps` in order, then with `then`.

        Without `then`, requests past the script get a 500 that says so.
        """
        with self._lock:
            self._steps.extend(steps)
            self._default = then

    def next_reply(self, request: RecordedRequest) -> Reply:
        """Record `request` and return the scripted answer to it."""
        with self._lock:
            self.requests.append(request)
            if len(self.requests) > self._max_requests:
                return Reply(drop=True)
            step = self._steps.popleft() if self._steps else self._default
        if step is None:
            return Reply(
                500,
                {"error": {"code": "SCRIPT_EXHAUSTED", "message": "No reply left"}},
            )
        return step if isinstance(step, Reply) else step(request)

    def wait(self, seconds: float) -> None:
        """Sleep, but wake up when the server stops."""
        self._stopping.wait(seconds)

    @property
    def count(self) -> int:
        """How many requests arrived."""
        with self._lock:
            return len(self.requests)


def envelope(
    data: object, *, request_id: str = "req_1", **extra: object
) -> dict[str, Any]:
    """A success body in the shape the fixture API uses."""
    return {"success": True, "data": data, **extra, "meta": {"requestId": request_id}}


def error_body(code: str, message: str, **details: object) -> dict[str, Any]:
    """An error body in the shape the fixture API uses."""
    return {
        "success": False,
        "error": {"code": code, "message": message, "details": details},
    }
