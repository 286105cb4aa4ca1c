"""Stage 6: run the stages in order and write the PDF atomically.

The document is laid out in one pass (page numbers are filled in at its end:
report/layout/late_forms.py); the PDF goes to a temporary file beside the
target and is renamed into place only when the build succeeded.
"""
from __future__ import annotations

import calendar
import contextlib
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostics, InputError, Mark, sorted_diagnostics

DEFAULT_EPOCH = 946684800      # 2000-01-01, ReportLab's invariant date, when nothing else says


@dataclass
class Options:
    strict: bool = False
    check_only: bool = False
    jobs: int = 1
    use_cache: bool = True
    cache_dir: Path | None = None         # caches' root (charts/, fonts/); None: the user's cache folder
    allow_outside: tuple[Path, ...] = ()
    print_edition: bool = False
    export_figures: Path | None = None
    overrides: tuple[str, ...] = ()       # --set key.path=value, applied to the loaded tree
    progress: object = None               # callable(stage, k, n): "load", "charts", "layout", "write"
    pdfa: bool = True                     # PDF/A-2b (XMP, sRGB output intent); --no-pdfa turns it off
    offline: bool = False                 # URL datasets from the cache only (--offline)
    attach: bool = True                   # embed each dataset as CSV (PDF/A-3b); --no-attach turns it off
    changes_since: Path | None = None     # the previous edition: add "What changed since ..." (--changes-since)
    changes_summary: Path | None = None   # also write that section as Markdown (--changes-summary)
    reuse: bool = True                    # nothing changed since the last build: keep its PDF (--force: build)


@dataclass
class Result:
    output: Path | None
    diagnostics: list
    pages: int = 0
    figures: int = 0
    tables: int = 0
    passes: int = 0
    cache_hits: int = 0
    cache_misses: int = 0
    seconds: float = 0.0
    timings: dict = field(default_factory=dict)
    layout: list = field(default_factory=list)      # Diagnostics-like notes: what moved or was scaled
    inputs: set = field(default_factory=set)        # every input file read or looked for (absolute paths)
    unchanged: bool = False                         # the last build's PDF stands (report/up_to_date.py)


def prepare(data_path: Path, opts: Options, diags: Diagnostics, reads: set | None = None):
    """Stages 1-3: load, validate, resolve. Raises InputError with every problem found.
    `reads` collects the input files' absolute paths as their paths are resolved."""
    from . import model
    from .load import load
    from .resolve import resolve

    loaded = load(data_path, diags, allow_outside=opts.allow_outside, reads=reads)
    if opts.overrides:
        from .overrides import apply_overrides
        apply_overrides(loaded, opts.overrides, diags)
    from .sources import Settings, load_sources
    load_sources(loaded, Settings(opts.offline, cache_root(opts)), diags)   # kept under --no-cache: the fallback
    doc = model.validate(loaded, _ctx(diags, opts))
    if doc is None:
        diags.raise_if_errors()
    resolved = resolve(doc, loaded.places, diags)
    diags.raise_if_errors()
    return loaded, resolved


def _ctx(diags: Diagnostics, opts: Options):
    """What validation needs besides the data: the chart kinds and the fonts in fonts/."""
    from . import model
    from .charts.kinds import KINDS
    from .theme import available_families, font_problems
    return model.Ctx(diags, KINDS, available_families(cache_root=cache_root(opts)),
                     font_problems(cache_root=cache_root(opts)))


def add_changes(loaded, resolved, previous: Path, opts: Options):
    """The briefing again, with "What changed since the edition of <date>" as its first section;
    and that section as Markdown, for --changes-summary."""
    from . import model
    from .attachments import collect
    from .changes import compare, markdown, read_previous, summary, title
    from .load import YList, YMap
    from .resolve import resolve

    changes = compare(read_previous(previous), collect(resolved), resolved)
    where = Mark("--changes-since", 1, 1)
    section = YMap({"title": title(changes, resolved.labels), "content": [markdown(changes)]})
    section.mark, section.key_marks, section.value_marks = where, {}, {}
    sections = YList([section, *loaded.tree["sections"]])
    sections.mark, sections.item_marks = loaded.tree["sections"].mark, [where, *loaded.tree["sections"].item_marks]
    loaded.tree["sections"] = sections
    diags = Diagnostics()        # the first pass reported the briefing's own problems
    doc = model.validate(loaded, _ctx(diags, opts))
    if doc is not None:
        resolved = resolve(doc, loaded.places, diags)
    diags.raise_if_errors()
    return resolved, summary(changes, resolved.labels)


def cache_root(opts: Options) -> Path:
    from .cache import default_root
    return opts.cache_dir if opts.cache_dir is not None else default_root()


