"""Server processes for the benchmark: start in their own process group, wait until they answer, measure RSS, kill.

Every server started here is registered; :func:`kill_all` (called from ``run.py``'s ``finally`` and at exit) kills
each registered process group, so nothing outlives the run, whatever went wrong.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

_RUNNING: list[Server] = []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This environment without any OPENRD_* setting (a developer's own config must not leak in), plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENRD_") and k != "PROMETHEUS_MULTIPROC_DIR"}
    env.update(extra or {})
    return env


class ServerError(RuntimeError):
    pass


class Server:
    def __init__(self, name: str, argv: list[str], *, port: int, env: dict[str, str], log_dir: Path, health: str):
        self.name = name
        self.argv = argv
        self.port = port
        self.env = env
        self.health = health
        self.log_path = log_dir / f"{name}-{port}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> Server:
        log = self.log_path.open("ab")
        try:
            self.proc = subprocess.Popen(
                self.argv,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        finally:
            log.close()
        _RUNNING.append(self)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerError(f"{self.name} exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + self.health, timeout=2) as response:
                    if response.status < 500:
                        return self
            except urllib.error.HTTPError as exc:
                if exc.code < 500:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise ServerError(f"{self.name} did not answer {self.health} within {timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 25) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def pids(self) -> list[int]:
        """The server's processes: everything in its session (uvicorn's supervisor and its workers)."""
        if self.proc is None:
            return []
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rfind(")") + 2 :].split()
            if int(fields[3]) == self.proc.pid:  # field 6 of stat: the session id
                found.append(int(entry))
        return sorted(found)

    def rss_mb(self) -> dict[str, float]:
        """RSS in MB: ``total`` over the server's processes and ``max`` of one process (the biggest worker)."""
        values = []
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        values.append(int(line.split()[1]) / 1024)
            except OSError:
                continue
        return {"total": round(sum(values), 1), "max": round(max(values, default=0.0), 1), "processes": len(values)}

    def alive(self) -> bool:
        """Started and not exited (a failed phase kills every server: ``kill_all``)."""
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if self in _RUNNING:
            _RUNNING.remove(self)
        if proc is None:
            return
        for sig, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, sig)
            try:
                proc.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        # The group may outlive its leader (uvicorn workers): make sure none is left.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def kill_all() -> None:
    for server in list(_RUNNING):
        server.stop()


atexit.register(kill_all)
