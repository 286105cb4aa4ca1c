"""`--changes-since PREVIOUS.pdf`: what changed since the last edition, from its attached data.

The previous edition's attached CSV files (report/attachments.py) are compared with
what this build attaches: key figures (old value, new value, the difference), rows
added, removed and changed in each dataset (rows are matched on the first column when
its values are unique, else compared whole), and the charts drawn from a dataset that
changed. The result is a section "What changed since the edition of <date>" at the
start of the briefing and, with `--changes-summary FILE`, the same as Markdown.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .attachments import KEY_FIGURES
from .diagnostics import Diagnostic, InputError

MAX_LISTED = 8           # rows listed per dataset and kind of change; the rest are counted
NO_CHANGE = "No data changed"


@dataclass
class Previous:
    date: dt.date | None
    files: dict              # name -> bytes


@dataclass
class DatasetChange:
    name: str
    added: list = field(default_factory=list)       # rows, as text cells
    removed: list = field(default_factory=list)
    changed: list = field(default_factory=list)     # (key, [(column, old, new)])
    columns_added: list = field(default_factory=list)
    columns_removed: list = field(default_factory=list)
    new: bool = False
    gone: bool = False


@dataclass
class Changes:
    since: dt.date | None
    key_figures: list = field(default_factory=list)     # (label, old, new, difference text)
    datasets: list = field(default_factory=list)        # DatasetChange
    charts: list = field(default_factory=list)          # "Figure 2 (caption)"

    @property
    def any(self) -> bool:
        return bool(self.key_figures or self.datasets)


def read_previous(path: Path) -> Previous:
    """The previous edition's date and attached files; a clear error when it has none."""
    import pikepdf

    def fail(message):
        return InputError([Diagnostic(None, "", f"--changes-since {path}: {message}")])
    if not path.is_file():
        raise fail("no such file")
    try:
        with pikepdf.open(path) as pdf:
            files = {name: spec.get_file().read_bytes() for name, spec in pdf.attachments.items()}
            created = str(pdf.trailer.get("/Info", {}).get("/CreationDate", ""))
    except (pikepdf.PdfError, OSError, ValueError) as e:
        raise fail(f"not a readable PDF ({e.__class__.__name__})") from None
    if not files:
        raise fail("the PDF has no attached data (built before data was attached, or with --no-attach)")
    m = re.match(r"D:(\d{4})(\d\d)(\d\d)", created)
    date = None
    if m:
        try:
            date = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    return Previous(date, files)


def _rows(data: bytes) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8", "replace"), newline="")))
    return (rows[0], rows[1:]) if rows else ([], [])


_NUMBER = re.compile(r"[-+−]?\d[\d,\u00a0\u202f ]*(?:\.\d+)?")


def _number(text: str) -> float | None:
    m = _NUMBER.search(text or "")
    if not m:
        return None
    try:
        return float(re.sub(r"[,\u00a0\u202f ]", "", m.group(0)).replace("−", "-"))
    except ValueError:
        return None


def _difference(old: str, new: str) -> str:
    a, b = _number(old), _number(new)
    if a is None or b is None:
        return ""
    d = b - a
    text = f"{d:+,.0f}" if d.is_integer() else f"{d:+,.2f}".rstrip("0").rstrip(".")
    if a:
        text += f", {d / abs(a):+.1%}"
    return text


def compare(previous: Previous, files, resolved) -> Changes:
    current = {f.name: f for f in files}
    changes = Changes(previous.date)
    old_kf = dict(_rows(previous.files[KEY_FIGURES])[1]) if KEY_FIGURES in previous.files else {}
    if KEY_FIGURES in current:
        for label, value in _rows(current[KEY_FIGURES].data)[1]:
            if label in old_kf and old_kf[label] != value:
                changes.key_figures.append((label, old_kf[label], value, _difference(old_kf[label], value)))
    changed_anchors = set()
    names = [n for n in current if n != KEY_FIGURES] + [n for n in previous.files
                                                         if n not in current and n != KEY_FIGURES]
    for name in names:
        old, new = previous.files.get(name), current[name].data if name in current else None
        if old == new:
            continue
        change = _dataset(name.removesuffix(".csv"), old, new)
        if change is not None:
            changes.datasets.append(change)
            if name in current:
                changed_anchors.update(current[name].anchors)
    for fig in resolved.figures:
        if fig.anchor in changed_anchors and fig.chart is not None:
            caption = "".join(r.text for r in fig.caption).strip()
            label = resolved.labels.get("figure", "Figure")
            changes.charts.append(f"{label} {fig.number}" + (f" ({caption})" if caption else ""))
    return changes


