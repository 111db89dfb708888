"""Files at rest are the owner's only: ``openrd serve`` on a fresh data directory creates it 0700 and the SQLite
database, its -wal and -shm files 0600 (they hold phone numbers in plain text), as the secret key already was.
The SQLite file was created 0644: every local user could read it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from openrd.testing.client import OpenRD
from openrd.testing.process import ServerProcess


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_serve_creates_the_data_directory_and_database_for_the_owner_only(tmp_path: Path) -> None:
    data = tmp_path / "nested" / "data"
    env = {"OPENRD_DATA_DIR": str(data), "HOME": str(tmp_path)}  # no OPENRD_SECRET_KEY: the key file too
    old_umask = os.umask(0o022)  # the usual umask, which gives 0644 files to anyone who does not ask otherwise
    try:
        server = ServerProcess(env, tmp_path / "server.log").start()
    finally:
        os.umask(old_umask)
    try:
        OpenRD(f"http://{server.endpoint}", keep_alive=False).create_account(display_name="a")
        assert mode(data) == 0o700
        database = data / "openrd.db"
        files = [database, database.with_name("openrd.db-wal"), database.with_name("openrd.db-shm")]
        assert all(path.exists() for path in files), sorted(p.name for p in data.iterdir())
        assert {path.name: mode(path) for path in files} == {path.name: 0o600 for path in files}
        assert mode(data / "secret.key") == 0o600
    finally:
        server.stop()


def test_a_custom_database_path_is_created_private_too(tmp_path: Path) -> None:
    database = tmp_path / "elsewhere" / "rd.sqlite"
    env = {
        "OPENRD_DATA_DIR": str(tmp_path / "data"),
        "OPENRD_SECRET_KEY": "file-mode-key",
        "OPENRD_DATABASE_URL": f"sqlite:///{database}",
        "HOME": str(tmp_path),
    }
    server = ServerProcess(env, tmp_path / "server.log").start()
    try:
        assert mode(database.parent) == 0o700
        assert mode(database) == 0o600
    finally:
        server.stop()
