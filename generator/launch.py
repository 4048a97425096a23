"""`python -m generator`: a `generate` or `validate` command answered by the generation
server where one runs (`server.py`), else run in this process, which then starts one.

A command in a new process imports the validator (about 0.3 s), Jinja and black
(0.2 s) every time, where the rest of a run after a small change to a small document
takes under 0.1 s (BENCHMARKS.md). So, as the daemons of build tools do, the first
command runs as usual, then starts a server in the background that keeps those
imported; the next commands hand it their arguments over a Unix socket, print what it
prints and exit with its exit code. It runs the same `cli.main`, in the command's
directory, with its umask: what it writes and says is what the command would have.

This module is all a served command imports, besides the standard library's `socket`:
a command answered by the server spends about 0.02 s in this process. A command that
runs alone does not import `socket` (5 ms, a tenth of a run that reuses its output).

- **Which server.** One per checkout of the generator, Python executable, cache
  directory and bytecode setting (`identity`); the socket is named after a checksum
  of those, and the server declines a command whose identity is not its own. It lives
  in `$XDG_RUNTIME_DIR/openapi-python-generator/`, or in
  `$TMPDIR/openapi-python-generator-UID/` (`/tmp` without TMPDIR): a directory only
  this user may enter, since whoever answers on the socket writes as this user.
  Where there is none, or no Unix sockets, commands run alone. The server keeps the
  environment of the command that started it; of it the generator reads only
  XDG_CACHE_HOME and HOME, through the cache directory, which is in the identity.
- **When none is used.** `--no-server`, `--watch` (a watcher has its own session),
  `OPENAPI_PYTHON_GENERATOR_SERVER=0`, and CI (the `CI` variable set, as CI services
  set it), where each command runs once and a server would outlive the job, unless
  `OPENAPI_PYTHON_GENERATOR_SERVER=1`.
- **When it stops, and stale code**: see `server.py`.

The wire format is length-prefixed `marshal` data, one frame per message: the request,
then the server's `{"stdout": text}` and `{"stderr": text}` as the run prints, ending
with `{"exit": code}`, or `{"declined": reason}` when it will not run the command. Only
this user can reach the socket, and marshal reads these plain values fast.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib

# Only for the type checker, which reads this name as true: importing typing and
# collections.abc would double what a served command spends importing.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import socket
    from collections.abc import Iterator, Mapping
    from typing import Any

SWITCH = "OPENAPI_PYTHON_GENERATOR_SERVER"
SERVED = frozenset({"generate", "validate"})
IDLE = 15 * 60  # seconds without a command after which a server exits
INTERRUPTED = 130  # the exit code of a command stopped by Ctrl-C
_OFF = frozenset({"0", "off", "false", "no"})
_ON = frozenset({"1", "on", "true", "yes"})
_MAX_ADDRESS = 100  # a Unix socket's path holds 107 bytes on Linux, 103 on macOS
_PACKAGE = os.path.dirname(os.path.abspath(__file__))
_FRAME = 4  # bytes of a frame's length


def run_command(argv: list[str]) -> int:
    """Run `python -m generator ARGV`: by the server where one can answer, else here
    (and then start a server for the next command)."""
    if not (_served(argv) and wanted(os.environ)):
        return _main(argv)
    path = address(os.environ)
    if path is None:
        return _main(argv)
    code = request(path, argv)
    if code is not None:
        return code
    code = _main(argv)
    if code != INTERRUPTED and spawn(path) and "--quiet" not in argv:
        print(
            "Started a generation server for the next commands; "
            "`python -m generator server stop` stops it.",
            file=sys.stderr,
        )
    return code


def _main(argv: list[str]) -> int:
    from .cli import main  # noqa: PLC0415 - a served command needs none of it

    return main(argv)


def _served(argv: list[str]) -> bool:
    """Whether the server may run this command line: `generate` or `validate`, not
    watching, not asked to run alone, not asking for help. (The command line takes
    options spelled in full only, so that this can tell.)"""
    alone = {"--watch", "--no-server", "-h", "--help"}
    return bool(argv) and argv[0] in SERVED and not alone.intersection(argv)


def wanted(environ: Mapping[str, str]) -> bool:
    """Whether commands may use a server here (see the module's docstring)."""
    if os.name != "posix":  # where Python has Unix sockets and `fcntl.flock`
        return False
    switch = environ.get(SWITCH, "").strip().lower()
    if switch in _OFF:
        return False
    if switch in _ON:
        return True
    return environ.get("CI", "").strip().lower() in {"", *_OFF}


def cache_directory(environ: Mapping[str, str]) -> str:
    """`$XDG_CACHE_HOME/openapi-python-generator`, or the same under `~/.cache`."""
    base = environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return os.path.join(base, "openapi-python-generator")


def identity(environ: Mapping[str, str]) -> str:
    """What a server must share with a command to answer it."""
    return "\0".join(
        [
            _PACKAGE,
            sys.executable,
            cache_directory(environ),
            str(sys.dont_write_bytecode),
        ]
    )


def address(environ: Mapping[str, str]) -> str | None:
    """The socket of the server for this identity; None where no private directory
    for it can be had, or its path would be too long for a socket."""
    runtime = environ.get("XDG_RUNTIME_DIR")
    if runtime:
        directory = os.path.join(runtime, "openapi-python-generator")
    else:
        temporary = environ.get("TMPDIR") or "/tmp"  # noqa: S108 - checked below
        directory = os.path.join(temporary, f"openapi-python-generator-{os.getuid()}")
    if not _private_directory(directory):
        return None
    data = identity(environ).encode()
    name = f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"
    path = os.path.join(directory, f"{name}.sock")
    return path if len(os.fsencode(path)) <= _MAX_ADDRESS else None


def _private_directory(directory: str) -> bool:
    """Make `directory` if need be; whether it is this user's own, a real directory
    that nobody else may enter (else someone else could answer in the server's
    place, or read what it says)."""
    try:
        os.mkdir(directory, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return False
    try:
        status = os.lstat(directory)
    except OSError:
        return False
    return (
        status.st_mode & 0o170000 == 0o040000  # a directory, not a link to one
        and status.st_uid == os.getuid()
        and status.st_mode & 0o077 == 0
    )


def request(path: str, argv: list[str]) -> int | None:
    """Have the server at `path` run `argv`, printing what it prints; its exit code,
    or None when none answered or it declined (the command then runs here)."""
    message = {
        "identity": identity(os.environ),
        "argv": argv,
        "cwd": os.getcwd(),
        "umask": _umask(),
        "stdout_tty": sys.stdout.isatty(),
        "stderr_tty": sys.stderr.isatty(),
    }
    try:
        connection = connect(path)
    except OSError:  # none listens
        return None
    with connection:
        try:
            send(connection, message)
        except OSError:  # it went away
            return None
        return _relay(connection)


def _relay(connection: socket.socket) -> int | None:
    """Print what the server says until it says the exit code, and return that.

    The first Ctrl-C closes this end of the connection: the server stops the run as
    Ctrl-C would, says so and exits 130. A second leaves at once.
    """
    interrupted = False
    while True:
        try:
            code = _answers(connection)
            break
        except KeyboardInterrupt:
            if interrupted:
                print("Interrupted again; leaving the server to stop.", file=sys.stderr)
                return INTERRUPTED
            interrupted = True
            try:
                connection.shutdown(_socket().SHUT_WR)
            except OSError:  # it went away: said below
                pass
    if code != _GONE:
        return code
    if interrupted:
        return INTERRUPTED
    print(
        "The generation server stopped before the command ended; running it here.",
        file=sys.stderr,
    )
    return None


_GONE = -1  # `_answers`: the server closed the connection before the exit code


def _answers(connection: socket.socket) -> int | None:
    """Print the server's output until its exit code (returned), its refusal (None),
    or its end (`_GONE`)."""
    while True:
        try:
            answer = receive(connection)
        except OSError:
            answer = None
        if answer is None:
            return _GONE
        if "exit" in answer:
            return int(answer["exit"])
        if "declined" in answer:
            return None
        for name, stream in (("stdout", sys.stdout), ("stderr", sys.stderr)):
            if name in answer:
                stream.write(answer[name])
                stream.flush()


def control(path: str, what: str) -> dict[str, Any] | None:
    """Ask the server at `path` for its `status`, or to `stop`; None if none runs."""
    try:
        with connect(path) as connection:
            for answer in exchange(connection, {"control": what}):
                return dict(answer)
    except OSError:
        pass
    return None


def spawn(path: str) -> bool:
    """Start a server for `path` in the background, unless one runs or is starting;
    whether one was started."""
    import subprocess  # noqa: PLC0415 - only after a command that ran alone

    if held(path):
        return False
    subprocess.Popen(
        [sys.executable, "-m", "generator", "server", "run"],
        cwd=os.path.dirname(_PACKAGE),  # where `-m generator` is found
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # a Ctrl-C at the terminal is not meant for it
        close_fds=True,
    )
    return True


def held(path: str) -> bool:
    """Whether a server holds the lock of `path`: it runs, or is starting."""
    descriptor = lock(path)
    if descriptor is None:
        return True
    os.close(descriptor)  # which releases the lock
    return False


def lock(path: str) -> int | None:
    """Take the lock a server of `path` holds while it runs (and while it starts):
    its file descriptor, or None if a server holds it."""
    import fcntl  # noqa: PLC0415

    descriptor = os.open(
        path.removesuffix(".sock") + ".lock", os.O_RDWR | os.O_CREAT, 0o600
    )
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        return None
    return descriptor


def connect(path: str) -> socket.socket:
    sockets = _socket()
    connection: socket.socket = sockets.socket(sockets.AF_UNIX, sockets.SOCK_STREAM)
    try:
        connection.connect(path)
    except OSError:
        connection.close()
        raise
    return connection


def exchange(
    connection: socket.socket, message: dict[str, Any]
) -> Iterator[dict[str, Any]]:
    """Send `message`; yield each answer until the other end closes the connection."""
    send(connection, message)
    while True:
        answer = receive(connection)
        if answer is None:
            return
        yield answer


def send(connection: socket.socket, message: dict[str, Any]) -> None:
    data = marshal.dumps(message)
    connection.sendall(len(data).to_bytes(_FRAME, "big") + data)


def receive(connection: socket.socket) -> dict[str, Any] | None:
    """The next message; None when the other end closed the connection."""
    header = _read(connection, _FRAME)
    if header is None:
        return None
    data = _read(connection, int.from_bytes(header, "big"))
    if data is None:
        return None
    try:
        message = marshal.loads(data)  # noqa: S302 - from this user's own process
    except (EOFError, ValueError, TypeError):  # a frame cut short by an interruption
        return None
    return message if isinstance(message, dict) else None


def _read(connection: socket.socket, size: int) -> bytes | None:
    chunks = []
    while size:
        chunk = connection.recv(min(size, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _socket() -> Any:
    """The `socket` module, imported by the commands that talk to a server only."""
    import socket  # noqa: PLC0415

    return socket
