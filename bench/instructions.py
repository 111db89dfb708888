"""Instructions per call under valgrind's callgrind: a cost the machine's load does not change.

Server CPU time per answer moves with what else the machine runs (caches, frequency, other processes' threads); the
number of instructions a fixed set of calls executes does not, within about one per cent. The script to measure
is started under ``valgrind --tool=callgrind --instr-atstart=no`` (its setup runs uninstrumented, about five times
slower than natively instead of fifty), and a small C helper, built here with the system's compiler from valgrind's
own ``callgrind.h``, lets it switch instrumentation on, zero the counters, run the calls, and dump the count under
the operation's name. Before each window the setup's objects are frozen out of the garbage collector's reach
(``gc.freeze``), so what is counted is the calls' own work, their collections included. Every thread of the process
is counted while instrumentation is on (an idle thread waiting on a lock executes next to nothing);
``PYTHONHASHSEED`` is fixed so dict and set layouts repeat.
"""

from __future__ import annotations

import ctypes
import gc
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

HELPER = r"""
#include <valgrind/callgrind.h>
void openrd_count_start(void) { CALLGRIND_START_INSTRUMENTATION; CALLGRIND_ZERO_STATS; }
void openrd_count_dump(const char *name) { CALLGRIND_DUMP_STATS_AT(name); CALLGRIND_STOP_INSTRUMENTATION; }
"""
DUMP_NAME = re.compile(r"^desc: Trigger: Client Request: (.+)$", re.MULTILINE)
TOTAL = re.compile(r"^(?:summary|totals): (\d+)", re.MULTILINE)


class Counter:
    """The child's side: count what ``run`` executes and dump it as ``name`` (only under callgrind)."""

    def __init__(self, helper: Path) -> None:
        self.lib = ctypes.CDLL(str(helper))
        self.lib.openrd_count_dump.argtypes = [ctypes.c_char_p]

    def count(self, name: str, run: Callable[[], Any]) -> None:
        # The setup's objects (SDK clients, the world, imported modules) go to the permanent generation first: a full
        # collection of them falling inside one window and not another moved a count by 15 % (200 vs 300 calls).
        gc.collect()
        gc.freeze()
        self.lib.openrd_count_start()
        run()
        self.lib.openrd_count_dump(name.encode())


def build_helper(directory: Path) -> Path:
    compiler = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")
    if compiler is None or shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind and a C compiler (apt-get install valgrind gcc)")
    source, helper = directory / "count.c", directory / "count.so"
    source.write_text(HELPER)
    subprocess.run([compiler, "-O1", "-shared", "-fPIC", "-o", str(helper), str(source)], check=True)
    return helper


def count_under_callgrind(script: Path, argv: list[str], calls: int) -> dict[str, float]:
    """Run ``script argv`` under callgrind with the helper; instructions per call of each dump, by its name."""
    work = Path(tempfile.mkdtemp(prefix="callgrind-count-"))
    try:
        helper = build_helper(work)
        command = [
            "valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={work}/out.%p",
            sys.executable, str(script), *argv, "--callgrind-helper", str(helper),
        ]  # fmt: skip
        env = os.environ | {"PYTHONHASHSEED": "0"}
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"the run under callgrind failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        counts: dict[str, float] = {}
        for dump in sorted(work.glob("out.*")):
            text = dump.read_text(errors="replace")
            name, total = DUMP_NAME.search(text), TOTAL.search(text)
            if name and total:
                counts[name.group(1).strip()] = int(total.group(1)) / calls
        return counts
    finally:
        shutil.rmtree(work, ignore_errors=True)
