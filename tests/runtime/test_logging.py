"""Logging: silent by default, switched on by FAULTPKG_LOG, never showing the key."""

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from tests.runtime.conftest import API_KEY
from tests.runtime.payloads import project_reply
from tests.servers.faults import FaultServer, Reply, error_body


@pytest.fixture
def fresh_logging(pkg: Any) -> Iterator[logging.Logger]:
    """The package logger, with FAULTPKG_LOG read again by the next client."""
    logger = logging.getLogger("faultpkg")
    handlers = list(logger.handlers)
    pkg._logging.setup_logging.cache_clear()
    yield logger
    logger.handlers[:] = handlers
    logger.setLevel(logging.NOTSET)
    pkg._logging.setup_logging.cache_clear()


def test_debug_logs_never_show_the_key(
    pkg: Any, client: Any, server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.script(
        Reply(503),
        project_reply(),
        Reply(401, error_body("UNAUTHORIZED", f"Key {API_KEY} was revoked")),
    )

    with caplog.at_level(logging.DEBUG, logger="faultpkg"):
        client.projects.create(name="Site")
        with pytest.raises(pkg.AuthenticationError):
            client.projects.retrieve("proj_1")

    assert API_KEY not in caplog.text
    messages = [record.getMessage() for record in caplog.records]
    assert any("'authorization': '<redacted>'" in m for m in messages)
    assert any(m.startswith("Request POST http://127.0.0.1:") for m in messages)
    assert any('/projects "503 Service Unavailable" in ' in m for m in messages)
    assert any(m.startswith("Retrying POST /projects in ") for m in messages)


def test_error_messages_never_show_the_key(
    pkg: Any, client: Any, server: FaultServer
) -> None:
    server.script(Reply(401, error_body("UNAUTHORIZED", f"Key {API_KEY} was revoked")))

    with pytest.raises(pkg.AuthenticationError) as caught:
        client.projects.retrieve("proj_1")

    assert str(caught.value) == (
        "GET /projects/proj_1 failed with 401 Unauthorized: Key <redacted> was "
        "revoked (code 'UNAUTHORIZED')."
    )
    assert caught.value.message == "Key <redacted> was revoked"


def test_the_package_is_silent_by_default(
    pkg: Any,
    server: FaultServer,
    fresh_logging: logging.Logger,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server.script(then=Reply(500))

    client = pkg.Faultpkg(api_key=API_KEY, base_url=server.url, max_retries=0)
    with pytest.raises(pkg.InternalServerError):
        client.projects.retrieve("proj_1")

    assert fresh_logging.level == logging.NOTSET
    assert [type(h) for h in fresh_logging.handlers] == [logging.NullHandler]
    assert capsys.readouterr().err == ""
    client.close()


# pytest hands fixtures in as positional arguments, hence PLR0917 below.
@pytest.mark.parametrize(
    "case", [("debug", logging.DEBUG), ("INFO", logging.INFO)], ids=["debug", "info"]
)
def test_the_environment_variable_switches_logging_on_once(
    pkg: Any,
    server: FaultServer,
    fresh_logging: logging.Logger,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    case: tuple[str, int],
) -> None:
    setting, level = case
    monkeypatch.setenv("FAULTPKG_LOG", setting)
    server.script(then=project_reply())

    first = pkg.Faultpkg(api_key=API_KEY, base_url=server.url)
    second = pkg.AsyncFaultpkg(api_key=API_KEY, base_url=server.url)
    first.projects.retrieve("proj_1")

    assert fresh_logging.level == level
    assert len(fresh_logging.handlers) == 2
    err = capsys.readouterr().err
    assert '/projects/proj_1 "200 OK" in ' in err
    assert ("authorization" in err) is (level == logging.DEBUG)
    assert API_KEY not in err
    first.close()
    assert second.max_retries == 2