def chart_jobs(resolved, theme):
    """One job per chart, at the final size resolve gave it."""
    from .charts.draw import ChartJob
    return [ChartJob(fig.anchor, fig.chart, fig.rows, theme) for fig in [*resolved.figures, *resolved.sparklines]
            if fig.chart is not None]


def source_epoch(report_date) -> int:
    """SOURCE_DATE_EPOCH when set, else midnight UTC of report.date, else a fixed date."""
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if env.isdigit():
        return int(env)
    if report_date:
        return calendar.timegm(report_date.timetuple())
    return DEFAULT_EPOCH


@contextlib.contextmanager
def _epoch(seconds: int):
    """ReportLab reads SOURCE_DATE_EPOCH for every date it writes."""
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(seconds)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def _import_meanwhile(module: str) -> None:
    """Import `module` in a thread; an import that fails fails again where it is needed."""
    import importlib
    import threading

    def run():
        with contextlib.suppress(Exception):
            importlib.import_module(module)
    threading.Thread(target=run, name=f"import {module}", daemon=True).start()


def _attachments(resolved, opts: Options) -> tuple:
    """The datasets to attach to the PDF (none with --no-attach)."""
    if not opts.attach:
        return ()
    from .attachments import collect
    return collect(resolved)


def _archive(tmp: Path, resolved, record, pdfa: bool, diags: Diagnostics, files: tuple) -> None:
    """Structure tree (from layout's tag record), XMP, the attached datasets and PDF/A-2b
    (3b with attachments), written into the temporary file by one pikepdf pass, which
    compresses every stream as it saves."""
    from .archive import finish
    for problem in finish(tmp, record, pdfa=pdfa, language=resolved.doc.report.language, attachments=files):
        # rare (ReportLab embeds our fonts; CMYK images are printed in RGB): located at `report`
        diags.warning(resolved.doc.report.mark, "report",
                      f"the PDF is not valid PDF/A-{3 if files else 2}b: {problem}; --no-pdfa builds it as plain PDF")
    diags.raise_if_errors()      # --strict


def chart_warnings(resolved, charts, theme, diags: Diagnostics) -> None:
    """The charts' own notes, and characters in chart text that no font has, at each figure."""
    by_anchor = {f.anchor: f for f in resolved.figures}
    for anchor, note in charts.notes:
        fig = by_anchor[anchor]
        diags.warning(fig.mark, fig.path, note)
    covered = frozenset().union(*(face.codepoints for face in theme.all_faces()))
    for anchor, recording in charts.recordings.items():
        missing = sorted({c for text in recording.texts for c in text if ord(c) not in covered and c.isprintable()})
        for c in missing:
            fig = by_anchor[anchor]
            diags.warning(fig.mark, fig.path, f"character '{c}' (U+{ord(c):04X}) in the chart is in no font "
                                              f"in fonts/; it may print as a box")


def _write_text(path: Path, text: str) -> None:
    """Written beside its target and renamed into place, like the PDF."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    _readable(Path(tmp))
    os.replace(tmp, path)


class WriteError(Exception):
    """The finished PDF could not be put in place (the old one is kept)."""


def _replace(tmp: Path, out: Path) -> None:
    """Move the finished PDF over the old one; Windows refuses while a viewer holds it open."""
    for attempt in range(5):
        try:
            os.replace(tmp, out)
            return
        except PermissionError:
            if os.name != "nt" or attempt == 4:
                break
            time.sleep(0.2)          # a virus scanner or indexer may hold it for a moment
    raise WriteError(f"cannot replace {out}: another program has it open (close it in the PDF viewer) "
                     "or it is read-only; the previous PDF is kept")


def _readable(path: Path) -> None:
    """mkstemp makes files only the owner can read; a PDF gets the usual mode (umask applies)."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)


def _check_outputs(data_path: Path, out_path: Path, opts: Options, reads: set) -> None:
    """-o and --export-figures name places the program may write (report/output.py)."""
    from .output import check_export_folder, check_output
    check_output(out_path, data_path, lambda: reads)
    if opts.export_figures:
        check_export_folder(opts.export_figures)


def build(data_path: Path, out_path: Path, opts: Options) -> Result:
    """Build one briefing. Raises InputError for bad input; leaves no partial PDF.
    The Result (or the exception, as `inputs`) lists every input file the build read."""
    from .up_to_date import previous
    unchanged, changed = previous(data_path, out_path, opts)
    if unchanged is not None:
        return unchanged
    reads: set[Path] = set()
    try:
        return _build(data_path, out_path, opts, reads, changed)
    except Exception as e:          # watch still needs to know what to watch
        e.inputs = frozenset(reads)
        raise


