"""The benchmark harness behind ``bench/run.py``: options, machine facts, the session and its phases."""
