"""Run ``openrd serve`` as a separate OS process: for multi-process and crash tests of a real deployment."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from openrd.testing.server import free_port


class ServerProcess:
    """``openrd serve`` (one uvicorn worker, so the listening process is the server) in its own OS process.

    ``env`` gives the OPENRD_* settings; the caller's own OPENRD_* variables are dropped so they cannot leak in.
    ``open_files`` lowers the process's limit on open file descriptors (soft and hard). ``tls_port`` starts the TLS
    listener there too (``--tls-port``).
    """

    def __init__(
        self,
        env: dict[str, str],
        log_path: Path,
        port: int | None = None,
        *,
        open_files: int | None = None,
        tls_port: int | None = None,
    ) -> None:
        self.port = port or free_port()
        self.tls_port = tls_port
        self.open_files = open_files
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("OPENRD_")} | env
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> ServerProcess:
        script = Path(sys.executable).with_name("openrd")
        command = [str(script)] if script.exists() else [sys.executable, "-m", "openrd.cli"]
        if self.open_files is not None:
            # Set in a small exec shim rather than preexec_fn, which is unsafe when the caller runs threads.
            limit = f"resource.setrlimit(resource.RLIMIT_NOFILE, ({self.open_files}, {self.open_files}))"
            shim = f"import os, resource, sys; {limit}; os.execv(sys.argv[1], sys.argv[1:])"
            command = [sys.executable, "-c", shim, *command]
        tls = ["--tls-port", str(self.tls_port)] if self.tls_port is not None else []
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own console script, fixed arguments
                [*command, "serve", "--port", str(self.port), *tls], env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"openrd serve exited: {self.log_path.read_text(errors='replace')[-4000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://{self.endpoint}/_openrd/health", timeout=2).status_code == 200:
                    return self
            if time.monotonic() > deadline:
                raise RuntimeError(f"openrd serve did not answer: {self.log_path.read_text(errors='replace')[-4000:]}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self.process = None

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
