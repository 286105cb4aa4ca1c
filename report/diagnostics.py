"""Problems in the input, each pointing at a place in a file.

Every stage reports through a `Diagnostics` collector; the command prints them as
`file:line:col: severity: key.path: message`, one per line.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mark:
    """A place in a file: 1-based line and column."""
    file: str
    line: int
    col: int


@dataclass(frozen=True)
class Diagnostic:
    mark: Mark | None
    path: str            # key path in the data file, e.g. sections[2].content[1].figure.chart
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.mark.file}:{self.mark.line}:{self.mark.col}: " if self.mark else ""
        path = f"{short_path(self.path)}: " if self.path else ""
        return f"{where}{self.severity}: {path}{self.message}"


class InputError(Exception):
    """Raised when the input cannot go further; carries every problem found so far."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("\n".join(map(str, diagnostics)))
        self.diagnostics = diagnostics


@dataclass
class Diagnostics:
    """Collects problems; `strict` turns warnings into errors."""
    strict: bool = False
    items: list[Diagnostic] = field(default_factory=list)
    refused: set = field(default_factory=set)     # places whose value was refused: nothing more to say there

    def error(self, mark: Mark | None, path: str, message: str) -> None:
        if mark is not None and mark in self.refused:
            return
        self.items.append(Diagnostic(mark, path, shorten(message), "error"))

    def refuse(self, mark: Mark, path: str, message: str) -> None:
        """An error for a value that is dropped, and no follow-up errors at its place
        (a refused tag is not also 'expected text, found nothing')."""
        self.error(mark, path, message)
        self.refused.add(mark)

    def warning(self, mark: Mark | None, path: str, message: str) -> None:
        self.items.append(Diagnostic(mark, path, shorten(message), "error" if self.strict else "warning"))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise InputError(sorted_diagnostics(self.items))


QUOTED_LIMIT = 60      # characters of quoted input a message shows


def shorten(message: str) -> str:
    """Quoted input longer than a screen line's share is cut with an ellipsis, and so
    is any unbroken run of characters (a 400-digit number, a long word)."""
    def cut(text: str) -> str:
        return text if len(text) <= QUOTED_LIMIT else text[:QUOTED_LIMIT - 1] + "…"
    message = re.sub(r"(?<!\w)'([^'\n]{%d,}?)'(?!\w)" % (QUOTED_LIMIT + 1), lambda m: f"'{cut(m.group(1))}'", message)
    return re.sub(r"[^\s']{%d,}" % (QUOTED_LIMIT * 2 + 1), lambda m: cut(m.group(0)), message)


PATH_LIMIT = 80        # characters of a key path a message shows


def short_path(path: str) -> str:
    """A key path that fits in a line: its start and its end, with '…' between."""
    if len(path) <= PATH_LIMIT:
        return path
    return path[:PATH_LIMIT // 2 - 1] + "…" + path[-(PATH_LIMIT // 2):]


def sorted_diagnostics(items: list[Diagnostic]) -> list[Diagnostic]:
    """File order, so a user reads them top to bottom; duplicates dropped."""
    def key(d: Diagnostic):
        m = d.mark
        return (m is None, m.file if m else "", m.line if m else 0, m.col if m else 0)
    return sorted(dict.fromkeys(items), key=key)


def did_you_mean(word: str, choices) -> str:
    """' (did you mean 'x'?)' for a near miss, else ''."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
