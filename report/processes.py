"""Which way worker processes start (chart pool, background chart process, batches).

`fork` is fast (a worker inherits the imported libraries) but exists only on
POSIX and is unsafe on macOS (system frameworks may hold locks across it), so it
is used on Linux only; elsewhere workers are started with `spawn`, which imports
the program afresh in each worker: jobs are plain picklable data and worker
functions are module-level. BRIEFING_START_METHOD=spawn|fork|forkserver forces a
method (the test suite forces `spawn` on Linux to test that path).
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
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


_STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}
_CAN_HOLD = hasattr(signal, "pthread_sigmask")     # POSIX; Windows has no SIGTERM to send


@contextlib.contextmanager
def starting_workers():
    """Start worker processes inside this: SIGTERM and SIGINT are held back from a new
    worker until it has set its own handlers and calls `ready()`. Without it, a signal
    that reaches a worker in its first instants either runs the parent's handler there
    (which raises into a copy of the parent's build) or is lost (Python clears a forked
    child's pending signals), and stopping the worker then waits for ever."""
    if not _CAN_HOLD:
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def ready() -> None:
    """In a worker started inside `starting_workers()`, once its handlers are set: the
    held signals (one may be waiting already) now reach it."""
    if _CAN_HOLD:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
