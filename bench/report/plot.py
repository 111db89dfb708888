"""``chart.png``: req/s and p99 per target and concurrency, and p50 against the directory size (matplotlib, Agg)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from report.lookup import TINY, find


def chart(results: dict[str, Any], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    tp = [r for r in results["throughput"] if r["target"] != "loadgen-check"]
    sc = results["scale"]
    keys: list[tuple[str, str, int]] = []
    for r in tp:
        if (r["target"], r["op"], r["workers"]) not in keys:
            keys.append((r["target"], r["op"], r["workers"]))
    keys.reverse()  # barh draws bottom-up: keep the table's order top-down
    labels = [f"{t} · {TINY.get(op, op)} · w={w}" for t, op, w in keys]
    levels = sorted({r["concurrency"] for r in tp})
    height = 0.8 / max(1, len(levels))
    tall = max(5.0, 0.32 * len(keys) * max(1, len(levels)) ** 0.5 + 1.5)
    fig, axes = plt.subplots(1, 3 if sc else 2, figsize=(19 if sc else 13, tall))
    for metric, ax, title in (
        ("rps", axes[0], "req/s (log; higher is better)"),
        ("p99_ms", axes[1], "p99 latency, ms (log; lower is better)"),
    ):
        for i, c in enumerate(levels):
            values = []
            for target, op, w in keys:
                match = find(tp, target=target, op=op, workers=w, concurrency=c)
                values.append(match[metric] if match and not math.isnan(match[metric]) else 0)
            ys = [y + (i - (len(levels) - 1) / 2) * height for y in range(len(keys))]
            ax.barh(ys, values, height, label=f"c={c}")
            for y, value in zip(ys, values, strict=True):
                if not value:
                    ax.annotate(f"c={c}: no answer", xy=(0.01, y), xycoords=("axes fraction", "data"), fontsize=6,
                                color="red", va="center")  # fmt: skip
        ax.set_yticks(range(len(labels)), labels if metric == "rps" else [""] * len(labels), fontsize=8)
        ax.set_xscale("log")
        ax.set_title(title)
        ax.legend(fontsize=8)
        ax.grid(axis="x", alpha=0.3, which="both")
    if sc:
        ax = axes[2]
        for key in sorted({(r["target"], r["op"]) for r in sc}):
            rows = sorted((r for r in sc if (r["target"], r["op"]) == key), key=lambda r: r["accounts"])
            ax.plot([r["accounts"] for r in rows], [r["p50_ms"] for r in rows], marker="o", label=f"{key[0]} {key[1]}")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("accounts")
        ax.set_title("p50 latency, ms, vs directory size (log-log)")
        ax.legend(fontsize=7)
        ax.grid(alpha=0.3)
    meta = results["meta"]
    fig.suptitle(f"openrd benchmark, {meta['date']}, {meta['nproc']} × {meta['cpu']}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True
