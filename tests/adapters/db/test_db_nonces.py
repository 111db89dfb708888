"""Replay protection: ``remember`` semantics, and atomicity across threads and processes
(docs/behaviour.md#replay-protection)."""

from __future__ import annotations

import multiprocessing
import threading

import pytest
from sqlalchemy import Engine

from openrd.adapters.crypto import FernetSecretBox
from openrd.adapters.db.engine import make_engine
from openrd.adapters.db.uow import SqlUnitOfWorkFactory

WINDOW = 900_000  # 15 minutes
T0 = 1_700_000_000_000


def _remember(uow: SqlUnitOfWorkFactory, key: str, nonce: str, now_ms: int, window_ms: int = WINDOW) -> bool:
    with uow() as w:
        return w.nonces.remember(key, nonce, now_ms=now_ms, window_ms=window_ms)


def test_first_sighting_true_replay_false(uow: SqlUnitOfWorkFactory) -> None:
    assert _remember(uow, "LTAIa", "n1", T0) is True
    assert _remember(uow, "LTAIa", "n1", T0) is False
    assert _remember(uow, "LTAIa", "n1", T0 + 1) is False
    assert _remember(uow, "LTAIa", "n1", T0 + WINDOW - 1) is False


def test_true_again_after_the_window(uow: SqlUnitOfWorkFactory) -> None:
    assert _remember(uow, "LTAIa", "n1", T0) is True
    assert _remember(uow, "LTAIa", "n1", T0 + WINDOW + 1) is True
    # the second sighting opened a new window
    assert _remember(uow, "LTAIa", "n1", T0 + WINDOW + 2) is False
    assert _remember(uow, "LTAIa", "n1", T0 + 2 * WINDOW) is False
    assert _remember(uow, "LTAIa", "n1", T0 + 2 * WINDOW + 2) is True


def test_nonce_is_scoped_to_the_access_key(uow: SqlUnitOfWorkFactory) -> None:
    assert _remember(uow, "LTAIa", "n1", T0) is True
    assert _remember(uow, "LTAIb", "n1", T0) is True
    assert _remember(uow, "LTAIa", "n2", T0) is True
    assert _remember(uow, "LTAIb", "n1", T0) is False


def test_a_rolled_back_sighting_is_forgotten(uow: SqlUnitOfWorkFactory) -> None:
    seen: list[bool] = []

    def remember_then_fail() -> None:
        with uow() as w:
            seen.append(w.nonces.remember("LTAIa", "n1", now_ms=T0, window_ms=WINDOW))
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        remember_then_fail()
    assert seen == [True]
    assert _remember(uow, "LTAIa", "n1", T0) is True


def test_forget_older_than(uow: SqlUnitOfWorkFactory) -> None:
    _remember(uow, "LTAIa", "old", T0)
    _remember(uow, "LTAIa", "new", T0 + 10)
    with uow() as w:
        assert w.nonces.forget_older_than(T0 + 5) == 1
    assert _remember(uow, "LTAIa", "old", T0 + 11) is True
    assert _remember(uow, "LTAIa", "new", T0 + 11) is False


def _race(uow: SqlUnitOfWorkFactory, workers: int, key: str, nonce: str, now_ms: int) -> list[bool]:
    barrier = threading.Barrier(workers)
    results: list[bool] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            outcome = _remember(uow, key, nonce, now_ms)
            with lock:
                results.append(outcome)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    return results


@pytest.mark.parametrize("workers", [2, 8, 16])
def test_threads_racing_on_one_nonce_exactly_one_wins(uow: SqlUnitOfWorkFactory, workers: int) -> None:
    for round_ in range(5):
        results = _race(uow, workers, "LTAIrace", f"nonce-{workers}-{round_}", T0)
        assert len(results) == workers
        assert results.count(True) == 1, results


def test_threads_racing_after_the_window_exactly_one_wins(uow: SqlUnitOfWorkFactory) -> None:
    assert _remember(uow, "LTAIrace", "stale", T0) is True
    results = _race(uow, 12, "LTAIrace", "stale", T0 + WINDOW + 1)
    assert results.count(True) == 1, results


# ---------------------------------------------------------------------------------------- separate processes
def _process_worker(url: str, start: object, rounds: int, queue: object) -> None:
    """Runs in a spawned process: its own engine, the same database; report one result per round."""
    engine = make_engine(url)
    uow = SqlUnitOfWorkFactory(engine, FernetSecretBox("db-test-master-key"))
    try:
        for index in range(rounds):
            start.wait(timeout=60)  # type: ignore[attr-defined]
            try:
                outcome: object = _remember(uow, "LTAIproc", f"proc-nonce-{index}", T0)
            except Exception as exc:
                outcome = repr(exc)
            queue.put((index, outcome))  # type: ignore[attr-defined]
    finally:
        uow.close()
        engine.dispose()


def _run_processes(url: str, processes: int, rounds: int) -> dict[int, list[object]]:
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(processes)
    queue = ctx.Queue()
    procs = [ctx.Process(target=_process_worker, args=(url, start, rounds, queue)) for _ in range(processes)]
    for proc in procs:
        proc.start()
    outcomes: dict[int, list[object]] = {}
    try:
        for _ in range(processes * rounds):
            index, outcome = queue.get(timeout=120)
            outcomes.setdefault(index, []).append(outcome)
    finally:
        for proc in procs:
            proc.join(timeout=60)
            if proc.is_alive():
                proc.kill()
                proc.join()
        queue.close()
        queue.join_thread()
    assert [proc.exitcode for proc in procs] == [0] * processes
    return outcomes


@pytest.mark.parametrize("processes", [2, 4])
def test_processes_racing_on_one_nonce_exactly_one_wins(
    engine: Engine, db_url: str, uow: SqlUnitOfWorkFactory, processes: int
) -> None:
    rounds = 10
    outcomes = _run_processes(db_url, processes, rounds)
    assert sorted(outcomes) == list(range(rounds))
    for index, results in outcomes.items():
        assert len(results) == processes
        assert all(isinstance(r, bool) for r in results), results  # no "database is locked" or similar
        assert results.count(True) == 1, (index, results)
    # and the store agrees: every nonce is now a replay
    assert not any(_remember(uow, "LTAIproc", f"proc-nonce-{i}", T0 + 1) for i in range(rounds))
