"""The phases that measure apps of ``bench/``: the load generator's check, the ceiling app, the reference apps."""

from __future__ import annotations

import sys

import servers

from harness.options import BENCH
from harness.session import Session, dummy_get_account

# The goals' reference points (reference_app.py): target name → the app uvicorn serves.
REFERENCE_APPS = (
    ("reference-hmac", "reference_app:hmac_app"),
    ("reference-hmac-sqlite", "reference_app:hmac_sqlite_app"),
)


class AppPhases(Session):
    def loadgen_check(self) -> None:
        port = servers.free_port()
        argv = [sys.executable, str(BENCH / "raw_server.py"), str(port)]
        env = servers.clean_env()
        with servers.Server("raw", argv, port=port, env=env, log_dir=self.log_dir, health="/").start() as server:
            payload = dummy_get_account()
            for c in self.args.concurrency:
                row = {"target": "loadgen-check", "op": "fixed answer", "workers": 1}
                self.measure("throughput", row, server.host, "acs3", payload, c, rate_cap=0, reusable=True)

    def uvicorn_app(self, name: str, app: str, workers: int, env: dict[str, str] | None = None) -> servers.Server:
        """An app of ``bench/`` on openrd's server stack (uvicorn, uvloop, httptools), no access log."""
        port = servers.free_port()
        argv = [
            sys.executable, "-m", "uvicorn", app, "--app-dir", str(BENCH), "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(workers), "--loop", "uvloop", "--http", "httptools", "--no-access-log",
            "--log-level", "warning",
        ]  # fmt: skip
        env = servers.clean_env() | (env or {})
        return servers.Server(name, argv, port=port, env=env, log_dir=self.log_dir, health="/health").start()

    def ceiling(self, workers: int) -> None:
        srv = self.uvicorn_app("ceiling", "ceiling_app:app", workers)
        self.ceiling_server = srv  # up until this worker count's openrd phases are done (adjacent())
        payload = dummy_get_account()
        row = {"target": "ceiling", "op": "GetAccount (same bytes)", "workers": workers}
        for c in self.args.concurrency:
            self.measure("throughput", row, srv.host, "acs3", payload, c, rate_cap=0, reusable=True)
        self.record_rss(srv, {"target": "ceiling", "workers": workers})

    def references(self, workers: int) -> None:
        """The goals' reference points (reference_app.py): the ceiling app plus an HMAC check, and plus a SQLite insert,
        each point right after the ceiling app's, as openrd's points are."""
        for target, app in REFERENCE_APPS:
            database = self.log_dir / f"{target}-w{workers}.db"
            with self.uvicorn_app(target, app, workers, {"OPENRD_BENCH_REFERENCE_DB": str(database)}) as srv:
                for c in self.args.concurrency:
                    row = {"target": target, "op": "GetAccount (same bytes)", "workers": workers}
                    self.adjacent(row, c, before=True)
                    # Unique nonces where the app records them; the HMAC-only app may see the same requests again.
                    recorded = "sqlite" in target
                    # It answers faster than openrd, whose rate --rate-cap bounds (it ran out at 5,000 req/s).
                    cap = self.rate_cap(workers, per_worker=4 * self.args.rate_cap) if recorded else 0
                    self.measure("throughput", row, srv.host, "acs3", dummy_get_account(), c, rate_cap=cap,
                                 reusable=not recorded)  # fmt: skip
