"""The generation server: answers `generate` and `validate` commands in one process
that keeps the validator, Jinja and black imported, and its validation process
running, from one command to the next (one `pipeline.Session`).

Commands reach it through `launch.py`, which also says when a command starts one and
when none is used. It answers one command at a time, others wait their turn.

- **Stale code.** Before each command it compares the generator's source, templates
  and the tools' installed files (by size and modification time, as the caches do)
  with those it started with. If anything changed, it declines and exits; the
  command runs alone and starts a new server.
- **Ctrl-C.** Interrupting a command closes its connection; the server interrupts
  the run as Ctrl-C would (the output directory stays as it was), then exits, so
  that nothing a run left half-done is reused.
- **Lifetime.** It exits after `launch.IDLE` seconds without a command, on SIGTERM
  (after stopping a run as Ctrl-C would), and on `python -m generator server stop`.
- **Failures.** A run that raises what the command line does not catch prints the
  traceback to the command, as the command would, and the server exits.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from . import launch

if TYPE_CHECKING:
    from .pipeline import Session


def serve(path: str, idle: float = launch.IDLE) -> int:
    """Answer commands at `path` until idle for `idle` seconds, stopped, or stale.

    Returns 0, also when another server holds the lock (it answers instead).
    """
    from . import pipeline  # noqa: PLC0415

    lock = launch.lock(path)
    if lock is None:
        return 0
    # A server started by a command that ignored SIGINT (a shell's background job)
    # inherits that; SIGINT is how an interrupted command's run is stopped here.
    # SIGTERM stops a run the same way, and then the server.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    state = _State()
    state.held = [lock]
    # The processes a run forks (validation, black's workers) must not keep the
    # socket, a command's connection or the lock: should the server die, one left
    # behind would keep commands waiting on a socket that nobody answers.
    os.register_at_fork(after_in_child=state.forget)
    try:
        with pipeline.Session() as session:
            session.start()  # the validation process, Jinja and black, warmed up
            with _listening(path) as listener:
                state.held = [listener, lock]
                listener.settimeout(idle)
                while True:
                    try:
                        connection, _ = listener.accept()
                    except TimeoutError:
                        return 0
                    with connection:
                        state.held = [listener, lock, connection]
                        connection.settimeout(None)
                        if not _answer(connection, session, state):
                            return 0
                    state.held = [listener, lock]
                    session.start()
    except KeyboardInterrupt:
        return 0
    finally:
        os.close(lock)


class _State:
    """What the server started as, what `server status` reports, and what a forked
    process must close."""

    def __init__(self) -> None:
        self.identity = launch.identity(os.environ)
        self.fingerprint = _fingerprint(now=False)
        self.started = time.time()
        self.commands = 0
        self.held: list[socket.socket | int] = []

    def forget(self) -> None:
        """In a forked process: close the server's sockets and lock."""
        for held in self.held:
            with contextlib.suppress(OSError):
                if isinstance(held, int):
                    os.close(held)
                else:
                    held.close()


