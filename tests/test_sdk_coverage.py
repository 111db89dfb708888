"""The official-SDK coverage check (tests/sdk_coverage.py): what it counts, and that its exemptions hold."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from alibabacloud_resourcemanager20200331 import models as rm
from alibabacloud_resourcemanager20200331.client import Client as RmClient
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.utils_models import Config

import sdk_coverage
from openrd.api.actions import ACTIONS


@pytest.fixture
def observed() -> Iterator[sdk_coverage.Observed]:
    """A recorder of its own on the API logger, beside the session's."""
    seen = sdk_coverage.Observed()
    recorder = sdk_coverage._CallRecorder(seen)
    log = logging.getLogger(sdk_coverage.API_LOGGER)
    log.addHandler(recorder)
    try:
        yield seen
    finally:
        log.removeHandler(recorder)


def test_every_action_and_documented_error_is_expected() -> None:
    expected = sdk_coverage.expected()
    assert {(a.name, sdk_coverage.OK) for a in ACTIONS} <= expected
    assert {(a.name, e.code) for a in ACTIONS for e in a.errors} <= expected
    assert sdk_coverage.gaps(expected) == []


def test_exemptions_name_documented_errors_and_say_why() -> None:
    assert sdk_coverage.stale_exemptions(()) == []
    assert all(reason.strip() for reason in sdk_coverage.EXEMPT.values())


def test_sdk_calls_count_and_other_clients_do_not(sqlite_server: Any, observed: sdk_coverage.Observed) -> None:
    account = sqlite_server.make_account()
    key, secret = account["access_key_id"], account["access_key_secret"]
    config = Config(access_key_id=key, access_key_secret=secret, endpoint=sqlite_server.endpoint, protocol="http")
    tea = RmClient(config)
    tea.list_handshakes_for_account(rm.ListHandshakesForAccountRequest())
    with pytest.raises(ClientException):
        tea.get_account(rm.GetAccountRequest(account_id="1" * 16))  # no directory yet: the documented error
    raw = httpx.get(sqlite_server.url, params={"Action": "GetFolder", "Version": "2020-03-31"})
    assert raw.status_code == 400  # unsigned, from a client that is no SDK: not counted
    assert observed.outcomes == {
        ("2020-03-31", "ListHandshakesForAccount", "OK"),
        ("2020-03-31", "GetAccount", "EntityNotExists.ResourceDirectory"),
    }


def _run_suite(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """pytest on a one-test project that loads the plugin: its whole suite reaches no action."""
    (project / "tests").mkdir(exist_ok=True)
    (project / "pytest.ini").write_text("[pytest]\ntestpaths = tests\n")
    (project / "tests" / "conftest.py").write_text('pytest_plugins = ["sdk_coverage"]\n')
    (project / "tests" / "test_one.py").write_text("def test_one():\n    pass\n\ndef test_two():\n    pass\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(sdk_coverage.__file__).parent), *sys.path])}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args]
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_a_whole_suite_run_with_gaps_fails_and_lists_them(tmp_path: Path) -> None:
    done = _run_suite(tmp_path)
    assert done.returncode == pytest.ExitCode.TESTS_FAILED, done.stdout
    assert "2 passed" in done.stdout
    assert "GetAccount: no successful call" in done.stdout
    assert "CreateFolder: documented error QuotaExceeded.Folder.Count never raised" in done.stdout


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("-k", "one"), "-k"),
        (("-x",), "-x/--maxfail"),
        (("tests/test_one.py",), "paths or node ids"),
        (("--deselect", "tests/test_one.py::test_two"), "deselected"),
    ],
)
def test_a_partial_run_reports_and_does_not_fail(tmp_path: Path, args: tuple[str, ...], reason: str) -> None:
    done = _run_suite(tmp_path, *args)
    assert done.returncode == pytest.ExitCode.OK, done.stdout
    assert "SDK coverage not checked" in done.stdout
    assert reason in done.stdout
    assert "GetAccount: no successful call" not in done.stdout
