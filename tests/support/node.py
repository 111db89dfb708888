"""The official Node.js SDKs as clients: tests/compat/node holds the npm project (pinned by its package-lock.json)
and one runner script; :class:`NodeSdk` runs it once per call and reads its one JSON line back.

``node_modules`` is installed with ``npm ci`` from the lock file the first time a session needs it (under a file
lock, so concurrent sessions in one worktree do not install over each other).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NODE_DIR = Path(__file__).resolve().parents[1] / "compat" / "node"
RUNNER = NODE_DIR / "runner.js"
NODE = shutil.which("node")
NO_NODE = "node is not installed (CI installs Debian's nodejs and npm in .ci/run)"


def install() -> None:
    """``npm ci`` into tests/compat/node when ``node_modules`` is missing or older than the lock file."""
    lock = NODE_DIR / "package-lock.json"
    marker = NODE_DIR / "node_modules" / ".package-lock.json"  # npm writes it at the end of an install
    npm = shutil.which("npm")
    with open(NODE_DIR / ".install.lock", "w") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        if marker.is_file() and marker.stat().st_mtime >= lock.stat().st_mtime:
            return
        if npm is None:
            raise RuntimeError("node is installed but npm is not: cannot install tests/compat/node/node_modules")
        # No install scripts: none of these packages needs one on a current Node, and none should run here.
        done = subprocess.run(
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
            cwd=NODE_DIR,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"npm ci failed in {NODE_DIR}:\n{done.stdout}\n{done.stderr}")


@dataclass(frozen=True)
class NodeError:
    """An error as the Node SDK surfaces it."""

    name: str
    code: str
    status: int | None
    message: str
    data: dict[str, Any]


@dataclass(frozen=True)
class NodeSdk:
    node: str
    endpoint: str
    env: Mapping[str, str] = field(default_factory=dict)  # added to the runner's environment (NODE_EXTRA_CA_CERTS)

    def run(self, scenario: str, **args: Any) -> dict[str, Any]:
        """One call; returns the runner's answer (``ok`` tells success from an SDK error)."""
        done = subprocess.run(
            [self.node, str(RUNNER), scenario, json.dumps({"endpoint": self.endpoint, **args})],
            cwd=NODE_DIR,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env={**os.environ, **self.env},
        )
        assert done.returncode == 0, f"runner crashed:\n{done.stderr}"
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))

    def ok(self, scenario: str, **args: Any) -> dict[str, Any]:
        answer = self.run(scenario, **args)
        assert answer["ok"], answer["error"]
        return answer

    def fails(self, scenario: str, **args: Any) -> NodeError:
        answer = self.run(scenario, **args)
        assert not answer["ok"], answer
        error = answer["error"]
        return NodeError(error["name"], error["code"], error["statusCode"], error["message"], error["data"] or {})

    def typed(
        self,
        product: str,
        operation: str,
        request_class: str | None,
        request: dict[str, Any],
        *,
        unset: Iterable[str] = (),
        **args: Any,
    ) -> Any:
        """A typed-client call whose model holds exactly what the server sent, and leaves no declared field unset
        but ``unset`` (wire-name paths, list items as ``[]``: ``Accounts.Account[].Tags``); returns the answer."""
        answer = self.ok(
            "tea", product=product, operation=operation, requestClass=request_class, request=request, **args
        )
        assert answer["model"] == answer["raw"], (
            f"{answer['modelClass']} kept {answer['model']!r} of {answer['raw']!r}"  # a field the model lacks
        )
        left = {re.sub(r"\[[0-9]+\]", "[]", path) for path in answer["unfilled"]} - set(unset)
        assert not left, f"{answer['modelClass']} left {sorted(left)} unset: {answer['raw']!r}"
        return answer
