#!/usr/bin/env python3
"""Crash safety check for openrd: kill the server with SIGKILL under load, restart it on the same
store, and check what is stored against what the clients saw.

    python scripts/crash_check.py --cycles 20 --store sqlite
    python scripts/crash_check.py --cycles 20 --store postgresql [--postgres-admin-url postgresql://...]

A few client threads run a mixed load through the official Tea SDK (alibabacloud-resourcemanager20200331, no SDK
retries, so one call is one request):

* sends — SendVerificationCodeForEnableRD from a few "quota" accounts to fresh phones (and now and then again to a
  phone just used, which the per-phone throttle refuses) until their small daily quota refuses them;
* bind flows — SendVerificationCodeForBindSecureMobilePhone to a fresh phone for a resource account, the code read
  from the inbox, sometimes a wrong code first, then BindSecureMobilePhone (sometimes twice at once, same code);
* enable flows — SendVerificationCodeForEnableRD for a fresh account, sometimes a wrong code first, then
  EnableResourceDirectory with a new management account (sometimes twice at once, same code);
* deletions — DeleteAccount of a resource account that holds a RAM user with an AccessKey (sometimes twice at once).

Meanwhile the server (``openrd serve``, one worker) is killed with SIGKILL at random moments and restarted on the
same store, ``--cycles`` times. Every call ends ``ok`` (HTTP 200), ``error`` (an Alibaba error envelope: the server
decided and answered) or ``unknown`` (no answer: the kill took it; it may or may not have committed). At the end the
server is killed and restarted once more, the outbox gets a short while to drain, and the store is read with plain
SQL (and the inbox through ``GET /_openrd/sms``). The invariants:

1. every call that returned 200 is persisted: its SMS, send record and code; the bound phone on its account; the
   enabled directory with its new management account and the caller as a member;
2. nothing that returned an error left a write: no send record, code or SMS for a refused send, no phone for a
   failed bind, no directory, account or membership for a failed enable; an ``unknown`` call left all of its
   writes or none (one transaction);
3. no code accepted twice: at most one successful bind per account and one enable per caller, as the clients saw
   it, as the consumed codes show it and as the audit log shows it;
4. quota counts equal successful sends: per quota account, ok ≤ code_sends rows ≤ ok + unknown, and never more
   than the daily quota;
5. every outbox message ends ``sent`` or ``dead`` — none pending, none lost (one SMS per send record);
6. no call answered 500 and the server logged no error;
7. every kept count equals what it counts: each directory's and folder's ``member_count`` (kept by triggers) its
   members, and each day's quota count (``code_quota.sent``) that account's send records of the day;
8. a deletion is whole or absent: the account, its membership, RAM user and AccessKey gone with its deletion
   record written (a 200 must be whole, a refusal absent), and no account deleted twice.

It prints a summary and exits 1 on any violation (2 if the run itself could not be set up). ``--json PATH`` also
writes the summary as JSON. The seed (``--seed``) fixes the load's choices and the kill times; the interleaving with
the server is still up to the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the crash package next to this script, however it is run

from crash.checks import check
from crash.client import Call, Creds
from crash.load import World
from crash.report import Report, print_report
from crash.run import run

__all__ = ["Call", "Creds", "Report", "World", "check", "main", "run"]  # what tests drive the checker with


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False)
    parser.add_argument("--cycles", type=int, default=10, help="SIGKILL/restart cycles under load (default 10)")
    parser.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--threads", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--seed", type=int, help="seed of the load's choices and the kill times")
    parser.add_argument("--min-uptime", type=float, default=0.5, help="seconds before a kill, at least (0.5)")
    parser.add_argument("--max-uptime", type=float, default=2.0, help="seconds before a kill, at most (2.0)")
    parser.add_argument("--members", type=int, help="resource accounts to bind (default 8 + 6 × cycles)")
    parser.add_argument("--candidates", type=int, help="accounts to enable (default 5 + 4 × cycles)")
    parser.add_argument("--final-wait", type=float, default=10.0, help="seconds for the outbox to drain (10)")
    parser.add_argument(
        "--postgres-admin-url",
        default=os.environ.get("OPENRD_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="where a fresh database is created (and dropped) for --store postgresql",
    )
    parser.add_argument("--workdir", help="parent of the run's temporary directory")
    parser.add_argument("--keep", action="store_true", help="keep the data directory, log and database")
    parser.add_argument("--json", dest="json_path", help="also write the summary as JSON here")
    args = parser.parse_args(argv)

    def terminated(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")  # unwinds through run(): the server stops, the database drops

    signal.signal(signal.SIGTERM, terminated)
    try:
        report = run(args)
    except KeyboardInterrupt:
        print("crash_check: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        print(f"crash_check: the run could not complete: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    print_report(report)
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(asdict(report), indent=2, sort_keys=True))
    return 1 if report.violations else 0


if __name__ == "__main__":
    sys.exit(main())
