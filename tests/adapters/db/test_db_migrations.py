"""Alembic migrations: from an empty database to head, down to base and back, and concurrent starts."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from openrd.adapters.db import migrate
from openrd.adapters.db.engine import make_engine
from openrd.adapters.db.tables import metadata

APP_TABLES = {table.name for table in metadata.sorted_tables}


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def _downgrade(engine: Engine, revision: str = "base") -> None:
    with engine.connect() as conn:
        command.downgrade(migrate._config(conn), revision)
        conn.commit()


def _script() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(migrate.MIGRATIONS))
    return ScriptDirectory.from_config(config)


def test_revisions_form_one_line_ending_at_head() -> None:
    script = _script()
    assert script.get_heads() == [migrate.head_revision()]
    chain = [rev.revision for rev in script.walk_revisions("base", "heads")]
    assert chain[0] == migrate.head_revision()
    assert chain[-1] == "0001"
    assert len(chain) == len(set(chain))


def test_every_step_downgrades_and_upgrades(fresh_db_url: str) -> None:
    """Walk down one revision at a time to base, then back up: every downgrade() undoes its upgrade()."""
    engine = make_engine(fresh_db_url)
    try:
        migrate.upgrade(engine)
        chain = [rev.revision for rev in _script().walk_revisions("base", "heads")]
        for revision in chain:
            assert migrate.current_revision(engine) == revision
            _downgrade(engine, "-1")
        assert migrate.current_revision(engine) is None
        assert _tables(engine) & APP_TABLES == set()
        for revision in reversed(chain):
            migrate.upgrade(engine, revision)
            assert migrate.current_revision(engine) == revision
        assert migrate.is_up_to_date(engine)
    finally:
        engine.dispose()


def test_upgrade_from_empty(fresh_db_url: str) -> None:
    engine = make_engine(fresh_db_url)
    try:
        assert _tables(engine) == set()
        assert migrate.current_revision(engine) is None
        assert not migrate.is_up_to_date(engine)

        migrate.upgrade(engine)

        assert _tables(engine) >= APP_TABLES
        assert "alembic_version" in _tables(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        assert migrate.is_up_to_date(engine)
    finally:
        engine.dispose()


def test_upgrade_is_idempotent(fresh_db_url: str) -> None:
    engine = make_engine(fresh_db_url)
    try:
        migrate.upgrade(engine)
        migrate.upgrade(engine)
        assert migrate.is_up_to_date(engine)
    finally:
        engine.dispose()


def test_migrated_schema_matches_the_table_definitions(fresh_db_url: str) -> None:
    """tables.py and the migration scripts must not drift apart (autogenerate finds nothing to do)."""
    engine = make_engine(fresh_db_url)
    try:
        migrate.upgrade(engine)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_downgrade_to_base_and_upgrade_again(fresh_db_url: str) -> None:
    engine = make_engine(fresh_db_url)
    try:
        migrate.upgrade(engine)
        _downgrade(engine)

        assert _tables(engine) & APP_TABLES == set()
        assert migrate.current_revision(engine) is None
        assert not migrate.is_up_to_date(engine)

        migrate.upgrade(engine)
        assert _tables(engine) >= APP_TABLES
        assert migrate.is_up_to_date(engine)
    finally:
        engine.dispose()


def test_upgrade_to_an_explicit_revision(fresh_db_url: str) -> None:
    engine = make_engine(fresh_db_url)
    try:
        migrate.upgrade(engine, "0001")
        assert migrate.current_revision(engine) == "0001"
    finally:
        engine.dispose()


def test_concurrent_upgrades_on_postgresql_all_succeed(fresh_pg_url: str) -> None:
    """Several ``openrd serve`` starting at once against one empty PostgreSQL: the advisory lock serialises them."""
    engines = [make_engine(fresh_pg_url) for _ in range(4)]
    failures: list[BaseException] = []
    barrier = threading.Barrier(len(engines))

    def run(engine: Engine) -> None:
        try:
            barrier.wait(timeout=30)
            migrate.upgrade(engine)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(e,)) for e in engines]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert failures == []
        assert all(migrate.is_up_to_date(e) for e in engines)
    finally:
        for engine in engines:
            engine.dispose()


def test_nonces_move_into_a_table_without_rowid_and_back_keeping_the_replay_window(tmp_path: Path) -> None:
    """0009 (SQLite only): request_nonces becomes WITHOUT ROWID; the nonces seen before the upgrade stay seen, the
    key still refuses a second sighting, and a downgrade brings the rowid table back with the same rows."""
    engine = make_engine(f"sqlite:///{tmp_path / 'nonces.db'}")
    rows = [("LTAIkey", f"nonce-{n}", 1_000 + n) for n in range(50)]

    def table_sql() -> str:
        with engine.connect() as conn:
            return str(conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'request_nonces'")).scalar_one())

    def stored() -> list[tuple[str, str, int]]:
        with engine.connect() as conn:
            found = conn.execute(text("SELECT access_key_id, nonce, seen_ms FROM request_nonces ORDER BY seen_ms"))
            return [tuple(row) for row in found]

    try:
        migrate.upgrade(engine, "0008")
        with engine.begin() as conn:
            conn.execute(
                text("INSERT INTO request_nonces (access_key_id, nonce, seen_ms) VALUES (:ak, :nonce, :seen)"),
                [{"ak": ak, "nonce": nonce, "seen": seen} for ak, nonce, seen in rows],
            )
        assert "WITHOUT ROWID" not in table_sql()

        migrate.upgrade(engine)
        assert "WITHOUT ROWID" in table_sql()
        assert stored() == rows
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(text("INSERT INTO request_nonces VALUES ('LTAIkey', 'nonce-7', 5000)"))
        assert "ix_request_nonces_seen_ms" in {ix["name"] for ix in inspect(engine).get_indexes("request_nonces")}

        _downgrade(engine, "0008")
        assert "WITHOUT ROWID" not in table_sql()
        assert stored() == rows
    finally:
        engine.dispose()
