"""``results.md``: the report's tables, one function per section."""

from __future__ import annotations

from typing import Any

from report.calibration import calibration
from report.goals import targets
from report.lookup import SHORT, TINY, adjacent, ceiling_for, fmt, ratio, scale_moto_after, scale_reference


def markdown(results: dict[str, Any]) -> str:
    lines = header(results) + throughput_table(results) + adjacent_table(results) + calibration(results)
    lines += goals_table(results) + scale_table(results) + memory_table(results) + rss_table(results)
    lines += notes(results) + error_samples(results)
    return "\n".join(lines) + "\n"


def header(results: dict[str, Any]) -> list[str]:
    """The title, and the date, machine, versions and options of the run."""
    meta, cfg = results["meta"], results["config"]
    v = meta["versions"]
    lines = [
        "# openrd load benchmark",
        "",
        f"- **Date:** {meta['date']} (whole run {meta.get('wall_seconds', '?')} s)",
        f"- **Machine:** {meta['nproc']} × {meta['cpu']} (nproc {meta['nproc']}), {meta['memory_gib']} GiB RAM, "
        f"Linux {meta['kernel']}; load average {meta['loadavg_start']} at the start, {meta.get('loadavg_end', '?')} "
        "at the end (the machine may be shared: absolute numbers are noisy, ratios from the same run less so)",
        f"- **Versions:** Python {meta['python']}, openrd {v['openrd']} (git {meta['git']}), uvicorn {v['uvicorn']}, "
        f"starlette {v['starlette']}, uvloop {v['uvloop']}, httptools {v['httptools']}, SQLAlchemy {v['SQLAlchemy']}, "
        f"psycopg {v['psycopg']}, SQLite {v['SQLite']}, PostgreSQL {v['PostgreSQL']}, moto {v['moto']} "
        f"(Werkzeug {v['Werkzeug']}), botocore {v['botocore']}, "
        f"alibabacloud-tea-openapi {v['alibabacloud-tea-openapi']}",
        f"- **Run:** `{('python bench/run.py ' + cfg['argv']).strip()}`: {cfg['warmup']} s warm-up + "
        f"{cfg['duration']} s measured "
        f"per point, {cfg['clients']} load-generator processes, concurrency {cfg['concurrency']}, server workers "
        f"{cfg['workers']}, {cfg['base_accounts']} accounts in the directory for the throughput runs, openrd at "
        f"log level {cfg.get('log_level', 'WARNING')}"
        + (" (a JSON line per call)" if cfg.get("log_level") == "INFO" else ""),
    ]
    return lines