def _dataset(name, old: bytes | None, new: bytes | None) -> DatasetChange | None:
    if old is None:
        return DatasetChange(name, added=_rows(new)[1], new=True)
    if new is None:
        return DatasetChange(name, removed=_rows(old)[1], gone=True)
    (h0, r0), (h1, r1) = _rows(old), _rows(new)
    change = DatasetChange(name, columns_added=[c for c in h1 if c not in h0],
                           columns_removed=[c for c in h0 if c not in h1])
    keyed = h0[:1] == h1[:1] and h0 and len({r[0] for r in r0 if r}) == len(r0) and \
        len({r[0] for r in r1 if r}) == len(r1)
    if keyed:
        before = {r[0]: dict(zip(h0, r)) for r in r0 if r}
        after = {r[0]: dict(zip(h1, r)) for r in r1 if r}
        change.removed = [r for r in r0 if r and r[0] not in after]
        change.added = [r for r in r1 if r and r[0] not in before]
        for key, row in after.items():
            if key in before:
                diffs = [(c, before[key].get(c, ""), row.get(c, "")) for c in h1
                         if c in before[key] and before[key][c] != row.get(c, "")]
                if diffs:
                    change.changed.append((key, diffs))
    else:
        c0, c1 = Counter(map(tuple, r0)), Counter(map(tuple, r1))
        change.removed = [list(r) for r in (c0 - c1).elements()]
        change.added = [list(r) for r in (c1 - c0).elements()]
    if not (change.added or change.removed or change.changed or change.columns_added or change.columns_removed):
        return None
    return change


# ---------------------------------------------------------------- as text

def format_date(d: dt.date | None) -> str:
    return f"{d.day} {d.strftime('%B')} {d.year}" if d else "an unknown date"


def escape(text: str) -> str:
    """Text as Markdown that prints it literally (no emphasis, values, references or links)."""
    return re.sub(r"([\\`*_\[\]{}<>@~|#&])", r"\\\1", " ".join(str(text).split()))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def title(changes: Changes, labels: dict) -> str:
    return f"{labels.get('changes', 'What changed since the edition of')} {format_date(changes.since)}"


def markdown(changes: Changes) -> str:
    """The section's body as Markdown: key figures, datasets, charts."""
    if not changes.any:
        return f"{NO_CHANGE} since the edition of {format_date(changes.since)}."
    parts = []
    if changes.key_figures:
        parts.append("**Key figures**")
        parts.append("\n".join(f"- {escape(label)}: {escape(old)} → {escape(new)}"
                               + (f" ({escape(diff)})" if diff else "")
                               for label, old, new, diff in changes.key_figures))
    if changes.datasets:
        parts.append("**Data**")
        lines = []
        for d in changes.datasets:
            if d.new:
                lines.append(f"- *{escape(d.name)}*: a new dataset, {_plural(len(d.added), 'row')}")
                continue
            if d.gone:
                lines.append(f"- *{escape(d.name)}*: no longer used ({_plural(len(d.removed), 'row')} before)")
                continue
            counts = [f"{_plural(len(d.added), 'row')} added", f"{len(d.removed)} removed", f"{len(d.changed)} changed"]
            line = f"- *{escape(d.name)}*: " + ", ".join(counts)
            if d.columns_added:
                line += "; new columns: " + ", ".join(escape(c) for c in d.columns_added)
            if d.columns_removed:
                line += "; columns dropped: " + ", ".join(escape(c) for c in d.columns_removed)
            lines.append(line)
            for kind, rows in (("added", d.added), ("removed", d.removed)):
                for row in rows[:MAX_LISTED]:
                    lines.append(f"- *{escape(d.name)}*, {kind}: " + escape(", ".join(row)))
                if len(rows) > MAX_LISTED:
                    lines.append(f"- *{escape(d.name)}*: {len(rows) - MAX_LISTED} more {kind}")
            for key, diffs in d.changed[:MAX_LISTED]:
                lines.append(f"- *{escape(d.name)}*, {escape(key)}: " + "; ".join(
                    f"{escape(c)} {escape(a) or '(blank)'} → {escape(b) or '(blank)'}" for c, a, b in diffs))
            if len(d.changed) > MAX_LISTED:
                lines.append(f"- *{escape(d.name)}*: {len(d.changed) - MAX_LISTED} more changed")
        parts.append("\n".join(lines))
    if changes.charts:
        parts.append("**Charts whose data changed:** " + "; ".join(escape(c) for c in changes.charts) + ".")
    return "\n\n".join(parts)


def summary(changes: Changes, labels: dict) -> str:
    """The Markdown for a CI job summary or release notes."""
    return f"## {title(changes, labels)}\n\n{markdown(changes)}\n"
