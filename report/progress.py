"""What the command prints while it works, and the one line it prints at the end.

On a terminal, a single status line on stderr is rewritten as the build moves
through its stages (load, charts k/N, layout pass k, write) and erased when it is
done. When stderr is not a terminal (CI logs, pipes) nothing is animated: only
problems and the summary are printed. `-q` prints only problems.
"""
from __future__ import annotations

import os
import shutil
import sys

ERASE = "\r\x1b[K"


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty() and os.environ.get("TERM", "") != "dumb"
    except (AttributeError, ValueError):
        return False


def stage_text(stage: str, k: int = 0, n: int = 0) -> str:
    if stage == "charts":
        return f"charts {k}/{n}"
    if stage == "layout":
        return f"layout pass {k}"
    if stage == "write":
        return "write"
    return stage


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(result) -> str:
    """`10 pages, 8 figures, 2 tables, 0 warnings, 2.81 s -> build/briefing.pdf`"""
    warnings = sum(d.severity == "warning" for d in result.diagnostics)
    unchanged = " (no input changed since the last build; --force builds it again)" if result.unchanged else ""
    return (f"{plural(result.pages, 'page')}, {plural(result.figures, 'figure')}, "
            f"{plural(result.tables, 'table')}, {plural(warnings, 'warning')}, "
            f"{result.seconds:.2f} s -> {result.output}{unchanged}")


class Console:
    """Problems go to stderr, the summary to stdout, the live status line to a terminal only."""

    def __init__(self, quiet: bool = False, out=None, err=None):
        self.quiet = quiet
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.live = not quiet and _is_terminal(self.err)
        self._showing = False

    def status(self, text: str) -> None:
        if not self.live:
            return
        width = max(shutil.get_terminal_size((80, 24)).columns - 1, 20)
        self.err.write(ERASE + text[:width])
        self.err.flush()
        self._showing = True

    def clear(self) -> None:
        if self._showing:
            self.err.write(ERASE)
            self.err.flush()
            self._showing = False

    def progress(self, label: str):
        """A callback for build.Options.progress, or None when nothing would be shown."""
        if not self.live:
            return None
        return lambda stage, k=0, n=0: self.status(f"{label}: {stage_text(stage, k, n)}")

    def problem(self, line) -> None:
        self.clear()
        print(line, file=self.err, flush=True)

    def info(self, line) -> None:
        if self.quiet:
            return
        self.clear()
        print(line, file=self.out, flush=True)
