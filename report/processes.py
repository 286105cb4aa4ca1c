"""Which way worker processes start (chart pool, background chart process, batches),
and when the processes of a build collect cycles (`no_collections`, `few_collections`).

`fork` is fast (a worker inherits the imported libraries) but exists only on
POSIX and is unsafe on macOS (system frameworks may hold locks across it), so it
is used on Linux only; elsewhere workers are started with `spawn`, which imports
the program afresh in each worker: jobs are plain picklable data and worker
functions are module-level. BRIEFING_START_METHOD=spawn|fork|forkserver forces a
method (the test suite forces `spawn` on Linux to test that path).
"""
from __future__ import annotations

import contextlib
import os
import signal
import sys

ENV = "BRIEFING_START_METHOD"


def start_method() -> str:
    import multiprocessing     # here: the command imports this module before it knows it needs workers
    available = multiprocessing.get_all_start_methods()
    forced = os.environ.get(ENV, "").strip().lower()
    if forced in available:
        return forced
    return "fork" if sys.platform.startswith("linux") and "fork" in available else "spawn"


def context():
    """The multiprocessing context every pool and worker process of a build uses."""
    import multiprocessing
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


# The cycle collector. A build's objects nearly all live until it ends (the data, the
# story, every line of every paragraph, the page streams), and a chart process's imports
# (matplotlib's: a third of a million objects) as long as the process. At CPython's
# default thresholds (700, 10, 10) the collector walks them all again and again: on the
# 250-page stress file 7 full collections took 0.65 s of a 4 s rebuild, and each process
# of a cold build of the example spent about 0.05 s in it. A build leaves little garbage
# in cycles (the 250-page file: 11 MB), so a process that builds does not collect while it
# builds (`no_collections`), and one that builds again collects in full after each build
# (`collect_between_builds`). Every matplotlib figure is a cycle: a process that draws
# charts collects young cycles, rarely (`few_collections`), once its imports are frozen
# (`imports_kept`).
FEW_COLLECTIONS = (50_000, 20, 100)


def no_collections() -> None:
    """First thing in a process that builds (the command's; a batch worker)."""
    import gc
    gc.disable()


def few_collections() -> None:
    """In a process that draws charts: young cycles collected every 50,000 allocations,
    the oldest generation practically never."""
    import gc
    gc.set_threshold(*FEW_COLLECTIONS)
    gc.enable()


@contextlib.contextmanager
def collecting():
    """Around drawing charts in a process that builds (figures exported from the command's
    own process): young cycles collected, as in a chart process; as before afterwards."""
    import gc
    was, thresholds = gc.isenabled(), gc.get_threshold()
    few_collections()
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if not was:
            gc.disable()


@contextlib.contextmanager
def imports_kept():
    """Around a chart worker's imports: no collection while they load, and frozen once
    loaded, so that no collection walks them again; then `few_collections`. A cycle left
    as garbage in here would be kept, not freed: only imports go inside."""
    import gc
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        few_collections()


def collect_between_builds() -> None:
    """After a build in a process that builds again: free what the build left in cycles."""
    import gc
    gc.collect()
