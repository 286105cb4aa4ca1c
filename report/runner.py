"""Build one data file for the command line: the build, its messages, its exit
code, and interruption. `cli` (one file), `batch` (each worker) and `watch` (each
rebuild) all build through `run`; none of them imports another.

Exit codes: 0 written (or valid with --check), 1 failed while building, 2 the
input is invalid, 130 interrupted. Nothing here ever prints a traceback.
"""
from __future__ import annotations

import contextlib
import signal
from dataclasses import dataclass, replace
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2
EXIT_INTERRUPTED = 130


class Stop(Exception):
    """SIGTERM, turned into an exception so the temporary PDF is cleaned up."""


def _on_term(signum, frame):
    raise Stop()


@contextlib.contextmanager
def stop_on_sigterm():
    """While inside, SIGTERM raises Stop (like Ctrl-C raises KeyboardInterrupt).
    (Windows cannot send SIGTERM to another process; Ctrl-C works there too.)"""
    previous = signal.signal(signal.SIGTERM, _on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


INTERRUPTIONS = (KeyboardInterrupt, Stop)


@dataclass(frozen=True)
class Outcome:
    code: int
    inputs: frozenset = frozenset()     # every input file the build read or looked for (absolute)


def run(data: Path, out: Path, opts, console, invalid_note: str = "no PDF written",
        verbose: bool = False) -> Outcome:
    """Build one file, print its problems and summary. KeyboardInterrupt and Stop
    are left to the caller (after clearing the progress line)."""
    from .build import WriteError, build
    from .diagnostics import Diagnostic, InputError
    from .progress import summary
    opts = replace(opts, progress=console.progress(str(data)))
    try:
        result = build(data, out, opts)
    except InputError as e:
        for d in e.diagnostics:
            console.problem(d)
        errors = sum(d.severity == "error" for d in e.diagnostics)
        console.problem(f"{data}: {errors} error{'s' if errors != 1 else ''}; {invalid_note}")
        return Outcome(EXIT_INVALID, frozenset(getattr(e, "inputs", ())))
    except INTERRUPTIONS:
        console.clear()
        raise
    except WriteError as e:
        console.problem(f"{data}: error: {e}")
        return Outcome(EXIT_FAILED, frozenset(getattr(e, "inputs", ())))
    except Exception as e:      # a bug or a system problem: one line, never a traceback
        console.problem(f"{data}: error: build failed: {e.__class__.__name__}: {e}")
        return Outcome(EXIT_FAILED, frozenset(getattr(e, "inputs", ())))
    for d in result.diagnostics:
        console.problem(d)
    if verbose:
        for mark, path, message in result.layout:
            console.problem(Diagnostic(mark, path, message, "note"))
    if opts.check_only:
        console.info(f"{data}: valid ({result.figures} figures, {result.tables} tables)")
    else:
        console.info(summary(result))
    return Outcome(EXIT_OK, frozenset(result.inputs))
