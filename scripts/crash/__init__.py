"""The crash check behind ``scripts/crash_check.py``: server, store, clients, load, invariants, run."""
