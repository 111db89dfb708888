"""The benchmark: every phase, in order, each under its time cap."""

from __future__ import annotations

from loadgen import LoadGen

from harness.app_phases import AppPhases
from harness.moto_phases import MotoPhases
from harness.openrd_phases import OpenrdPhases

MOTO_ADJACENT_FROM = 10_000  # from this scale size on, moto is measured right after openrd (its goal: 100 times moto)


class Bench(AppPhases, OpenrdPhases, MotoPhases):
    def run(self) -> None:
        a = self.args
        self.log(f"openrd benchmark: {a.argv or '(defaults)'}; logs in {self.log_dir}")
        self.lg = LoadGen(a.clients)
        points = len(a.concurrency)
        self.phase("load generator check", 60 + points * (self.span + 30), self.loadgen_check)
        if not a.skip_moto:
            self.phase("moto_server for the adjacent reads", 180, self.start_moto_reads)
        for workers in [] if a.skip_throughput else a.workers:
            self.phase(
                f"ceiling app, {workers} worker(s)", 60 + points * (self.span + 30), lambda w=workers: self.ceiling(w)
            )
            if not a.skip_references:
                self.phase(f"reference apps, {workers} worker(s)", 60 + points * 2 * (2 * self.span + 60),
                           lambda w=workers: self.references(w))  # fmt: skip
            stores = ["sqlite"] + ([] if self.pg_reason else ["postgresql"])
            for store in stores:
                cap = 240 + points * 4 * (3 * self.span + 30) + points * (6 * self.span + 120)
                self.phase(f"openrd on {store}, {workers} worker(s)", cap, lambda s=store, w=workers: self.openrd(s, w))
            if self.ceiling_server is not None:
                self.ceiling_server.stop()
                self.ceiling_server = None
        if self.moto_reads is not None:
            self.moto_reads.stop()
            self.moto_reads = None
        if self.pg_reason:
            self.note(f"PostgreSQL not measured: {self.pg_reason}")
        if not a.skip_moto and not a.skip_throughput:
            self.phase("moto_server", 120 + points * 3 * (self.span + 60), self.moto)
        if not a.skip_scale:
            stores = ["sqlite"] + ([] if self.pg_reason else ["postgresql"])
            if not a.skip_moto:
                for level in sorted(set(a.moto_scale) & set(a.scale)):
                    if level >= MOTO_ADJACENT_FROM:
                        self.phase(f"moto_server at {level:,} accounts, kept up", a.moto_cap,
                                   lambda n=level: self.start_moto_at_scale(n))  # fmt: skip
            for store in stores:
                # Per size: two points, the reference server's two and moto's two right after them.
                cap = 300 + len(a.scale) * (6 * (self.span + 30) + 120) + (900 if a.expired_codes else 0)
                self.phase(f"openrd on {store}: scale and expired codes", cap, lambda s=store: self.openrd_scale(s))
            if not a.skip_moto:
                for level in a.moto_scale:
                    self.phase(f"moto_server at {level:,} accounts", a.moto_cap, lambda n=level: self.moto_scale(n))
            for kept in self.moto_at_scale.values():
                kept.stop()
            self.moto_at_scale.clear()