@contextlib.contextmanager
def _listening(path: str) -> Iterator[socket.socket]:
    """A socket listening at `path`, removed afterwards; a file left there by a
    server that died is replaced (the lock says no server owns it)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)  # noqa: PTH108
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(path)
        listener.listen(16)
        yield listener
    finally:
        listener.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)  # noqa: PTH108


def _answer(connection: socket.socket, session: Session, state: _State) -> bool:
    """Answer one request; whether to go on serving."""
    try:
        message = launch.receive(connection)
    except OSError:
        message = None
    if message is None:  # it went away, or it is not a request of ours
        return True
    send = _Sender(connection)
    what = message.get("control")
    if what == "status":
        send(pid=os.getpid(), started=state.started, commands=state.commands)
        return True
    if what == "stop":
        send(pid=os.getpid(), stopped=True)
        return False
    if message.get("identity") != state.identity:
        send(declined="the command is not of this server's checkout, Python or cache")
        return True
    if not os.path.isdir(message.get("cwd", "")):  # noqa: PTH112
        send(declined="the command's directory cannot be entered")
        return True
    if _fingerprint(now=True) != state.fingerprint:
        send(declined="the generator or a tool it runs changed since it started")
        return False
    state.commands += 1
    code = _run(connection, message, session, send)
    send(exit=code)
    # `main` answers Ctrl-C (here: a hang-up, or SIGTERM) with 130, having written
    # nothing; the server stops after it, as after a crash.
    return code not in {launch.INTERRUPTED, _CRASHED}


_CRASHED = -1  # `_run`'s code for a run that raised what `main` does not catch


def _run(
    connection: socket.socket,
    message: dict[str, Any],
    session: Session,
    send: _Sender,
) -> int:
    """Run the command line of `message` as its command would; its exit code."""
    from .cli import main  # noqa: PLC0415

    here = os.getcwd()  # noqa: PTH109
    mask = os.umask(int(message["umask"]))
    stdout = _Relay(send, "stdout", bool(message.get("stdout_tty")))
    stderr = _Relay(send, "stderr", bool(message.get("stderr_tty")))
    try:
        os.chdir(str(message["cwd"]))
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                with _Hangup(connection):
                    return main(list(message["argv"]), session=session)
            except SystemExit as exit_:  # argparse: a usage error, or --help
                return exit_.code if isinstance(exit_.code, int) else 1
            except Exception:  # said to the command, as it would say it itself
                import traceback  # noqa: PLC0415

                traceback.print_exc()
                return _CRASHED
    except KeyboardInterrupt:  # SIGTERM or a hang-up, just as the run ended
        return launch.INTERRUPTED
    finally:
        os.chdir(here)
        os.umask(mask)


class _Sender:
    """Sends answers to a command; once it has gone, sends nothing more."""

    def __init__(self, connection: socket.socket) -> None:
        self._connection = connection
        self._gone = False

    def __call__(self, **answer: Any) -> None:
        if self._gone:
            return
        try:
            launch.send(self._connection, answer)
        except OSError:
            self._gone = True


class _Relay(io.TextIOBase):
    """Standard output or error of a run, sent to its command as it is written."""

    def __init__(self, send: _Sender, name: str, tty: bool) -> None:
        self._send = send
        self._name = name
        self._tty = tty

    def write(self, text: str) -> int:
        if text:
            self._send(**{self._name: text})
        return len(text)

    def isatty(self) -> bool:
        return self._tty

    def writable(self) -> bool:
        return True


class _Hangup:
    """While a run goes on, waits for its command to close the connection (Ctrl-C,
    or killed); then interrupts the run as Ctrl-C would."""

    def __init__(self, connection: socket.socket) -> None:
        self._connection = connection
        self._lock = threading.Lock()
        self._running = False

    def __enter__(self) -> None:
        self._running = True
        threading.Thread(target=self._wait, daemon=True).start()

    def __exit__(self, *_exception: object) -> None:
        with self._lock:
            self._running = False

    def _wait(self) -> None:
        with contextlib.suppress(OSError):
            while self._connection.recv(4096):  # a command sends nothing more
                pass
        with self._lock:
            if self._running:
                signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)


def _fingerprint(*, now: bool) -> bytes:
    """The generator's source and templates and the tools' installed files: as the
    caches key on them, found once per process, or as they are `now`."""
    from . import caches  # noqa: PLC0415

    generator, output = caches.generator_fingerprint, caches.output_fingerprint
    if now:
        return caches.digest(generator.__wrapped__(), output.__wrapped__())
    return caches.digest(generator(), output())


def server_command(action: str, idle: float, *, out: IO[str] | None = None) -> int:
    """`python -m generator server status|stop|run`."""
    out = out or sys.stderr
    path = launch.address(os.environ)
    if path is None:
        print(
            "No generation server can run here: no Unix sockets, or no directory "
            "for its socket that only this user may enter.",
            file=out,
        )
        return 1
    if action == "run":
        return serve(path, idle)
    answer = launch.control(path, action)
    if answer is None:
        print("No generation server runs for this checkout and cache.", file=out)
        return 1 if action == "status" else 0
    if action == "stop":
        print(f"Stopped the generation server (pid {answer['pid']}).", file=out)
        return 0
    started = float(answer["started"])
    since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(started))
    print(
        f"A generation server runs (pid {answer['pid']}) since {since}; it has "
        f"answered {answer['commands']} command(s). Its socket: {path}",
        file=out,
    )
    return 0
