"""Write the results: ``results.json`` (everything), ``results.md`` (tables) and ``chart.png`` (matplotlib, Agg)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from report.goals import targets
from report.lookup import BIND, LIST_ACCOUNTS_WITH_TAGS, LIST_TAG_RESOURCES, MOTO_EQUIVALENT, SCALE_OPS, SEND
from report.plot import chart
from report.tables import markdown

__all__ = [
    "BIND",
    "LIST_ACCOUNTS_WITH_TAGS",
    "LIST_TAG_RESOURCES",
    "MOTO_EQUIVALENT",
    "SCALE_OPS",
    "SEND",
    "chart",
    "markdown",
    "targets",
    "write",
]


def write(results: dict[str, Any], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    path = out / "results.json"
    path.write_text(json.dumps(results, indent=1, default=str) + "\n")
    written.append(path)
    png = out / "chart.png"
    if chart(results, png):
        written.append(png)
    else:
        results["notes"].append("matplotlib is not installed (pip install -e '.[bench]'): no chart")
    path = out / "results.md"
    path.write_text(markdown(results))
    written.append(path)
    return written
