"""Datasets read from where the data lives: a file, a URL, a database, a spreadsheet.

A dataset entry under `data:` that is a mapping with one of the keys in SOURCES
(`file`, `url`, `sql`, `xlsx`, `json`) is a source; its keys are declared in
`report.model.Source`. Each kind is one module with `KEY` and
`read(spec, at) -> Fetched`; this package runs them after the data file is loaded
(and `--set` applied, so query parameters can be set from the command line), and
hands the model stage rows whose marks point at the dataset's line in the data file.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostics, Mark
from ..load import MAX_ROWS, Loaded, Places, YList, YMap, csv_value
# Each kind's module by its key, imported when a dataset of that kind is read: a briefing
# of CSV files never imports urllib.request, http.client and certifi (the url module) or
# the database and spreadsheet readers. Each module's KEY is its key here.
SOURCES = {"file": "file_source", "url": "url", "sql": "sql", "xlsx": "xlsx", "json": "json_source"}
LIVE = ("url", "sql")     # kinds whose data can change with no file changing (never kept: report/up_to_date.py)


def reader(kind: str):
    """The module that reads datasets of `kind` (a key of SOURCES)."""
    import importlib
    return importlib.import_module(f".{SOURCES[kind]}", __name__)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class SourceError(Exception):
    """The source's own message, reported at the dataset's line in the data file."""

    def __init__(self, message: str, key: str | None = None):
        super().__init__(message)
        self.key = key           # the spec key the problem belongs to (its mark is used)


@dataclass(frozen=True)
class Settings:
    """What the command line says about reading sources."""
    offline: bool = False
    cache_dir: Path | None = None          # the caches' root; URL responses go in its http/ folder


@dataclass
class At:
    """Everything a source reader needs besides its spec."""
    name: str
    path: str                    # data.<name>
    mark: Mark
    places: Places
    settings: Settings
    diags: Diagnostics
    cwd: Path
    spec_marks: dict = field(default_factory=dict)

    def mark_of(self, key: str | None) -> Mark:
        return self.spec_marks.get(key, self.mark) if key else self.mark

    def warning(self, message: str, key: str | None = None) -> None:
        self.diags.warning(self.mark_of(key), self.path, message)


@dataclass
class Fetched:
    """A source's table: column names, rows of values, and where each cell came from."""
    columns: list[str]
    rows: list[list]
    cell_name: object = None     # (row index, column index) -> "sheet 'Sales', cell B4"
    describe: str = ""           # what it was read from, for the attached file's description


class SourceRows(YList):
    """Rows from a source, as the model stage takes them, plus what the source knows."""
    describe: str
    as_of: dt.date | None
    cell_names: object

    def cell_name(self, i: int, column: str) -> str | None:
        return self.cell_names(i, column) if self.cell_names else None


def is_source(entry) -> bool:
    return isinstance(entry, dict) and any(k in entry for k in SOURCES)


def value(v):
    """A cell as the datasets hold it: dates for ISO dates and midnight times, plain numbers."""
    import decimal
    if isinstance(v, bool) or v is None or isinstance(v, (int, float)):
        return v
    if isinstance(v, decimal.Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, dt.datetime):
        return v.date() if v.time() == dt.time(0) and v.tzinfo is None else v
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):          # only an ISO date is read from text; "007" stays text
        parsed = csv_value(v) if _ISO_DATE.fullmatch(v.strip()) else v
        return parsed if isinstance(parsed, dt.date) else v
    if isinstance(v, (bytes, bytearray, memoryview)):
        raise SourceError("a column holds binary data; select text, numbers or dates")
    return str(v)


def load_sources(loaded: Loaded, settings: Settings, diags: Diagnostics) -> None:
    """Read every source entry of `data:` into `loaded.files` (None where it failed)."""
    data = loaded.tree.get("data")
    if not isinstance(data, YMap):
        return
    for name, entry in data.items():
        if is_source(entry):
            loaded.files[name] = read(name, entry, data.value_mark(name), loaded, settings, diags)


