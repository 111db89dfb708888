#!/usr/bin/env python3
"""openrd's load benchmark, in one command: ``python bench/run.py`` (``--quick`` for a one-minute smoke run).

In one run it starts, one after the other, on 127.0.0.1 only:

* a trivial asyncio HTTP server (the load generator's own capacity check),
* the ceiling app (bare Starlette on uvicorn with uvloop + httptools), and the same app with an HMAC check and with
  an HMAC check plus a SQLite insert (reference_app.py: the goals' reference points),
* openrd on SQLite (temporary data directory) and on PostgreSQL (a fresh database, dropped at the end) when one
  answers at ``--postgres-url``,
* ``moto_server`` answering AWS Organizations calls (and a second one, kept up through the openrd phases for the
  adjacent reads),

measures each at fixed concurrency levels and worker counts (req/s, p50, p99, errors), then the scale runs (GetAccount
and ListAccounts at 100 / 10,000 / 100,000 accounts; moto's DescribeAccount and ListAccounts at 100 / 10,000 within a
time cap), then the memory of a server holding 1,000,000 expired codes and the time of their cleanup. It writes
``results.md``, ``results.json`` and ``chart.png`` into ``--out`` (``bench/results``). Every phase has a hard time
cap, and every server is killed at the end, whatever happened. See bench/README.md.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/'s modules, however this script is run

import report
import servers
from harness.bench import Bench
from harness.options import parse_args
from openrd_target import drop_leftover_databases


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv, description=__doc__)

    def terminate(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    bench = Bench(args)
    interrupted = False
    try:
        bench.run()
    except KeyboardInterrupt:
        interrupted = True
        bench.fail("interrupted")
    finally:
        if bench.lg is not None:
            bench.lg.close()
        servers.kill_all()
        drop_leftover_databases()
        for name, count in bench.restarts.items():
            bench.note(f"{name}: server restarted {count} time(s), each after a point with errors")
        bench.results["meta"]["wall_seconds"] = round(time.monotonic() - bench.t0, 1)
        bench.results["meta"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
        written = report.write(bench.results, args.out)
        bench.log("wrote " + ", ".join(str(p) for p in written))
        if bench.results["failures"] or bench.keep_logs:
            bench.log(f"server logs and tracebacks kept in {bench.log_dir}")
        else:
            shutil.rmtree(bench.log_dir, ignore_errors=True)
    if interrupted:
        return 130
    return 1 if bench.results["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
