"""Which way worker processes start (chart pool, background chart process, batches).

`fork` is fast (a worker inherits the imported libraries) but exists only on
POSIX and is unsafe on macOS (system frameworks may hold locks across it), so it
is used on Linux only; elsewhere workers are started with `spawn`, which imports
the program afresh in each worker: jobs are plain picklable data and worker
functions are module-level. BRIEFING_START_METHOD=spawn|fork|forkserver forces a
method (the test suite forces `spawn` on Linux to test that path).
"""
from __future__ import annotations

import multiprocessing
import os
import sys

ENV = "BRIEFING_START_METHOD"


def start_method() -> str:
    available = multiprocessing.get_all_start_methods()
    forced = os.environ.get(ENV, "").strip().lower()
    if forced in available:
        return forced
    return "fork" if sys.platform.startswith("linux") and "fork" in available else "spawn"


def context():
    """The multiprocessing context every pool and worker process of a build uses."""
    return multiprocessing.get_context(start_method())


def inherits_imports() -> bool:
    """Whether workers start with what this process imported (worth importing first)."""
    return start_method() == "fork"