def read(name, entry, mark, loaded: Loaded, settings: Settings, diags: Diagnostics):
    from ..model import INVALID, Ctx, Source
    path = f"data.{name}"
    spec = Source.validate(entry, mark, path, Ctx(diags, (), ()))
    if spec is INVALID:
        return None
    at = At(name, path, mark, loaded.places, settings, diags, loaded.places.cwd, dict(spec.marks))
    kind = spec.kind
    try:
        fetched = reader(kind).read(spec, at)
        if fetched is None:          # the reader reported its problems itself
            return None
        rows = _rows(fetched, mark)
        rows.as_of = as_of(spec, rows, at)
    except SourceError as e:
        diags.error(at.mark_of(e.key or kind), f"{path}.{e.key or kind}", str(e))
        return None
    except (ValueError, TypeError, LookupError, RecursionError, OverflowError, OSError) as e:
        # What a reader did not foresee in the content it was given is still bad input: say it
        # at the dataset, never as a crash (exit 1).
        detail = " ".join(str(e).split())[:120] or e.__class__.__name__
        diags.error(at.mark_of(kind), f"{path}.{kind}", f"cannot read this dataset: {detail}")
        return None
    check_age(spec, rows.as_of, at)
    return rows


def _rows(fetched: Fetched, mark: Mark) -> SourceRows:
    if isinstance(fetched, YList):           # a local file: marks already point into it
        rows = SourceRows(fetched)
        rows.mark, rows.item_marks = fetched.mark, fetched.item_marks
        rows.describe, rows.cell_names = getattr(fetched, "describe", ""), None
        return rows
    if len(fetched.rows) > MAX_ROWS:
        raise SourceError(f"{len(fetched.rows):,} rows; a briefing dataset takes at most {MAX_ROWS:,}")
    rows = SourceRows()
    rows.mark, rows.item_marks = mark, []
    for cells in fetched.rows:
        row = YMap()
        row.mark, row.key_marks, row.value_marks = mark, {}, {}
        for column, cell in zip(fetched.columns, cells):
            row[column] = value(cell)
        rows.append(row)
        rows.item_marks.append(mark)
    index = {c: i for i, c in enumerate(fetched.columns)}
    names = fetched.cell_name
    rows.describe = fetched.describe
    rows.cell_names = (lambda i, column: names(i, index.get(column, 0))) if names else None
    return rows


def as_of(spec, rows, at: At):
    """The dataset's date: fixed, or the latest value of a column."""
    when = spec.as_of
    if when is None or isinstance(when, dt.date):
        return when
    column = when[1]
    values = [r.get(column) for r in rows if isinstance(r, dict)]
    if not any(column in r for r in rows):
        columns = list(dict.fromkeys(c for r in rows for c in r))
        from ..diagnostics import did_you_mean
        raise SourceError(f"the data has no column '{column}'{did_you_mean(column, columns)}"
                          f" (columns: {', '.join(columns)})", "as_of")
    dates = []
    for v in values:
        if isinstance(v, str):
            try:
                v = dt.date.fromisoformat(v.strip())
            except ValueError:
                continue
        if isinstance(v, dt.datetime):
            v = v.date()
        if isinstance(v, dt.date):
            dates.append(v)
    if not dates:
        raise SourceError(f"column '{column}' holds no dates (YYYY-MM-DD)", "as_of")
    return max(dates)


def check_age(spec, when, at: At) -> None:
    """max_age: data older than allowed is a warning (an error under --strict)."""
    if spec.max_age is None or when is None:
        return
    today = dt.datetime.now(dt.timezone.utc).date()
    age = (today - when).days
    if age > spec.max_age:
        at.warning(f"the data is as of {when.isoformat()}, {age} days old; max_age allows {spec.max_age} "
                   f"(has the feed stopped updating?)", "max_age")


def age_text(seconds: float) -> str:
    """'3 minutes', '5 hours', '2 days': how old a cached copy is."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return "less than a minute"
