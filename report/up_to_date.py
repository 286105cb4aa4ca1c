"""Before stage 1: a build whose inputs are all as they were stands as it is.

After each successful build, a record in the data-only cache (report/cache.py,
`<cache>/builds/`) says what its PDF was made from: every file the build read or
looked for, each with its SHA-256 (or that it was missing); and, in one stamp, the
options, SOURCE_DATE_EPOCH, today's date (`today` and max_age read it), the fonts/
folder's listing, and the size and mtime of every file of this program and of the
libraries it draws with. The next build of the same data file to the same PDF
computes the stamp, hashes the same files and the PDF; when all are as recorded, the
PDF is the one this build would write (builds are deterministic: tests/test_one_pass.py
and tests/test_linebreaks.py compare cached and fresh builds byte for byte), so it
stops there, before importing ReportLab or matplotlib, and reports the recorded
summary and warnings again.

Never reused: a briefing with URL or database datasets (their data changes where no
file shows it), --no-cache, --force, --check, --export-figures and --changes-since
builds. A file changed while the build ran is not recorded (its mtime is later than
the build's start), so the next build makes the PDF again.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import os
import sys
import time
from pathlib import Path

RECORD_VERSION = "1"
# Import names of the libraries whose code shapes the PDF (their files' mtimes are in the stamp).
LIBRARIES = ("reportlab", "matplotlib", "numpy", "PIL", "yaml", "markdown_it", "mdit_py_plugins", "pyphen",
             "fontTools", "svglib", "pikepdf", "openpyxl", "babel", "citeproc", "lxml", "rl_accel")
ENVIRONMENT = ("SOURCE_DATE_EPOCH", "REPORT_UNTAGGED")     # variables a build reads (report/build.py, layout/tagging.py)
CHUNK = 1 << 20


def reusable_options(opts) -> bool:
    return (opts.use_cache and opts.reuse and not opts.check_only and opts.export_figures is None
            and opts.changes_since is None)


def _code_files() -> list[tuple[str, int, int]]:
    """(path, size, mtime) of this package's files and of each library's top-level module file."""
    here = Path(__file__).resolve().parent
    out = []
    for folder, dirs, files in os.walk(here):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            st = os.stat(os.path.join(folder, name))
            out.append((os.path.join(folder, name), st.st_size, st.st_mtime_ns))
    for name in LIBRARIES:
        spec = importlib.util.find_spec(name)      # finds, does not import
        origin = spec.origin if spec is not None else None
        if origin and os.path.exists(origin):
            st = os.stat(origin)
            out.append((origin, st.st_size, st.st_mtime_ns))
        else:
            out.append((name, -1, -1))
    return out


def _fonts() -> list[tuple[str, int, int]]:
    from .theme import FONT_DIR
    try:
        entries = sorted(os.scandir(FONT_DIR), key=lambda e: e.name)
    except OSError:
        return []
    return [(e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in entries if e.is_file()]


def stamp(data_path: Path, out_path: Path, opts) -> str:
    """Everything besides the input files that decides what the PDF holds."""
    today = dt.date.today().isoformat(), dt.datetime.now(dt.timezone.utc).date().isoformat()
    material = repr((RECORD_VERSION, sys.version, str(data_path.resolve()), str(out_path.resolve()),
                     opts.strict, opts.print_edition, opts.pdfa, opts.attach, opts.offline, opts.overrides,
                     tuple(str(Path(p).resolve()) for p in opts.allow_outside),
                     [os.environ.get(name, "") for name in ENVIRONMENT], today, _fonts(), _code_files()))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def _hash(path: Path) -> str | None:
    """SHA-256 of the file's bytes; None when it is missing or cannot be read."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(CHUNK):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def _store(opts):
    from .build import cache_root
    from .cache import Store
    return Store(cache_root(opts) / "builds", "builds")


def _key(data_path: Path, out_path: Path) -> str:
    return hashlib.sha256(f"{data_path.resolve()}\0{out_path.resolve()}".encode("utf-8")).hexdigest()[:32]


def _read_record(data) -> dict:
    """The record as previous() uses it (diagnostics and notes made again); any other
    shape raises, which the cache takes as a miss."""
    from .diagnostics import Diagnostic, Mark
    if not (isinstance(data, dict) and isinstance(data["stamp"], str) and isinstance(data["output"], str)):
        raise ValueError("not a build record")
    for path, digest in data["inputs"]:
        if not isinstance(path, str) or not (digest is None or isinstance(digest, str)):
            raise ValueError("not a build record")
    summary = {k: data["summary"][k] for k in ("pages", "figures", "tables")}
    if not all(type(v) is int for v in summary.values()):
        raise ValueError("not a build record")
    diagnostics = [Diagnostic(Mark(*mark) if mark else None, path, message, severity)
                   for mark, path, message, severity in data["diagnostics"]]
    layout = [(Mark(*mark) if mark else None, path, message) for mark, path, message in data["layout"]]
    return {**data, "summary": summary, "diagnostics": diagnostics, "layout": layout}


def previous(data_path: Path, out_path: Path, opts):
    """(the last build's Result when nothing it depends on has changed, else None;
    the input files whose bytes differ from the last build's, None without a record)."""
    if not reusable_options(opts):
        return None, None
    started = time.perf_counter()
    record = _store(opts).get(_key(data_path, out_path), _read_record)
    if record is None:
        return None, None
    changed = frozenset(Path(path) for path, digest in record["inputs"] if _hash(Path(path)) != digest)
    if changed or record["stamp"] != stamp(data_path, out_path, opts) or _hash(out_path) != record["output"]:
        return None, changed  # an input, the program or an option changed; or the PDF was removed or replaced
    from .build import Result
    s = record["summary"]
    return Result(out_path, record["diagnostics"], pages=s["pages"], figures=s["figures"], tables=s["tables"],
                  layout=record["layout"], inputs={Path(p) for p, _ in record["inputs"]},
                  seconds=time.perf_counter() - started, unchanged=True), changed


def live_sources(tree) -> bool:
    """Does the briefing read a URL or a database?"""
    from .sources import LIVE
    data = tree.get("data") if isinstance(tree, dict) else None
    return isinstance(data, dict) and any(isinstance(entry, dict) and any(k in entry for k in LIVE)
                                          for entry in data.values())


def _mark(mark):
    return None if mark is None else (mark.file, mark.line, mark.col)


def remember(data_path: Path, out_path: Path, opts, result, started_ns: int) -> None:
    """Record a successful build, unless an input changed while it ran."""
    inputs = []
    for path in sorted(result.inputs):
        try:
            if os.stat(path).st_mtime_ns >= started_ns:
                return        # changed during the build: the PDF may show either version
        except OSError:
            pass              # missing: recorded as missing
        inputs.append((str(path), _hash(path)))
    _store(opts).put(_key(data_path, out_path), {
        "stamp": stamp(data_path, out_path, opts),
        "output": _hash(out_path),
        "inputs": inputs,
        "summary": {"pages": result.pages, "figures": result.figures, "tables": result.tables},
        "diagnostics": [(_mark(d.mark), d.path, d.message, d.severity) for d in result.diagnostics],
        "layout": [(_mark(mark), path, message) for mark, path, message in result.layout],
    })