def _build(data_path: Path, out_path: Path, opts: Options, reads: set, changed) -> Result:
    early = None
    if opts.use_cache and not opts.check_only and opts.export_figures is None:
        # A build that will draw charts starts the chart process first (report/charts/draw.py):
        # matplotlib's import then overlaps reading, validating and laying out.
        from .charts.draw import start_early
        datasets_changed = changed is not None and any(p != data_path.resolve() for p in changed)
        early = start_early(cache_root(opts) / "charts", data_path, datasets_changed)
    try:
        return _stages(data_path, out_path, opts, reads, early)
    finally:
        if early is not None:
            early.release()          # not given any charts (none to draw, or the build stopped)


def _stages(data_path: Path, out_path: Path, opts: Options, reads: set, early) -> Result:
    started, started_ns = time.perf_counter(), time.time_ns()
    timings = {}
    diags = Diagnostics(strict=opts.strict)
    progress = opts.progress or (lambda stage, k=0, n=0: None)
    progress("load", 0, 0)
    loaded, resolved = prepare(data_path, opts, diags, reads)
    if not opts.check_only:
        _check_outputs(data_path, out_path, opts, reads)
    changes_text = None
    if opts.changes_since:
        resolved, changes_text = add_changes(loaded, resolved, opts.changes_since, opts)
    timings["load+resolve"] = time.perf_counter() - started
    result = Result(None, diags.items, figures=len(resolved.figures), tables=len(resolved.tables),
                    inputs=reads)
    if opts.check_only:
        diags.raise_if_errors()
        result.seconds = time.perf_counter() - started
        return result

    from .charts.draw import Cache, start_drawing
    from .theme import make_theme

    style = resolved.doc.style
    theme = make_theme(style.font, style.size, tuple(style.palette), cache_root=cache_root(opts))
    geo = resolved.geometry
    t0 = time.perf_counter()
    cache = Cache(cache_root(opts) / "charts" if opts.use_cache else None,
                  fonts=frozenset(face.name for face in theme.all_faces()))
    if opts.export_figures:
        opts.export_figures.mkdir(parents=True, exist_ok=True)
    charts = start_drawing(chart_jobs(resolved, theme), cache, opts.jobs, opts.export_figures,
                           progress=progress, early=early, data_path=data_path if opts.use_cache else None)
    timings["charts (cached, or started)"] = time.perf_counter() - t0
    # Registered once the chart process has its charts: ReportLab parsing the faces (about
    # 0.1 s) then overlaps the drawing instead of delaying it.
    theme.register()
    result.cache_hits, result.cache_misses = cache.hits, cache.misses
    if charts.pending:
        # Layout will then wait for the chart process before the PDF is saved: the PDF/A
        # step's library (about 0.05 s to import) is imported meanwhile, not after it.
        _import_meanwhile("pikepdf")

    t0 = time.perf_counter()
    tmp = None
    try:
        from .layout.document import write_pdf
        out_path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=out_path.parent, prefix=f".{out_path.stem}.", suffix=".pdf.tmp")
        os.close(fd)
        tmp = Path(tmp_name)
        from .cache import Store
        from .layout.linebreaks import Session, patched
        breaks = Session(Store(cache_root(opts) / "layout", "layout") if opts.use_cache else None,
                         str(data_path.resolve()), [face.path for face in theme.all_faces()])
        from .layout.tagging import enabled as tagged
        files = _attachments(resolved, opts)
        # The pikepdf pass (_archive) decodes and compresses every stream again as it saves:
        # when it follows, ReportLab leaves page and form streams uncompressed (same bytes out).
        rewrite = tagged() or opts.pdfa or bool(files)
        with _epoch(source_epoch(resolved.doc.report.date)), breaks, patched():
            pages, passes, layout, record = write_pdf(tmp, resolved, charts, theme, geo, diags, opts.print_edition,
                                                      progress=progress, compress=not rewrite)
        charts.wait()
        chart_warnings(resolved, charts, theme, diags)
        diags.raise_if_errors()          # --strict: layout and chart warnings stop the build too
        progress("write", 0, 0)
        if rewrite:
            _archive(tmp, resolved, record, opts.pdfa, diags, files)
        _readable(tmp)
        _replace(tmp, out_path)
        if changes_text is not None and opts.changes_summary:
            _write_text(opts.changes_summary, changes_text)
    finally:
        charts.close()
        if tmp is not None:
            if tmp.exists():
                tmp.unlink()
    timings["layout+write"] = time.perf_counter() - t0
    result.output, result.pages, result.passes, result.layout = out_path, pages, passes, layout
    result.seconds = time.perf_counter() - started
    result.timings = timings
    result.diagnostics = sorted_diagnostics(diags.items)
    from .up_to_date import live_sources, remember, reusable_options
    if reusable_options(opts) and not live_sources(loaded.tree):
        remember(data_path, out_path, opts, result, started_ns)
    return result


__all__ = ["Options", "Result", "build", "prepare", "InputError", "Mark"]
