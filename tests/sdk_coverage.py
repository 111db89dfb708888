"""Every registry action has an official-SDK test of its success and of each documented error it raises.

A pytest plugin (registered from tests/conftest.py). It records, for every OpenAPI call an in-process server
answers during the session, ``(version, action, outcome)`` — ``"OK"`` or the error code — read from the call line
api/dispatch.py logs, but only when an official Alibaba Cloud SDK made the call: their User-Agent starts with
``AlibabaCloud (`` (the Python Tea SDK and the old core SDK, the Node.js Tea SDKs and @alicloud/pop-core; the
tests' hand-built httpx and Node.js requests and @alicloud/sts-sdk, which sends no User-Agent, do not count).
Servers run as subprocesses (``openrd serve``) are not seen; the in-process ones, which the Node.js tests call
too, cover every action. The version is recorded, but an outcome counts in any of the action's versions: one
registry row and handler serve both directory versions.

When the whole suite ran (no ``-k``/``-m``, no path or node selection, nothing deselected or ignored, no ``-x``,
``--lf`` or ``--sw``, not interrupted), the session fails if an action never succeeded from an SDK or a documented
error (``Action.errors``) never reached one, and lists what is missing. Any other run says in one line that the
check did not apply; ``--sdk-coverage`` lists the gaps of that run anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from openrd.api.actions import ACTIONS

SDK_USER_AGENT_PREFIX = "AlibabaCloud ("
OK = "OK"
API_LOGGER = "openrd.api"
CALL_MESSAGES = frozenset({"call", "call failed"})

# (action, error code) pairs no SDK call can provoke, each with why. Keep it short: an error a test can reach is
# tested, not listed here.
EXEMPT: dict[tuple[str, str], str] = {
    ("DeleteLoginProfile", OK): "openrd keeps no login profiles (no console sign-in): the action only says so",
    ("UnbindMFADevice", OK): "openrd keeps no MFA devices: the action only says so",
}


@dataclass
class Observed:
    """What the session's SDK calls reached."""

    outcomes: set[tuple[str, str, str]] = field(default_factory=set)  # (version, action, code or OK)
    partial: list[str] = field(default_factory=list)  # why this run is not the whole suite

    def reached(self) -> set[tuple[str, str]]:
        return {(action, code) for _, action, code in self.outcomes}


class _CallRecorder(logging.Handler):
    def __init__(self, observed: Observed) -> None:
        super().__init__(logging.INFO)
        self.observed = observed

    def emit(self, record: logging.LogRecord) -> None:
        agent = getattr(record, "user_agent", None)
        if record.msg not in CALL_MESSAGES or not isinstance(agent, str) or not agent.startswith(SDK_USER_AGENT_PREFIX):
            return
        code = getattr(record, "code", None) if record.msg == "call failed" else OK
        self.observed.outcomes.add((str(getattr(record, "version", "")), str(getattr(record, "action", "")), str(code)))


def expected() -> set[tuple[str, str]]:
    """Every (action, outcome) the suite must reach from an SDK: its success and each documented error."""
    return {(a.name, OK) for a in ACTIONS} | {(a.name, e.code) for a in ACTIONS for e in a.errors}


def gaps(reached: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return sorted(expected() - set(reached) - EXEMPT.keys())


def stale_exemptions(reached: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Exemptions an SDK call did reach after all, or that name no documented error: drop them."""
    return sorted((EXEMPT.keys() & set(reached)) | (EXEMPT.keys() - expected()))


_OBSERVED = Observed()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--sdk-coverage",
        action="store_true",
        help="list the actions and documented errors no official-SDK call reached, even on a partial run",
    )


def pytest_configure(config: pytest.Config) -> None:
    log = logging.getLogger(API_LOGGER)
    log.addHandler(_CallRecorder(_OBSERVED))
    if not log.isEnabledFor(logging.INFO):
        log.setLevel(logging.INFO)
    _OBSERVED.partial.extend(_partial_options(config))


def _partial_options(config: pytest.Config) -> list[str]:
    option = config.option
    reasons = [
        name
        for name, given in (
            ("-k", option.keyword),
            ("-m", option.markexpr),
            ("-x/--maxfail", option.maxfail),
            ("--deselect", option.deselect),
            ("--ignore", option.ignore),
            ("--ignore-glob", option.ignore_glob),
            ("--lf", getattr(option, "lf", False)),
            ("--sw", getattr(option, "stepwise", False)),
            ("--collect-only", option.collectonly),
        )
        if given
    ]
    tests_dir = Path(config.rootpath, "tests").resolve()
    if any(Path(config.invocation_params.dir, arg).resolve() != tests_dir for arg in config.args):
        reasons.append("paths or node ids " + " ".join(config.args))
    return reasons


def pytest_deselected(items: list[pytest.Item]) -> None:
    if items:
        _OBSERVED.partial.append(f"{len(items)} tests deselected")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if session.shouldstop or exitstatus == pytest.ExitCode.INTERRUPTED:
        _OBSERVED.partial.append("the run stopped early")
    reached = _OBSERVED.reached()
    if not _OBSERVED.partial and (gaps(reached) or stale_exemptions(reached)) and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    reached = _OBSERVED.reached()
    missing, stale = gaps(reached), stale_exemptions(reached)
    total = len(expected() - EXEMPT.keys())
    whole = not _OBSERVED.partial
    if not whole and not config.getoption("sdk_coverage"):
        terminalreporter.write_line(
            f"SDK coverage not checked ({'; '.join(_OBSERVED.partial)}): {total - len(missing)} of {total} "
            "(action, outcome) pairs reached; --sdk-coverage lists the rest"
        )
        return
    terminalreporter.section("official-SDK coverage of the action registry")
    terminalreporter.write_line(f"{total - len(missing)} of {total} (action, outcome) pairs reached from an SDK")
    for action, code in missing:
        what = "no successful call" if code == OK else f"documented error {code} never raised"
        terminalreporter.write_line(f"  {action}: {what}", red=whole)
    for action, code in stale:
        terminalreporter.write_line(f"  exemption ({action}, {code}) is stale: remove it from tests/sdk_coverage.py")
    if whole and missing:
        terminalreporter.write_line(
            "add an official-SDK test for each (see CONTRIBUTING.md, 'Adding an action')", red=True
        )
