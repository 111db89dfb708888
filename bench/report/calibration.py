"""The report section on the goals' reference points: the reference apps as shares of the ceiling app."""

from __future__ import annotations

from typing import Any

from report.lookup import ceiling_for, find, fmt, ratio

# What the goals were set from on this machine kind (its "for scale" figures): the bare app ~3,500-4,400 req/s, with one
# HMAC check ~2,900, with an HMAC check and one SQLite insert ~1,700 (1 worker, c=32): as shares of the bare app.
ISSUE_SHARES = {"reference-hmac": 2_900 / 4_000, "reference-hmac-sqlite": 1_700 / 4_000}


def calibration(results: dict[str, Any]) -> list[str]:
    """The goals' reference points measured here (reference_app.py): how far an HMAC check and a SQLite insert alone
    bring the bare app down with this load generator, next to the share the goals assumed, and openrd's GetAccount
    against the app that does only those two things (the goal of 40 % of the ceiling was about that app's share)."""
    tp = results["throughput"]
    points = [r for r in tp if r["target"] == "reference-hmac-sqlite"]
    if not points:
        return []
    lines = [
        "",
        "## The goals' reference points, measured here",
        "",
        "The goals were set from this machine kind's bare app at ~4,000 req/s, the same app with one HMAC check at "
        "~2,900 (~72 %) and with an HMAC check and one SQLite insert at ~1,700 (~42 %): its goal of 40 % of the "
        "ceiling for a signed GetAccount is about the second one. `reference_app.py` is those two apps (the V3 "
        "signature checked, then the nonce inserted and committed), measured right after the ceiling app, like "
        "openrd's points; the *ceiling* column is the one measured before the HMAC + insert point. "
        "*GetAccount vs HMAC + insert*: openrd-sqlite's signed GetAccount (which also looks the key and its RAM user "
        "up, checks the timestamp, the nonce, the RAM policy, reads the account and logs a line) over that app, at the "
        "same workers and concurrency.",
        "",
        "| workers | conc. | ceiling | + HMAC | + HMAC + SQLite insert | openrd-sqlite GetAccount | "
        "GetAccount vs HMAC + insert |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def share(row: dict[str, Any] | None) -> str:
        """req/s, and its share of the ceiling app measured right before it."""
        if row is None:
            return "–"
        r = ratio(row["rps"], (ceiling_for(results, row) or {}).get("rps"))
        return f"{fmt(row['rps'])} ({fmt(r and 100 * r)} %)" if r else fmt(row["rps"])

    for point in points:
        w, c = point["workers"], point["concurrency"]
        hmac_only = find(tp, target="reference-hmac", workers=w, concurrency=c)
        mine = find(tp, target="openrd-sqlite", op="GetAccount", workers=w, concurrency=c)
        ceiling = ceiling_for(results, point)
        vs_ref = ratio(mine and mine["rps"], point["rps"])
        lines.append(
            f"| {w} | {c} | {fmt(ceiling and ceiling['rps'])} | {share(hmac_only)} | {share(point)} | {share(mine)} | "
            f"{fmt(vs_ref and 100 * vs_ref) + ' %' if vs_ref else '–'} |"
        )
    lines += [
        "",
        f"(The goals' shares: + HMAC {100 * ISSUE_SHARES['reference-hmac']:.0f} %, + HMAC + SQLite insert "
        f"{100 * ISSUE_SHARES['reference-hmac-sqlite']:.0f} %.)",
    ]
    return lines
