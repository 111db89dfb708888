"""The uvicorn factory: a worker's start-up objects are moved out of the cyclic collector's way."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import gc
from openrd.bootstrap import create_app
before = gc.get_freeze_count()
app = create_app()
print(before, gc.get_freeze_count(), len(gc.get_objects()))
"""


def test_the_factory_freezes_what_start_up_built(tmp_path: Path) -> None:
    """A full collection walked ~90,000 start-up objects (~40 ms on the benchmark VM, every call waiting); frozen,
    they are skipped. Run in a process of its own: freezing is for the whole interpreter."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENRD_")}
    env |= {"OPENRD_DATA_DIR": str(tmp_path / "data"), "OPENRD_SECRET_KEY": "factory-test", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    before, frozen, tracked = done.stdout.split()
    assert int(before) == 0
    assert int(frozen) > 50_000  # the modules, tables, compiled statements, the app
    assert int(tracked) < int(frozen) // 5  # what the collector still walks
