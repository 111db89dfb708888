"""The goals the report checks (its goals table), from one run's numbers only: openrd against the
ceiling app and moto, two workers against one, the larger directory against the smallest, and its memory."""

from __future__ import annotations

from typing import Any

from report.lookup import (
    MOTO_EQUIVALENT,
    SCALE_OPS,
    SEND,
    TINY,
    ceiling_for,
    find,
    fmt,
    moto_for,
    ratio,
    scale_moto_after,
    scale_reference,
)

Goal = tuple[str, str, str, str]  # (what, measured, goal, verdict)


def verdict(value: float | None, ok: bool) -> str:
    return "–" if value is None else ("met" if ok else "**not met**")


def targets(results: dict[str, Any]) -> list[Goal]:
    """(what, measured, goal, verdict) for every goal, from this run's numbers only."""
    return throughput_goals(results) + scale_goals(results) + memory_goals(results)


def throughput_goals(results: dict[str, Any]) -> list[Goal]:
    tp = results["throughput"]
    stores = sorted({r["target"] for r in tp if r["target"].startswith("openrd-")})
    out: list[Goal] = []
    for row in tp:
        if row["target"] in stores:
            out += point_goals(results, row)
    return out


def point_goals(results: dict[str, Any], row: dict[str, Any]) -> list[Goal]:
    """The goals of one openrd throughput point."""
    out: list[Goal] = []
    w, c = row["workers"], row["concurrency"]
    ceiling = ceiling_for(results, row)
    where = f"{row['target']}, {w} worker(s), c={c}"
    if row["op"] == "GetAccount":
        r = ratio(row["rps"], ceiling and ceiling["rps"])
        share = fmt(r and 100 * r) + " %"
        out.append((f"GetAccount vs ceiling ({where})", share, "≥ 40 %", verdict(r, (r or 0) >= 0.4)))
    if row["op"] == SEND:
        r = ratio(row["rps"], ceiling and ceiling["rps"])
        share = fmt(r and 100 * r) + " %"
        out.append((f"SendVerificationCode vs ceiling ({where})", share, "≥ 20 %", verdict(r, (r or 0) >= 0.2)))
        if c == 16:
            p99 = row["p99_ms"]
            out.append((f"SendVerificationCode p99 ({where})", fmt(p99, 1) + " ms", "≤ 50 ms", verdict(p99, p99 <= 50)))
    moto = moto_for(results, row)
    if moto and w == 1:
        r = ratio(row["rps"], moto["rps"])
        what = f"{TINY.get(row['op'], row['op'])} vs moto {moto['op']} ({where})"
        out.append((what, fmt(r, 1) + " ×", "≥ 5 ×", verdict(r, (r or 0) >= 5)))
    if row["op"] == "GetAccount" and w == 2:
        one = find(results["throughput"], target=row["target"], op="GetAccount", workers=1, concurrency=c)
        r = ratio(row["rps"], one and one["rps"])
        what = f"GetAccount 2 workers vs 1 ({row['target']}, c={c})"
        out.append((what, fmt(r, 2) + " ×", "≥ 1.2 ×", verdict(r, (r or 0) >= 1.2)))
    return out


def scale_goals(results: dict[str, Any]) -> list[Goal]:
    """Latency at the largest directory against the smallest, and req/s against moto at 10,000 accounts or more."""
    sc = results["scale"]
    levels = sorted({r["accounts"] for r in sc if r["target"].startswith("openrd-")})
    out: list[Goal] = []
    for store in sorted({r["target"] for r in sc if r["target"].startswith("openrd-")}):
        for op in SCALE_OPS:
            if len(levels) >= 2 and find(sc, target=store, op=op, accounts=levels[-1]):
                big = find(sc, target=store, op=op, accounts=levels[-1])
                small = scale_reference(results, big) if big else None
                small = small or find(sc, target=store, op=op, accounts=levels[0])
                r = ratio(big and big["p50_ms"], small and small["p50_ms"])
                what = f"{op} p50 at {levels[-1]:,} vs {levels[0]:,} accounts ({store})"
                out.append((what, fmt(r, 2) + " ×", "≤ 1.3 ×", verdict(r, (r or 99) <= 1.3)))
            big_moto = [r for r in sc if r["target"] == "moto" and r["op"] == MOTO_EQUIVALENT.get(op)]
            for moto in big_moto:
                if moto["accounts"] < 10_000:
                    continue
                mine = find(sc, target=store, op=op, accounts=moto["accounts"])
                moto = (mine and scale_moto_after(results, mine)) or moto
                r = ratio(mine and mine["rps"], moto["rps"])
                what = f"{op} vs moto {moto['op']} at {moto['accounts']:,} accounts ({store})"
                out.append((what, fmt(r) + " ×", "≥ 100 ×", verdict(r, (r or 0) >= 100)))
    return out


def memory_goals(results: dict[str, Any]) -> list[Goal]:
    """No RSS growth with the expired codes stored, and the largest openrd process under 200 MB."""
    out: list[Goal] = []
    for mem in results["memory"]:
        grow = mem["rss_stored"]["max"] - mem["rss_before"]["max"]
        what = f"RSS growth with {mem['codes']:,} expired codes stored ({mem['target']})"
        out.append((what, f"{grow:+.1f} MB", "none (≤ +10 %)", verdict(grow, grow <= 0.1 * mem["rss_before"]["max"])))
    peaks = [(r["target"], r["max"]) for r in results["rss"] if r["target"].startswith("openrd-")]
    peaks += [(m["target"], max(m["rss_stored"]["max"], m["rss_after"]["max"])) for m in results["memory"]]
    if peaks:
        worst = max(peaks, key=lambda p: p[1])
        what = f"largest RSS of one openrd process ({worst[0]})"
        out.append((what, f"{worst[1]:.0f} MB", "< 200 MB", verdict(worst[1], worst[1] < 200)))
    return out