def throughput_table(results: dict[str, Any]) -> list[str]:
    lines = [
        "",
        "## Throughput",
        "",
        "Closed loop: `concurrency` keep-alive connections, one request in flight on each. Requests are pre-signed "
        "(V3 ACS3-HMAC-SHA256 for openrd, SigV4 for moto), each with its own nonce. *errors* counts every non-200 "
        "answer, connection error and time-out, warm-up included. *vs ceiling*: req/s over the ceiling app's at the "
        "same concurrency and worker count, measured right before the point where the run kept the ceiling app up "
        "(see *Adjacent measurements*), else in the ceiling app's own phase.",
        "",
        "| target | operation | workers | conc. | req/s | p50 ms | p99 ms | errors | requests | vs ceiling |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    tp = results["throughput"]
    for r in tp:
        ceiling = ceiling_for(results, r)
        vs = ratio(r["rps"], ceiling and ceiling["rps"]) if r["target"] != "loadgen-check" else None
        op = SHORT.get(r["op"], r["op"]) + (" ⚠ ran out of requests" if r["exhausted"] else "")
        share = fmt(vs and 100 * vs) + " %" if vs else "–"
        lines.append(
            f"| {r['target']} | {op} | {r['workers']} | {r['concurrency']} | {fmt(r['rps'])} | {fmt(r['p50_ms'], 1)} | "
            f"{fmt(r['p99_ms'], 1)} | {r['errors']} | {r['requests']:,} | {share} |"
        )
    return lines


def adjacent_table(results: dict[str, Any]) -> list[str]:
    """Each openrd (and reference app) point against the ceiling right before it and moto right after it."""
    tp = results["throughput"]
    lines: list[str] = []
    if not results.get("adjacent"):
        return lines
    lines += [
        "",
        "## Adjacent measurements",
        "",
        "The machine's speed drifts during a run, and the phases measure the ceiling app, openrd and moto minutes "
        "apart. So each openrd point (and each reference app's) is also measured against the ceiling app right "
        "before it and, for the reads, against moto's equivalent right after it (moto kept up with the same "
        "organization; CreateAccount only in moto's own phase, as it grows the organization). The goals below use "
        "these ratios.",
        "",
        "| point | workers | conc. | ceiling before | req/s | moto after | vs ceiling | vs moto |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in tp:
        if not r["target"].startswith(("openrd-", "reference-")):
            continue
        before, after = adjacent(results, r, "ceiling"), adjacent(results, r, "moto")
        if not before and not after:
            continue
        vs_c = ratio(r["rps"], before and before["rps"])
        vs_m = ratio(r["rps"], after and after["rps"])
        lines.append(
            f"| {r['target']} {TINY.get(r['op'], r['op'])} | {r['workers']} | {r['concurrency']} | "
            f"{fmt(before and before['rps'])} | {fmt(r['rps'])} | "
            f"{fmt(after and after['rps']) + (' ' + after['op'] if after else '')} | "
            f"{fmt(vs_c and 100 * vs_c) + ' %' if vs_c else '–'} | {fmt(vs_m, 1) + ' ×' if vs_m else '–'} |"
        )
    return lines


def _table(title: str, intro: str, columns: str, align: str, rows: list[str]) -> list[str]:
    """A section holding one table, with the text that explains it (if any); no section at all without rows."""
    if not rows:
        return []
    return ["", f"## {title}", "", *([intro, ""] if intro else []), columns, align, *rows]


def goals_table(results: dict[str, Any]) -> list[str]:
    rows = [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in targets(results)]
    return _table("Goals, from this run", "", "| check | measured | goal | |", "|---|---:|---|---|", rows)


def scale_table(results: dict[str, Any]) -> list[str]:
    return _table(
        "Scale",
        "openrd: accounts inserted in bulk into `accounts` + `members`, each with three tags, GetAccount of random "
        "accounts, ListAccounts first page of 100 (and with IncludeTags), ListTagResources of one random account "
        "(the Terraform provider's read). moto: accounts created in its backend before its server starts, "
        "DescribeAccount of random accounts, ListAccounts first page (MaxResults 20, AWS's largest). "
        "*p50 vs smallest*: over the smallest size's point on the same server, minutes earlier. "
        "*p50 vs reference*: over a second openrd server that holds the smallest size throughout, measured right "
        "before the point (req/s and p50 in brackets); the goal uses it where the run has it. *vs moto right "
        "after*: req/s over moto's equivalent at the same size (moto kept up through openrd's scale runs), "
        "measured right after the point; moto's own rows below are from its own phase.",
        "| target | operation | accounts | conc. | req/s | p50 ms | p99 ms | errors | p50 vs smallest | "
        "p50 vs reference | vs moto right after |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        [_scale_row(results, r) for r in results["scale"]],
    )


def _scale_row(results: dict[str, Any], r: dict[str, Any]) -> str:
    first = next(x for x in results["scale"] if x["target"] == r["target"] and x["op"] == r["op"])
    rel = ratio(r["p50_ms"], first["p50_ms"])
    ref = scale_reference(results, r)
    vs_ref = (
        f"{fmt(ratio(r['p50_ms'], ref['p50_ms']), 2)} × ({fmt(ref['rps'])} req/s, {fmt(ref['p50_ms'], 1)} ms)"
        if ref
        else "–"
    )
    moto = scale_moto_after(results, r)
    vs_moto = f"{fmt(ratio(r['rps'], moto['rps']))} × ({fmt(moto['rps'])} req/s)" if moto else "–"
    return (
        f"| {r['target']} | {r['op']} | {r['accounts']:,} | {r['concurrency']} | {fmt(r['rps'])} | "
        f"{fmt(r['p50_ms'], 1)} | {fmt(r['p99_ms'], 1)} | {r['errors']} | {fmt(rel, 2)} × | {vs_ref} | {vs_moto} |"
    )


def memory_table(results: dict[str, Any]) -> list[str]:
    rows = [
        f"| {m['target']} | {m['codes']:,} | {m['insert_s']} | {m['rss_before']['max']} MB | "
        f"{m['rss_stored']['max']} MB | {m['purge_s']} | {m['purged']:,} | {m['rows_left']:,} | "
        f"{m['rss_after']['max']} MB |"
        for m in results["memory"]
    ]
    return _table(
        "Expired codes: memory and cleanup",
        "N expired codes inserted into `verification_codes` and N old rows into `code_sends`; RSS (largest server "
        "process) measured after a few seconds of GetAccount + SendVerificationCode traffic; cleanup = "
        "`openrd.services.verification.purge_expired` (the maintenance job's function) through a unit of work.",
        "| target | codes stored | insert s | RSS before | RSS with codes | cleanup s | rows purged | codes left | "
        "RSS after cleanup |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        rows,
    )


def rss_table(results: dict[str, Any]) -> list[str]:
    rows = [
        f"| {r['target']} | {r['workers']} | {r['processes']} | {r['total']} | {r['max']} |" for r in results["rss"]
    ]
    return _table(
        "Server RSS after its runs",
        "",
        "| server | workers | processes | total MB | largest MB |",
        "|---|---:|---:|---:|---:|",
        rows,
    )


def notes(results: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    if results["notes"] or results["failures"]:
        lines += ["", "## Notes", ""]
        lines += [f"- {n}" for n in results["notes"]]
        lines += [f"- **failed:** {f}" for f in results["failures"]]
    return lines


def error_samples(results: dict[str, Any]) -> list[str]:
    tp = results["throughput"]
    lines: list[str] = []
    kept = results.get("scale_reference", []) + results.get("scale_moto_adjacent", [])
    errors = [r for r in tp + results["scale"] + kept if r["errors"]]
    if errors:
        lines += ["", "## Error samples", ""]
        for r in errors:
            lines.append(
                f"- {r['target']} {r['op']} workers={r['workers']} c={r['concurrency']}"
                f"{' accounts=' + format(r['accounts'], ',') if 'accounts' in r else ''}: statuses {r['statuses']}; "
                f"e.g. `{(r['samples'] or [''])[0][:200]}`"
            )
    return lines
