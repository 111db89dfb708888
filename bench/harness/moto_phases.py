"""The phases that measure moto: the server kept up for the adjacent reads, its own phase, its scale levels."""

from __future__ import annotations

import time

from moto_target import MotoTarget

from harness.session import Session


class MotoPhases(Session):
    def start_moto_reads(self) -> None:
        target = MotoTarget("moto-adjacent", log_dir=self.log_dir)
        self.moto_reads = target
        target.start()
        target.setup(self.args.base_accounts)

    def moto(self) -> None:
        a = self.args
        target = MotoTarget("moto", log_dir=self.log_dir)
        try:
            target.start()
            target.setup(a.base_accounts)
            self.log(f"moto: organization with {a.base_accounts} accounts (boto3)")
            reads = (("DescribeAccount", target.describe_account()), ("ListAccounts", target.list_accounts()))
            for op, payload in reads:
                for c in a.concurrency:
                    row = {"target": "moto", "op": op, "workers": 1}
                    self.measure("throughput", row, target.host, "sigv4", payload, c, rate_cap=1500)
            for c in a.concurrency:
                row = {"target": "moto", "op": "CreateAccount", "workers": 1}
                self.measure("throughput", row, target.host, "sigv4", target.create_account(), c, rate_cap=1000)
            self.record_rss(target.server, {"target": "moto", "workers": 1})
        finally:
            target.stop()

    def start_moto_at_scale(self, level: int) -> None:
        target = MotoTarget(f"moto-{level}", log_dir=self.log_dir, seeded_accounts=level)
        self.moto_at_scale[level] = target
        started = time.monotonic()
        target.start(timeout=self.args.moto_cap)
        self.log(f"moto: {level:,} accounts seeded in its backend, server up in {time.monotonic() - started:.1f} s")

    def moto_scale(self, level: int) -> None:
        a = self.args
        c = a.concurrency[0]
        kept = self.moto_at_scale.pop(level, None)
        if kept is not None and not kept.alive():
            kept.stop()
            kept = None
        target = kept or MotoTarget(f"moto-{level}", log_dir=self.log_dir, seeded_accounts=level)
        try:
            if kept is None:
                started = time.monotonic()
                target.start(timeout=a.moto_cap)
                self.log(
                    f"moto: {level:,} accounts seeded in its backend, server up in {time.monotonic() - started:.1f} s"
                )
            for op, payload in (
                ("DescribeAccount", target.describe_account()),
                ("ListAccounts", target.list_accounts()),
            ):
                row = {"target": "moto", "op": op, "accounts": level, "workers": 1}
                self.measure("scale", row, target.host, "sigv4", payload, c, rate_cap=1500)
            self.record_rss(target.server, {"target": f"moto ({level:,} accounts)", "workers": 1})
        finally:
            target.stop()
