"""The phases that measure openrd: throughput on a store, then its scale runs and the expired-codes run."""

from __future__ import annotations

import time
from typing import Any

from loadgen import LoadGenError
from openrd_target import OpenrdTarget
from report import BIND, LIST_ACCOUNTS_WITH_TAGS, LIST_TAG_RESOURCES, SCALE_OPS, SEND

from harness.session import Session


class OpenrdPhases(Session):
    def openrd(self, store: str, workers: int) -> None:
        a = self.args
        name = f"openrd-{store}"
        target = self.openrd_target(f"{name}-w{workers}", store, workers)
        try:
            target.start()
            target.setup()
            target.seed_to(a.base_accounts)
            self.log(f"{name}: directory with {target.member_count()} accounts, RAM user ready")
            cap = self.rate_cap(workers)
            for op, payload in (("GetAccount", target.get_account()), ("ListAccounts", target.list_accounts())):
                for c in a.concurrency:
                    row = {"target": name, "op": op, "workers": workers}
                    self.adjacent(row, c, before=True)
                    self.recover(target, self.measure("throughput", row, target.host, "acs3", payload, c, rate_cap=cap))
                    self.adjacent(row, c, before=False)
            send_rates: dict[int, float] = {}
            pool = list(target.account_ids)
            for c in a.concurrency:
                row = {"target": name, "op": SEND, "workers": workers}
                self.adjacent(row, c, before=True)
                m = self.measure("throughput", row, target.host, "acs3", target.send_code(pool), c, rate_cap=cap)
                self.recover(target, m)
                send_rates[c] = m.rps if m else 0.0
            for c in a.concurrency:
                # Enough fresh targets for the whole point at three times the send rate (a bind does less work: on
                # PostgreSQL 2.4 times as many, which twice ran out), or 1.5 times the binds of the point before;
                # when the send point at this concurrency failed, the best send rate seen stands in for it.
                rate = send_rates.get(c) or max(send_rates.values(), default=0.0) or 100.0
                rate = max(3 * rate, 1.5 * self.estimates.get((target.host, BIND), 0.0))
                count = int(min(a.max_bind, max(100, rate * self.span + 50)))
                started = time.monotonic()
                try:
                    targets = target.prepare_bind(
                        self.lg, count, deadline=started + 6 * self.span + 120, concurrency=min(c, 16)
                    )
                except (RuntimeError, TimeoutError, LoadGenError) as exc:
                    self.fail(f"{name} {BIND} c={c}: could not prepare the bind targets: {exc}")
                    self.recover(target, None)
                    continue
                self.log(f"{name}: {count:,} bind targets with fresh codes in {time.monotonic() - started:.1f} s")
                row = {"target": name, "op": BIND, "workers": workers}
                self.adjacent(row, c, before=True)
                m = self.measure("throughput", row, target.host, "acs3", target.bind(targets), c, rate_cap=0)
                self.recover(target, m)
            self.record_rss(target.server, {"target": name, "workers": workers})
        finally:
            target.stop()

    def openrd_scale(self, store: str) -> None:
        a = self.args
        name = f"openrd-{store}"
        workers = a.workers[0]
        c = a.concurrency[0]
        target = self.openrd_target(f"{name}-scale", store, workers)
        # A second server, at the smallest size throughout, measured right before each larger size's point: the
        # latency ratio of two points seconds apart, where the sizes' own points are minutes apart (bench/README.md).
        reference = self.openrd_target(f"{name}-scale-reference", store, workers) if len(a.scale) > 1 else None
        try:
            for server in (target, reference):
                if server is not None:
                    server.start()
                    server.setup()
            if reference is not None:
                reference.seed_to(a.scale[0], deadline=time.monotonic() + 600)
            for level in a.scale:
                seconds = target.seed_to(level, deadline=time.monotonic() + 600)
                self.log(f"{name}: {target.member_count():,} accounts (seeded in {seconds:.1f} s)")
                for op in SCALE_OPS:
                    row = {"target": name, "op": op, "accounts": level, "workers": workers}
                    if reference is not None and level != a.scale[0]:
                        self.measure(
                            "scale_reference", row | {"accounts": a.scale[0], "for_accounts": level}, reference.host,
                            "acs3", _scale_payload(reference, op), c, rate_cap=self.rate_cap(workers),
                        )  # fmt: skip
                    payload = _scale_payload(target, op)
                    m = self.measure("scale", row, target.host, "acs3", payload, c, rate_cap=self.rate_cap(workers))
                    self.recover(target, m)
                    self.moto_after_scale_point(row, c)
            if reference is not None:
                reference.stop()
                reference = None
            if a.expired_codes:
                self.expired_codes(target, name)
        finally:
            target.stop()
            if reference is not None:
                reference.stop()

    def expired_codes(self, target: OpenrdTarget, name: str) -> None:
        """RSS with N expired codes stored, the time of their cleanup, and RSS after it."""
        a = self.args
        assert self.lg is not None
        assert target.server is not None
        pool = target.account_ids[:1000]
        burst = max(0.5, min(a.duration / 2, 3.0))

        def traffic() -> dict[str, float]:
            assert self.lg is not None
            for op, payload in (("GetAccount", target.get_account()), (SEND, target.send_code(pool))):
                c = a.concurrency[0]
                rate = self.size_for(target.host, {"op": op}, "acs3", payload, c, self.rate_cap(target.workers))
                self.lg.run(host=target.host, kind="acs3", payload=payload, concurrency=c, rate_cap=rate,
                            warmup=0.2, duration=burst, cap=burst + 120)  # fmt: skip
            return target.server.rss_mb()  # type: ignore[union-attr]

        row: dict[str, Any] = {"target": name, "workers": target.workers, "codes": a.expired_codes}
        row["rss_before"] = traffic()
        row["insert_s"] = round(target.store_expired_codes(a.expired_codes, deadline=time.monotonic() + 600), 2)
        row["rows_stored"] = target.code_rows()
        self.log(f"{name}: stored {a.expired_codes:,} expired codes (+ as many old sends) in {row['insert_s']} s")
        row["rss_stored"] = traffic()
        row["purge_s"], row["purged"] = target.purge()
        row["purge_s"] = round(row["purge_s"], 2)
        row["rows_left"] = target.code_rows()
        row["rss_after"] = traffic()
        self.results["memory"].append(row)
        self.log(
            f"{name}: RSS {row['rss_before']['max']} MB before, {row['rss_stored']['max']} MB with the codes stored, "
            f"cleanup {row['purge_s']} s ({row['purged']:,} rows), RSS {row['rss_after']['max']} MB after"
        )


def _scale_payload(target: OpenrdTarget, op: str) -> dict[str, Any]:
    payloads = {
        "GetAccount": target.get_account,
        "ListAccounts": target.list_accounts,
        LIST_TAG_RESOURCES: target.list_tag_resources,
        LIST_ACCOUNTS_WITH_TAGS: target.list_accounts_with_tags,
    }
    return payloads[op]()
